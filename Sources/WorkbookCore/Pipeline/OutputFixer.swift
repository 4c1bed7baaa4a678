/// Stage `fix`: splice fresh outputs into the chapter's original text, by line.
///
/// Only the lines between output markers are replaced (or a region is added right after its snippet's closing
/// fence, or removed when a snippet no longer prints). Every other byte — prose, math, snippet code, trailing
/// newline — stays exactly as it was, so a second `fix` changes nothing.
public enum OutputFixer {
    public static func fixedText(_ chapter: Chapter, outputs: [SnippetOutput]) -> String {
        var lines = chapter.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Bottom-up, so earlier line numbers stay valid while later ones change.
        let edits = zip(chapter.snippets, outputs).sorted { $0.0.fenceStart > $1.0.fenceStart }
        for (snippet, output) in edits {
            let region = chapter.region(for: snippet)
            let wanted = snippet.showsOutput && snippet.hasExplicitID && !output.isEmpty
            switch (region, wanted) {
            case (let region?, true):
                lines.replaceSubrange(region.startMarker..<(region.endMarker - 1), with: RegionRenderer.lines(for: output))
            case (let region?, false):
                lines.removeSubrange((region.startMarker - 1)..<region.endMarker)
            case (nil, true):
                lines.insert(contentsOf: ["<!-- output: \(snippet.id) -->"] + RegionRenderer.lines(for: output) + ["<!-- end output -->"],
                             at: snippet.fenceEnd)
            case (nil, false):
                break
            }
        }
        return lines.joined(separator: "\n")
    }
}
