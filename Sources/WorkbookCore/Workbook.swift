import Foundation

/// The commands' entry points: `run` (check, fix, build, preview: `Pipeline`), the snippet runtime, `clean`.
public enum Workbook {
    /// Runs the command's stages (`Pipeline.stages(for:)`).
    public static func run(_ options: BuildOptions) -> BuildReport { Pipeline.run(options) }

    /// The compiler and an up-to-date snippet runtime for `book` (built in `runtimeDirectory`, by default
    /// `defaultRuntimeDirectory`).
    public static func prepareToolchain(book: Book, resources: ToolResources, runtimeDirectory: URL? = nil,
                                        progress: (String) -> Void = { _ in }) throws -> Toolchain {
        let swiftc = try Toolchain.locateCompiler()
        let builder = RuntimeBuilder(bookRoot: book.root, config: book.config, resources: resources,
                                     directory: runtimeDirectory ?? defaultRuntimeDirectory(book: book, swiftc: swiftc, resources: resources),
                                     swiftc: swiftc)
        return try builder.prepare(progress: progress)
    }

    /// A package's runtime holds its own libraries: it lives in the book's cache (`.workbook-cache/runtime`). A
    /// book without a package links only the helpers, which depend on nothing but the tool and the compiler: all
    /// such books of a user share one runtime per tool version, helpers' sources and compiler, in
    /// `$XDG_CACHE_HOME/workbook/runtime/` (`~/.cache/…`; `WORKBOOK_RUNTIME_CACHE` moves it), so only the first book
    /// ever builds it, and a build never rebuilds a runtime another book's build is compiling against (a different
    /// tool gets a folder of its own). Its folder has a lock of its own. Where it cannot be written, the book's
    /// cache is used.
    static func defaultRuntimeDirectory(book: Book, swiftc: String, resources: ToolResources) -> URL {
        let own = book.cacheDirectory.appendingPathComponent("runtime")
        guard !FileManager.default.fileExists(atPath: book.root.appendingPathComponent("Package.swift").path) else { return own }
        let environment = ProcessInfo.processInfo.environment
        let base = environment["WORKBOOK_RUNTIME_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }.map { $0.appendingPathComponent("workbook/runtime") }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/workbook/runtime")
        let compiler = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().path
        let helpers = ((try? resources.helperSources()) ?? []).map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }
        var key = ContentHash()
        for part in [WorkbookVersion.current, compiler] + helpers { key.update(part) }
        let shared = base.appendingPathComponent(String(key.hex.prefix(16)))
        do {
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
            guard access(shared.path, W_OK) == 0 else { return own }
            return shared
        } catch {
            return own
        }
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
