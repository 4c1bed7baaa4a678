import Foundation
import Testing
@testable import WorkbookCore

/// The whole pipeline on small fixture books (Fixtures/good and Fixtures/broken): folders of chapters with no
/// package, so their runtime is the helpers alone, built once and shared by every test (`TestRuntime`).
@Suite(.serialized) struct EndToEndTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// A private copy of a fixture book (fix writes into it); it uses the built-in theme.
    func copyOf(_ name: String) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-e2e-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name + "/Chapters"),
                                         to: root.appendingPathComponent("Chapters"))
        return root
    }

    func run(_ root: URL, _ mode: BuildOptions.Mode, chapters: [String] = [], force: Bool = false) -> BuildReport {
        var options = BuildOptions(root: root, mode: mode)
        options.chapters = chapters
        options.force = force
        options.showProgress = false
        options.timeout = 20
        options.runtimeDirectory = TestRuntime.directory
        return Workbook.run(options)
    }

    @Test func goodBookFixesChecksBuildsAndCaches() throws {
        let root = try copyOf("good")
        defer { try? FileManager.default.removeItem(at: root) }
        let firstCheck = run(root, .check)
        // The hidden table snippet and the chart have no region yet: drift, at their closing fences.
        #expect(firstCheck.errors.map(\.description) == [
            "Chapters/01-good.md:20: error: [check] snippet 'table' printed output that the chapter does not record; run `workbook fix` to add it",
            "Chapters/02-second.md:5: error: [check] snippet 'chart' printed output that the chapter does not record; run `workbook fix` to add it",
        ])
        let fix = run(root, .fix)
        #expect(fix.errors.isEmpty, "\(fix.errors)")
        #expect(fix.fixedFiles == ["Chapters/01-good.md", "Chapters/02-second.md"])
        let chapter = try String(contentsOf: root.appendingPathComponent("Chapters/01-good.md"), encoding: .utf8)
        #expect(chapter.contains("<!-- output: table -->\n| n   | square |\n|:--- | ------:|\n| 1   |      1 |"))
        #expect(!chapter.contains("<!-- output: quiet -->"), "noout output is never written")
        #expect(run(root, .fix).fixedFiles.isEmpty, "a second fix changes nothing")

        let build = run(root, .build)
        #expect(build.errors.isEmpty, "\(build.errors)")
        #expect(build.cacheHits == 2 && build.compiled == 0, "nothing changed since fix: no compile at all")
        let page = try String(contentsOf: root.appendingPathComponent("site/out/01-good.html"), encoding: .utf8)
        #expect(page.contains("<math") && page.contains("class=\"output\"") && page.contains("x doubled is 42"))
        #expect(!page.contains("show(t)"), "hidden snippet source is not in the page")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/out/index.html").path))

        let rebuild = run(root, .build)
        #expect(rebuild.pagesRendered == 0 && rebuild.pagesReused == 3, "unchanged pages (2 chapters, the landing page) cost no pandoc run")
        #expect(run(root, .build, chapters: ["02-second"], force: true).compiled == 1)
    }

    @Test func brokenBookReportsEveryFailureAtItsLine() throws {
        let root = try copyOf("broken")
        defer { try? FileManager.default.removeItem(at: root) }
        let report = run(root, .build)
        // The trap's message names a file of the toolchain's standard library, which differs between toolchains:
        // what matters is the chapter line, the snippet and the fatal error.
        let lines = report.errors.map { $0.description.split(separator: "\n").first.map(String.init) ?? "" }
            .map { $0.replacingOccurrences(of: #"Swift/[A-Za-z]+\.swift:[0-9]+: "#, with: "", options: .regularExpression) }
        #expect(lines == [
            "Chapters/01-compile.md:8:14: error: [compile] cannot convert value of type 'String' to specified type 'Int'",
            "Chapters/02-trap.md:10:9: error: [run] trapped in snippet 'trap': Fatal error: Index out of range",
            "Chapters/03-check.md:5: error: [run] check failed in snippet 'facts': floating point addition is exact",
            "Chapters/03-check.md:6: error: [run] check failed in snippet 'facts': within a tolerance: expected 0.3 ± 1e-17, got 0.30000000000000004",
            "Chapters/04-drift.md:6: error: [check] output of snippet 'value' changed; run `workbook fix` to accept it",
        ])
        #expect(report.errors.last?.description.contains("- 41\n") == true && report.errors.last?.description.contains("+ 42") == true,
                "the diff shows the recorded and the fresh output: \(report.errors.last?.description ?? "")")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("site/out").path), "no site from a failing book")
        // The chapters that could run were still reported: 4 chapters, all attempted.
        #expect(report.compiled == 4)
    }

    @Test func timeLimit() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-loop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        try "# Loop\n\n```swift {#spin}\nvar i = 0\nwhile true { i &+= 1 }\n```\n".write(
            to: root.appendingPathComponent("Chapters/01-loop.md"), atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: root) }
        var options = BuildOptions(root: root, mode: .check)
        options.timeout = 2
        options.showProgress = false
        options.runtimeDirectory = TestRuntime.directory
        let report = Workbook.run(options)
        #expect(report.errors.map(\.description) == ["Chapters/01-loop.md:3: error: [run] time limit of 2 s exceeded in snippet 'spin'; make it faster or raise --timeout"])
    }

    @Test func unwritableOutputFolderIsAClearError() throws {
        let root = try copyOf("good")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = run(root, .fix)
        var options = BuildOptions(root: root, mode: .build)
        options.outputDirectory = URL(fileURLWithPath: "/proc/workbook-cannot-write/out")
        options.showProgress = false
        options.runtimeDirectory = TestRuntime.directory
        let report = Workbook.run(options)
        #expect(report.errors.count == 1 && report.errors[0].stage == .publish && report.errors[0].description.contains("cannot write the site"),
                "\(report.errors)")
    }

    /// Links between chapters become .html in the page; a link shown inside a code block stays as written; the
    /// landing page's summaries are rendered by pandoc (math as MathML, links rewritten).
    @Test func chapterLinksAreRewrittenOnlyWhereTheyAreLinks() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-links-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "# A\n\nAngles $m\\theta_i$ grow; see [B](02-b.md#part).\n\n```markdown\n[x](02-b.md)\n```\n"
            .write(to: root.appendingPathComponent("Chapters/01-a.md"), atomically: true, encoding: .utf8)
        try "# B\n\nThe second.\n\n## Part\n\nText.\n".write(to: root.appendingPathComponent("Chapters/02-b.md"), atomically: true, encoding: .utf8)
        let report = run(root, .build)
        #expect(report.errors.isEmpty, "\(report.errors)")
        let page = try String(contentsOf: root.appendingPathComponent("site/out/01-a.html"), encoding: .utf8)
        #expect(page.contains("href=\"02-b.html#part\""), "the link is rewritten")
        #expect(page.contains("02-b.md"), "the code block keeps its .md link (a rewrite over the text would change it)")
        let landing = try String(contentsOf: root.appendingPathComponent("site/out/index.html"), encoding: .utf8)
        #expect(landing.contains("<math") && !landing.contains("$m\\theta_i$"), "summaries are rendered by pandoc")
        #expect(landing.contains("href=\"02-b.html#part\"") && !landing.contains(".md\""))
    }
}
