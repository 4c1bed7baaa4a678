import Foundation

/// One run at a time per book. Two runs shared `.workbook-cache/build/<chapter>/` and the cache entries: a `check`
/// cached an older run's output under the new source, and `fix` then recorded it. The lock is `flock` on
/// `.workbook-cache/lock`, held for the whole run; the kernel releases it when the process ends, however it ends.
/// The snippet runtime's folder has a lock of its own (books without a package may share one runtime).
final class BookLock {
    private let descriptor: Int32

    /// The book's lock, in its cache folder.
    convenience init(cacheDirectory: URL, waiting: (String) -> Void = BookLock.sayWaiting) throws {
        try self.init(file: cacheDirectory.appendingPathComponent("lock"), holder: "workbook run on this book", waiting: waiting)
    }

    /// Takes the lock on `file`, waiting for the process that holds it; `waiting` is told once, with that
    /// process's pid, when it must.
    init(file: URL, holder: String, waiting: (String) -> Void = BookLock.sayWaiting) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let path = file.path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WorkbookError(file: path, "cannot open the lock file: \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let pid = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            waiting("waiting for another \(holder)" + (pid.isEmpty ? "" : " (pid \(pid))") + " to finish…")
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    static func sayWaiting(_ message: String) {
        FileHandle.standardError.write(Data("workbook: \(message)\n".utf8))
    }
}
