import Foundation
import Presentation

/// A chapter and its fresh outputs → the Markdown pandoc renders.
///
/// Hidden snippets are dropped; the info string `swift {#id …}` becomes plain `swift` (pandoc's gfm reader would
/// otherwise treat the braces as part of the language); each output region is replaced by the fresh output inside
/// `<div class="output">`; a chart becomes a numbered figure (its SVG, as raw HTML pandoc passes through) with its
/// ASCII text version one click away.
public enum Weaver {
    /// - Parameters:
    ///   - strings: the page's language (figure captions, the text version's summary).
    ///   - unrecorded: ids of snippets whose output the chapter does not record yet (preview mode); their output
    ///     is marked as such.
    ///   - marksValues: mark inline values whose fresh text the chapter does not record yet (preview mode).
    public static func markdown(for chapter: Chapter, outputs: [SnippetOutput], strings: UIStrings = .english,
                                unrecorded: Set<String> = [], marksValues: Bool = false) -> String {
        var lines = valuesWoven(chapter, outputs: outputs, strings: strings, marks: marksValues)
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
                    case .figure(let chart, ascii: let ascii):
                        figureIndex += 1
                        replacement += figure(chart, number: figureIndex, word: strings.figure) + ["", "<details class=\"ascii\">",
                                        "<summary>\(strings.textVersionOfFigure) \(figureIndex)</summary>", ""]
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

    /// The chapter's lines with each inline value's comments dropped and its fresh text in their place (the
    /// recorded text where the run has none). A fresh text the chapter does not record yet (preview) is marked,
    /// in words as well as colour, like an unrecorded output.
    static func valuesWoven(_ chapter: Chapter, outputs: [SnippetOutput], strings: UIStrings, marks: Bool) -> [String] {
        var lines = TextLines.split(chapter.text)
        let woven = zip(chapter.values, chapter.freshValues(outputs)).map { value, fresh -> (InlineValue, String) in
            guard let fresh, fresh != value.recorded, InlineValueScanner.canRecord(fresh) else { return (value, value.recorded) }
            guard marks else { return (value, fresh) }
            return (value, "<mark class=\"unrecorded-value\" title=\"\(escape(strings.valueNotRecorded(value.recorded)))\">\(fresh)</mark>")
        }
        for (line, group) in Dictionary(grouping: woven, by: { $0.0.line }) {
            lines[line - 1] = InlineValueScanner.replacing(lines[line - 1], group.map {
                ($0.0.open, $0.0.end + InlineValueScanner.closing.utf8.count, $0.1)
            })
        }
        return lines
    }

    /// Figure `number` of a page as the lines of one HTML block: the chart's SVG and a caption linking to itself.
    /// No line is blank (Markdown would end the HTML block there), so pandoc passes it through whole.
    static func figure(_ chart: Chart, number: Int, word: String) -> [String] {
        let title = chart.title.isEmpty ? "\(word) \(number)" : chart.title
        func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }
        return ["<figure class=\"chart\" id=\"figure-\(number)\">",
                oneLine(chart.svg(id: "figure-\(number)", title: "\(word) \(number): \(title)")),
                "<figcaption><a href=\"#figure-\(number)\">\(word) \(number).</a> \(oneLine(escape(title)))</figcaption>",
                "</figure>"]
    }

    /// The landing page: the edition's `index.md` (or its title) and the list of chapters, as Markdown, so that
    /// pandoc renders the summaries' math and links like any other text.
    static func landing(_ markdown: String?, title: String, chapters: [SitePage], heading: String) -> String {
        var lines = [markdown ?? "# \(title)\n", "", "## \(heading) {#chapters}", "", "<div class=\"chapter-list\">", ""]
        for (index, page) in chapters.enumerated() {
            lines.append("\(index + 1). [\(page.title)](\(pageURL(page.name)))")
            if !page.summary.isEmpty { lines += ["", "    " + page.summary] }
            lines.append("")
        }
        return (lines + ["</div>", ""]).joined(separator: "\n")
    }
}
