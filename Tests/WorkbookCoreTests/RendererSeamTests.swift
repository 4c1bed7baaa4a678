import Foundation
import Presentation
import Testing
@testable import WorkbookCore

/// Issue 22, item 5: the weave writes format-neutral Markdown (typed blocks, no HTML), and each renderer gives the
/// typed blocks its own markup — the HTML site the markup its CSS, script, print edition and browser tests know,
/// the EPUB its own.
@Suite(.serialized) struct RendererSeamTests {
    /// Every kind of output, at the top level, in a list item and in a block quote, and an inline value. The quote's
    /// snippet records an output (the woven one takes its place), the others none yet (it is inserted).
    static let chapterText = """
        # Seam

        ```swift {#plain}
        print("plain")
        ```

        The bound is <!--= fmt(b, 2) -->1.00<!--/--> here; see [Figure 1](#fig-listed) and [Table 1](#tbl-listed).

        - A list item:

          ```swift {#listed}
          show(table)
          show(chart)
          ```

        > A quote:
        >
        > ```swift {#quoted}
        > print("fresh")
        > ```
        > <!-- output: quoted -->
        > ```text
        > stale
        > ```
        > <!-- end output -->

        The end.

        """
    static let chart = AsciiChart.line(x: [0, 1, 2], y: [3, 1, 2], name: "n", title: "a \"title\" *not emphasis*")

    /// The chapter woven as preview weaves it: the quote's output and the value not recorded yet.
    static func woven() throws -> String {
        let (parsed, errors) = ChapterParser().parse(path: "Chapters/01-seam.md", text: chapterText)
        let chapter = try #require(parsed, "\(errors)")
        var table = Table(["pair", "angle"])
        table.append(["0", "1.0"])
        let outputs = [SnippetOutput(segments: [.text("plain")], values: ["32.56"]),
                       SnippetOutput(segments: [.markdown(table.markdown), .figure(chart, ascii: chart.ascii)]),
                       SnippetOutput(segments: [.text("fresh")])]
        return Weaver.markdown(for: chapter, outputs: outputs, unrecorded: ["quoted"], marksValues: true)
    }

    @Test func theWovenPageHoldsNoHTML() throws {
        let woven = try Self.woven()
        let blocks = MarkdownBlocks.parse(woven)
        #expect(blocks.htmlBlocks.isEmpty, "HTML blocks in the woven page: \(blocks.htmlBlocks.map(\.literal))")
        #expect(blocks.htmlInlines.isEmpty, "inline HTML in the woven page: \(blocks.htmlInlines.map(\.literal))")
        // The typed blocks, with the container prefix of the snippet they follow.
        #expect(woven.contains("\n  ::::: {.output}\n") && woven.contains("\n  :::: {#fig-listed .figure number=\"1\"}\n"))
        #expect(woven.contains("\n  ::: {#tbl-listed .table-caption number=\"1\"}\n"))
        #expect(woven.contains("\n> :::: {.output .unrecorded}\n>\n> ::: {.unrecorded-note}\n"))
        #expect(woven.contains("[32.56]{.unrecorded-value title=\"Not yet recorded: the chapter says '1.00'; workbook fix records this fresh value.\"}"))
        // Landing page: the chapter list, its summaries and the whole-book links are typed blocks too.
        let landing = Weaver.landing(nil, title: "Book", chapters: Self.chapters, heading: "Chapters",
                                     editions: [("print", "print.html")])
        let landingBlocks = MarkdownBlocks.parse(landing)
        #expect(landingBlocks.htmlBlocks.isEmpty && landingBlocks.htmlInlines.isEmpty, "\(landing)")
    }

    /// Ten chapters, so that one list marker is wider ("10. ") and its summary must be indented further.
    static let chapters = (1...10).map { number in
        SitePage(name: String(format: "%02d-c", number), title: "Chapter \(number)",
                 summary: "Summary \(number) with [its table](#tbl-x) and $x_\(number)$.", markdown: "")
    }

