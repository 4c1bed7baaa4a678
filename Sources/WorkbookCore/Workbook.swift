import Foundation

/// The commands' entry points: `run` (check, fix, build, preview: `Pipeline`), the snippet runtime, `clean`.
public enum Workbook {
    /// Runs the command's stages (`Pipeline.stages(for:)`).
    public static func run(_ options: BuildOptions) -> BuildReport { Pipeline.run(options) }

    /// The compiler and an up-to-date snippet runtime for `book` (built in `runtimeDirectory`, by default the
    /// book's `.workbook-cache/runtime`).
    public static func prepareToolchain(book: Book, resources: ToolResources, runtimeDirectory: URL? = nil,
                                        progress: (String) -> Void = { _ in }) throws -> Toolchain {
        let builder = RuntimeBuilder(bookRoot: book.root, config: book.config, resources: resources,
                                     directory: runtimeDirectory ?? book.cacheDirectory.appendingPathComponent("runtime"),
                                     swiftc: try Toolchain.locateCompiler())
        return try builder.prepare(progress: progress)
    }

    /// Removes the cache and the rendered site — only what the tool created: a site folder without the tool's
    /// marker is left alone (and reported), so `clean --output Chapters` deletes nothing. Returns what it removed.
    @discardableResult
    public static func clean(root: URL, outputDirectory: URL? = nil) throws -> [String] {
        let book = try Book.open(root: root)
        let fileManager = FileManager.default
        var removed: [String] = []
        let site = outputDirectory ?? book.siteDirectory
        var refused: WorkbookError?
        if fileManager.fileExists(atPath: site.path) {
            if OutputFolder.isOurs(site) {
                try fileManager.removeItem(at: site)
                removed.append(site.path)
            } else {
                refused = WorkbookError(.setup, file: site.path, "not removed: workbook did not write this folder (it has no \(OutputFolder.markerName))")
            }
        }
        OutputFolder.removeLeftovers(besides: site)
        Leftovers.removeTemporaryFiles(in: root.appendingPathComponent(book.config.chaptersFolder))
        if fileManager.fileExists(atPath: book.cacheDirectory.path) {
            let lock = try BookLock(cacheDirectory: book.cacheDirectory)
            try withExtendedLifetime(lock) { try fileManager.removeItem(at: book.cacheDirectory) }
            removed.append(book.cacheDirectory.path)
        }
        if let refused { throw refused }
        return removed
    }
}
