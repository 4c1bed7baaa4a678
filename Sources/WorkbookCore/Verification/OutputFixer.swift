/// For the `fix` stage (`FixStage`): the fresh outputs, inline values and reference texts written into the
/// chapter's text, as one list of edits (`ChapterEdits`).
///
/// Only the lines between output markers are replaced (or a region is added right after its snippet's closing
/// fence, or removed when a snippet no longer prints), and only the text between a value's comments or inside a
/// reference's brackets. Every other byte — prose, math, snippet code, trailing newline — stays exactly as it
/// was, so a second `fix` changes nothing.
public enum OutputFixer {
    /// - Parameter strings: the chapter's language (the words of its cross-references).
    ///   - order: the book's chapter names in reading order (the numbers of chapter references); empty leaves them.
    public static func fixedText(_ chapter: Chapter, outputs: [SnippetOutput], strings: UIStrings = .english,
                                 order: [String] = []) -> String {
        var edits = ChapterEdits()
        addValues(chapter.freshValues(outputs), of: chapter, to: &edits)
        addReferences(chapter.referenceTexts(outputs, strings: strings), of: chapter, to: &edits)
        addChapterNumbers(of: chapter, order: order, to: &edits)
        let lines = chapter.lines
        for (snippet, output) in zip(chapter.snippets, outputs) {
            let region = chapter.region(for: snippet)
            let wanted = snippet.showsOutput && snippet.hasExplicitID && !output.isEmpty
            let prefix = ContainerIndent.prefix(ofFenceLine: lines[snippet.fenceStart - 1])
            let fresh = ContainerIndent.indent(RegionRenderer.lines(for: output), with: prefix)
            switch (region, wanted) {
            case (let region?, true):
                if region.endMarker > region.startMarker + 1 {
                    edits.replace(lines: (region.startMarker + 1)...(region.endMarker - 1), with: fresh)
                } else {
                    edits.insert(fresh, before: region.endMarker)
                }
            case (let region?, false):
                edits.replace(lines: region.startMarker...region.endMarker, with: [])
            case (nil, true):
                edits.insert(["\(prefix)<!-- output: \(snippet.id) -->"] + fresh + ["\(prefix)<!-- end output -->"],
                             before: snippet.fenceEnd + 1)
            case (nil, false):
                break
            }
        }
        return edits.applied(to: chapter.text, crlf: chapter.usesCRLF)
    }

    /// Value n's text replaced by `texts[n]` where that differs (nil keeps it; a text that cannot stand in a
    /// sentence is left for `check` to report).
    static func addValues(_ texts: [String?], of chapter: Chapter, to edits: inout ChapterEdits) {
        for (value, text) in zip(chapter.values, texts) {
            guard let text, text != value.recorded, InlineValueScanner.canRecord(text) else { continue }
            edits.replace(line: value.line, bytes: value.start..<value.end, with: text)
        }
    }

    /// Each chapter reference's number replaced by its target's place in `order` where that differs.
    static func addChapterNumbers(of chapter: Chapter, order: [String], to edits: inout ChapterEdits) {
        guard !order.isEmpty else { return }
        for (reference, place) in zip(chapter.chapterReferences, chapter.chapterReferenceNumbers(order: order)) {
            guard let place, place != reference.number else { continue }
            edits.replace(line: reference.line, bytes: reference.start..<reference.end, with: String(place))
        }
    }

    /// Reference n's link text replaced by `texts[n]` where that differs (nil: a dangling label, left as it is).
    static func addReferences(_ texts: [String?], of chapter: Chapter, to edits: inout ChapterEdits) {
        for (reference, text) in zip(chapter.references, texts) {
            guard let text, text != reference.text else { continue }
            edits.replace(line: reference.line, bytes: reference.start..<reference.end, with: text)
        }
    }
}
