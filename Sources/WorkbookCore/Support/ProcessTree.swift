import Foundation

/// Ends every process of a session: the chapter program and whatever its snippets started, in any process group.
enum ProcessTree {
    static func kill(session: pid_t) {
        killpg(session, SIGKILL)
        // Members that moved to groups of their own (Foundation's `Process` does that): find them by session in
        // /proc. A few rounds, in case one forked while we looked.
        for _ in 0..<5 {
            let members = self.members(of: session)
            if members.isEmpty { return }
            for member in members { Glibc.kill(member, SIGKILL) }
        }
    }

    /// Live processes whose session is `session` (zombies excluded: they are already dead).
    static func members(of session: pid_t) -> [pid_t] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return names.compactMap { name -> pid_t? in
            guard let pid = pid_t(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            // After "pid (comm)": state ppid pgrp session …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 3, fields[0] != "Z", pid_t(fields[3]) == session else { return nil }
            return pid
        }
    }
}
