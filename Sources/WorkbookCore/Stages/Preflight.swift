import Foundation

/// What is checked before any chapter is compiled, so that a run does not spend minutes before failing on
/// something it could have seen at once, and cleanup of what an interrupted run left.
enum Preflight {
    /// Problems with the root folder alone (before book.toml can be read).
    static func rootProblems(_ options: BuildOptions) -> [WorkbookError] {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: options.root.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
            return [WorkbookError(file: options.root.path, isDirectory.boolValue || !FileManager.default.fileExists(atPath: options.root.path)
                ? "the book's root folder does not exist" : "the book's root is a file, not a folder; pass the folder holding the chapters")]
        }
        return []
    }

    static func problems(_ options: BuildOptions, book: Book) -> [WorkbookError] {
        var problems: [WorkbookError] = []
        // Settings the author gave explicitly are errors when wrong, never silently replaced by a default.
        var isFolder: ObjCBool = false
        if let directory = options.runtimeDirectory, FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder),
           !isFolder.boolValue {
            problems.append(WorkbookError(file: directory.path, "--runtime-dir is a file; give the folder where the snippet runtime is built and kept"))
        }
        do { _ = try Toolchain.locateCompiler() } catch { problems += WorkbookError.diagnostics(in: error) }
        if options.mode.renders {
            do {
                try OutputFolder.checkWritable(options.outputDirectory ?? book.siteDirectory, bookRoot: options.root, sources: book.sources,
                                               insideBook: options.outputDirectory == nil)
            } catch {
                problems += WorkbookError.diagnostics(in: error)
            }
        }
        if options.mode == .build {
            do { _ = try SiteRenderer.locatePandoc() } catch { problems += WorkbookError.diagnostics(in: error) }
        }
        return problems
    }

    /// Temporary files a killed `fix` left next to the chapters (`.NAME.md.tmp-PID-N`, which git shows).
    static func removeLeftovers(of files: [BookLoader.ChapterFile], root: URL) {
        let folders = Set(files.map { root.appendingPathComponent($0.path).deletingLastPathComponent().path })
        for folder in folders { Leftovers.removeTemporaryFiles(in: URL(fileURLWithPath: folder)) }
    }
}
