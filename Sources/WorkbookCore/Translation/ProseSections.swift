/// A chapter cut into sections at its `#` and `##` headings, each with a hash of its prose: the text a
/// translator translates. Snippets and output regions are left out of the hash (the tool copies those into the
/// translation itself), and so are blank lines, the `translated-from` marker and the text `fix` writes into prose
/// (values, chapter and figure numbers), so only a real change of the source's words makes its translation stale.
public struct ProseSection: Sendable, Equatable {
    /// The heading's text (empty for text before the first heading) and its 1-based line.
    public var heading: String
    public var line: Int
    public var proseHash: String
    /// The hash as workbook made it before figure and table references' texts were left out (they counted): a
    /// mark that holds it still says the section is current, and `fix` rewrites it to `proseHash`. The two are
    /// the same for a section without such a reference.
    public var earlierProseHash: String
    /// From `<!-- translated-from: HASH -->` inside the section: the source prose this translation matches.
    public var translatedFrom: String?
    public var markerLine: Int?

    public static let markerPrefix = "<!-- translated-from: "

    public static func marker(_ hash: String) -> String { "\(markerPrefix)\(hash) -->" }

    /// The line without inline values' texts and chapter references' numbers: what the earlier hash left out.
    static func withoutValuesAndChapterNumbers(_ line: String) -> String {
        let text = line.contains(InlineValueScanner.opening) ? InlineValueScanner.withoutValues(line) : line
        guard text.contains(".md") else { return text }
        return replacing(ChapterReferenceScanner.references(lines: [text], skipped: []).map { $0.start..<$0.end }, in: text, with: "#")
    }

    /// The line without the texts of links to figures and tables: `[Figure 3](#fig-x)` reads as `[](#fig-x)`, as
    /// the author may first write it.
    static func withoutFigureReferenceTexts(_ text: String) -> String {
        guard text.contains("](#") else { return text }
        return replacing(CrossReferenceScanner.references(lines: [text], skipped: [], codeSpans: []).map { $0.start..<$0.end }, in: text, with: "")
    }

    /// `text` with each of the UTF-8 ranges (in order, not overlapping) replaced.
    static func replacing(_ ranges: [Range<Int>], in text: String, with replacement: String) -> String {
        guard !ranges.isEmpty else { return text }
        var bytes = Array(text.utf8)
        for range in ranges.reversed() { bytes.replaceSubrange(range, with: Array(replacement.utf8)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func sections(of chapter: Chapter) -> [ProseSection] {
        let lines = chapter.lines
        let headings = chapter.headings.filter { $0.level <= 2 }
        // Lines the tool owns or copies: snippet fences and output regions.
        var owned = Set<Int>()
        for snippet in chapter.snippets { owned.formUnion(snippet.fenceStart...snippet.fenceEnd) }
        for region in chapter.regions { owned.formUnion(region.startMarker...region.endMarker) }

        var starts = headings.map { ($0.text, $0.line) }
        if let first = starts.first, first.1 > 1,
           lines[0..<(first.1 - 1)].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            starts.insert(("", 1), at: 0)
        }
        return starts.enumerated().map { index, start in
            let end = index + 1 < starts.count ? starts[index + 1].1 - 1 : lines.count
            var hash = ContentHash(), earlierHash = ContentHash()
            var marker: (String, Int)?
            for number in start.1...max(start.1, end) where number <= lines.count && !owned.contains(number) {
                let line = lines[number - 1].trimmingCharacters(in: .whitespaces)
                if line.hasPrefix(markerPrefix), line.hasSuffix("-->") {
                    let hashText = line.dropFirst(markerPrefix.count).dropLast(3).trimmingCharacters(in: .whitespaces)
                    marker = (hashText, number)
                    continue
                }
                // A value's text and a reference's number are the tool's to update: only the words around them make
                // a section stale.
                guard !line.isEmpty else { continue }
                let earlier = Self.withoutValuesAndChapterNumbers(line)
                earlierHash.update(earlier)
                hash.update(Self.withoutFigureReferenceTexts(earlier))
            }
            return ProseSection(heading: start.0, line: start.1, proseHash: String(hash.hex.prefix(12)),
                                earlierProseHash: String(earlierHash.hex.prefix(12)), translatedFrom: marker?.0, markerLine: marker?.1)
        }
    }
}
