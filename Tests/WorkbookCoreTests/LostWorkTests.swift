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
            #expect(report.errors.count == 1 && report.errors[0].stage == .load, "\(output.path): \(report.errors)")
        }
        #expect(try book.read("Chapters/01-p.md") == Self.prose)
        #expect(FileManager.default.fileExists(atPath: book.url("site/theme/page.html").path))
        // Its own folder, built twice: the second build replaces what the first wrote.
        #expect(book.run(.build).succeeded && book.run(.build).succeeded)
        #expect(FileManager.default.fileExists(atPath: book.url("site/out/\(OutputFolder.markerName)").path))
    }

    /// Issue 23 B1: a site folder the tool wrote once, into which the author then moved the chapters (or the
    /// theme): the next build must refuse, not replace them with the site.
    @Test func buildRefusesAnOutputFolderThatNowHoldsTheChaptersOrTheTheme() throws {
        let book = try TestBook([:])
        defer { book.remove() }
        try book.write("[book]\noutput = \"docs\"\n", to: "book.toml")
        try book.write(Self.prose, to: "Chapters/01-p.md")
        #expect(book.run(.build).succeeded)
        #expect(FileManager.default.fileExists(atPath: book.url("docs/\(OutputFolder.markerName)").path))
        try FileManager.default.moveItem(at: book.url("Chapters"), to: book.url("docs/Chapters"))
        try book.write("[book]\noutput = \"docs\"\nchapters = \"docs/Chapters\"\n", to: "book.toml")
        let moved = book.run(.build)
        #expect(moved.errors.contains { $0.stage == .load && $0.message.contains("part of the book") }, "\(moved.errors)")
        #expect(try book.read("docs/Chapters/01-p.md") == Self.prose)

        try FileManager.default.moveItem(at: book.url("docs/Chapters"), to: book.url("Chapters"))
        try FileManager.default.copyItem(at: book.url("site/theme"), to: book.url("docs/theme"))
        try book.write("[book]\noutput = \"docs\"\ntheme = \"docs/theme\"\n", to: "book.toml")
        #expect(!book.run(.build).succeeded)
        #expect(FileManager.default.fileExists(atPath: book.url("docs/theme/page.html").path))
    }

    /// Issue 23 B11: book.output through a symbolic link to a folder outside the book, and theme files that are
    /// links out of the theme: refused, nothing written outside, no link in the site.
    @Test func theSiteNeverFollowsALinkOutOfTheBook() throws {
        let book = try TestBook(["01-p.md": Self.prose])
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-outside-\(UUID().uuidString)")
        defer { book.remove(); try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: book.url("public"), withDestinationURL: outside)
        try book.write("[book]\noutput = \"public/out\"\n", to: "book.toml")
        let linked = book.run(.build)
        #expect(linked.errors.contains { $0.message.contains("leads outside the book") }, "\(linked.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty, "the build wrote outside the book")

        try book.write("[book]\ntheme = \"site/theme\"\n", to: "book.toml")
        try FileManager.default.createSymbolicLink(at: book.url("site/theme/assets/leak.txt"), withDestinationURL: URL(fileURLWithPath: "/etc/hostname"))
        let leaking = book.run(.build)
        #expect(leaking.errors.contains { $0.message.contains("outside the theme folder") }, "\(leaking.errors)")
        #expect(!FileManager.default.fileExists(atPath: book.url("site/out/assets/leak.txt").path))

        // A link inside the theme is copied as the file it names, never as a link.
        try FileManager.default.removeItem(at: book.url("site/theme/assets/leak.txt"))
        try "body { }".write(to: book.url("site/theme/extra.css"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: book.url("site/theme/assets/extra.css"), withDestinationURL: book.url("site/theme/extra.css"))
        #expect(book.run(.build).succeeded)
        let copied = try FileManager.default.attributesOfItem(atPath: book.url("site/out/assets/extra.css").path)
        #expect(copied[.type] as? FileAttributeType == .typeRegular)
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
        // Until the kernel shows the second run blocked on the lock (`->` marks a waiting request in /proc/locks).
        let deadline = Date().addingTimeInterval(60)
        func waiting() -> Bool {
            ((try? String(contentsOfFile: "/proc/locks", encoding: .utf8)) ?? "").split(separator: "\n")
                .contains { $0.contains("->") && $0.contains("FLOCK") && $0.contains(" \(getpid()) ") }
        }
        while !waiting() && Date() < deadline { usleep(10_000) }
        #expect(waiting(), "the second run never waited for the lock")
        box.mutex.lock(); let early = box.done; box.mutex.unlock()
        #expect(!early, "the second run did not wait for the lock")
        box.lock = nil
        #expect(finished.wait(timeout: .now() + 30) == .success)
    }
}
