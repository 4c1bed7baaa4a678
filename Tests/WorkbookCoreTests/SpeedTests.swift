import Foundation
import Testing
@testable import WorkbookCore

/// Few pandoc processes for every changed page (`PandocPages`), and `build --fix`: one command from an edit to
/// the updated site.
@Suite(.serialized) struct SpeedTests {
    static let theme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources/theme")

    func scratch(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-speed-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static let pages = [
        "# First\n\nInline $x^2$ and display math:\n\n$$\\theta_i = b^{-2i/d}$$\n\n## A section\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n### Deeper\n\ntext\n",
        "# Zweite Seite — 第二页\n\n```swift\nlet x = 1\n```\n\n<div class=\"output\">\n\n```text\n42\n```\n\n</div>\n\n## Ende\n",
        "",
        "# Only a title\n\nSee [the next page](02-next.md#part) and [a site](https://example.org/a.md).\n",
    ]

    /// pandoc renders each page once for the site: HTML with MathML, the table of contents after the title (h2 with
    /// its h3 nested), chapter links as .html on Link nodes only, and the sections search indexes (no TeX, no
    /// snippet source, outputs kept). Several processes side by side give the same pages as one.
    /// A page pandoc cannot render does not hide the next: every failing page is named, in one or several processes.
    @Test(.enabled(if: Subprocess.which("pandoc") != nil, "pandoc not installed (make test installs it): pandoc tests skipped"))
    func everyPageThatFailsIsNamed() throws {
        let pandoc = try #require(Subprocess.which("pandoc"))
        let folder = try scratch("pandoc-failures")
        defer { try? FileManager.default.removeItem(at: folder) }
        // A link filter that fails on one link target, as a page pandoc cannot handle would.
        let failing = folder.appendingPathComponent("failing-links.lua")
        try "function Link(link) if link.target == 'boom' then error('cannot render this link') end end\n"
            .write(to: failing, atomically: true, encoding: .utf8)
        let sources = ["# A\n\n[x](boom)\n", "# B\n\nfine\n", "# C\n\n[y](boom)\n", "# D\n"].map { PageSource(markdown: $0, tocLabel: "On") }
        for jobs in [1, 2] {
            let result = try PandocPages(pandoc: pandoc, renderer: Self.theme.appendingPathComponent(SiteRenderer.pageRenderer),
                                         linkFilter: failing, textRules: Self.theme.appendingPathComponent(SiteRenderer.textRules),
                                         typedBlocks: Self.theme.appendingPathComponent(SiteRenderer.typedBlocks),
                                         scratch: folder, jobs: jobs).render(sources + sources)
            guard case .failure(.pages(let failed)) = result else { Issue.record("expected failing pages, got \(result)"); continue }
            #expect(failed.map(\.index) == [0, 2, 4, 6], "jobs \(jobs)")
            #expect(failed.allSatisfy { $0.message.contains("cannot render this link") })
        }
    }

    @Test(.enabled(if: Subprocess.which("pandoc") != nil, "pandoc not installed (make test installs it): pandoc tests skipped"))
    func pandocRendersPagesTocAndSearchSectionsTheSameInOneProcessOrSeveral() throws {
        let pandoc = try #require(Subprocess.which("pandoc"))
        let folder = try scratch("pandoc")
        defer { try? FileManager.default.removeItem(at: folder) }
        func renderer(jobs: Int) -> PandocPages {
            PandocPages(pandoc: pandoc, renderer: Self.theme.appendingPathComponent(SiteRenderer.pageRenderer),
                        linkFilter: Self.theme.appendingPathComponent(SiteRenderer.linkFilter),
                        textRules: Self.theme.appendingPathComponent(SiteRenderer.textRules),
                        typedBlocks: Self.theme.appendingPathComponent(SiteRenderer.typedBlocks), scratch: folder, jobs: jobs)
        }
        let sources = (Self.pages + Self.pages).map { PageSource(markdown: $0, tocLabel: "On this page") }
        let one = try renderer(jobs: 1).render(sources).get()
        let two = try renderer(jobs: 2).render(sources).get()
        #expect(one == two, "two processes render the same pages as one")
        let first = one[0]
        let title = try #require(first.html.range(of: "</h1>")), toc = try #require(first.html.range(of: "<nav class=\"toc\" aria-label=\"On this page\">"))
        #expect(title.upperBound <= toc.lowerBound && first.html.contains("<math"))
        #expect(first.html.contains("<a href=\"#a-section\">A section</a>\n<ul>\n<li><a href=\"#deeper\">Deeper</a>"), "\(first.html)")
        #expect(first.sections.map(\.anchor) == ["", "a-section", "deeper"])
        #expect(first.sections[0].text.contains("Inline x^2 and") && !first.sections[0].text.contains("<math"),
                "math is searched once, as its TeX")
        #expect(SearchIndex.plainText(first.sections[1].text) == "a b 1 2", "table cells are words apart")
        #expect(one[1].html.contains("第二页") && !one[1].sections.map(\.text).joined().contains("let x") && one[1].sections[0].text.contains("42"),
                "snippet source is not searched, its output is")
        #expect(!one[2].html.contains("nav"), "an empty page has no table of contents")
        #expect(one[3].html.contains("href=\"02-next.html#part\"") && one[3].html.contains("href=\"https://example.org/a.md\""),
                "chapter links become .html, other links stay")
        #expect(!one[3].html.contains("<nav"), "a page without sections has no table of contents")
    }

    @Test func pagesAreSplitIntoBalancedGroups() {
        #expect(BalancedGroups.split([5, 1, 4, 2, 3], into: 2) { $0 } == [[5, 1, 2], [4, 3]], "sizes 8 and 7, input order kept")
    }

    @Test func rendererFramingSplitsBytesNotCharacters() {
        let data = Data("3\nabc6\n第二0\n".utf8)
        #expect(PandocPages.split(data) == ["abc", "第二", ""])
        #expect(PandocPages.split(Data("5\nabc".utf8)) == nil, "a truncated stream is refused")
        #expect(PandocPages.split(Data("x\nabc".utf8)) == nil)
        #expect(PandocPages.pages(in: Data("4\n<p/>1\n11\na1\nA1\nt".utf8)) == [RenderedPage(html: "<p/>", sections: [.init(anchor: "a", heading: "A", text: "t")])])
        #expect(PandocPages.pages(in: Data("4\n<p/>1\n2".utf8)) == nil, "a section count larger than what follows")
    }

    @Test(.enabled(if: Subprocess.which("pandoc") != nil, "pandoc not installed (make test installs it): pandoc tests skipped"))
    func rendererRendersChangedPagesOnceAndReusesTheRest() throws {
        let pandoc = try #require(Subprocess.which("pandoc"))
        let folder = try scratch("renderer")
        defer { try? FileManager.default.removeItem(at: folder) }
        let theme = Theme(builtIn: Self.theme, override: nil)
        let renderer = SiteRenderer(pandoc: pandoc, theme: theme, cacheDirectory: folder.appendingPathComponent("pages"), jobs: 2)
        let publisher = SitePublisher(theme: theme, outputDirectory: folder.appendingPathComponent("out"))
        func edition(_ second: String) -> SiteEdition {
            SiteEdition(language: "en", path: "", title: "Book",
                        pages: [SitePage(name: "01-a", title: "A", summary: "", markdown: Self.pages[0]),
                                SitePage(name: "02-b", title: "B", summary: "", markdown: second)],
                        landing: SitePage(name: "index", title: "Book", summary: "", markdown: "# Book\n"),
                        strings: .english, chaptersFolder: "Chapters")
        }
        let first = try renderer.render([edition(Self.pages[1])])
        #expect(first.rendered == 3 && first.reused == 0)
        let again = try renderer.render([edition(Self.pages[1])])
        #expect(again.rendered == 0 && again.reused == 3)
        let editedEdition = edition(Self.pages[1].replacingOccurrences(of: "42", with: "43"))
        let edited = try renderer.render([editedEdition])
        #expect(edited.rendered == 1 && edited.reused == 2)
        try publisher.publish([editedEdition], rendered: edited)
        let page = try String(contentsOf: folder.appendingPathComponent("out/02-b.html"), encoding: .utf8)
        #expect(page.contains("43") && page.contains("nav class=\"toc\""))
        let index = try String(contentsOf: folder.appendingPathComponent("out/assets/search-index.js"), encoding: .utf8)
        #expect(index.contains("\"anchor\":\"ende\"") && index.contains("43"))
        // One cached page per page: the edit replaced the old one.
        let cached = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("pages").path)
            .filter { $0.hasPrefix("02-b.") }
        #expect(cached.count == 1)
    }

    /// Nothing changed → nothing written: a rebuild's cost does not grow with the pages it would rewrite, and a
    /// deployed or served site stays as it is. A page removed by hand, or any changed input, writes the site again.
    @Test(.enabled(if: Subprocess.which("pandoc") != nil, "pandoc not installed (make test installs it): pandoc tests skipped"))
    func publishingTheSameSiteAgainWritesNothing() throws {
        let pandoc = try #require(Subprocess.which("pandoc"))
        let folder = try scratch("publish-again")
        defer { try? FileManager.default.removeItem(at: folder) }
        let theme = Theme(builtIn: Self.theme, override: nil)
        let renderer = SiteRenderer(pandoc: pandoc, theme: theme, cacheDirectory: folder.appendingPathComponent("pages"), jobs: 2)
        let publisher = SitePublisher(theme: theme, outputDirectory: folder.appendingPathComponent("out"))
        let key = folder.appendingPathComponent("published-site")
        func edition(_ page: String) -> SiteEdition {
            SiteEdition(language: "en", path: "", title: "Book", pages: [SitePage(name: "01-a", title: "A", summary: "", markdown: page)],
                        landing: SitePage(name: "index", title: "Book", summary: "", markdown: "# Book\n"),
                        strings: .english, chaptersFolder: "Chapters")
        }
        let original = edition(Self.pages[0])
        let rendered = try renderer.render([original])
        let page = folder.appendingPathComponent("out/01-a.html")
        #expect(try publisher.publish([original], rendered: rendered, keyFile: key))
        let written = try FileManager.default.attributesOfItem(atPath: page.path)[.modificationDate] as? Date
        #expect(try !publisher.publish([original], rendered: rendered, keyFile: key))
        #expect(try FileManager.default.attributesOfItem(atPath: page.path)[.modificationDate] as? Date == written)
        try FileManager.default.removeItem(at: page)
        #expect(try publisher.publish([original], rendered: rendered, keyFile: key))
        #expect(FileManager.default.fileExists(atPath: page.path))
        let changed = edition(Self.pages[0] + "\nOne more sentence.\n")
        #expect(try publisher.publish([changed], rendered: try renderer.render([changed]), keyFile: key))
        #expect(try String(contentsOf: page, encoding: .utf8).contains("One more sentence."))
    }

    @Test func buildWithFixWritesFreshOutputsAndRendersInOneRun() throws {
        let root = try scratch("build-fix")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        let chapter = root.appendingPathComponent("Chapters/01-value.md")
        func write(_ value: Int) throws {
            try "# Value\n\nProse.\n\n```swift {#value}\nlet x = \(value)\nprint(\"x is \\(x)\")\n```\n<!-- output: value -->\n```text\nx is 1\n```\n<!-- end output -->\n"
                .write(to: chapter, atomically: true, encoding: .utf8)
        }
        try "# Other\n\n```swift {#other}\nprint(\"other\")\n```\n<!-- output: other -->\n```text\nother\n```\n<!-- end output -->\n"
            .write(to: root.appendingPathComponent("Chapters/02-other.md"), atomically: true, encoding: .utf8)
        func run(fix: Bool) -> BuildReport {
            var options = BuildOptions(root: root, mode: .build)
            options.fixOutputs = fix
            options.showProgress = false
            options.timeout = 20
            options.runtimeDirectory = TestRuntime.directory
            return Workbook.run(options)
        }
        try write(1)
        let first = run(fix: false)
        #expect(first.errors.isEmpty, "\(first.errors)")
        #expect(first.pagesRendered == 3, "two chapters and the landing page")

        // An edit that changes the output: build --fix writes the fresh output into the chapter and renders it, in
        // one run, one compile.
        try write(2)
        let fixed = run(fix: true)
        #expect(fixed.errors.isEmpty, "\(fixed.errors)")
        #expect(fixed.fixedFiles == ["Chapters/01-value.md"])
        #expect(fixed.compiled == 1 && fixed.cacheHits == 1, "only the edited chapter compiles")
        #expect(fixed.pagesRendered == 1 && fixed.pagesReused == 2, "the edited page only; the other and the landing page reused")
        #expect(try String(contentsOf: chapter, encoding: .utf8).contains("<!-- output: value -->\n```text\nx is 2\n```"))
        let page = try String(contentsOf: root.appendingPathComponent("site/out/01-value.html"), encoding: .utf8)
        #expect(page.contains("x is 2") && !page.contains("x is 1"))
        // The chapter now records what it prints: a plain build agrees and compiles nothing.
        let after = run(fix: false)
        #expect(after.errors.isEmpty && after.compiled == 0 && after.pagesRendered == 0)
        // Without --fix, the same kind of edit fails on drift and leaves the chapter and the site alone.
        try write(3)
        let drift = run(fix: false)
        #expect(drift.errors.map(\.description).first?.contains("output of snippet 'value' changed") == true)
        #expect(try String(contentsOf: chapter, encoding: .utf8).contains("```text\nx is 1\n```"), "write() put the old region back")
        #expect(try String(contentsOf: root.appendingPathComponent("site/out/01-value.html"), encoding: .utf8).contains("x is 2"))
    }
}

