/// A snippet inside a list item or a block quote: the lines the tool writes after it (its output region, the
/// woven output) must carry the same container prefix, or they would end the list or the quote. The prefix is
/// what precedes the opening fence, with list markers turned into spaces: `- ```swift` → "  ",
/// `> ```swift` → "> ", `   ```swift` → "   ".
enum ContainerIndent {
    static func prefix(ofFenceLine line: String) -> String {
        let before = line.prefix { $0 != "`" && $0 != "~" }
        return String(before.map { $0 == ">" || $0 == " " || $0 == "\t" ? $0 : " " })
    }

    /// Lines with the prefix (a blank line gets it without trailing spaces).
    static func indent(_ lines: [String], with prefix: String) -> [String] {
        guard !prefix.isEmpty else { return lines }
        let bare = String(prefix.reversed().drop { $0 == " " }.reversed())
        return lines.map { TextLines.content($0).isEmpty ? bare + $0 : prefix + $0 }
    }

    /// A line without the prefix (or without its trailing-space-free form, for a blank line).
    static func strip(_ line: String, prefix: String) -> String {
        guard !prefix.isEmpty else { return line }
        if line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
        let bare = String(prefix.reversed().drop { $0 == " " }.reversed())
        return line.hasPrefix(bare) ? String(line.dropFirst(bare.count)) : line
    }
}
