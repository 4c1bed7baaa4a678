import Foundation
import Testing
@testable import WorkbookCore

/// Issue 12, items 1–3: whatever a snippet prints is data; the tool's records travel on their own channel, and a
/// chapter that did not run to its end fails.
@Suite(.serialized) struct OutputProtocolTests {
    /// A failing check right after a half line (no newline) used to be recorded as output, and the build passed.
    @Test func controlLineMidLineIsNotMissed() throws {
        let book = try TestBook(["01-t.md": chapter([("half", """
            print("x is ", terminator: "")
            check(2 + 2 == 5, "two and two make five")
            """)])])
        defer { book.remove() }
        let fix = book.run(.fix)
        #expect(fix.errors.map(\.description) == ["Chapters/01-t.md:5: error: [run] check failed in snippet 'half': two and two make five"])
        #expect(fix.fixedFiles.isEmpty)
        #expect(!(try book.read("Chapters/01-t.md")).contains("check-failed"))
    }

    /// `exit(0)` in a snippet skipped the rest of the chapter (a failing check, a fatalError) and the build passed.
    @Test func exitInSnippetFailsAsNotRunToItsEnd() throws {
        let book = try TestBook(["01-t.md": chapter([
            ("early", "import Foundation\nexit(0)"),
            ("late", "check(false, \"never checked\")\nfatalError(\"never reached\")"),
        ])])
        defer { book.remove() }
        let report = book.run(.check)
        #expect(report.errors.count == 1)
        #expect(report.errors.first?.description.hasPrefix("Chapters/01-t.md:3: error: [run] did not run to its end: the program stopped in snippet 'early' (exit(0) in snippet 'early'?)") == true,
                "\(report.errors)")
        #expect(book.run(.build).succeeded == false)
    }

    /// Calling the generated program's own functions is not a way around the protocol either.
    @Test func snippetCallingTheRecordFunctionsIsCaught() throws {
        let book = try TestBook(["01-t.md": chapter([
            ("cheat", "import Foundation\n__workbookSnippet(1, \"guess\")\n__workbookCompleted(\"guess\")\nexit(0)"),
            ("skipped", "check(false, \"never checked\")"),
        ])])
        defer { book.remove() }
        let report = book.run(.check)
        #expect(report.errors.count == 1 && report.errors[0].message.hasPrefix("the chapter program's records are out of order"),
                "\(report.errors)")
    }

    /// Issue 23 B6: a hostile snippet looks for the run's token where a program could find it — the generated
    /// source next to its binary, its environment (`/proc/self/environ` keeps what `unsetenv` removed), the helpers'
    /// own hand-out — forges the records with every candidate and exits: the run must not pass.
    @Test func aSnippetCannotFindTheTokenToForgeTheEnd() throws {
        let book = try TestBook(["01-t.md": chapter([
            ("thief", #"""
            import Foundation
            var candidates = [__workbookTakeToken()]
            let environ = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/self/environ"))) ?? Data()
            for entry in environ.split(separator: 0) {
                let text = String(decoding: entry, as: UTF8.self)
                if text.hasPrefix("WORKBOOK_RUN_TOKEN=") { candidates.append(String(text.dropFirst(19))) }
            }
            let program = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for name in (try? FileManager.default.contentsOfDirectory(atPath: program.path)) ?? [] where name.hasSuffix(".swift") {
                let source = (try? String(contentsOf: program.appendingPathComponent(name), encoding: .utf8)) ?? ""
                for line in source.split(separator: "\n") where line.contains("__workbookCompleted(") {
                    candidates.append(String(line.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }))
                }
            }
            for token in candidates { __workbookSnippet(1, token); __workbookCompleted(token) }
            exit(0)
            """#),
            ("skipped", "check(false, \"never checked\")"),
        ])])
        defer { book.remove() }
        let report = book.run(.check)
        #expect(!report.errors.isEmpty, "a forged end passed")
        #expect(report.errors.allSatisfy { $0.file == "Chapters/01-t.md" && $0.stage == .run }, "\(report.errors)")
    }

    /// Issue 23 B15: the record channel is bounded like stdout (600 MB written to it once took 72 s and 2.5 GB).
    @Test func theRecordChannelIsBounded() throws {
        let book = try TestBook(["01-t.md": chapter([("flood", """
            import Foundation
            let line = Array(repeating: UInt8(ascii: "x"), count: 1_000_000) + [10]
            for _ in 0..<40 { _ = line.withUnsafeBytes { write(3, $0.baseAddress, $0.count) } }
            """)])])
        defer { book.remove() }
        let started = Date()
        let report = book.run(.check)
        #expect(report.errors.contains { $0.message.contains("printed more than") }, "\(report.errors)")
        #expect(Date().timeIntervalSince(started) < 20)
    }

    /// A top-level `defer` runs after the last snippet: its check is reported as such, not as a forged record.
    @Test func aTopLevelDeferIsExplained() throws {
        let book = try TestBook(["01-t.md": chapter([("late", "defer { check(false, \"at the end\") }\nprint(1)")])])
        defer { book.remove() }
        let report = book.run(.check)
        #expect(report.errors.contains { $0.message.contains("after its last snippet ended: a top-level `defer` runs then") }, "\(report.errors)")
    }

    /// Bytes that are not UTF-8 are recorded as escapes, so a change from one such byte to another is seen.
    @Test func invalidBytesInOutputAreRecordedDistinctly() throws {
        let book = try TestBook(["01-t.md": chapter([("bytes", "import Foundation\nFileHandle.standardOutput.write(Data([0x61, 0xFF, 0x62, 0x0A]))")])])
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        #expect(try book.read("Chapters/01-t.md").contains("```text\na\\xFFb\n```"))
        try book.write(try book.read("Chapters/01-t.md").replacingOccurrences(of: "0xFF", with: "0xFE"), to: "Chapters/01-t.md")
        #expect(!book.run(.check).errors.isEmpty, "0xFF → 0xFE went unseen")
    }

    /// A snippet that prints the old control lines or an end marker: its text is its own output, nothing else.
    @Test func snippetCannotForgeControlLines() throws {
        let book = try TestBook(["01-t.md": chapter([
            ("forger", #"""
            print("\u{1E}snippet 1")
            print("forged")
            print("\u{1E}markdown-begin")
            print("<script>alert(1)</script>")
            print("\u{1E}markdown-end")
            print("<!-- end output -->")
            print("\u{1E}check-failed 3 forged failure")
            """#),
            ("honest", "print(\"real\")"),
        ])])
        defer { book.remove() }
        let fix = book.run(.fix)
        #expect(fix.errors.isEmpty, "\(fix.errors)")
        let text = try book.read("Chapters/01-t.md")
        #expect(text.contains("<!-- output: honest -->\n```text\nreal\n```\n<!-- end output -->"))
        #expect(text.contains("```text\n\u{1E}snippet 1\nforged\n\u{1E}markdown-begin\n<script>alert(1)</script>\n\u{1E}markdown-end\n<!-- end output -->\n"))
        // The tool reads back what it wrote: check passes, and the page shows the text as text.
        let build = book.run(.build)
        #expect(build.errors.isEmpty, "\(build.errors)")
        if build.errors.isEmpty {
            let page = try book.read("site/out/01-t.html")
            #expect(!page.contains("<script>alert(1)</script>"))
        }
    }
}

/// Issue 12, item 12: carriage returns in output and in chapter files.
@Suite(.serialized) struct CarriageReturnTests {
    @Test func outputWithCarriageReturnsIsRecordedOnceAndChecksClean() throws {
        let book = try TestBook(["01-t.md": chapter([("cr", #"print("windows\r\nline"); print("progress 50%\rprogress 100%\r")"#)])])
        defer { book.remove() }
        #expect(book.run(.fix).fixedFiles == ["Chapters/01-t.md"])
        #expect(try book.read("Chapters/01-t.md").contains("```text\nwindows\nline\nprogress 50%\nprogress 100%\n```"))
        #expect(book.run(.check).errors.isEmpty)
        #expect(book.run(.fix, force: true).fixedFiles.isEmpty, "a second fix changes nothing")
    }

    @Test func bareCarriageReturnFileIsAnError() {
        let text = "# T\r\r```swift {#a}\rprint(1)\r```\r"
        let (chapter, errors) = ChapterParser().parse(path: "Chapters/mac.md", text: text)
        #expect(chapter == nil)
        #expect(errors.map(\.description) == [#"Chapters/mac.md:1: error: this line holds a carriage return (\r) that is not part of a CRLF line end; convert the file to LF (or CRLF) line ends"#])
    }
}
