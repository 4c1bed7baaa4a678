import Foundation

/// Stage `weave`: a chapter and its fresh outputs → the Markdown pandoc renders.
///
/// Hidden snippets are dropped; the info string `swift {#id …}` becomes plain `swift` (pandoc's gfm reader would
/// otherwise treat the braces as part of the language); each output region is replaced by the fresh output inside
/// `<div class="output">`, with a figure placeholder where a chart was shown (see `SiteRenderer`).
public enum Weaver {
    public static let figurePlaceholderPrefix = "WORKBOOK-FIGURE-"

    /// - Parameters:
    ///   - figureLabel: the words before a figure's number in its text version's summary (the page's language).
    ///   - unrecorded: ids of snippets whose output the chapter does not record yet (preview mode); their output
    ///     is marked as such.
    public static func markdown(for chapter: Chapter, outputs: [SnippetOutput],
                                figureLabel: String = UIStrings.english.textVersionOfFigure, unrecorded: Set<String> = []) -> String {
        var lines = TextLines.split(chapter.text)
        // (first 0-based line, how many lines, what replaces them); count 0 inserts.
        var edits: [(start: Int, count: Int, replacement: [String])] = []
        var figureIndex = 0
        for (snippet, output) in zip(chapter.snippets, outputs) {
            if snippet.options.contains(.hide) {
                edits.append((snippet.fenceStart - 1, snippet.fenceEnd - snippet.fenceStart + 1, []))
            } else {
                let opening = lines[snippet.fenceStart - 1]
                let fence = String(opening.drop { $0 != "`" && $0 != "~" }.prefix { $0 == "`" || $0 == "~" })
                let container = String(opening.prefix { $0 != "`" && $0 != "~" })    // "- " in a list, "> " in a quote
                edits.append((snippet.fenceStart - 1, 1, [container + fence + "swift"]))
            }
            var replacement: [String] = []
            if snippet.showsOutput && !output.isEmpty {
                replacement = unrecorded.contains(snippet.id) ? PreviewMarks.openingLines : ["<div class=\"output\">", ""]
                for segment in output.segments {
                    switch segment {
                    case .figure(json: _, ascii: let ascii):
                        // The SVG replaces the placeholder at render time; the ASCII stays one click away.
                        figureIndex += 1
                        replacement += ["<!-- \(figurePlaceholderPrefix)\(figureIndex) -->", "", "<details class=\"ascii\">",
                                        "<summary>\(figureLabel) \(figureIndex)</summary>", ""]
                        replacement += RegionRenderer.lines(for: SnippetOutput(segments: [.text(ascii)])) + ["", "</details>", ""]
                    case .text, .markdown:
                        replacement += RegionRenderer.lines(for: SnippetOutput(segments: [segment])) + [""]
                    }
                }
                replacement += ["</div>"]
                replacement = ContainerIndent.indent(replacement, with: ContainerIndent.prefix(ofFenceLine: lines[snippet.fenceStart - 1]))
            }
            if let region = chapter.region(for: snippet) {
                edits.append((region.startMarker - 1, region.endMarker - region.startMarker + 1, replacement))
            } else if !replacement.isEmpty {
                edits.append((snippet.fenceEnd, 0, [""] + replacement))
            }
        }
        for edit in edits.sorted(by: { $0.start > $1.start }) {
            lines.replaceSubrange(edit.start..<(edit.start + edit.count), with: edit.replacement)
        }
        // `NN-name.md` links become `.html` in pandoc (the theme's chapter-links.lua), on Link nodes only.
        return lines.joined(separator: "\n")
    }

    /// The chart JSON of every figure in the chapter, in the order of their placeholders.
    public static func figures(in chapter: Chapter, outputs: [SnippetOutput]) -> [String] {
        zip(chapter.snippets, outputs).filter { $0.0.showsOutput }
            .flatMap { $0.1.segments.compactMap { if case .figure(let json, _) = $0 { json } else { nil } } }
    }
}
