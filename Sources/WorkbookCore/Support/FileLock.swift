import Foundation

/// An exclusive advisory lock on a file (`flock`), held until `unlock` or process exit. Two `workbook` runs on
/// one book then take turns instead of writing the same files at once.
final class FileLock {
    private let descriptor: Int32

    init(_ url: URL) throws {
        descriptor = open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw WorkbookError(.setup, file: url.path, "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw WorkbookError(.setup, file: url.path, "cannot lock: \(String(cString: strerror(errno)))")
            }
        }
    }

    func unlock() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
