/// For the `fix` stage (`FixStage`): splice fresh outputs into the chapter's original text, by line.
///
/// Only the lines between output markers are replaced (or a region is added right after its snippet's closing
/// fence, or removed when a snippet no longer prints). Every other byte — prose, math, snippet code, trailing
/// newline — stays exactly as it was, so a second `fix` changes nothing.
public enum OutputFixer {
    public static func fixedText(_ chapter: Chapter, outputs: [SnippetOutput]) -> String {
        var lines = valuesFixed(chapter, outputs: outputs)
        // In a CRLF chapter the lines the tool writes end in CRLF too.
        let ending = chapter.usesCRLF ? "\r" : ""
        func regionLines(_ output: SnippetOutput, _ prefix: String) -> [String] {
            ContainerIndent.indent(RegionRenderer.lines(for: output), with: prefix).map { $0 + ending }
        }
        // Bottom-up, so earlier line numbers stay valid while later ones change.
        let edits = zip(chapter.snippets, outputs).sorted { $0.0.fenceStart > $1.0.fenceStart }
        for (snippet, output) in edits {
            let region = chapter.region(for: snippet)
            let wanted = snippet.showsOutput && snippet.hasExplicitID && !output.isEmpty
            let prefix = ContainerIndent.prefix(ofFenceLine: lines[snippet.fenceStart - 1])
            switch (region, wanted) {
            case (let region?, true):
                lines.replaceSubrange(region.startMarker..<(region.endMarker - 1), with: regionLines(output, prefix))
            case (let region?, false):
                lines.removeSubrange((region.startMarker - 1)..<region.endMarker)
            case (nil, true):
                lines.insert(contentsOf: ["\(prefix)<!-- output: \(snippet.id) -->\(ending)"] + regionLines(output, prefix)
                                 + ["\(prefix)<!-- end output -->\(ending)"],
                             at: snippet.fenceEnd)
            case (nil, false):
                break
            }
        }
        let fixed = lines.joined(separator: "\n")
        // A region added after a last line without a newline would leave the file ending in a bare "\r".
        if chapter.usesCRLF, fixed.utf8.last == 13, chapter.text.utf8.last != 13 { return String(fixed.dropLast()) }
        return fixed
    }

    /// The chapter's lines with each inline value's text replaced by its fresh one (a value with a line break is
    /// left for `check` to report). Values never span lines, so every line number stays valid for the regions.
    static func valuesFixed(_ chapter: Chapter, outputs: [SnippetOutput]) -> [String] {
        valuesReplaced(in: chapter, by: chapter.freshValues(outputs))
    }

    /// The chapter's lines with value n's text replaced by `texts[n]` (nil keeps it).
    static func valuesReplaced(in chapter: Chapter, by texts: [String?]) -> [String] {
        var lines = TextLines.split(chapter.text)
        let edits = zip(chapter.values, texts).compactMap { value, text -> (InlineValue, String)? in
            guard let text, text != value.recorded, InlineValueScanner.canRecord(text) else { return nil }
            return (value, text)
        }
        for (line, group) in Dictionary(grouping: edits, by: { $0.0.line }) {
            lines[line - 1] = InlineValueScanner.replacing(lines[line - 1], group.map { ($0.0.start, $0.0.end, $0.1) })
        }
        return lines
    }
}
