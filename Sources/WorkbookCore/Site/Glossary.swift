import Foundation

/// An edition's glossary: a page named `glossary` whose Markdown table lists a term in each row's first cell
/// ("旋转位置编码（RoPE）", "查询 / 键"). Each row gets an anchor, and every other page of the edition links the
/// first use of each term in its prose there (the page renderer does the linking: `render-pages.lua`).
struct Glossary: Sendable, Equatable {
    static let pageName = "glossary"

    struct Term: Sendable, Equatable {
        var text: String
        var anchor: String
    }

    var terms: [Term] = []
    /// The glossary page's Markdown with an anchor in the first cell of each term's row.
    var anchoredMarkdown: String = ""

    /// Terms of one character ("章", "表") would link nearly every sentence; a term is at least two characters.
    static let shortestTerm = 2

    init(markdown: String) {
        var lines = markdown.components(separatedBy: "\n")
        var row = 0
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("|"), !trimmed.contains("---") else { continue }
            row += 1
            guard row > 1 else { continue }    // the header row
            let cells = trimmed.dropFirst().split(separator: "|", omittingEmptySubsequences: false)
            guard let first = cells.first?.trimmingCharacters(in: .whitespaces), !first.isEmpty else { continue }
            let anchor = "term-\(row - 1)"
            for name in Self.names(in: first) where name.count >= Self.shortestTerm {
                terms.append(Term(text: name, anchor: anchor))
            }
            if let bar = line.firstIndex(of: "|") {
                lines[index].insert(contentsOf: " <span id=\"\(anchor)\"></span>", at: line.index(after: bar))
            }
        }
        anchoredMarkdown = lines.joined(separator: "\n")
    }

    /// "旋转位置编码（RoPE）" → ["旋转位置编码"], "查询 / 键" → ["查询", "键"], "绝对 / 相对" → ["绝对", "相对"].
    static func names(in cell: String) -> [String] {
        cell.components(separatedBy: "/").map { part in
            var name = part
            for open in ["（", "("] {
                if let range = name.range(of: open) { name = String(name[..<range.lowerBound]) }
            }
            return name.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "")
        }.filter { !$0.isEmpty }
    }

    /// The terms as the page renderer reads them: "TERM\tHREF" lines, longest term first (so "注意力分数" is
    /// linked before "注意力" can take its first characters).
    func rendererList(pageURL: String) -> String {
        terms.sorted { $0.text.count > $1.text.count }.map { "\($0.text)\t\(pageURL)#\($0.anchor)" }.joined(separator: "\n")
    }
}
