import Foundation
import Testing
@testable import WorkbookCore

/// A translation repeats its source's snippets and outputs, which the tool holds identical; its prose goes stale
/// section by section when the source's prose changes.
@Suite(.serialized) struct TranslationTests {
    static let source = """
    # Doubling

    Doubling is adding a number to itself.

    ```swift {#double}
    let x = 21
    print("x doubled is \\(x * 2)")
    ```
    <!-- output: double -->
    ```text
    x doubled is 42
    ```
    <!-- end output -->

    ## Why it matters

    Twice is the smallest multiple.

    """

    static let translation = """
    # 加倍

    加倍就是把一个数加到它自己上。

    ```swift {#double}
    let x = 21
    print("x doubled is \\(x * 2)")
    ```
    <!-- output: double -->
    ```text
    x doubled is 42
    ```
    <!-- end output -->

    ## 为什么重要

    两倍是最小的倍数。

    """

    /// A book with one chapter and its Chinese translation, in a temporary folder.
    func makeBook(translation: String = translation) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-translation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Chapters/zh-Hans"), withIntermediateDirectories: true)
        try "[translations.zh-Hans]\npath = \"zh\"\n".write(to: root.appendingPathComponent("book.toml"), atomically: true, encoding: .utf8)
        try Self.source.write(to: root.appendingPathComponent("Chapters/01-double.md"), atomically: true, encoding: .utf8)
        try translation.write(to: root.appendingPathComponent("Chapters/zh-Hans/01-double.md"), atomically: true, encoding: .utf8)
        return root
    }

    func run(_ root: URL, _ mode: BuildOptions.Mode) -> BuildReport {
        var options = BuildOptions(root: root, mode: mode)
        options.showProgress = false
        options.runtimeDirectory = TestRuntime.directory
        return Workbook.run(options)
    }

    func read(_ root: URL, _ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// In preview (serve), an author who edits the source's snippet sees both editions, the lagging translation
    /// as a warning; `check` still fails on it.
    @Test func laggingTranslationIsAWarningInPreviewAndAnErrorInCheck() throws {
        let root = try makeBook(translation: Self.translation.replacingOccurrences(of: "let x = 21", with: "let x = 22"))
        defer { try? FileManager.default.removeItem(at: root) }
        let preview = run(root, .preview)
        #expect(preview.errors.isEmpty, "\(preview.errors)")
        #expect(preview.warnings.contains { $0.file == "Chapters/zh-Hans/01-double.md" && $0.severity == .warning }, "\(preview.warnings)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/out/zh/01-double.html").path))
        #expect(!run(root, .check).errors.isEmpty)
    }

    @Test func changedSnippetInATranslationFailsAtItsLineAndFixHealsIt() throws {
        let root = try makeBook(translation: Self.translation.replacingOccurrences(of: "let x = 21", with: "let x = 22"))
        defer { try? FileManager.default.removeItem(at: root) }
        let check = run(root, .check)
        #expect(check.errors.map(\.description).contains {
            $0.hasPrefix("Chapters/zh-Hans/01-double.md:5: error: [check] snippet 'double' or its output differs from the source's (Chapters/01-double.md:5)")
        }, "\(check.errors)")
        let fix = run(root, .fix)
        #expect(fix.errors.isEmpty && fix.fixedFiles == ["Chapters/zh-Hans/01-double.md"], "\(fix.errors) \(fix.fixedFiles)")
        #expect(try read(root, "Chapters/zh-Hans/01-double.md") == Self.translation, "fix copies the source's snippet and keeps the prose")
        #expect(run(root, .check).errors.isEmpty)
    }

    @Test func fixCopiesNewOutputsIntoTheTranslation() throws {
        let root = try makeBook()
        defer { try? FileManager.default.removeItem(at: root) }
        let edited = Self.source.replacingOccurrences(of: "x * 2", with: "x * 3")
        try edited.write(to: root.appendingPathComponent("Chapters/01-double.md"), atomically: true, encoding: .utf8)
        #expect(run(root, .fix).errors.isEmpty)
        let translated = try read(root, "Chapters/zh-Hans/01-double.md")
        #expect(translated.contains("x * 3") && translated.contains("x doubled is 63") && translated.contains("加倍就是"), "\(translated)")
    }

    /// Issue 23 B9: a translation gets every guarantee a source chapter gets when `fix` or `--accept` writes it.
    @Test func translationWritesKeepLinksModesAndTheByteOrderMark() throws {
        let root = try makeBook()
        defer { try? FileManager.default.removeItem(at: root) }
        let translated = "Chapters/zh-Hans/01-double.md"
        let stale = Self.translation.replacingOccurrences(of: "let x = 21", with: "let x = 22")
        // A translation that is a symbolic link: written through it, the link stays a link.
        let elsewhere = root.appendingPathComponent("elsewhere.md")
        try stale.write(to: elsewhere, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: root.appendingPathComponent(translated))
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent(translated), withDestinationURL: elsewhere)
        #expect(run(root, .fix).fixedFiles == [translated])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent(translated).path) == elsewhere.path)
        #expect(try read(root, "elsewhere.md") == Self.translation)

        // A byte-order mark is kept; a hard link keeps sharing the file.
        try FileManager.default.removeItem(at: root.appendingPathComponent(translated))
        try (Data([0xEF, 0xBB, 0xBF]) + Data(stale.utf8)).write(to: root.appendingPathComponent(translated))
        try FileManager.default.linkItem(at: root.appendingPathComponent(translated), to: root.appendingPathComponent("hard-link.md"))
        #expect(run(root, .fix).fixedFiles == [translated])
        let written = try Data(contentsOf: root.appendingPathComponent(translated))
        #expect(written.starts(with: [0xEF, 0xBB, 0xBF]) && written.dropFirst(3) == Data(Self.translation.utf8))
        #expect(try Data(contentsOf: root.appendingPathComponent("hard-link.md")) == written, "the hard link was broken")

        // A read-only translation is not overwritten, by fix or by --accept.
        try FileManager.default.removeItem(at: root.appendingPathComponent("hard-link.md"))
        try FileManager.default.removeItem(at: root.appendingPathComponent(translated))
        try stale.write(to: root.appendingPathComponent(translated), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: root.appendingPathComponent(translated).path)
        let fix = run(root, .fix)
        #expect(fix.errors.contains { $0.file == translated && $0.message.contains("read-only") }, "\(fix.errors)")
        let accept = TranslationReport.run(root: root, accept: [translated])
        #expect(accept.errors.contains { $0.message.contains("read-only") }, "\(accept.errors)")
        #expect(try read(root, translated) == stale)
    }

    @Test func changedSourceParagraphMarksItsTranslationStale() throws {
        let root = try makeBook()
        defer { try? FileManager.default.removeItem(at: root) }
        // Unmarked sections are reported until the translator accepts them.
        #expect(run(root, .check).warnings.count == 2)
        let accepted = TranslationReport.run(root: root, accept: ["Chapters/zh-Hans/01-double.md"])
        #expect(accepted.errors.isEmpty && accepted.accepted == ["Chapters/zh-Hans/01-double.md"], "\(accepted.errors)")
        #expect(accepted.text.contains("01-double: 2/2 sections current — up to date"), "\(accepted.text)")
        #expect(run(root, .check).warnings.isEmpty)

        // A prose edit in the source's second section: that section, and only that one, is stale.
        let edited = Self.source.replacingOccurrences(of: "Twice is the smallest multiple.", with: "Twice is the smallest proper multiple.")
        try edited.write(to: root.appendingPathComponent("Chapters/01-double.md"), atomically: true, encoding: .utf8)
        let check = run(root, .check)
        #expect(check.errors.isEmpty && check.warnings.map(\.description) == [
            "Chapters/zh-Hans/01-double.md:16: warning: [check] section '为什么重要' is stale: its source (Chapters/01-double.md:15) changed "
            + "since it was translated; update the translation, then run `workbook translations --accept Chapters/zh-Hans/01-double.md`",
        ], "\(check.warnings)")
        let report = TranslationReport.run(root: root)
        #expect(report.text.contains("01-double: 1/2 sections current — 1 stale, 0 unmarked"), "\(report.text)")

        // Snippet edits and output changes never make prose stale: the tool copies those itself.
        try edited.replacingOccurrences(of: "x * 2", with: "x * 4").write(to: root.appendingPathComponent("Chapters/01-double.md"), atomically: true, encoding: .utf8)
        #expect(TranslationReport.run(root: root).text.contains("1/2 sections current"))
    }

    @Test func bothEditionsAreBuiltWithTheSameOutputsAndAnUntranslatedChapterFallsBack() throws {
        let root = try makeBook()
        defer { try? FileManager.default.removeItem(at: root) }
        try Self.source.replacingOccurrences(of: "# Doubling", with: "# Tripling").replacingOccurrences(of: "{#double}", with: "{#triple}")
            .replacingOccurrences(of: "output: double", with: "output: triple")
            .write(to: root.appendingPathComponent("Chapters/02-triple.md"), atomically: true, encoding: .utf8)
        let build = run(root, .build)
        #expect(build.errors.isEmpty, "\(build.errors)")
        let english = try read(root, "site/out/01-double.html"), chinese = try read(root, "site/out/zh/01-double.html")
        #expect(english.contains("<html lang=\"en\"") && chinese.contains("<html lang=\"zh-Hans\""))
        #expect(chinese.contains("加倍就是") && chinese.contains("x doubled is 42") && english.contains("x doubled is 42"))
        #expect(chinese.contains(#"<link rel="alternate" hreflang="en" href="../01-double.html">"#))
        let fallback = try read(root, "site/out/zh/02-triple.html")
        #expect(fallback.contains("untranslated-note") && fallback.contains(UIStrings.chinese.untranslated) && fallback.contains("Tripling"))
    }

    @Test func aPageOnlyInTheTranslationMayNotHoldSnippets() throws {
        let root = try makeBook()
        defer { try? FileManager.default.removeItem(at: root) }
        try "# 术语\n\n```swift {#x}\nprint(1)\n```\n".write(to: root.appendingPathComponent("Chapters/zh-Hans/glossary.md"), atomically: true, encoding: .utf8)
        let check = run(root, .check)
        #expect(check.errors.contains { $0.description.hasPrefix("Chapters/zh-Hans/glossary.md:3: error:") && $0.message.contains("holds prose only") },
                "\(check.errors)")
    }
}
