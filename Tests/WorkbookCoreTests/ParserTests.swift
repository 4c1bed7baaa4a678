import Foundation
import Testing
@testable import WorkbookCore

@Suite struct ParserTests {
    func parse(_ text: String) -> (Chapter?, [WorkbookError]) { ChapterParser().parse(path: "Chapters/01-t.md", text: text) }

    /// Fences an author meant as snippets that would be shown and never run, each holding a check that fails:
    /// every one is an error at its line, never a silent pass.
    @Test(arguments: [
        ("# T\n\n```Swift {#cap}\ncheck(false, \"x\")\n```\n", 3, "is not a snippet fence (the word is lowercase)"),
        ("# T\n\n```SWIFT\ncheck(false, \"x\")\n```\n", 3, "is not a snippet fence"),
        ("# T\n\n```{.swift #x}\ncheck(false, \"x\")\n```\n", 3, "write ```swift {#id …}"),
        ("# T\n\n<div class=\"note\">\n```swift {#inside}\ncheck(false, \"x\")\n```\n</div>\n", 4, "inside an HTML block"),
        ("# T\n\n```swift {#y} extra\nprint(1)\n```\n", 3, "text after the closing brace ('extra')"),
    ])
    func fencesThatWouldNeverRunAreErrors(_ text: String, _ line: Int, _ message: String) {
        let (chapter, errors) = parse(text)
        #expect(chapter == nil)
        #expect(errors.contains { $0.line == line && $0.message.contains(message) }, "\(errors)")
    }

    @Test func otherLanguagesAndShownSwiftStayCode() {
        let (chapter, errors) = parse("# T\n\n```swiftui\nText(\"hi\")\n```\n\n```text\nswift\n```\n\n<div>\n\n```swift {#ok}\nprint(1)\n```\n\n</div>\n")
        #expect(errors.isEmpty, "\(errors)")
        #expect(chapter?.snippets.map(\.id) == ["ok"])
    }

    @Test func snippetsOptionsAndRegions() throws {
        let text = """
        # Title

        First paragraph, the summary.

        ```swift {#one}
        print(1)
        ```
        <!-- output: one -->
        ```text
        1
        ```
        <!-- end output -->

        ```swift
        let quiet = 0
        ```

        ````swift {#two hide noout}
        let y = 2
        ````

        ```python
        print("not a snippet")
        ```
        """
        let (chapter, errors) = parse(text)
        #expect(errors.isEmpty, "\(errors)")
        let c = try #require(chapter)
        #expect(c.title == "Title" && c.summary == "First paragraph, the summary." && c.name == "01-t")
        #expect(c.snippets.map(\.id) == ["one", "#2", "two"])
        #expect(c.snippets[0].fenceStart == 5 && c.snippets[0].fenceEnd == 7 && c.snippets[0].source == "print(1)\n")
        #expect(!c.snippets[1].hasExplicitID)
        #expect(c.snippets[2].options == [.hide, .noout] && c.snippets[2].fenceStart == 18 && c.snippets[2].fenceEnd == 20)
        #expect(c.regions == [OutputRegion(id: "one", startMarker: 8, endMarker: 12, content: ["```text", "1", "```"])])
    }

    @Test("bad chapters get an error at the right line", arguments: [
        ("```swift {#a wobble}\nx\n```\n", 1, "unknown snippet option 'wobble'"),
        ("```swift {#a\nx\n```\n", 1, "braces do not close"),
        ("```swift {#a}{#b}\nx\n```\n", 1, "text after the closing brace"),
        ("```swift {a}\nx\n```\n", 1, "unknown snippet option 'a'"),
        ("```swift {#a #b}\nx\n```\n", 1, "two ids"),
        ("```swift {#bad/id}\nx\n```\n", 1, "invalid snippet id"),
        ("```swift (x)\nx\n```\n", 1, "malformed info string"),
        ("```swift {#a}\nx\n```\n\n```swift {#a}\ny\n```\n", 5, "duplicate snippet id 'a' (first used on line 1)"),
        ("```swift {#a}\nx\n```\n<!-- output: a -->\n```text\n1\n```\n", 4, "never closed"),
        ("text\n\n<!-- end output -->\n", 3, "without an opening"),
        ("```swift {#a}\nx\n```\n<!-- output: b -->\n<!-- end output -->\n", 4, "no snippet with that id"),
        ("```swift {#a}\nx\n```\nprose\n\n<!-- output: a -->\n<!-- end output -->\n", 6, "must follow its snippet"),
        ("```swift {#a}\nx\n", 1, "never closed"),
        ("```swift {#a norun noout}\nx\n```\n", 1, "'norun' and 'noout' together"),
    ])
    func errors(text: String, line: Int, fragment: String) {
        let (chapter, errors) = parse(text)
        #expect(chapter == nil)
        #expect(errors.contains { $0.line == line && $0.message.contains(fragment) }, "\(errors)")
        #expect(errors.allSatisfy { $0.description.hasPrefix("Chapters/01-t.md:") })
    }

    @Test func errorsPrintCompilerStyle() {
        let error = WorkbookError(file: "Chapters/04-decay.md", line: 37, column: 5, "trapped").during(.run)
        #expect(error.description == "Chapters/04-decay.md:37:5: error: [run] trapped")
    }
}

