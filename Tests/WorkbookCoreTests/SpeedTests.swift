import Foundation
import Testing
@testable import WorkbookCore

/// One pandoc process for every changed page (`PandocBatch`), and `build --fix`: one command from an edit to
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

    @Test func batchRendersTheSameBytesAsOneProcessAPage() throws {
        guard let pandoc = Subprocess.which("pandoc") else { return }
        let folder = try scratch("batch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let template = Self.theme.appendingPathComponent("fragment.html")
        let links = Self.theme.appendingPathComponent(SiteRenderer.linkFilter)
        let batch = PandocBatch(pandoc: pandoc, fragmentTemplate: template, linkFilter: links, scratch: folder)
        guard case .rendered(let fragments)? = try batch.render(Self.pages) else {
            Issue.record("the batch did not render (pandoc \(Subprocess.which("pandoc") ?? "?") too old?)")
            return
        }
        #expect(fragments.count == Self.pages.count)
        for (page, fragment) in zip(Self.pages, fragments) {
            let one = try Subprocess.run(pandoc, SiteRenderer.pandocArguments + ["--template", template.path, "--lua-filter", links.path],
                                         timeout: 60, input: Data(page.utf8))
            #expect(one.status == 0)
            #expect(fragment == one.stdoutText, "page \(page.prefix(20)): the batch differs from one pandoc run")
        }
        #expect(fragments[0].contains("<math") && fragments[0].contains("<!--WORKBOOK-BODY-->"))
        #expect(fragments[1].contains("第二页"))
        #expect(fragments[3].contains("href=\"02-next.html#part\"") && fragments[3].contains("href=\"https://example.org/a.md\""),
                "chapter links become .html, other links stay")
    }

    @Test func batchFramingSplitsBytesNotCharacters() {
        let data = Data("3\nabc6\n第二0\n".utf8)
        #expect(PandocBatch.split(data) == ["abc", "第二", ""])
        #expect(PandocBatch.split(Data("5\nabc".utf8)) == nil, "a truncated stream is refused")
        #expect(PandocBatch.split(Data("x\nabc".utf8)) == nil)
    }

    @Test func rendererRendersChangedPagesOnceAndReusesTheRest() throws {
        guard let pandoc = Subprocess.which("pandoc") else { return }
        let folder = try scratch("renderer")
        defer { try? FileManager.default.removeItem(at: folder) }
        let renderer = SiteRenderer(pandoc: pandoc, theme: Theme(builtIn: Self.theme, override: nil),
                                    outputDirectory: folder.appendingPathComponent("out"),
                                    cacheDirectory: folder.appendingPathComponent("pages"), jobs: 2)
        func edition(_ second: String) -> SiteEdition {
            SiteEdition(language: "en", path: "", title: "Book",
                        pages: [SitePage(name: "01-a", title: "A", summary: "", markdown: Self.pages[0], figures: []),
                                SitePage(name: "02-b", title: "B", summary: "", markdown: second, figures: [])],
                        landing: "# Book\n", strings: .english, chaptersFolder: "Chapters")
        }
        let first = try renderer.render(editions: [edition(Self.pages[1])])
        #expect(first.rendered == 3 && first.reused == 0)
        let again = try renderer.render(editions: [edition(Self.pages[1])])
        #expect(again.rendered == 0 && again.reused == 3)
        let edited = try renderer.render(editions: [edition(Self.pages[1].replacingOccurrences(of: "42", with: "43"))])
        #expect(edited.rendered == 1 && edited.reused == 2)
        let page = try String(contentsOf: folder.appendingPathComponent("out/02-b.html"), encoding: .utf8)
        #expect(page.contains("43") && page.contains("nav class=\"toc\""))
        // One cached fragment per page: the edit replaced the old one.
        let cached = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("pages").path)
            .filter { $0.hasPrefix("02-b.") }
        #expect(cached.count == 1)
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
        let source = URL(fileURLWithPath: "/book/.workbook-cache/build/01-x/main.swift")
        let output = URL(fileURLWithPath: "/book/.workbook-cache/build/01-x/chapter")
        #expect(DirectCompile.resolve("/tmp/TemporaryDirectory.AbC/main-1.o", source: source, output: output, scratch: scratch)
                == "/book/.workbook-cache/build/01-x/driver-main-1.o")
        #expect(DirectCompile.resolve("@/tmp/TemporaryDirectory.AbC/Chapter-1.autolink", source: source, output: output, scratch: scratch)
                == "@/book/.workbook-cache/build/01-x/driver-Chapter-1.autolink")
        #expect(DirectCompile.resolve(DirectCompile.sourcePlaceholder.path, source: source, output: output, scratch: scratch) == source.path)
        #expect(DirectCompile.resolve(DirectCompile.outputPlaceholder.path, source: source, output: output, scratch: scratch) == output.path)
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
