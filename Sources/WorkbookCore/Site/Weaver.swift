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
        let lines = chapter.lines
        var edits = ChapterEdits()
        addValues(of: chapter, outputs: outputs, strings: strings, marks: marksValues, to: &edits)
        let targets = chapter.referenceTargets(outputs)
        var nextTarget = 0
        for (snippet, output) in zip(chapter.snippets, outputs) {
            if snippet.options.contains(.hide) {
                edits.replace(lines: snippet.fenceStart...snippet.fenceEnd, with: [])
            } else {
                let opening = lines[snippet.fenceStart - 1]
                let fence = String(opening.drop { $0 != "`" && $0 != "~" }.prefix { $0 == "`" || $0 == "~" })
                let container = String(opening.prefix { $0 != "`" && $0 != "~" })    // "- " in a list, "> " in a quote
                edits.replace(lines: snippet.fenceStart...snippet.fenceStart, with: [container + fence + "swift"])
            }
            var replacement: [String] = []
            if snippet.showsOutput && !output.isEmpty {
                replacement = unrecorded.contains(snippet.id) ? PreviewMarks.openingLines : ["<div class=\"output\">", ""]
                for segment in output.segments {
                    switch segment {
                    case .figure(let chart, ascii: let ascii):
                        let target = targets[nextTarget]
                        nextTarget += 1
                        replacement += figure(chart, label: target.label, number: target.number, word: strings.figure)
                            + ["", "<details class=\"ascii\">", "<summary>\(strings.textVersionOfFigure) \(target.number)</summary>", ""]
                        replacement += RegionRenderer.lines(for: SnippetOutput(segments: [.text(ascii)])) + ["", "</details>", ""]
                    case .markdown:
                        let target = targets[nextTarget]
                        nextTarget += 1
                        replacement += tableCaption(label: target.label, number: target.number, word: strings.table)
                            + RegionRenderer.lines(for: SnippetOutput(segments: [segment])) + [""]
                    case .text:
                        replacement += RegionRenderer.lines(for: SnippetOutput(segments: [segment])) + [""]
                    }
                }
                replacement += ["</div>"]
                replacement = ContainerIndent.indent(replacement, with: ContainerIndent.prefix(ofFenceLine: lines[snippet.fenceStart - 1]))
            }
            if let region = chapter.region(for: snippet) {
                edits.replace(lines: region.startMarker...region.endMarker, with: replacement)
            } else if !replacement.isEmpty {
                edits.insert([""] + replacement, before: snippet.fenceEnd + 1)
            }
        }
        // `NN-name.md` links become `.html` in pandoc (the theme's chapter-links.lua), on Link nodes only.
        return edits.applied(to: chapter.text, crlf: false)
    }

    /// Each inline value's comments dropped and its fresh text in their place (the recorded text where the run has
    /// none). In preview, a fresh text the chapter does not record yet is marked, in words as well as colour, like
    /// an unrecorded output.
    static func addValues(of chapter: Chapter, outputs: [SnippetOutput], strings: UIStrings, marks: Bool, to edits: inout ChapterEdits) {
        for (value, fresh) in zip(chapter.values, chapter.freshValues(outputs)) {
            var text = value.recorded
            if let fresh, fresh != value.recorded, InlineValueScanner.canRecord(fresh) {
                text = marks ? "<mark class=\"unrecorded-value\" title=\"\(escape(strings.valueNotRecorded(value.recorded)))\">\(fresh)</mark>" : fresh
            }
            edits.replace(line: value.line, bytes: value.open..<(value.end + InlineValueScanner.closing.utf8.count), with: text)
        }
    }

    /// A table's number above it, linking to itself: what `[Table 2](#tbl-ID)` in the prose points at. One HTML
    /// line and a blank one, so the table below stays Markdown.
    static func tableCaption(label: String, number: Int, word: String) -> [String] {
        ["<p class=\"table-caption\" id=\"\(escape(label))\"><a href=\"#\(escape(label))\">\(word) \(number)</a></p>", ""]
    }

    /// Figure `number` of a page as the lines of one HTML block: the chart's SVG and a caption linking to itself.
    /// Its id is its label (`fig-ID`), which prose links to and which stays while numbers move.
    /// No line is blank (Markdown would end the HTML block there), so pandoc passes it through whole.
    static func figure(_ chart: Chart, label: String, number: Int, word: String) -> [String] {
        let title = chart.title.isEmpty ? "\(word) \(number)" : chart.title
        let id = escape(label)
        func oneLine(_ text: String) -> String { text.split(whereSeparator: \.isNewline).joined(separator: " ") }
        return ["<figure class=\"chart\" id=\"\(id)\">",
                oneLine(chart.svg(id: id, title: "\(word) \(number): \(title)")),
                "<figcaption><a href=\"#\(id)\">\(word) \(number).</a> \(oneLine(escape(title)))</figcaption>",
                "</figure>"]
    }

    /// The landing page: the edition's `index.md` (or its title) and the list of chapters, as Markdown, so that
    /// pandoc renders the summaries' math and links like any other text.
    /// - Parameter editions: the words and files of the whole book in other forms (print edition, EPUB), linked
    ///   under the chapter list.
    static func landing(_ markdown: String?, title: String, chapters: [SitePage], heading: String,
                        editions: [(words: String, file: String)] = []) -> String {
        var lines = [markdown ?? "# \(title)\n", "", "## \(heading) {#chapters}", "", "<div class=\"chapter-list\">", ""]
        for (index, page) in chapters.enumerated() {
            lines.append("\(index + 1). [\(page.title)](\(pageURL(page.name)))")
            // A summary's link to its own figure or table (`[Table 1](#tbl-setup)`) points into its chapter's page.
            if !page.summary.isEmpty { lines += ["", "    " + page.summary.replacingOccurrences(of: "](#", with: "](\(page.name).md#")] }
            lines.append("")
        }
        lines += ["</div>", ""]
        if !editions.isEmpty {
            lines += ["<div class=\"whole-book\">", "", editions.map { "[\($0.words)](\($0.file))" }.joined(separator: " · "), "", "</div>", ""]
        }
        return lines.joined(separator: "\n")
    }
}
