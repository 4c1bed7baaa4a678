import Foundation

/// Progress lines (`[3/12] compile 04-decay`) on a terminal, nothing when stderr is a pipe or file.
public final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let total: Int
    private var step = 0

    public init(total: Int, enabled: Bool = isatty(2) == 1) {
        self.total = total
        self.enabled = enabled
    }

    public func report(_ stage: WorkbookError.Stage, _ name: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        step += 1
        FileHandle.standardError.write(Data("\r\u{1B}[2K[\(min(step, total))/\(total)] \(stage.rawValue) \(name)".utf8))
    }

    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
