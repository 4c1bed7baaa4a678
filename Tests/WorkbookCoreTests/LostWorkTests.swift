import Foundation
import Testing
@testable import WorkbookCore

/// Issue 12, items 4, 6, 7, 8 and 13: the tool never loses an author's files or edits.
@Suite(.serialized) struct LostWorkTests {
    static let prose = "# Prose\n\nNo snippets here.\n"
    static let printing = chapter([("out", "print(\"fresh\")")])

    /// A pid that surely runs no more: a child we started and reaped.
    static func deadPID() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    // MARK: item 6

    @Test func buildRefusesAnOutputFolderThatHoldsTheBookOrOtherFiles() throws {
        let book = try TestBook(["01-p.md": Self.prose])
        defer { book.remove() }
        for output in [book.root, book.url("site"), book.url("Chapters")] {
            let report = book.run(.build, output: output)
            #expect(report.errors.count == 1 && report.errors[0].stage == .setup, "\(output.path): \(report.errors)")
        }
        #expect(try book.read("Chapters/01-p.md") == Self.prose)
        #expect(FileManager.default.fileExists(atPath: book.url("site/theme/page.html").path))
        // Its own folder, built twice: the second build replaces what the first wrote.
        #expect(book.run(.build).succeeded && book.run(.build).succeeded)
        #expect(FileManager.default.fileExists(atPath: book.url("site/out/\(OutputFolder.markerName)").path))
    }

    @Test func cleanDeletesOnlyWhatTheToolCreated() throws {
        let book = try TestBook(["01-p.md": Self.prose])
        defer { book.remove() }
        #expect(throws: WorkbookError.self) { try Workbook.clean(root: book.root, outputDirectory: book.url("Chapters")) }
        #expect(try book.read("Chapters/01-p.md") == Self.prose)
        // A folder with no book, whose site/out is someone else's.
        try book.write("mine", to: "elsewhere/site/out/notes.txt")
        #expect(throws: WorkbookError.self) { try Workbook.clean(root: book.url("elsewhere")) }
        #expect(try book.read("elsewhere/site/out/notes.txt") == "mine")
        // What the tool built, it removes.
        #expect(book.run(.build).succeeded)
        let removed = try Workbook.clean(root: book.root)
        #expect(removed.count == 2 && !FileManager.default.fileExists(atPath: book.url("site/out").path))
        #expect(FileManager.default.fileExists(atPath: book.url("site/theme/page.html").path))
    }

    // MARK: item 7

    @Test func fixKeepsAnEditMadeWhileSnippetsRan() throws {
        let book = try TestBook(["01-t.md": chapter([("edit", """
            import Foundation
            let handle = FileHandle(forWritingAtPath: "Chapters/01-t.md")!
            handle.seekToEndOfFile()
            handle.write("A line the author added meanwhile.\\n".data(using: .utf8)!)
            print("fresh")
            """)])])
        defer { book.remove() }
        let fix = book.run(.fix)
        #expect(fix.errors.map(\.description) == ["Chapters/01-t.md: error: [fix] changed while workbook ran its snippets; its fresh outputs were not written, so your edit is kept. Run `workbook fix` again"])
        #expect(try book.read("Chapters/01-t.md").hasSuffix("A line the author added meanwhile.\n"))
    }

    // MARK: item 8

    @Test func fixWritesThroughASymlinkIntoItsTarget() throws {
        let book = try TestBook([:])
        defer { book.remove() }
        try book.write(Self.printing, to: "real/01-t.md")
        try FileManager.default.createSymbolicLink(atPath: book.url("Chapters/01-t.md").path, withDestinationPath: "../real/01-t.md")
        #expect(book.run(.fix).fixedFiles == ["Chapters/01-t.md"])
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: book.url("Chapters/01-t.md").path)
        #expect(link == "../real/01-t.md")
        #expect(try book.read("real/01-t.md").contains("<!-- output: out -->\n```text\nfresh\n```"))
    }

    @Test func fixRefusesAReadOnlyChapter() throws {
        let book = try TestBook(["01-t.md": Self.printing])
        defer { book.remove() }
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: book.url("Chapters/01-t.md").path)
        let fix = book.run(.fix)
        #expect(fix.errors.map(\.description) == ["Chapters/01-t.md: error: [fix] is read-only; its fresh outputs were not written (make it writable to fix it)"])
        #expect(try book.read("Chapters/01-t.md") == Self.printing)
    }

    @Test func fixKeepsTheByteOrderMark() throws {
        let book = try TestBook(["01-t.md": "\u{FEFF}" + Self.printing])
        defer { book.remove() }
        #expect(book.run(.fix).fixedFiles == ["Chapters/01-t.md"])
        let bytes = try Data(contentsOf: book.url("Chapters/01-t.md"))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) && String(decoding: bytes, as: UTF8.self).contains("fresh"))
        #expect(book.run(.check).succeeded)
    }

    // MARK: item 13

    @Test func leftoversOfInterruptedRunsAreRemoved() throws {
        let book = try TestBook(["01-p.md": Self.prose])
        defer { book.remove() }
        let dead = try Self.deadPID()
        try book.write("half", to: "Chapters/.01-p.md.tmp-\(dead)-12345")
        try book.write("x", to: "site/.staging-\(dead)/\(OutputFolder.markerName)")
        #expect(book.run(.check).succeeded)
        #expect(!FileManager.default.fileExists(atPath: book.url("Chapters/.01-p.md.tmp-\(dead)-12345").path))
        try Workbook.clean(root: book.root)
        #expect(!FileManager.default.fileExists(atPath: book.url("site/.staging-\(dead)").path))
    }

    // MARK: item 4

    final class Box: @unchecked Sendable { var lock: BookLock?; var done = false; let mutex = NSLock() }

    @Test func secondRunWaitsForTheBookLock() throws {
        let book = try TestBook(["01-p.md": Self.prose])
        defer { book.remove() }
        let box = Box()
        box.lock = try BookLock(cacheDirectory: book.url(".workbook-cache"))
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = book.run(.check)
            box.mutex.lock(); box.done = true; box.mutex.unlock()
            finished.signal()
        }
        Thread.sleep(forTimeInterval: 1)
        box.mutex.lock(); let early = box.done; box.mutex.unlock()
        #expect(!early, "the second run did not wait for the lock")
        box.lock = nil
        #expect(finished.wait(timeout: .now() + 30) == .success)
    }
}
