import Foundation

/// The commands' entry points: `run` (check, fix, build, preview: `Pipeline`), the snippet runtime, `clean`.
public enum Workbook {
    /// Runs the command's stages (`Pipeline.stages(for:)`).
    public static func run(_ options: BuildOptions) -> BuildReport { Pipeline.run(options) }

    /// The compiler and up-to-date snippet runtimes for `book`. The helpers runtime is the one every book shares
    /// (`SharedRuntime`; where the user's cache cannot be written, the book's cache). A book with a Package.swift
    /// also gets a runtime of its own libraries, linked beside the helpers, in `runtimeDirectory` (by default
    /// `.workbook-cache/runtime`); a book without one builds its helpers runtime there when `runtimeDirectory` is given.
    public static func prepareToolchain(book: Book, resources: ToolResources, runtimeDirectory: URL? = nil,
                                        progress: (String) -> Void = { _ in }) throws -> Toolchain {
        let swiftc = try Toolchain.locateCompiler()
        let hasPackage = FileManager.default.fileExists(atPath: book.root.appendingPathComponent("Package.swift").path)
        let own = book.cacheDirectory.appendingPathComponent("runtime")
        let helpersFolder = (hasPackage ? nil : runtimeDirectory) ?? SharedRuntime.folder(swiftc: swiftc, resources: resources)
            ?? (hasPackage ? book.cacheDirectory.appendingPathComponent("helpers-runtime") : own)
        // The book's `snippets.imports` is checked against its package by the package's runtime, when there is one.
        let helpers = try RuntimeBuilder(bookRoot: book.root, config: hasPackage ? BookConfig() : book.config, resources: resources,
                                         directory: helpersFolder, swiftc: swiftc).prepare(progress: progress)
        guard hasPackage else { return helpers }
        return try RuntimeBuilder(bookRoot: book.root, config: book.config, resources: resources, directory: runtimeDirectory ?? own,
                                  swiftc: swiftc, helpers: helpers).prepare(progress: progress)
    }

    /// Builds the helpers runtime books without a package share, in `folder/KEY` (`make install`: the tool's
    /// `lib/workbook/runtime`), or in the user's cache; then compiles one chapter program against it, so that its
    /// module cache (Glibc's and Foundation's Clang modules, ≈ 1.2 s of CPU and 70 MB more on a first compile)
    /// is built too. Returns the runtime's folder.
    /// Its problems say `[runtime]`.
    public static func buildSharedRuntime(in folder: URL?, resources: ToolResources, progress: (String) -> Void = { _ in }) throws -> URL {
        try WorkbookError.Stage.runtime.run { try buildRuntime(in: folder, resources: resources, progress: progress) }
    }

    private static func buildRuntime(in folder: URL?, resources: ToolResources, progress: (String) -> Void) throws -> URL {
        let swiftc = try Toolchain.locateCompiler()
        let key = SharedRuntime.key(swiftc: swiftc, resources: resources)
        let directory = (folder ?? SharedRuntime.userCache).appendingPathComponent(key)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-runtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let builder = RuntimeBuilder(bookRoot: scratch, config: BookConfig(), resources: resources, directory: directory, swiftc: swiftc)
        let toolchain = try builder.prepare(progress: progress)
        let program = scratch.appendingPathComponent("main.swift")
        try AtomicFile.write("import Foundation\nimport \(RuntimeBuilder.helpersModule)\nshow(1)\n", to: program)
        let compiled = try toolchain.compile(sources: [program], output: scratch.appendingPathComponent("warm"),
                                             moduleCache: toolchain.moduleCache, in: scratch, timeout: 300)
        guard compiled.status == 0 else {
            throw WorkbookError(file: directory.path, "the runtime was built, but a one-line program does not compile against it:\n"
                                + String(compiled.stderrText.suffix(2000)))
        }
        return directory
    }

    /// Removes the cache and the rendered site — only what the tool created: a site folder without the tool's
    /// marker is left alone (and reported), so `clean --output Chapters` deletes nothing. Returns what it removed.
    /// Its problems say `[load]` (the book) or `[setup]` (the removing).
    @discardableResult
    public static func clean(root: URL, outputDirectory: URL? = nil) throws -> [String] {
        let book = try WorkbookError.Stage.load.run { try Book.open(root: root) }
        return try WorkbookError.Stage.setup.run { try clean(book, outputDirectory: outputDirectory) }
    }

    static func clean(_ book: Book, outputDirectory: URL?) throws -> [String] {
        let root = book.root
        let fileManager = FileManager.default
        var removed: [String] = []
        let site = outputDirectory ?? book.siteDirectory
        var refused: WorkbookError?
        if fileManager.fileExists(atPath: site.path) {
            if OutputFolder.isOurs(site) {
                try fileManager.removeItem(at: site)
                removed.append(site.path)
            } else {
                refused = WorkbookError(file: site.path, "not removed: workbook did not write this folder (it has no \(OutputFolder.markerName))")
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
