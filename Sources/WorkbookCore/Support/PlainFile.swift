import Foundation

/// Writes a file with open/write/close and no fsync. Foundation's `Data.write(to:)` on Linux fsyncs every file,
/// which cost a rebuild with nothing changed up to 70 ms a page on a busy disk; the site is written into a staging
/// folder that is swapped in with rename(2), and it can be rebuilt from the chapters, so it does not need to reach
/// the disk before the build returns.
enum PlainFile {
    static func write(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw error(path) }
        defer { close(descriptor) }
        var utf8 = text
        try utf8.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw error(path)
                }
                offset += written
            }
        }
    }

    static func error(_ path: String) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
    }
}
