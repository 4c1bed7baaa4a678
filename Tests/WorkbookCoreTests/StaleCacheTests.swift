import Foundation
import Testing
@testable import WorkbookCore

/// The cache must never answer for a chapter whose inputs moved: files named outside the book, files another
/// chapter writes during the same build, and the modules snippets import. Each case passed `check` from the cache.
@Suite struct StaleCacheTests {
    @Test func aFileOutsideTheBookIsNeverTrustedToTheCache() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-outside-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: outside) }
        try "first".write(to: outside, atomically: true, encoding: .utf8)
        let book = try TestBook(["01-read.md": chapter([("read", "print(try! String(contentsOfFile: \"\(outside.path)\", encoding: .utf8))")])])
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        #expect(book.run(.check).errors.isEmpty)
        try "second".write(to: outside, atomically: true, encoding: .utf8)
        let check = book.run(.check)
        #expect(check.errors.contains { $0.file == "Chapters/01-read.md" && $0.message.contains("changed") }, "\(check.errors)")
        #expect(check.cacheHits == 0)
        // `..` out of the book is outside it too.
        let up = try #require(ChapterParser().parse(path: "Chapters/02.md",
                                                    text: chapter([("up", "print(try! String(contentsOfFile: \"../data/z.txt\"))")])).0)
        guard case .unknowable = DataDependencies.fingerprint(for: up, root: book.root) else {
            Issue.record("a chapter that reads ../data/z.txt was cacheable")
            return
        }
    }

    @Test func aFileOneChapterWritesAndTheNextReadsIsFollowedInTheSameBuild() throws {
        func writer(_ value: String) -> String {
            chapter([("write", "try! FileManager.default.createDirectory(atPath: \"data\", withIntermediateDirectories: true)\n"
                      + "try! \"\(value)\".write(toFile: \"data/gen.txt\", atomically: true, encoding: .utf8)")])
        }
        let reader = chapter([("read", "print(try! String(contentsOfFile: \"data/gen.txt\", encoding: .utf8))")])
        let book = try TestBook(["01-write.md": writer("one"), "02-read.md": reader])
        defer { book.remove() }
        #expect(book.run(.fix, jobs: 1).errors.isEmpty)
        #expect(try book.read("Chapters/02-read.md").contains("```text\none\n```"))
        #expect(book.run(.check).errors.isEmpty)
        try book.write(writer("two"), to: "Chapters/01-write.md")
        let check = book.run(.check)
        #expect(check.errors.contains { $0.file == "Chapters/02-read.md" }, "the reader's output moved: \(check.errors)")
    }

    @Test func theImportsArePartOfEveryChaptersKey() throws {
        let parsed = try #require(ChapterParser().parse(path: "Chapters/01.md", text: chapter([("x", "print(1)")])).0)
        let root = FileManager.default.temporaryDirectory
        let withLibrary = Toolchain(swiftc: "swiftc", runtimeDirectory: root, imports: ["Lib", "WorkbookHelpers"], fingerprint: "f")
        var helpersOnly = withLibrary
        helpersOnly.imports = ["WorkbookHelpers"]
        #expect(BuildCache.key(for: parsed, toolchain: withLibrary, root: root) != BuildCache.key(for: parsed, toolchain: helpersOnly, root: root))
    }
}
