import Foundation
import Testing
@testable import WorkbookCore

/// Issue 12, items 9 and 10: a time limit that holds for everything a snippet starts, an interrupted tool that
/// leaves nothing running, and output that cannot grow without bound.
@Suite(.serialized) struct ProcessLimitTests {
    /// A snippet that starts a child and loops: the child and its pipe used to keep the build waiting 40 s.
    static let spawnsSleeper = chapter([("spawn", """
        import Foundation
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["40"]
        try! sleeper.run()
        try! "\\(sleeper.processIdentifier)".write(toFile: "sleeper.pid", atomically: true, encoding: .utf8)
        while true {}
        """)])

    static func isAlive(_ pid: pid_t) -> Bool {
        // A zombie awaiting its reaper counts as gone.
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !stat.contains(") Z ")
    }

    static func waitUntilGone(_ pid: pid_t, seconds: Double = 3) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline { if !isAlive(pid) { return true }; usleep(50_000) }
        return !isAlive(pid)
    }

    @Test func timeOutKillsTheWholeProcessGroup() throws {
        let book = try TestBook(["01-t.md": Self.spawnsSleeper])
        defer { book.remove() }
        let start = Date()
        let report = book.run(.check, timeout: 3)
        // The grandchild sleeps 40 s: a build that waited for it takes longer than that, a loaded machine not.
        #expect(Date().timeIntervalSince(start) < 35, "the build waited for the grandchild")
        #expect(report.errors.first?.message.hasPrefix("time limit of 3 s exceeded in snippet 'spawn'") == true, "\(report.errors)")
        let pid = try #require(pid_t(book.read("sleeper.pid")))
        #expect(Self.waitUntilGone(pid), "the snippet's /bin/sleep still runs")
        if Self.isAlive(pid) { kill(pid, SIGKILL) }
    }

    /// SIGTERM to `workbook` used to leave a looping chapter program (and its children) running.
    @Test func interruptedWorkbookEndsItsChapterPrograms() throws {
        let workbook = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("workbook")
        try #require(FileManager.default.isExecutableFile(atPath: workbook.path), "workbook is built next to the tests")
        let book = try TestBook(["01-t.md": Self.spawnsSleeper.replacingOccurrences(of: "sleeper.pid", with: "started")
            .replacingOccurrences(of: "while true {}", with: "try! \"\\(getpid())\".write(toFile: \"chapter.pid\", atomically: true, encoding: .utf8)\nwhile true {}")])
        defer { book.remove() }
        let process = Process()
        process.executableURL = workbook
        process.arguments = ["check", "--root", book.root.path, "--timeout", "100", "--runtime-dir", TestRuntime.directory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // Test threads are dispatch workers, which block SIGTERM, and a spawned child inherits that mask: unblock it
        // while `workbook` starts, so that it gets the signal the way it does from a shell.
        var unblock = sigset_t(), saved = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        try process.run()
        let deadline = Date().addingTimeInterval(240)    // the compile, on a machine that may be busy
        while Date() < deadline, !FileManager.default.fileExists(atPath: book.url("chapter.pid").path) { usleep(100_000) }
        let chapterPID = try #require(pid_t(book.read("chapter.pid")))
        let sleeperPID = try #require(pid_t(book.read("started")))
        let signalled = Date()
        process.terminate()    // SIGTERM
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(signalled) < 10, "workbook did not stop on SIGTERM")
        #expect(process.terminationStatus != 0)
        #expect(Self.waitUntilGone(chapterPID), "the chapter program outlived workbook")
        #expect(Self.waitUntilGone(sleeperPID), "the snippet's child outlived workbook")
        for pid in [chapterPID, sleeperPID] where Self.isAlive(pid) { kill(pid, SIGKILL) }
    }
}

/// Issue 12, item 10: output limits and a diff whose cost does not grow with the square of the output.
@Suite(.serialized) struct OutputLimitTests {
    @Test func snippetOutputOverOneMegabyteIsAnError() throws {
        let book = try TestBook(["01-t.md": chapter([("big", "for _ in 0..<70_000 { print(\"twenty bytes a line.\") }")])])
        defer { book.remove() }
        let fix = book.run(.fix)
        #expect(fix.errors.map(\.description) == ["Chapters/01-t.md:3: error: [run] snippet 'big' printed more than 1 MB; a chapter records what a reader can read: print a summary (a few rows, a chart) instead"])
        #expect(fix.fixedFiles.isEmpty)
    }

    @Test func runawayOutputStopsTheProgram() throws {
        let book = try TestBook(["01-t.md": chapter([("spam", "let line = String(repeating: \"spam \", count: 200)\nwhile true { print(line) }")])])
        defer { book.remove() }
        let start = Date()
        let report = book.run(.check, timeout: 60)
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(report.errors.first?.message.hasPrefix("stopped in snippet 'spam': the chapter program printed more than 8 MB") == true, "\(report.errors)")
    }

    @Test func diffOfManyChangedLinesIsFastAndBounded() {
        let old = (0..<20_000).map { "old \($0)" }, new = (0..<20_000).map { "new \($0)" }
        let start = Date()
        let diff = LineDiff.unified(old: ["same"] + old + ["end"], new: ["same"] + new + ["end"], oldName: "recorded", newName: "computed")
        #expect(Date().timeIntervalSince(start) < 2)
        let lines = diff.split(separator: "\n")
        #expect(lines.count < 210 && lines[2] == "  same" && lines[3] == "+ new 0" && lines.last == "  end")
    }
}
