import Foundation
import Presentation

/// A chapter and its fresh outputs → a format-neutral page: Markdown with typed blocks (`TypedBlocks`), no HTML.
/// Each renderer (the HTML site, the EPUB) gives the typed blocks its own markup, in the theme's Lua.
///
/// Hidden snippets are dropped; the info string `swift {#id …}` becomes plain `swift` (pandoc's gfm reader would
/// otherwise treat the braces as part of the language); each output region is replaced by the fresh output in an
/// `.output` block; a chart becomes a numbered `.figure` (its SVG as data, a caption, its ASCII text version).
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
                var body: [String] = []
                for segment in output.segments {
                    switch segment {
                    case .figure(let chart, ascii: let ascii):
                        let target = targets[nextTarget]
                        nextTarget += 1
                        body += figure(chart, ascii: ascii, label: target.label, number: target.number, strings: strings)
                    case .markdown:
                        let target = targets[nextTarget]
                        nextTarget += 1
                        body += TypedBlocks.tableCaption(label: target.label, number: target.number, word: strings.table) + [""]
                            + RegionRenderer.lines(for: SnippetOutput(segments: [segment]))
                    case .text:
                        body += RegionRenderer.lines(for: SnippetOutput(segments: [segment]))
                    }
                    while body.last == "" { body.removeLast() }
                    body.append("")
                }
                body.removeLast()
                replacement = TypedBlocks.output(body, unrecordedNote: unrecorded.contains(snippet.id) ? strings.outputNotRecorded : nil)
            }
            // In a list item or a block quote every line, the blank ones too, carries the container's prefix.
            let prefix = ContainerIndent.prefix(ofFenceLine: lines[snippet.fenceStart - 1])
            if let region = chapter.region(for: snippet) {
                edits.replace(lines: region.startMarker...region.endMarker, with: ContainerIndent.indent(replacement, with: prefix))
            } else if !replacement.isEmpty {
                edits.insert(ContainerIndent.indent([""] + replacement, with: prefix), before: snippet.fenceEnd + 1)
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
                text = marks ? TypedBlocks.span(fresh, ".unrecorded-value title=\(TypedBlocks.quoted(strings.valueNotRecorded(value.recorded)))") : fresh
            }
            edits.replace(line: value.line, bytes: value.open..<(value.end + InlineValueScanner.closing.utf8.count), with: text)
        }
    }

    /// Figure `number` of a page: the chart's SVG (its title and description name the figure for screen readers),
    /// its caption and its text version. Its label (`fig-ID`), which prose links to, stays while numbers move.
    static func figure(_ chart: Chart, ascii: String, label: String, number: Int, strings: UIStrings) -> [String] {
        let title = chart.title.isEmpty ? "\(strings.figure) \(number)" : chart.title
        return TypedBlocks.figure(svg: chart.svg(id: label, title: "\(strings.figure) \(number): \(title)"), label: label,
                                  number: number, title: title, word: strings.figure,
                                  textVersion: ("\(strings.textVersionOfFigure) \(number)",
                                                RegionRenderer.lines(for: SnippetOutput(segments: [.text(ascii)]))))
    }

    /// The landing page: the edition's `index.md` (or its title) and the list of chapters, as Markdown, so that
    /// pandoc renders the summaries' math and links like any other text.
    /// - Parameter editions: the words and files of the whole book in other forms (print edition, EPUB), linked
    ///   under the chapter list.
    static func landing(_ markdown: String?, title: String, chapters: [SitePage], heading: String,
                        editions: [(words: String, file: String)] = []) -> String {
        var list: [String] = []
        for (index, page) in chapters.enumerated() {
            let marker = "\(index + 1). "
            list.append(marker + "[\(page.title)](\(pageURL(page.name)))")
            // A summary's link to its own figure or table (`[Table 1](#tbl-setup)`) points into its chapter's page:
            // the renderer reads whose anchors they are from the block.
            if !page.summary.isEmpty {
                let summary = TypedBlocks.div(".chapter-summary page=\(TypedBlocks.quoted(page.name + ".md"))", [page.summary])
                list += [""] + ContainerIndent.indent(summary, with: String(repeating: " ", count: marker.count))
            }
            list.append("")
        }
        if list.last == "" { list.removeLast() }
        var lines = [markdown ?? "# \(title)\n", "", "## \(heading) {#chapters}", ""] + TypedBlocks.div(".chapter-list", list) + [""]
        if !editions.isEmpty {
            lines += TypedBlocks.div(".whole-book", [editions.map { "[\($0.words)](\($0.file))" }.joined(separator: " · ")]) + [""]
        }
        return lines.joined(separator: "\n")
    }
}