    func pandoc() throws -> String { try #require(Subprocess.which("pandoc")) }

    func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seam-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func site(_ pages: [String], folder: URL) throws -> [RenderedPage] {
        let theme = TestBook.theme
        let renderer = PandocPages(pandoc: try pandoc(), renderer: theme.appendingPathComponent(SiteRenderer.pageRenderer),
                                   linkFilter: theme.appendingPathComponent(SiteRenderer.linkFilter),
                                   textRules: theme.appendingPathComponent(SiteRenderer.textRules),
                                   typedBlocks: theme.appendingPathComponent(SiteRenderer.typedBlocks), scratch: folder, jobs: 1)
        return try renderer.render(pages.map { PageSource(markdown: $0, tocLabel: "On this page") }).get()
    }

    /// The HTML site: the markup the weave wrote before the seam, now the renderer's, nested where the snippets are.
    @Test(.enabled(if: Subprocess.which("pandoc") != nil, "pandoc not installed"))
    func theSiteGivesTheTypedBlocksTheirHTML() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = try #require(try site([try Self.woven()], folder: folder).first)
        let html = page.html
        for markup in [
            "<div class=\"output\">\n<pre><code>plain</code></pre>\n</div>",
            "<figure class=\"chart\" id=\"fig-listed\">\n<svg xmlns=\"http://www.w3.org/2000/svg\"",
            "<figcaption><a href=\"#fig-listed\">Figure 1.</a> a \"title\" *not emphasis*</figcaption>\n</figure>",
            "<details class=\"ascii\">\n<summary>Text version of figure 1</summary>\n<pre><code>a &quot;title&quot; *not emphasis*",
            "</code></pre>\n</details>",
            "<p class=\"table-caption\" id=\"tbl-listed\"><a href=\"#tbl-listed\">Table 1</a></p>\n<table>",
            "<div class=\"output unrecorded\">\n<p class=\"unrecorded-note\"><strong>Not yet recorded:</strong> this fresh output "
                + "differs from the one in the chapter; <code>workbook fix</code> records it.</p>\n<pre><code>fresh</code></pre>\n</div>",
            "<mark class=\"unrecorded-value\" title=\"Not yet recorded: the chapter says '1.00'; workbook fix records this fresh value.\">32.56</mark>",
            "<a href=\"#fig-listed\">Figure 1</a>", "<a href=\"#tbl-listed\">Table 1</a>",
        ] {
            #expect(html.contains(markup), "missing: \(markup)\nin:\n\(html)")
        }
        #expect(!html.contains(":::") && !html.contains("{.") && !html.contains("<em>not"), "no typed block left as text: \(html)")
        // The list item holds its output (figure and table), the quote its unrecorded one.
        let item = try #require(html.range(of: "<li>").flatMap { start in html.range(of: "</li>", range: start.upperBound..<html.endIndex).map { html[start.lowerBound..<$0.upperBound] } })
        #expect(item.contains("<figure class=\"chart\"") && item.contains("class=\"table-caption\"") && item.contains("<div class=\"output\">"))
        let quote = try #require(html.range(of: "<blockquote>").flatMap { start in html.range(of: "</blockquote>", range: start.upperBound..<html.endIndex).map { html[start.lowerBound..<$0.upperBound] } })
        #expect(quote.contains("<div class=\"output unrecorded\">"))
        // Search reads the outputs and the text version, never the SVG's source or the weave's captions.
        let searched = page.sections.map(\.text).joined(separator: "\n")
        #expect(searched.contains("plain") && searched.contains("fresh") && searched.contains("legend"))
        #expect(!searched.contains("svg") && !searched.contains("polyline") && !searched.contains("Text version"), "\(searched)")

        // The landing page: each summary in its chapter's item, its own anchors pointing into its chapter's page.
        let landing = try #require(try site([Weaver.landing(nil, title: "Book", chapters: Self.chapters, heading: "Chapters",
                                                            editions: [("Print", "print.html")])], folder: folder).first).html
        #expect(landing.contains("<div class=\"chapter-list\">") && landing.contains("<div class=\"whole-book\">\n<p><a href=\"print.html\">Print</a></p>"))
        for chapter in Self.chapters {
            #expect(landing.contains("<li><p><a href=\"\(chapter.name).html\">\(chapter.title)</a></p>\n<p>Summary")
                        && landing.contains("href=\"\(chapter.name).html#tbl-x\""), "\(chapter.name) in \(landing)")
        }
        #expect(!landing.contains("chapter-summary") && !landing.contains(":::"), "\(landing)")
    }

    /// The EPUB: the same woven page, its own markup — the SVG inline in a figure inside the figure's anchor, the
    /// text version a code block, outputs, captions and marks as pandoc writes divs and spans; anchors the page's.
    @Test(.enabled(if: Subprocess.which("pandoc") != nil && Subprocess.which("unzip") != nil, "pandoc or unzip not installed"))
    func theEpubGivesTheTypedBlocksItsOwnMarkup() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let theme = TestBook.theme
        let writer = EpubWriter(pandoc: try pandoc(), renderer: theme.appendingPathComponent(EpubWriter.theme),
                                textRules: theme.appendingPathComponent(SiteRenderer.textRules),
                                typedBlocks: theme.appendingPathComponent(SiteRenderer.typedBlocks),
                                stylesheet: theme.appendingPathComponent(EpubWriter.stylesheet), scratch: folder)
        let edition = SiteEdition(language: "en", path: "", title: "Seam",
                                  pages: [SitePage(name: "01-seam", title: "Seam", summary: "", markdown: try Self.woven())],
                                  landing: SitePage(name: "index", title: "Seam", summary: "", markdown: "# Seam\n"),
                                  strings: .english, chaptersFolder: "Chapters")
        let url = folder.appendingPathComponent("book.epub")
        try writer.render(edition, to: url)
        let epub = try EpubTests().unpack(url)
        try EpubTests().checkStructure(epub, language: "en")
        let text = epub.entries.filter { $0.key.hasSuffix(".xhtml") }.values.map { String(decoding: $0, as: UTF8.self) }.joined()
        for pattern in [
            #"<div id="01-seam--fig-listed" class="figure" data-number="1">\s*<figure class="chart">\s*<svg xmlns="http://www.w3.org/2000/svg""#,
            #"<figcaption><a href="[^"]*#01-seam--fig-listed">Figure 1\.</a> a "title" \*not emphasis\*</figcaption>\s*</figure>"#,
            #"<div class="text-version">\s*<p>Text version of figure 1</p>\s*<pre[^>]*><code>a &quot;title&quot;"#,
            #"<div id="01-seam--tbl-listed" class="table-caption" data-number="1">\s*<p><a href="[^"]*#01-seam--tbl-listed">Table 1</a></p>"#,
            #"<div class="output">\s*<pre[^>]*><code>plain</code></pre>"#,
            #"<div class="output unrecorded">\s*<div class="unrecorded-note">\s*<p><strong>Not yet recorded:</strong>"#,
            #"<span class="unrecorded-value" title="Not yet recorded: the chapter says (&#39;|')1\.00(&#39;|'); workbook fix records this fresh value\.">32\.56</span>"#,
            #"<li>\s*<p>A list item:</p>\s*<div class="sourceCode""#, #"<blockquote>\s*<p>A quote:</p>"#,
        ] {
            #expect(text.range(of: pattern, options: .regularExpression) != nil, "missing /\(pattern)/ in:\n\(text)")
        }
        #expect(!text.contains(":::") && !text.contains("<details") && !text.contains("class=\"svg\""), "typed blocks left as text or as the site's markup")
    }

    /// A book's own theme keeps working: its page-text.lua from before the typed blocks (a reader without fenced
    /// divs) still gets figures and outputs, not `:::` as text.
    @Test func aThemesOwnPageTextFromBeforeTheTypedBlocksStillReadsThem() throws {
        let book = try TestBook(["01-t.md": chapter([("c", "show(AsciiChart.bar(labels: [\"a\", \"b\"], values: [1, 2], title: \"t\"))")])])
        defer { book.remove() }
        let builtIn = try String(contentsOf: TestBook.theme.appendingPathComponent(SiteRenderer.textRules), encoding: .utf8)
        #expect(builtIn.contains("+fenced_divs+bracketed_spans'"))
        try book.write(builtIn.replacingOccurrences(of: "+fenced_divs+bracketed_spans'", with: "'"), to: "mytheme/page-text.lua")
        try book.write("[book]\ntheme = \"mytheme\"\n", to: "book.toml")
        #expect(book.run(.fix).errors.isEmpty)
        let build = book.run(.build)
        #expect(build.errors.isEmpty, "\(build.errors)")
        let page = try book.read("site/out/01-t.html")
        #expect(page.contains("<figure class=\"chart\" id=\"fig-c\">") && page.contains("<div class=\"output\">") && !page.contains(":::"))
    }

    /// An inline value's text is Markdown inside its span: an unpaired bracket or a last backslash does not end the
    /// span early, and a value that is a link stays one.
    @Test(.enabled(if: Subprocess.which("pandoc") != nil, "pandoc not installed"))
    func anUnrecordedValueShowsItsTextWhateverItHolds() throws {
        #expect(TypedBlocks.span("a]b[", ".v") == #"[a\]b\[]{.v}"#)
        #expect(TypedBlocks.span("[x](y)", ".v") == "[[x](y)]{.v}")
        #expect(TypedBlocks.span(#"c\"#, ".v") == #"[c\\]{.v}"#)
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let values = ["a]b[", "[x](y)", #"c\"#].map { TypedBlocks.span($0, ".unrecorded-value title=\"t\"") }
        let html = try #require(try site(["# V\n\n" + values.joined(separator: " and ") + ".\n"], folder: folder).first).html
        #expect(html.replacingOccurrences(of: "\n", with: " ").contains(#"<mark class="unrecorded-value" title="t">a]b[</mark> and "#
                                + #"<mark class="unrecorded-value" title="t"><a href="y">x</a></mark> and "#
                                + #"<mark class="unrecorded-value" title="t">c\</mark>."#), "\(html)")
    }

    /// An author's own div or span with a class the weave uses, but not the weave's parts, stays what pandoc makes
    /// of it: the page renders.
    @Test(.enabled(if: Subprocess.which("pandoc") != nil, "pandoc not installed"))
    func anAuthorsDivWithATypedClassStaysADiv() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = "# A\n\n::: {.figure}\nJust prose.\n:::\n\n::: {.unrecorded-value}\nA block.\n:::\n\nSee [this]{.table-caption}.\n"
        let html = try #require(try site([page], folder: folder).first).html
        #expect(html.contains("<div class=\"figure\">\n<p>Just prose.</p>\n</div>") && html.contains("<div class=\"unrecorded-value\">")
                    && html.contains("<span class=\"table-caption\">this</span>"), "\(html)")
    }
}
