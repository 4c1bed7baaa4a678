import Foundation

/// How every command that edits a chapter — `fix` (source chapters and translations), `translations --accept` —
/// writes it without losing anyone's work:
/// - only if the file still holds exactly what the build read (an edit made while the snippets ran is kept, and
///   `fix` stops with a message instead);
/// - through a symbolic link, into the file it points to (the link stays a link);
/// - never into a read-only file;
/// - with its byte-order mark, if it had one (every byte outside output regions is kept);
/// - only if the tool can read back what it writes;
/// - whole (a temporary file renamed over it), except for a file with several hard links, which is rewritten in
///   place so that every name keeps seeing the same file.
enum ChapterWriter {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func write(_ fixed: String, replacing original: String, at url: URL, path: String) throws {
        // Never write a chapter the tool itself would then reject (and could not repair).
        let (_, problems) = ChapterParser().parse(path: path, text: fixed)
        if let problem = problems.first {
            throw WorkbookError(file: path, line: problem.line, "not written: with the fresh outputs the chapter would not parse (\(problem.message))")
        }
        let target = url.resolvingSymlinksInPath()
        var info = stat()
        guard stat(target.path, &info) == 0 else { throw WorkbookError(file: path, "cannot read the chapter any more: \(String(cString: strerror(errno)))") }
        // access(2) says yes to root whatever the mode; the mode is the author's intent.
        guard info.st_mode & S_IWUSR != 0, access(target.path, W_OK) == 0 else {
            throw WorkbookError(file: path, "is read-only; its fresh outputs were not written (make it writable to fix it)")
        }
        let current = try Data(contentsOf: target)
        let hasMark = current.starts(with: byteOrderMark)
        guard current == Data(original.utf8) || (hasMark && current.dropFirst(3) == Data(original.utf8)) else {
            throw WorkbookError(file: path, "changed while workbook ran its snippets; its fresh outputs were not written, "
                + "so your edit is kept. Run `workbook fix` again")
        }
        var bytes = Data(fixed.utf8)
        if hasMark && !bytes.starts(with: byteOrderMark) { bytes = Data(byteOrderMark) + bytes }
        if info.st_nlink > 1 {
            try writeInPlace(bytes, to: target, path: path)
        } else {
            try AtomicFile.write(bytes, to: target)
        }
    }

    /// Rewrites a hard-linked file's contents (a rename would give this name a new file and leave the other names
    /// on the old one).
    static func writeInPlace(_ bytes: Data, to url: URL, path: String) throws {
        let descriptor = open(url.path, O_WRONLY | O_TRUNC)
        guard descriptor >= 0 else { throw WorkbookError(file: path, "cannot write: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        try bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                guard count > 0 else { throw WorkbookError(file: path, "writing failed: \(String(cString: strerror(errno)))") }
                written += count
            }
        }
        fsync(descriptor)
    }
}