@Suite struct DataDependencyTests {
    /// A file a snippet names in a string literal is part of its chapter's cache key.
    @Test func namedFilesChangeTheKey() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-deps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Data"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let text = "```swift {#a}\nlet x = try! String(contentsOfFile: \"Data/x.txt\")\nlet y = \"Data/\\(x).json\"\n```\n"
        let chapter = try #require(ChapterParser().parse(path: "Chapters/c.md", text: text).0)
        try "1".write(to: root.appendingPathComponent("Data/x.txt"), atomically: true, encoding: .utf8)
        let before = BuildCache.dataFingerprint(for: chapter, root: root)
        #expect(BuildCache.dataFingerprint(for: chapter, root: root) == before, "stable when nothing changed")
        try "2".write(to: root.appendingPathComponent("Data/x.txt"), atomically: true, encoding: .utf8)
        let afterEdit = BuildCache.dataFingerprint(for: chapter, root: root)
        #expect(afterEdit != before, "editing a named file changes the key")
        try "{}".write(to: root.appendingPathComponent("Data/new.json"), atomically: true, encoding: .utf8)
        #expect(BuildCache.dataFingerprint(for: chapter, root: root) != afterEdit, "a new file in a named folder changes the key")
    }
}

@Suite struct LineEndingTests {
    @Test func crlfChaptersParse() throws {
        let text = "# T\r\n\r\n```swift {#a}\r\nprint(1)\r\n```\r\n<!-- output: a -->\r\n```text\r\n1\r\n```\r\n<!-- end output -->\r\n"
        let (chapter, errors) = ChapterParser().parse(path: "Chapters/crlf.md", text: text)
        #expect(errors.isEmpty, "\(errors)")
        #expect(chapter?.snippets.first?.fenceEnd == 5 && chapter?.regions.first?.id == "a")
    }
}

@Suite struct CRLFFixTests {
    @Test func fixKeepsCRLFAndChecksClean() throws {
        let text = "# T\r\n\r\n```swift {#a}\r\nprint(1)\r\n```\r\n<!-- output: a -->\r\n```text\r\nold\r\n```\r\n<!-- end output -->\r\nend\r\n"
        let chapter = try #require(ChapterParser().parse(path: "Chapters/crlf.md", text: text).0)
        let outputs = [SnippetOutput(segments: [.text("1")])]
        let fixed = OutputFixer.fixedText(chapter, outputs: outputs)
        #expect(fixed == text.replacingOccurrences(of: "old", with: "1"))
        let reparsed = try #require(ChapterParser().parse(path: "Chapters/crlf.md", text: fixed).0)
        #expect(OutputChecker.drift(in: reparsed, outputs: outputs).isEmpty)
    }
}

@Suite struct BookLoaderTests {
    func book(_ files: [String: String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: root.appendingPathComponent("Chapters/\(name)"), atomically: true, encoding: .utf8) }
        return root
    }

    @Test func orderFromFileNamesThenSummary() throws {
        let root = try book(["02-b.md": "# B", "01-a.md": "# A", "index.md": "# Home", "03-c.md": "# C"])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try BookLoader(root: root).load().map(\.path) == ["Chapters/01-a.md", "Chapters/02-b.md", "Chapters/03-c.md"])
        #expect(BookLoader(root: root).landing() == "# Home")
        try "# Summary\n\n- [C](03-c.md)\n- [A](01-a.md)\n".write(to: root.appendingPathComponent("Chapters/SUMMARY.md"), atomically: true, encoding: .utf8)
        #expect(try BookLoader(root: root).load().map(\.path) == ["Chapters/03-c.md", "Chapters/01-a.md", "Chapters/02-b.md"])
        try "- [X](09-missing.md)\n".write(to: root.appendingPathComponent("Chapters/SUMMARY.md"), atomically: true, encoding: .utf8)
        #expect(throws: WorkbookError(file: "Chapters/SUMMARY.md", line: 1, "lists '09-missing.md', which is not in Chapters/")) {
            try BookLoader(root: root).load()
        }
    }

    @Test func noChapterFolderIsAClearError() {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-empty-\(UUID().uuidString)")
        #expect(throws: WorkbookError.self) { try BookLoader(root: root).load() }
    }
}

/// Issue 12, item 5: a data file edit the cache used to miss.
@Suite struct HiddenDataDependencyTests {
    func fingerprint(_ code: String, _ root: URL) throws -> DataDependencies.Fingerprint {
        let chapter = try #require(ChapterParser().parse(path: "Chapters/c.md", text: "```swift {#a}\n\(code)\n```\n").0)
        return DataDependencies.fingerprint(for: chapter, root: root)
    }

    @Test func dataFileEditIsNeverServedStaleFromTheCache() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-hidden-deps-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("My Data"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        for (file, code) in [("data.json", #"let d = try! String(contentsOfFile: "data.json")"#),
                             ("My Data/x.csv", #"let d = try! String(contentsOfFile: "My Data/x.csv")"#),
                             ("My Data/y.csv", #"let name = "y"; let d = try! String(contentsOfFile: "My Data/" + name + ".csv")"#)] {
            try "1".write(to: root.appendingPathComponent(file), atomically: true, encoding: .utf8)
            let before = try fingerprint(code, root)
            try "2".write(to: root.appendingPathComponent(file), atomically: true, encoding: .utf8)
            // Either the key changes, or the chapter is not cached at all.
            let after = try fingerprint(code, root)
            if case .known = after { #expect(after != before, "\(file): the edit changes the key") }
        }
        // A path whose folder cannot be seen: not cached at all, rather than stale.
        let hidden = try fingerprint(#"let name = "data"; let d = try! String(contentsOfFile: "\(name).json")"#, root)
        #expect(hidden == .unknowable(#"it reads files and builds a path from "\(name).json", whose folder cannot be known before it runs"#))
        let concatenated = try fingerprint(#"let name = "data"; let d = try! String(contentsOfFile: name + ".json")"#, root)
        #expect(concatenated != .known(ContentHash().hex))
        if case .known = concatenated { Issue.record("a concatenated path without a folder must not be cached") }
    }
}
