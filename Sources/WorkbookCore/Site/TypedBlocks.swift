import Foundation

/// What the weave writes for what is not prose, as format-neutral Markdown: pandoc fenced divs and bracketed spans
/// with classes and attributes, never HTML. The theme's `page-blocks.lua` reads them for every renderer (the HTML
/// site, the EPUB), and each renderer gives them its own markup. The blocks:
///
///     ::: {.output}                        a snippet's output; `.output .unrecorded` in preview when the chapter
///                                          does not record it yet, with an `.unrecorded-note` first
///     ::: {#fig-ID .figure number="N"}     a chart: a code block of class `svg` (its drawing), the caption
///                                          paragraph `[Figure N.](#fig-ID) title`, then a `.text-version`: a
///                                          paragraph naming it and the chart as text (a code block)
///     ::: {#tbl-ID .table-caption number="N"}   a table's number above it: `[Table N](#tbl-ID)`
///     [16.3]{.unrecorded-value title="…"}  an inline value the chapter does not record yet (preview)
///     ::: {.chapter-list}, {.whole-book}   the landing page's list of chapters and its links to the whole book;
///     ::: {.chapter-summary page="NN.md"}  a summary in that list, whose `#anchor` links are that chapter's
///     ::: {.untranslated-note}             a translation's page that shows the source text for now
///
/// A div's fence is longer than any fence inside it, so nested blocks close where they should (pandoc's reader
/// closes a div only at a fence at least as long as the one that opened it).
enum TypedBlocks {
    /// A fenced div around `body`, with a blank line inside each fence (a table right after the fence stays a table).
    static func div(_ attributes: String, _ body: [String]) -> [String] {
        let longest = body.map { $0.trimmingLeadingSpaces.prefix { $0 == ":" }.count }.max() ?? 0
        let fence = String(repeating: ":", count: max(3, longest + 1))
        return ["\(fence) {\(attributes)}", ""] + body + ["", fence]
    }

    /// An output region: its lines, behind the unrecorded note in preview.
    static func output(_ body: [String], unrecordedNote: String? = nil) -> [String] {
        guard let unrecordedNote else { return div(".output", body) }
        return div(".output .unrecorded", div(".unrecorded-note", [unrecordedNote]) + [""] + body)
    }

    /// A chart as figure `number` of its page: its SVG drawn with the page's word for "figure", the caption linking
    /// to the figure itself (its label stays while numbers move), and its text version.
    static func figure(svg: String, label: String, number: Int, title: String, word: String,
                       textVersion: (name: String, lines: [String])) -> [String] {
        let drawing = TextLines.split(svg)
        let fence = RegionRenderer.fence(for: drawing)
        let caption = "[\(escaped(word)) \(number).](#\(label)) " + escaped(title.split(whereSeparator: \.isNewline).joined(separator: " "))
        return div("#\(label) .figure number=\(quoted(String(number)))",
                   [fence + "svg"] + drawing + [fence, "", caption, ""]
                    + div(".text-version", [escaped(textVersion.name), ""] + textVersion.lines))
    }

    /// A table's number above it, linking to itself: what `[Table 2](#tbl-ID)` in the prose points at.
    static func tableCaption(label: String, number: Int, word: String) -> [String] {
        div("#\(label) .table-caption number=\(quoted(String(number)))", ["[\(escaped(word)) \(number)](#\(label))"])
    }

    /// Inline Markdown `text` as a span with attributes. Its brackets are escaped unless they pair up (a value that
    /// is a link stays one), and a last backslash is doubled, so that the span ends where it should.
    static func span(_ text: String, _ attributes: String) -> String {
        var depth = 0, balanced = true, previous: Character = " "
        for character in text {
            if previous != "\\" {
                if character == "[" { depth += 1 }
                if character == "]" { depth -= 1; if depth < 0 { balanced = false } }
            }
            previous = previous == "\\" ? " " : character
        }
        var inner = text
        if !balanced || depth != 0 {
            inner = ""
            var escaping = false
            for character in text {
                if !escaping && (character == "[" || character == "]") { inner += "\\" }
                escaping = !escaping && character == "\\"
                inner.append(character)
            }
        }
        if inner.reversed().prefix(while: { $0 == "\\" }).count % 2 == 1 { inner += "\\" }
        return "[\(inner)]{\(attributes)}"
    }

    /// A quoted attribute value: pandoc's reader decodes entities there, and nothing else escapes a quote.
    static func quoted(_ value: String) -> String {
        "\"" + escape(value.split(whereSeparator: \.isNewline).joined(separator: " ")) + "\""
    }

    /// Text that reads as itself in Markdown: every ASCII punctuation character backslash-escaped (CommonMark
    /// allows that for each of them), so no `*`, `$`, `[`, `<` or `:emoji:` in a title or a note becomes markup.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if character.isASCII, character.isPunctuation || character.isSymbol { out += "\\" }
            out.append(character)
        }
        return out
    }
}
