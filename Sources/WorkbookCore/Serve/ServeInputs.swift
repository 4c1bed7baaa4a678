import Foundation

/// Everything a build of the book reads, which `workbook serve` watches: `book.toml`, the chapters folder, the
/// theme override folder, the package's manifest and the source folders of its library targets (a change there
/// rebuilds the runtime), and the data files the snippets name (`"Configs/x.json"`, see `BuildCache`).
/// Recomputed after every build: a new chapter may name new data, a manifest edit may add a target.
enum ServeInputs {
    static func paths(root: URL, chapters: [Chapter], runtimeDirectory: URL?) -> [URL] {
        // An invalid book.toml is a build error shown in the page; meanwhile the default folders are watched.
        let config = (try? BookConfig.load(root: root)) ?? BookConfig()
        var paths = [root.appendingPathComponent(BookConfig.fileName), root.appendingPathComponent(config.chaptersFolder)]
        if let theme = config.themeFolder { paths.append(root.appendingPathComponent(theme)) }
        let manifest = root.appendingPathComponent("Package.swift")
        if FileManager.default.fileExists(atPath: manifest.path) {
            paths += [manifest, root.appendingPathComponent("Package.resolved")]
            paths += packageSourceFolders(root: root, config: config, runtimeDirectory: runtimeDirectory)
        }
        for chapter in chapters {
            // The files and folders the chapter's cache key counts (a folder for "Configs/\(name).json").
            let named = DataDependencies.named(in: chapter, root: root)
            paths += named.files.union(named.folders).sorted().map { root.appendingPathComponent($0) }
        }
        var seen = Set<String>()
        return paths.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    /// The package's library source folders and its path dependencies, from the description the runtime builder keeps (cached by the
    /// manifest's contents, so this costs no `swift package describe` once a build has run).
    static func packageSourceFolders(root: URL, config: BookConfig, runtimeDirectory: URL?) -> [URL] {
        guard let resources = try? ToolResources.locate(), let swiftc = try? Toolchain.locateCompiler() else { return [] }
        let builder = RuntimeBuilder(bookRoot: root, config: config, resources: resources,
                                     directory: runtimeDirectory ?? Book(root: root, config: config).cacheDirectory.appendingPathComponent("runtime"),
                                     swiftc: swiftc)
        guard let package = try? builder.describePackage() else { return [] }
        // Packages the book depends on by path are part of its runtime too (`RuntimeBuilder.pathDependencyRoots`).
        return package.sourceFolders.map { root.appendingPathComponent($0) } + builder.pathDependencyRoots()
    }
}
