import Foundation

/// What is checked before any chapter is compiled, so that a run does not spend minutes before failing on
/// something it could have seen at once, and cleanup of what an interrupted run left.
enum Preflight {
    static func problems(_ options: BuildOptions) -> [WorkbookError] {
        var problems: [WorkbookError] = []
        if options.mode == .build {
            do { try OutputFolder.checkWritable(options.siteDirectory, bookRoot: options.root) } catch let error as WorkbookError {
                problems.append(error)
            } catch {}
            if Subprocess.which("pandoc") == nil {
                problems.append(WorkbookError(.setup, "pandoc not found on PATH; install it (apt-get install pandoc, or `make site` as root), or run `workbook check`, which renders nothing"))
            }
        }
        return problems
    }

    /// Temporary files a killed `fix` left next to the chapters (`.NAME.md.tmp-PID-N`, which git shows).
    static func removeLeftovers(of files: [BookLoader.ChapterFile], root: URL) {
        let folders = Set(files.map { root.appendingPathComponent($0.path).deletingLastPathComponent().path })
        for folder in folders { Leftovers.removeTemporaryFiles(in: URL(fileURLWithPath: folder)) }
    }
}
