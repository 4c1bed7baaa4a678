import Foundation
import Testing
@testable import WorkbookCore

/// Issue 12, item 14: what the tool says, and chapters in places it did not expect.
@Suite(.serialized) struct MessageTests {
    @Test func snippetsInListsAndQuotesKeepTheirContainer() throws {
        let text = """
            # T

            1. A step:

               ```swift {#inlist}
               print("in a list")
               ```

            2. Next step.

            > ```swift {#quoted}
            > print("quoted")
            > ```

            """
        let book = try TestBook(["01-t.md": text])
        defer { book.remove() }
        let fix = book.run(.fix)
        #expect(fix.errors.isEmpty, "\(fix.errors)")
        #expect(try book.read("Chapters/01-t.md") == """
            # T

            1. A step:

               ```swift {#inlist}
               print("in a list")
               ```
               <!-- output: inlist -->
               ```text
               in a list
               ```
               <!-- end output -->

            2. Next step.

            > ```swift {#quoted}
            > print("quoted")
            > ```
            > <!-- output: quoted -->
            > ```text
            > quoted
            > ```
            > <!-- end output -->

            """)
        #expect(book.run(.fix).fixedFiles.isEmpty)
        let build = book.run(.build)
        #expect(build.errors.isEmpty, "\(build.errors)")
        let page = try book.read("site/out/01-t.html")
        #expect(page.contains("<ol start=\"2\"") == false, "the list is not broken in two")
    }

    /// Runs the `workbook` built next to the tests; returns its status and stderr.
    func workbook(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stderr: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("workbook")
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let result = try Subprocess.run(binary.path, arguments, environment: env, timeout: 120)
        return (result.status, result.stderrText)
    }

    @Test func chapterNamesWithQuoteHashPercentBuildAndLink() throws {
        let name = #"01-a"b#c%d"#
        let book = try TestBook(["\(name).md": chapter([("x", "print(\"ok\")")])])
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        let build = book.run(.build)
        #expect(build.errors.isEmpty, "\(build.errors)")
        #expect(FileManager.default.fileExists(atPath: book.url("site/out/\(name).html").path))
        #expect(try book.read("site/out/index.html").contains(#"href="01-a%22b%23c%25d.html""#))
    }

    @Test func summaryListingTwiceIsAnErrorAndDotSlashIsAccepted() throws {
        let book = try TestBook(["01-a.md": "# A\n", "02-b.md": "# B\n",
                                 "SUMMARY.md": "- [B](./02-b.md)\n- [A](01-a.md)\n- [B again](02-b.md)\n"])
        defer { book.remove() }
        #expect(book.run(.check).errors.map(\.description) == ["Chapters/SUMMARY.md:3: error: [load] lists '02-b.md' a second time; a chapter is listed once"])
        try book.write("- [B](./02-b.md)\n- [A](01-a.md)\n", to: "Chapters/SUMMARY.md")
        let report = book.run(.check)
        #expect(report.errors.isEmpty && report.parsedChapters.map(\.name) == ["02-b", "01-a"], "\(report.errors)")
    }

    @Test func tinyTimeLimitIsReportedAsGiven() throws {
        let book = try TestBook(["01-t.md": chapter([("spin", "var i = 0\nwhile true { i &+= 1 }")])])
        defer { book.remove() }
        #expect(book.run(.check, timeout: 0.001).errors.first?.message.hasPrefix("time limit of 0.001 s exceeded") == true)
    }

    @Test func stackOverflowIsNamed() throws {
        let book = try TestBook(["01-t.md": chapter([("deep", "func down(_ n: Int) -> Int { n == 0 ? 0 : 1 + down(n - 1) }\nprint(down(100_000_000))")])])
        defer { book.remove() }
        let message = book.run(.check).errors.first?.message ?? ""
        #expect(message.contains("trapped in snippet 'deep'") && message.contains("stack overflow"), "\(message)")
    }

    @Test func badCommandLineValuesAreNamed() throws {
        let book = try TestBook(["01-t.md": "# T\n"])
        defer { book.remove() }
        let jobs = try workbook(["check", "--root", book.root.path, "--jobs", "-1"])
        #expect(jobs.status != 0 && jobs.stderr.contains("--jobs must be at least 1 (got -1)"), "\(jobs.stderr)")
        let timeout = try workbook(["check", "--root", book.root.path, "--timeout", "-5"])
        #expect(timeout.stderr.contains("--timeout must be a positive number of seconds (got -5.0)"), "\(timeout.stderr)")
        let file = book.url("Chapters/01-t.md").path
        let root = try workbook(["check", "--root", file])
        #expect(root.stderr.contains("\(file): error: [load] the book's root is a file"), "\(root.stderr)")
        let runtime = try workbook(["check", "--root", book.root.path, "--runtime-dir", file])
        #expect(runtime.stderr.contains("\(file): error: [load] --runtime-dir is a file"), "\(runtime.stderr)")
        let swiftc = try workbook(["check", "--root", book.root.path], environment: ["SWIFTC": "/nonexistent"])
        #expect(swiftc.stderr.contains("SWIFTC=/nonexistent is not an executable compiler"), "\(swiftc.stderr)")
    }

    @Test func missingPandocIsFoundBeforeAnyChapterCompiles() throws {
        let book = try TestBook(["01-t.md": chapter([("x", "print(1)")])])
        defer { book.remove() }
        let swiftc = try #require(Subprocess.which("swiftc") ?? Subprocess.which("/opt/swift/usr/bin/swiftc"))
        let result = try workbook(["build", "--root", book.root.path], environment: ["PATH": "/nonexistent", "SWIFTC": swiftc])
        #expect(result.stderr.contains("pandoc not found on PATH"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: book.url(".workbook-cache/build").path), "nothing was compiled")
    }
}
