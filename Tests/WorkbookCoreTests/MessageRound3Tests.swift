import Foundation
import Testing
@testable import WorkbookCore

/// Issue 23, "messages that mislead" and "smaller": each says what happened and what to do, at the right place.
@Suite(.serialized) struct MessageRound3Tests {
    static let prose = "# Prose\n\nNo snippets.\n"

    @Test func aChapterFileNameWithAControlCharacterIsRefused() throws {
        let book = try TestBook(["01-a\nprint(\"injected\").md": Self.prose])
        defer { book.remove() }
        let report = book.run(.check)
        #expect(report.errors.contains { $0.stage == .load && $0.message.contains("control character (U+A)") }, "\(report.errors)")
    }

    @Test func aSummaryEntryOutsideTheChaptersFolderIsAnError() throws {
        let book = try TestBook(["01-a.md": Self.prose])
        defer { book.remove() }
        try book.write("# Summary\n\n- [Passwords](/etc/passwd.md)\n", to: "Chapters/SUMMARY.md")
        let report = book.run(.check)
        #expect(report.errors.contains { $0.file == "Chapters/SUMMARY.md" && $0.line == 3 && $0.message.contains("not a file of Chapters/ itself") },
                "\(report.errors)")
    }

    @Test(arguments: [
        ("[translations.zh-Hans]\npath = \".\"\n", "would put the edition over the source's pages"),
        ("[translations.zh-Hans]\npath = \"x\"\n[translations.fr]\npath = \"x\"\n", "each edition needs a folder of its own"),
        ("[translations.zh-Hans]\nchapters = \"Chapters\"\n", "is the source's own chapters folder"),
    ])
    func translationSettingsThatCannotWorkAreNamed(_ toml: String, _ message: String) throws {
        let book = try TestBook(["01-a.md": Self.prose])
        defer { book.remove() }
        try book.write(toml, to: "book.toml")
        let report = book.run(.build)
        #expect(report.errors.contains { $0.file == "book.toml" && $0.message.contains(message) }, "\(report.errors)")
    }

    @Test func anOutputFolderThatIsALinkIsNamedAsSuch() throws {
        let book = try TestBook(["01-a.md": Self.prose])
        defer { book.remove() }
        try FileManager.default.createDirectory(at: book.url("site/real"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: book.url("site/out"), withDestinationURL: book.url("site/real"))
        let report = book.run(.build)
        #expect(report.errors.contains { $0.message.contains("is a symbolic link") && $0.message.contains("--output") }, "\(report.errors)")
    }

    @Test func escapeSequencesInACheckMessageDoNotReachTheTerminal() throws {
        let book = try TestBook(["01-t.md": chapter([("esc", #"check(false, "\u{1B}]0;pwned\u{07}\u{1B}[2J red")"#)])])
        defer { book.remove() }
        let report = book.run(.check)
        let printed = report.errors.map(\.description).joined()
        #expect(!printed.contains("\u{1B}") && !printed.contains("\u{07}") && printed.contains("\\u{1B}]0;pwned"), "\(printed)")
    }

    @Test func aTranslationWithAnExtraSnippetIsToldToRemoveIt() throws {
        let book = try TestBook(["01-a.md": chapter([("one", "print(1)")])])
        defer { book.remove() }
        try book.write("[translations.zh-Hans]\n", to: "book.toml")
        try book.write(chapter([("one", "print(1)"), ("two", "print(2)")]), to: "Chapters/zh-Hans/01-a.md")
        let report = book.run(.check)
        #expect(report.errors.contains { $0.file == "Chapters/zh-Hans/01-a.md" && $0.message.contains("remove 'two'") && !$0.message.contains("missing") },
                "\(report.errors)")
    }

    @Test func aTopLevelReturnFailsAtItsLineInAGroupToo() throws {
        let book = try TestBook([
            "01-a.md": chapter([("early", "let x = 1\nif x == 1 {\n    print(x)\n}\nreturn")]),
            "02-b.md": chapter([("other", "print(2)")]),
        ])
        defer { book.remove() }
        let report = book.run(.check, jobs: 1)
        #expect(report.errors.contains { $0.file == "Chapters/01-a.md" && $0.stage == .compile }, "\(report.errors)")
        #expect(!report.errors.contains { $0.message.contains("exit(0)") }, "\(report.errors)")
    }

    @Test func theChapterFileNameIsTextInThePageFooter() throws {
        let book = try TestBook(["01-<b>bold.md": chapter([("x", "print(1)")])])
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        #expect(book.run(.build).errors.isEmpty)
        let page = try book.read("site/out/01-<b>bold.html")
        #expect(page.contains("01-&lt;b&gt;bold.md") && !page.contains("<b>bold.md"))
    }

    /// A chapter that waits for a process it started is not just "too slow": the time-out names that process.
    @Test func aTimeOutNamesTheProcessTheChapterWaitedFor() throws {
        let book = try TestBook(["01-t.md": chapter([("wait", """
            import Foundation
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/bin/sleep")
            child.arguments = ["37"]
            try! child.run()
            child.waitUntilExit()
            """)])])
        defer { book.remove() }
        let report = book.run(.check, timeout: 3)
        #expect(report.errors.contains { $0.message.contains("time limit of 3 s exceeded") && $0.message.contains("`/bin/sleep 37`") },
                "\(report.errors)")
    }

    /// Issue 23 B15: a page pandoc could only render in gigabytes is refused before pandoc starts, by chapter.
    @Test func aHugePageIsRefusedByName() throws {
        let paragraph = String(repeating: "A long line of prose that goes on. ", count: 40) + "\n\n"
        let book = try TestBook(["01-huge.md": "# Huge\n\n" + String(repeating: paragraph, count: 12_000)])
        defer { book.remove() }
        let report = book.run(.build)
        #expect(report.errors.contains { $0.file == "Chapters/01-huge.md" && $0.message.contains("split the chapter") }, "\(report.errors)")
    }

    /// `build --fix` records outputs only once the site with them is in place: a failing render leaves the chapter.
    @Test func buildFixTouchesNoChapterWhenTheBuildFails() throws {
        let book = try TestBook(["01-a.md": chapter([("x", "print(\"fresh\")")])])
        defer { book.remove() }
        try book.write("[book]\ntheme = \"site/theme\"\n", to: "book.toml")
        try "error('broken renderer')".write(to: book.url("site/theme/render-pages.lua"), atomically: true, encoding: .utf8)
        let before = try book.read("Chapters/01-a.md")
        var options = BuildOptions(root: book.root, mode: .build)
        options.fixOutputs = true
        options.showProgress = false
        options.runtimeDirectory = TestRuntime.directory
        let report = Workbook.run(options)
        #expect(!report.errors.isEmpty)
        #expect(try book.read("Chapters/01-a.md") == before, "build --fix wrote the chapter although the build failed")
    }
}

/// Issue 24, item 1: nothing raw on any page — the pandoc reader quirk fixed at its cause, and a check that fails
/// the build when a page still shows Markdown or TeX source as text.
@Suite(.serialized) struct RawSourceTests {
    @Test func fullWidthPunctuationAfterALinkKeepsTheParagraphsMathAndEmphasis() throws {
        let book = try TestBook(["01-zh.md": "# 标题\n\nT5（[arXiv:1910.10683](https://arxiv.org/abs/1910.10683)）给每个 logit 加上 $b_{x}$，则*逐对*做决定，见 https://example.org/a。\n"])
        defer { book.remove() }
        let report = book.run(.build)
        #expect(report.errors.isEmpty, "\(report.errors)")
        let page = try book.read("site/out/01-zh.html")
        #expect(page.contains("<em>逐对</em>") && page.contains("<math") && !page.contains("$b_{x}$"), "raw source on the page")
        #expect(page.contains("<a href=\"https://example.org/a\">https://example.org/a</a>。"), "a bare address is still a link")
    }

    @Test func aPageShowingTeXSourceFailsAtItsLine() throws {
        let book = try TestBook(["01-raw.md": "# Raw\n\nFine text.\n\nThe angle $ \\theta_i $ is shown raw (a space after the opening dollar).\n"])
        defer { book.remove() }
        let report = book.run(.build)
        #expect(report.errors.contains { $0.file == "Chapters/01-raw.md" && $0.line == 5 && $0.message.contains("TeX") }, "\(report.errors)")
        #expect(!FileManager.default.fileExists(atPath: book.url("site/out/01-raw.html").path), "no site from a failing build")
    }
}

extension RawSourceTests {
    @Test func charactersTheAuthorEscapedAreNotRawSource() throws {
        let book = try TestBook(["01-esc.md": "# Escaped\n\nA literal \\*star\\* and \\$5 \\$ on purpose.\n"])
        defer { book.remove() }
        #expect(book.run(.build).errors.isEmpty)
    }
}
