import Foundation
import Testing
import WorkbookCore

/// Every snippet of every real chapter, one test case each: compiled and run against the library as built now,
/// its output compared with what the chapter records. A library change that alters any number in the course fails
/// the case named after that chapter and snippet.
@Suite struct ChapterSnippetTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Case: Sendable, CustomTestStringConvertible {
        var chapter: String
        var snippet: String
        var testDescription: String { "\(chapter)#\(snippet)" }
    }

    /// Parsing happens at discovery time; a chapter that does not parse becomes one failing case.
    static let chapters: [(Chapter?, [WorkbookError], String)] = {
        guard let files = try? Book.open(root: root).loader.load() else { return [] }
        return files.map { file in
            let (chapter, errors) = ChapterParser().parse(path: file.path, text: file.text)
            return (chapter, errors, file.path)
        }
    }()

    static let cases: [Case] = chapters.flatMap { chapter, _, path in
        chapter.map { c in c.snippets.map { Case(chapter: path, snippet: $0.id) } } ?? [Case(chapter: path, snippet: "(parse)")]
    }

    /// The course's runtime, built (or found up to date) in the repository's `.workbook-cache/runtime`.
    static let toolchain = Result {
        try Workbook.prepareToolchain(book: try Book.open(root: root), resources: try ToolResources.locate())
    }

    /// Each chapter compiled and run once, on first use, without the build cache.
    static let runs: [String: ChapterExecutor.Run] = {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-chapter-tests-\(getpid())")
        guard let toolchain = try? toolchain.get() else { return [:] }
        let timeout = (try? Book.open(root: root).config.timeout) ?? nil
        let executor = ChapterExecutor(toolchain: toolchain, bookRoot: root, workDirectory: work, timeout: timeout ?? 60)
        let parsed = chapters.compactMap(\.0)
        let results = ConcurrentMap.map(parsed, jobs: ProcessInfo.processInfo.activeProcessorCount) { executor.execute($0) }
        return Dictionary(uniqueKeysWithValues: zip(parsed.map(\.path), results))
    }()

    @Test func theCourseHasChapters() {
        #expect(Self.chapters.count >= 1)
        #expect(Self.cases.count >= 5)
    }

    @Test(arguments: cases)
    func snippet(_ testCase: Case) throws {
        let entry = try #require(Self.chapters.first { $0.2 == testCase.chapter })
        guard let chapter = entry.0 else {
            Issue.record("\(entry.1.map(\.description).joined(separator: "\n"))")
            return
        }
        let snippet = try #require(chapter.snippets.first { $0.id == testCase.snippet })
        do { _ = try Self.toolchain.get() } catch {
            Issue.record("cannot prepare the snippet runtime: \(error)")
            return
        }
        let run = try #require(Self.runs[chapter.path])
        let index = chapter.snippets.firstIndex(of: snippet)!
        let next = index + 1 < chapter.snippets.count ? chapter.snippets[index + 1].fenceStart : Int.max
        // Errors located in this snippet's lines (compile errors, failed checks, traps).
        let mine = run.errors.filter { ($0.line ?? 0) >= snippet.fenceStart && ($0.line ?? 0) < next }
        for error in mine { Issue.record("\(error)") }
        if run.errors.contains(where: { $0.line == nil }) { Issue.record("chapter failed: \(run.errors)") }
        guard run.completed || index < run.outputs.count else { return }
        let drift = OutputChecker.drift(in: chapter, outputs: run.outputs).filter {
            ($0.line ?? 0) >= snippet.fenceStart && ($0.line ?? 0) < next
        }
        for error in drift { Issue.record("\(error)") }
    }
}
