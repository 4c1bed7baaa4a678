/// A chapter cut into sections at its `#` and `##` headings, each with a hash of its prose: the text a
/// translator translates. Snippets and output regions are left out of the hash (the tool copies those into the
/// translation itself), and so are blank lines and the `translated-from` marker, so only a real change of the
/// source's words makes its translation stale.
public struct ProseSection: Sendable, Equatable {
    /// The heading's text (empty for text before the first heading) and its 1-based line.
    public var heading: String
    public var line: Int
    public var proseHash: String
    /// From `<!-- translated-from: HASH -->` inside the section: the source prose this translation matches.
    public var translatedFrom: String?
    public var markerLine: Int?

    public static let markerPrefix = "<!-- translated-from: "

    public static func marker(_ hash: String) -> String { "\(markerPrefix)\(hash) -->" }

    /// The line without what `fix` writes into prose: inline values' texts, chapter references' numbers.
    static func withoutComputedText(_ line: String) -> String {
        var text = line.contains(InlineValueScanner.opening) ? InlineValueScanner.withoutValues(line) : line
        if text.contains(".md") {
            var bytes = Array(text.utf8)
            for reference in ChapterReferenceScanner.references(lines: [text], skipped: []).reversed() {
                bytes.replaceSubrange(reference.start..<reference.end, with: Array("#".utf8))
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        return text
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
            var hash = ContentHash()
            var marker: (String, Int)?
            for number in start.1...max(start.1, end) where number <= lines.count && !owned.contains(number) {
                let line = lines[number - 1].trimmingCharacters(in: .whitespaces)
                if line.hasPrefix(markerPrefix), line.hasSuffix("-->") {
                    let hashText = line.dropFirst(markerPrefix.count).dropLast(3).trimmingCharacters(in: .whitespaces)
                    marker = (hashText, number)
                    continue
                }
                // A value's text and a chapter reference's number are the tool's to update: only the words around
                // them make a section stale.
                if !line.isEmpty { hash.update(Self.withoutComputedText(line)) }
            }
            return ProseSection(heading: start.0, line: start.1, proseHash: String(hash.hex.prefix(12)),
                                translatedFrom: marker?.0, markerLine: marker?.1)
        }
    }
}
