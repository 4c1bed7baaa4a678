/// Every change the tool makes to a chapter's text — `fix` (outputs, values, references), a translation's fix and
/// `--accept`, the weave — is a list of these edits, applied here and nowhere else.
///
/// Two kinds, both addressed in the text as the parser numbered it (lines split at "\n", each keeping its "\r"):
/// - an inline edit replaces bytes inside one line (a value's text, a reference's link text); it never changes
///   how many lines there are;
/// - a line edit replaces whole lines (an output region, a snippet block, a marker line), or inserts lines.
/// Inline edits go first, then line edits from the bottom up, so every address stays valid. In a CRLF chapter
/// every line an edit writes ends in CRLF too; a line edit's lines come with the container prefix they need
/// (`ContainerIndent`). A byte-order mark stays part of the first line, whose bytes inline offsets count.
struct ChapterEdits {
    struct Inline {
        var line: Int
        /// UTF-8 offsets within the line.
        var start: Int
        var end: Int
        var text: String
    }

    struct Lines {
        /// The first line replaced (1-based); with `count` 0, the line the new lines go before (`lines + 1` appends).
        var line: Int
        var count: Int
        var lines: [String]
    }

    var inline: [Inline] = []
    var lines: [Lines] = []

    var isEmpty: Bool { inline.isEmpty && lines.isEmpty }

    mutating func replace(line: Int, bytes range: Range<Int>, with text: String) {
        inline.append(Inline(line: line, start: range.lowerBound, end: range.upperBound, text: text))
    }

    mutating func replace(lines range: ClosedRange<Int>, with new: [String]) {
        lines.append(Lines(line: range.lowerBound, count: range.count, lines: new))
    }

    mutating func insert(_ new: [String], before line: Int) {
        lines.append(Lines(line: line, count: 0, lines: new))
    }

    /// The text with every edit applied.
    /// - Parameter crlf: end the written lines in CRLF (the chapter's own line ends); false for text that only
    ///   pandoc reads (the weave).
    func applied(to text: String, crlf: Bool) -> String {
        var split = TextLines.split(text)
        for (number, edits) in Dictionary(grouping: inline, by: \.line) {
            var bytes = Array(split[number - 1].utf8)
            for edit in edits.sorted(by: { $0.start > $1.start }) {
                bytes.replaceSubrange(edit.start..<edit.end, with: Array(edit.text.utf8))
            }
            split[number - 1] = String(decoding: bytes, as: UTF8.self)
        }
        let ending = crlf ? "\r" : ""
        // Bottom-up; at one place, a replacement before an insertion that follows it.
        for edit in lines.sorted(by: { ($0.line, $0.count) > ($1.line, $1.count) }) {
            split.replaceSubrange((edit.line - 1)..<(edit.line - 1 + edit.count), with: edit.lines.map { $0 + ending })
        }
        let result = split.joined(separator: "\n")
        // Lines inserted after a last line without a newline would leave the file ending in a bare "\r".
        if crlf, result.utf8.last == 13, text.utf8.last != 13 { return String(result.dropLast()) }
        return result
    }
}
