import Foundation
import Synchronization

/// Ends what a program started. A chapter program runs in a session of its own, so one `killpg` and a look for
/// the session's members in /proc end everything a snippet started in the ordinary way. A process that left the
/// session (`setsid`, a daemon's double fork) is caught another way: `workbook` is a child subreaper
/// (`PR_SET_CHILD_SUBREAPER`), so such a process, once its parent is gone, becomes a child of `workbook` — and a
/// child of `workbook` that `workbook` did not start (`RunningPrograms`) is an escapee, killed and reaped.
///
/// Not contained (README, "What a snippet can do"): an escapee that also clears its environment, and anything
/// still running after `workbook` itself is killed with SIGKILL (chapter programs then end too: the helpers set
/// `PR_SET_PDEATHSIG`; what they started does not).
enum ProcessTree {
    /// The variable every chapter program is started with (`ChapterExecutor`): the pid of the `workbook` that
    /// started it. Its descendants inherit it, which is how an escapee is told from any other child.
    static let parentVariable = "WORKBOOK_PARENT"

    /// Makes this process the reaper of its orphaned descendants (Linux 3.4+). Called by the command only: in a
    /// test process every orphan of every test would become ours.
    static func becomeSubreaper() {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return }
        let prctl = unsafeBitCast(symbol, to: (@convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32).self)
        if prctl(36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0) == 0 { subreaper.withLock { $0 = true } }
    }

    /// Whether escapees come back to this process (else there is nothing to sweep: no /proc scan).
    private static let subreaper = Mutex(false)
    static var isSubreaper: Bool { subreaper.withLock { $0 } }

    static func kill(session: pid_t) {
        killpg(session, SIGKILL)
        // Members that moved to groups of their own (Foundation's `Process` does that): find them by session in
        // /proc. A few rounds, in case one forked while we looked.
        for _ in 0..<5 {
            let members = self.members(of: session)
            if members.isEmpty { break }
            for member in members { Glibc.kill(member, SIGKILL) }
        }
        sweepEscapees()
    }

    /// Kills and reaps every child of this process that it did not start itself and that descends from a chapter
    /// program (it carries `WORKBOOK_PARENT` with our pid): descendants that left their session and were handed to
    /// us when their parent ended. Rounds, because killing one orphans its children.
    static func sweepEscapees() {
        for round in 0..<10 {
            let escapees = self.escapees()
            if escapees.isEmpty { return }
            for pid in escapees {
                Glibc.kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            if round > 0 { usleep(10_000) }
        }
    }

    /// Children of ours that descend from a chapter program and that we did not start.
    static func escapees() -> [pid_t] {
        guard isSubreaper else { return [] }
        let marker = Array("\(parentVariable)=\(getpid())".utf8)
        return RunningPrograms.shared.whileNoSpawn {
            children(of: getpid()).filter { pid in
                guard !RunningPrograms.shared.isRunning(pid),
                      let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
                return environment.split(separator: 0).contains { Array($0) == marker }
            }
        }
    }

    /// What a program left running besides itself (its session's other members, escapees): their command lines,
    /// for a message that says why a chapter did not end.
    static func others(in session: pid_t) -> [String] {
        (members(of: session).filter { $0 != session } + escapees()).compactMap { pid in
            FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map {
                $0.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            }
        }.filter { !$0.isEmpty }
    }

    /// Live processes whose session is `session` (zombies excluded: they are already dead).
    static func members(of session: pid_t) -> [pid_t] {
        processes { fields in fields[0] != "Z" && pid_t(fields[3]) == session }
    }

    /// Processes whose parent is `parent`, zombies included (they still need reaping).
    static func children(of parent: pid_t) -> [pid_t] {
        processes { fields in pid_t(fields[1]) == parent }
    }

    /// Processes whose /proc/PID/stat fields after "pid (comm)" — state ppid pgrp session … — pass `test`.
    static func processes(where test: ([Substring]) -> Bool) -> [pid_t] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return names.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 3, test(fields) else { return nil }
            return pid
        }
    }
}
