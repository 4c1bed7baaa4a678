import Foundation

/// A new site is written beside the old one (`.staging-PID`, marked as the tool's) and replaces it with two
/// renames: the old site stays whole until then, and a folder the tool did not write is never replaced.
struct StagingFolder {
    let url: URL
    let target: URL

    init(replacing target: URL) throws {
        self.target = target
        let fileManager = FileManager.default
        let parent = target.deletingLastPathComponent()
        url = parent.appendingPathComponent(".staging-\(getpid())")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fileManager.removeItem(at: url)
            OutputFolder.removeLeftovers(besides: target)
            try fileManager.createDirectory(at: url, withIntermediateDirectories: true)
            try OutputFolder.mark(url)
        } catch {
            throw WorkbookError(file: target.path, "cannot write the site: \(WorkbookError.describe(error)); check that the folder is writable",
                                underlying: error)
        }
    }

    /// Removes what is left of the staging folder (all of it when `swapIn` was not reached).
    func discard() { try? FileManager.default.removeItem(at: url) }

    func swapIn() throws {
        let fileManager = FileManager.default
        let retired = target.deletingLastPathComponent().appendingPathComponent(".retired-\(getpid())")
        try? fileManager.removeItem(at: retired)
        if fileManager.fileExists(atPath: target.path) {
            guard OutputFolder.isOurs(target) else {
                throw WorkbookError(file: target.path, "not replaced: workbook did not write this folder (it has no \(OutputFolder.markerName))")
            }
            guard rename(target.path, retired.path) == 0 else {
                throw WorkbookError(file: target.path, "cannot replace the site: \(String(cString: strerror(errno)))")
            }
        }
        guard rename(url.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(retired.path, target.path)
            throw WorkbookError(file: target.path, "cannot move the new site in place: \(reason)")
        }
        try? fileManager.removeItem(at: retired)
    }
}
