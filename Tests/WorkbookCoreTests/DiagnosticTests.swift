import Foundation
import Testing
@testable import WorkbookCore

/// One diagnostic type: the stage is set by the runner of the step, not where a problem is raised; the error a
/// problem was made from is kept and shown; several problems stay several.
@Suite struct DiagnosticTests {
    static let prose = "# P\n\nSome prose.\n"

    @Test func theRunnerSetsTheStageAndANearerRunnerWins() {
        #expect(throws: WorkbookError(file: "Chapters/a.md", line: 2, "bad").during(.parse)) {
            try WorkbookError.Stage.parse.run { throw WorkbookError(file: "Chapters/a.md", line: 2, "bad") }
        }
        // The run stage's executor runs compile inside it: the nearer runner's stage is the one kept.
        #expect(throws: WorkbookError("no such module").during(.compile)) {
            try WorkbookError.Stage.run.run { try WorkbookError.Stage.compile.run { throw WorkbookError("no such module") } }
        }
        #expect(WorkbookError(file: "Chapters/a.md", line: 2, "bad").description == "Chapters/a.md:2: error: bad")
        #expect(WorkbookError(file: "Chapters/a.md", line: 2, "bad").during(.check).asWarning.description
                == "Chapters/a.md:2: warning: [check] bad")
    }

    @Test func severalProblemsStaySeveral() {
        let problems = [WorkbookError(file: "a.md", "one"), WorkbookError(file: "b.md", "two").during(.fix)]
        do {
            try WorkbookError.Stage.load.run { throw WorkbookErrors(problems) }
            Issue.record("nothing thrown")
        } catch {
            #expect(WorkbookError.diagnostics(in: error) == [problems[0].during(.load), problems[1]])
        }
    }

    @Test func aForeignErrorIsKeptAndShownOnce() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-missing-\(UUID().uuidString)")
        do {
            try WorkbookError.Stage.setup.run { _ = try Data(contentsOf: missing) }
            Issue.record("nothing thrown")
        } catch let error as WorkbookError {
            #expect(error.underlying is CocoaError, "\(String(describing: error.underlying))")
            #expect(error.stage == .setup && error.description.hasPrefix("error: [setup] ") && error.description.contains("doesn’t exist"),
                    "\(error)")
        }
        let denied = WorkbookError(file: "site/out", "cannot write", underlying: POSIXError(.EACCES))
        #expect(denied.text == "cannot write: The operation could not be completed. Permission denied")
        // A message that already says it does not say it twice.
        let said = WorkbookError(file: "site/out", "cannot write (The operation could not be completed. Permission denied)",
                                 underlying: POSIXError(.EACCES))
        #expect(said.text == said.message)
        // Equal only when they print the same.
        #expect(denied != WorkbookError(file: "site/out", "cannot write", underlying: POSIXError(.ENOSPC)))
        #expect(denied == WorkbookError(file: "site/out", "cannot write", underlying: POSIXError(.EACCES)))
    }

    /// The same check (no theme file may lead out of the theme folder) runs in `render`, which reads the page
    /// renderer, and in `publish`, which copies the assets: each problem names the stage that ran into it.
    @Test func aHelperTwoStagesCallReportsTheStageThatCalledIt() throws {
        let book = try TestBook(["01-p.md": Self.prose])
        defer { book.remove() }
        try book.write("[book]\ntheme = \"site/theme\"\n", to: "book.toml")
        try FileManager.default.createSymbolicLink(at: book.url("site/theme/assets/leak.txt"), withDestinationURL: URL(fileURLWithPath: "/etc/hostname"))
        let publishing = book.run(.build)
        #expect(publishing.errors.map(\.stage) == [.publish] && publishing.errors.allSatisfy { $0.message.contains("outside the theme folder") },
                "\(publishing.errors)")

        try FileManager.default.removeItem(at: book.url("site/theme/assets/leak.txt"))
        try FileManager.default.removeItem(at: book.url("site/theme/render-pages.lua"))
        try FileManager.default.createSymbolicLink(at: book.url("site/theme/render-pages.lua"),
                                                   withDestinationURL: TestBook.theme.appendingPathComponent("render-pages.lua"))
        let rendering = book.run(.build)
        #expect(rendering.errors.map(\.stage) == [.render] && rendering.errors.allSatisfy { $0.message.contains("outside the theme folder") },
                "\(rendering.errors)")
    }

    /// What a stage throws — one problem, or several at once — and what it adds to the report all say the stage.
    @Test func everyProblemOutOfAStageSaysTheStage() throws {
        let book = try TestBook(["01-p.md": Self.prose, "02-bad.md": "# B\n\n```swift {#a wrong}\nprint(1)\n```\n"])
        defer { book.remove() }
        var options = BuildOptions(root: book.root, mode: .build)
        options.showProgress = false
        options.runtimeDirectory = book.url("Chapters/01-p.md")    // a file, not a folder
        options.outputDirectory = book.url("Chapters")             // holds the book's chapters
        let preflight = Workbook.run(options)
        #expect(preflight.errors.count == 2 && preflight.errors.allSatisfy { $0.stage == .load }, "\(preflight.errors)")

        let parsed = book.run(.check)
        #expect(parsed.errors.count == 1 && parsed.errors[0].stage == .parse && parsed.errors[0].file == "Chapters/02-bad.md",
                "\(parsed.errors)")
        try FileManager.default.removeItem(at: book.url("Chapters/02-bad.md"))
        options = BuildOptions(root: book.root, mode: .check)
        options.showProgress = false
        options.chapters = ["03-none"]
        let named = Workbook.run(options)
        #expect(named.errors.map(\.description) == ["error: [parse] no chapter named 03-none; chapters are 01-p"])
    }

    /// Preview shows drift as a warning by its severity; the printed "warning:" comes from it, never from text.
    @Test func previewDriftIsAWarningBySeverity() throws {
        let text = "# T\n\n```swift {#a}\nprint(2)\n```\n<!-- output: a -->\n```text\n1\n```\n<!-- end output -->\n"
        let book = try TestBook(["01-t.md": text])
        defer { book.remove() }
        let preview = book.run(.preview)
        #expect(preview.errors.isEmpty && preview.warnings.map(\.severity) == [.warning], "\(preview.errors) \(preview.warnings)")
        #expect(preview.warnings.first?.description.hasPrefix("Chapters/01-t.md:6: warning: [check] output of snippet 'a' changed") == true)
        let check = book.run(.check)
        #expect(check.errors.map(\.description) == preview.warnings.map { var error = $0; error.severity = .error; return error.description })
    }

    @Test func ciReportsShowTheStageAndTheUnderlyingError() {
        var report = BuildReport()
        report.errors = [WorkbookError(file: "Chapters/01-a.md", line: 3, "cannot write", underlying: POSIXError(.EACCES)).during(.fix)]
        #expect(CIReport.githubAnnotations(report)
                == ["::error file=Chapters/01-a.md,line=3,title=workbook [fix]::cannot write: The operation could not be completed. Permission denied"])
        #expect(CIReport.junit(report).contains(
            "<failure type=\"fix\" message=\"cannot write: The operation could not be completed. Permission denied\">"))
    }
}
