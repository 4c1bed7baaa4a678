import Foundation

/// `print.html`: an edition's chapters in order on one page, as mdBook's print page — to print, or to save as PDF
/// from the browser. The body is the chapters' rendered HTML; the theme's print stylesheet starts each chapter on a
/// new page, keeps figures whole and prints link addresses.
///
/// Each chapter keeps its own anchors apart from the others' (`09-long-range-decay--fig-bound-chart`), and links
/// between chapters become links within the page (`10-why.html#x` → `#10-why--x`, `10-why.html` → `#10-why`).
enum PrintEdition {
    static let fileName = "print.html"

    /// The page body: every chapter of the edition, each in a section whose id is its name.
    static func body(chapters: [(name: String, html: String)]) -> String {
        let names = Set(chapters.map(\.name))
        return chapters.map { chapter in
            "<section class=\"print-chapter\" id=\"\(escape(chapter.name))\">\n"
                + scoped(chapter.html, page: chapter.name, pages: names) + "\n</section>"
        }.joined(separator: "\n")
    }

    /// One chapter's HTML with its ids prefixed by its name and its links retargeted into the one page. A scan over
    /// the bytes for the three attributes that name anchors (` id="`, ` href="`, ` aria-labelledby="`): a regex
    /// over the whole book's HTML cost seconds per build.
    static func scoped(_ html: String, page: String, pages: Set<String>) -> String {
        let bytes = Array(html.utf8)
        let attributes = [" id", " href", " aria-labelledby"].map { Array(($0 + "=\"").utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 20)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\n"),
                  let attribute = attributes.first(where: { pattern in
                      index + pattern.count <= bytes.count && bytes[(index + 1)..<(index + pattern.count)].elementsEqual(pattern.dropFirst())
                  }),
                  let close = bytes[(index + attribute.count)...].firstIndex(of: UInt8(ascii: "\"")) else {
                out.append(bytes[index])
                index += 1
                continue
            }
            let name = " " + String(decoding: attribute.dropFirst().dropLast(2), as: UTF8.self)
            let value = String(decoding: bytes[(index + attribute.count)..<close], as: UTF8.self)
            out.append(bytes[index])
            out += attribute.dropFirst()
            out += Array(rewrite(attribute: name, value: value, page: page, pages: pages).utf8)
            out.append(UInt8(ascii: "\""))
            index = close + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func rewrite(attribute: String, value: String, page: String, pages: Set<String>) -> String {
        switch attribute {
        case " id": return "\(page)--\(value)"
        case " aria-labelledby": return value.split(separator: " ").map { "\(page)--\($0)" }.joined(separator: " ")
        default:
            if value.hasPrefix("#") { return "#\(page)--\(value.dropFirst())" }
            let parts = value.split(separator: "#", maxSplits: 1).map(String.init)
            guard parts[0].hasSuffix(".html"), !parts[0].contains("/"), !parts[0].contains(":") else { return value }
            let target = String(parts[0].dropLast(5))
            guard pages.contains(target) else { return value }
            return parts.count == 2 ? "#\(target)--\(parts[1])" : "#\(target)"
        }
    }
}
