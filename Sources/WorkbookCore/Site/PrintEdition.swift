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

    /// One chapter's HTML with its ids prefixed by its name and its links retargeted into the one page.
    static func scoped(_ html: String, page: String, pages: Set<String>) -> String {
        var out = ""
        var rest = Substring(html)
        // Attribute values that name an anchor: id="…", href="#…", href="NAME.html…", aria-labelledby="… …".
        while let match = rest.firstMatch(of: /(\sid|\shref|\saria-labelledby)="([^"]*)"/) {
            out += rest[..<match.range.lowerBound]
            let attribute = String(match.output.1), value = String(match.output.2)
            out += "\(attribute)=\"\(rewrite(attribute: attribute, value: value, page: page, pages: pages))\""
            rest = rest[match.range.upperBound...]
        }
        return out + rest
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
