import Foundation

/// Writes files so that a reader sees either the old or the new contents, never a half-written file:
/// a temporary file in the same folder, then rename(2).
public enum AtomicFile {
    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// The temporary file is `.NAME.tmp-PID-RANDOM`; one left by a killed run is removed by the next run and by
    /// `clean` (`Leftovers.removeTemporaryFiles`).
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try data.write(to: temporary)
            if let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
               let permissions = attributes[.posixPermissions] {
                try? FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: temporary.path)
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path,
                                                               NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
