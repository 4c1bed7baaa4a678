import Foundation

/// The sessions of every program the tool is running, so that an interrupted `workbook` ends them all
/// (a chapter stuck in a loop must not outlive the tool that started it).
final class RunningPrograms: @unchecked Sendable {
    static let shared = RunningPrograms()

    private let lock = NSLock()
    /// Session ids (each the pid of its leader, the program we spawned).
    private var sessions: Set<pid_t> = []
    private var stopped = false

    /// Spawns under the lock, so that `killAll` cannot miss a program that is being started.
    func spawn(_ start: (inout pid_t) -> Int32) throws -> pid_t {
        lock.lock(); defer { lock.unlock() }
        guard !stopped else { throw WorkbookError("interrupted") }
        var pid: pid_t = 0
        let status = start(&pid)
        guard status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(status))]) }
        sessions.insert(pid)
        return pid
    }

    func whileNoSpawn<T>(_ body: () -> T) -> T {
        lock.lock(); defer { lock.unlock() }
        return body()
    }

    /// Whether `pid` is a program the tool started and still waits for (callers hold the lock: `whileNoSpawn`).
    func isRunning(_ pid: pid_t) -> Bool { sessions.contains(pid) }

    func remove(_ pid: pid_t) {
        lock.lock(); sessions.remove(pid); lock.unlock()
    }

    /// Kills every running session and refuses new ones; returns how many were running.
    @discardableResult
    func killAll() -> Int {
        lock.lock()
        stopped = true
        let running = sessions
        lock.unlock()
        // Outside the lock: the sweep for escapees takes it (`whileNoSpawn`); no new session can start now.
        for session in running { ProcessTree.kill(session: session) }
        return running.count
    }
}

/// SIGINT and SIGTERM to `workbook`: end every chapter program (their whole sessions), then exit.
public enum Interruption {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Call once, from the command's entry point.
    public static func install() {
        ProcessTree.becomeSubreaper()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let count = RunningPrograms.shared.killAll()
                FileHandle.standardError.write(Data("workbook: interrupted; stopped \(count) running program\(count == 1 ? "" : "s")\n".utf8))
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
