/// A table that a snippet computed, shown as a GitHub-flavoured Markdown table.
public struct Table: Sendable {
    public enum Alignment: Sendable { case left, right, center }

    public var headers: [String]
    public var rows: [[String]]
    public var alignments: [Alignment]

    /// Columns default to right alignment (numbers), except the first (labels).
    public init(_ headers: [String], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.rows = []
        self.alignments = alignments ?? headers.indices.map { $0 == 0 ? .left : .right }
        precondition(self.alignments.count == headers.count, "one alignment per column")
    }

    public init(_ headers: [String], rows: [[String]], alignments: [Alignment]? = nil) {
        self.init(headers, alignments: alignments)
        for row in rows { append(row) }
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == headers.count, "row has \(row.count) cells, the table \(headers.count) columns")
        rows.append(row)
    }

    /// A cell whose text is Markdown the author means (a link to a chapter: `Table.markdown("[2](02-x.md)")`),
    /// passed to the page as markup; every other cell is text.
    public static func markdown(_ text: String) -> String { markdownMark + text }
    static let markdownMark = "\u{E000}"

    /// Markdown with padded columns, so it also reads as a table in the raw chapter text.
    public var markdown: String {
        // A cell is text, not markup: `Array<Float>` must not become an HTML tag (it showed as "Array", and a
        // `<script>` in a cell ran), `a*b*c` must not turn italic, `[1](2)` or `javascript:x` must not become links,
        // `$x$` not math. Only what would start such markup is escaped with a backslash (it reads well in the chapter
        // and renders as the character): "< 1°", "ω_i", "[1.85, 2.05]" stay as they are. A newline would end the row.
        func escape(_ cell: String) -> String {
            if cell.hasPrefix(Self.markdownMark) {
                return String(cell.dropFirst()).replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            }
            var out = ""
            let characters = Array(cell)
            for (index, character) in characters.enumerated() {
                let previous = index > 0 ? characters[index - 1] : " "
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                switch character {
                case "|", "*", "`", "$", "\\": out += "\\" + String(character)
                case "_" where !(previous.isLetter || previous.isNumber) || !(next.isLetter || next.isNumber): out += "\\_"
                case "~" where next == "~" || previous == "~": out += "\\~"
                case "]" where next == "(" || next == "[": out += "\\]"
                case "<" where next.isLetter || "/!?".contains(next): out += "\\<"
                case "&" where next.isLetter || next == "#": out += "\\&"
                // `javascript:`, `http:`: a bare URI becomes a link.
                case ":" where !next.isWhitespace && isScheme(characters[..<index]): out += "\\:"
                case "\n", "\r\n", "\r": out += " "
                default: out.append(character)
                }
            }
            return out
        }
        /// The word right before a ":" is all letters (`javascript`, `http`): a URI scheme.
        func isScheme(_ before: ArraySlice<Character>) -> Bool {
            let word = before.reversed().prefix { !$0.isWhitespace }
            return !word.isEmpty && word.allSatisfy(\.isLetter)
        }
        let cells = ([headers] + rows).map { $0.map(escape) }
        let widths = headers.indices.map { c in max(3, cells.map { $0[c].count }.max() ?? 0) }
        func line(_ row: [String]) -> String {
            "| " + row.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - row[c].count)
                return alignments[c] == .right ? pad + row[c] : row[c] + pad
            }.joined(separator: " | ") + " |"
        }
        let rule = "|" + headers.indices.map { c -> String in
            let dashes = String(repeating: "-", count: widths[c])
            switch alignments[c] {
            case .left: return ":" + dashes + " "
            case .right: return " " + dashes + ":"
            case .center: return ":" + String(dashes.dropFirst()) + "-:"
            }
        }.joined(separator: "|") + "|"
        return ([line(cells[0]), rule] + cells.dropFirst().map(line)).joined(separator: "\n")
    }
}
