import Foundation

/// The processes this one started, and their children (the compiler, a chapter program, pandoc, swift build):
/// what must not outlive `workbook serve` when it is stopped in the middle of a build. The process runner keeps no
/// list of them, so they are found in /proc (Linux); elsewhere this finds none and the build is waited for.
enum ChildProcesses {
    /// Every descendant of `pid`, children before grandchildren.
    static func descendants(of pid: pid_t = getpid()) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        var children: [pid_t: [pid_t]] = [:]
        for entry in entries {
            guard let child = pid_t(entry), let parent = parentID(of: child) else { continue }
            children[parent, default: []].append(child)
        }
        var result: [pid_t] = []
        var queue = [pid]
        while !queue.isEmpty {
            let next = children[queue.removeFirst()] ?? []
            result += next
            queue += next
        }
        return result
    }

    /// The parent's id from `/proc/PID/stat` ("PID (comm) STATE PPID …"; comm may hold spaces and parentheses).
    static func parentID(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.range(of: ")", options: .backwards) else { return nil }
        let fields = stat[close.upperBound...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    /// Sends `signal` to every descendant; returns how many there were.
    @discardableResult
    static func signalAll(_ signal: Int32, of pid: pid_t = getpid()) -> Int {
        let all = descendants(of: pid)
        for child in all { kill(child, signal) }
        return all.count
    }
}