/// The driver's plan, parsed and placed in a chapter's folder.
@Suite struct DirectCompileTests {
    @Test func splitsTheDriversShellQuoting() {
        #expect(DirectCompile.split("/bin/x -I '/tmp/a b/Modules' -module-cache-path '/tmp/x'\\''y/mc' \"c d\" e\\ f") ==
                ["/bin/x", "-I", "/tmp/a b/Modules", "-module-cache-path", "/tmp/x'y/mc", "c d", "e f"])
        #expect(DirectCompile.split("a ''") == ["a", ""])
        #expect(DirectCompile.split("a 'b") == nil)
    }

    @Test func temporaryFilesGoToTheChaptersFolder() {
        let scratch = URL(fileURLWithPath: "/book/.workbook-cache/build/01-x")
        let output = URL(fileURLWithPath: "/book/.workbook-cache/build/01-x/chapter")
        #expect(DirectCompile.resolve("/tmp/TemporaryDirectory.AbC/main-1.o", sourceFolder: scratch, output: output, scratch: scratch)
                == "/book/.workbook-cache/build/01-x/driver-main-1.o")
        #expect(DirectCompile.resolve("@/tmp/TemporaryDirectory.AbC/Chapter-1.autolink", sourceFolder: scratch, output: output, scratch: scratch)
                == "@/book/.workbook-cache/build/01-x/driver-Chapter-1.autolink")
        #expect(DirectCompile.resolve(DirectCompile.sourceFolderPlaceholder.path + "/chapter2.swift", sourceFolder: scratch, output: output,
                                      scratch: scratch) == scratch.path + "/chapter2.swift")
        #expect(DirectCompile.resolve(DirectCompile.outputPlaceholder.path, sourceFolder: scratch, output: output, scratch: scratch) == output.path)
        #expect(DirectCompile.withoutOutputFileMap(["-c", "-supplementary-output-file-map", "/tmp/m", "-o", "x"]) == ["-c", "-o", "x"])
    }

    /// A book whose path has a space and a quote compiles through the planned jobs (the driver quotes such paths).
    @Test func chapterInAPathWithSpacesCompilesAndRuns() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook speed's \(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        try "# Spaces\n\n```swift {#hello}\nprint(\"hello\")\n```\n<!-- output: hello -->\n```text\nhello\n```\n<!-- end output -->\n"
            .write(to: root.appendingPathComponent("Chapters/01-spaces.md"), atomically: true, encoding: .utf8)
        var options = BuildOptions(root: root, mode: .check)
        options.showProgress = false
        options.timeout = 20
        options.runtimeDirectory = TestRuntime.directory
        let report = Workbook.run(options)
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.compiled == 1)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(".workbook-cache/build/01-spaces/driver-main-1.o").path),
                "compiled through the planned jobs, not the driver")
    }
}
