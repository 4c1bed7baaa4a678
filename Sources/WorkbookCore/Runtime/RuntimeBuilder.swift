import Foundation

/// Builds a dynamic library that chapter programs link against, so a chapter compiles with a plain `swiftc` call
/// in a fraction of a second. There are two kinds:
///
/// - The helpers' runtime (`show`, `check`, `Table`, `Chart`, compiled as the module `WorkbookHelpers` into
///   `libWorkbookRuntime.so`): it depends only on the tool and the compiler, so it is built once and shared by
///   every book (`SharedRuntime`; `make install` prebuilds it).
/// - A package's runtime (`helpers` set): the book's library products, linked into `libWorkbookLibraries.so`
///   beside a helpers runtime, in the book's cache (`.workbook-cache/runtime/`). A package book builds only its
///   own libraries and their dependencies.
///
/// Each is a small SwiftPM package generated in its folder (a package's depends on the book's by path). It is built
/// in release mode, so library code a chapter calls (a training loop, say) runs optimised while the chapter itself
/// compiles with `-Onone`. It is rebuilt only when its fingerprint changes: the helpers' sources, or the manifest
/// and the sources of every target the libraries are built from; the compiler and the tool. The fingerprints are
/// part of every chapter's cache key, so a library change re-runs the chapters and `workbook check` sees what moved.
public struct RuntimeBuilder: Sendable {
    public static let helpersModule = "WorkbookHelpers"
    /// The helpers runtime's library.
    public static let libraryName = "WorkbookRuntime"
    /// A package runtime's library and its one (empty) module, which depends on every library product of the book.
    public static let packageLibraryName = "WorkbookLibraries"

    public var bookRoot: URL
    public var config: BookConfig
    public var resources: ToolResources
    /// Where the runtime package is generated and built.
    public var directory: URL
    public var swiftc: String
    /// The helpers runtime a package's runtime links beside; nil when this is the helpers runtime (the book's package,
    /// if any, is not read then).
    public var helpers: Toolchain?

    public init(bookRoot: URL, config: BookConfig, resources: ToolResources, directory: URL, swiftc: String, helpers: Toolchain? = nil) {
        self.bookRoot = bookRoot
        self.config = config
        self.resources = resources
        self.directory = directory
        self.swiftc = swiftc
        self.helpers = helpers
    }

    /// The runtime's library product, its one target and its module.
    var module: String { helpers == nil ? Self.helpersModule : Self.packageLibraryName }
    var library: String { helpers == nil ? Self.libraryName : Self.packageLibraryName }

    var swift: String { Toolchain.swiftDriver(beside: swiftc) }
    var manifest: URL { bookRoot.appendingPathComponent("Package.swift") }
    var binDirectory: URL { directory.appendingPathComponent(".build/release") }
    /// The chapters' import arguments, read from SwiftPM's build description after each runtime build.
    var moduleArgumentsFile: URL { directory.appendingPathComponent("module-arguments.json") }

    /// Returns a toolchain whose runtime is up to date, building it first when needed. `progress` is told when a
    /// build starts (it can take a minute the first time).
    public func prepare(progress: (String) -> Void = { _ in }) throws -> Toolchain {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lock = try BookLock(file: directory.appendingPathComponent(".lock"), holder: "build of this snippet runtime")
        defer { withExtendedLifetime(lock) {} }

        let package = helpers == nil ? nil : try describePackage()
        let imports = try modulesToImport(package)
        let wrapper = wrapperManifest(package)
        // The libraries' folders are walked once here (and once more after a build, which tells the path dependencies).
        var sources = package.map(sourceFiles) ?? []
        var fingerprint = try self.fingerprint(package: package, sources: sources, wrapper: wrapper)
        let stamp = directory.appendingPathComponent("fingerprint")
        let libraryFile = binDirectory.appendingPathComponent("lib\(library).so")
        let fileList = directory.appendingPathComponent("file-list")
        let files = Self.fileListKey(sources)
        let filesMoved = (try? String(contentsOf: fileList, encoding: .utf8)) != files
        let upToDate = (try? String(contentsOf: stamp, encoding: .utf8)) == fingerprint && !filesMoved
            && FileManager.default.fileExists(atPath: libraryFile.path) && FileManager.default.fileExists(atPath: moduleArgumentsFile.path)
        if !upToDate {
            progress("building the snippet runtime (\(package?.name ?? Self.helpersModule), release)")
            try writeWrapper(manifest: wrapper)
            let buildArguments = ["build", "-c", "release", "--package-path", directory.path, "--product", library]
            var build = try Subprocess.run(swift, buildArguments + (filesMoved ? ["--disable-build-manifest-caching"] : []), timeout: 1800)
            // SwiftPM can keep a build plan that names a source file since deleted ("missing inputs"): plan afresh.
            // (A file added or removed in the libraries' folders is seen before the build: `fileListKey`.)
            if build.status != 0, (build.stdoutText + build.stderrText).contains("missing input") {
                build = try Subprocess.run(swift, buildArguments + ["--disable-build-manifest-caching"], timeout: 1800)
            }
            guard build.status == 0 else {
                throw WorkbookError(file: package == nil ? nil : "Package.swift",
                                    "building the snippet runtime failed (swift build -c release in \(directory.path); if the "
                                    + "package builds on its own, `workbook clean` starts the runtime afresh):\n"
                                    + String((build.stdoutText + build.stderrText).suffix(3000)))
            }
            let arguments = try ModuleSearchArguments.read(binDirectory: binDirectory, module: module)
            try AtomicFile.write(String(decoding: try JSONEncoder().encode(arguments), as: UTF8.self), to: moduleArgumentsFile)
            // The first build is what tells which path dependencies there are: fingerprint again with them.
            sources = package.map(sourceFiles) ?? []
            fingerprint = try self.fingerprint(package: package, sources: sources, wrapper: wrapper)
            try AtomicFile.write(Self.fileListKey(sources), to: fileList)
            try AtomicFile.write(fingerprint, to: stamp)
        }
        guard let data = try? Data(contentsOf: moduleArgumentsFile),
              let moduleArguments = try? JSONDecoder().decode([String].self, from: data) else {
            throw WorkbookError(file: moduleArgumentsFile.path, "is missing or unreadable; run `workbook clean` and build again")
        }
        guard let helpers else {
            return Toolchain(swiftc: swiftc, runtimeDirectory: binDirectory, imports: imports, fingerprint: fingerprint,
                             moduleArguments: moduleArguments)
        }
        return Toolchain(swiftc: swiftc, runtimeDirectory: binDirectory, imports: imports,
                         fingerprint: ContentHash.of(fingerprint, helpers.fingerprint),
                         moduleArguments: helpers.moduleArguments + moduleArguments, helpersDirectory: helpers.runtimeDirectory)
    }

    /// The package's description, cached by the manifest's contents (describing costs a manifest compile).
    func describePackage() throws -> PackageDescription? {
        guard let manifestText = try? String(contentsOf: manifest, encoding: .utf8) else { return nil }
        struct Cached: Codable { var manifest: String; var package: PackageDescription }
        let cacheFile = directory.appendingPathComponent("package.json")
        let key = ContentHash.of(manifestText, WorkbookVersion.current)
        if let data = try? Data(contentsOf: cacheFile), let cached = try? JSONDecoder().decode(Cached.self, from: data),
           cached.manifest == key {
            return cached.package
        }
        let package = try PackageDescription.describe(root: bookRoot, swift: swift,
                                                     scratch: directory.appendingPathComponent(".describe"))
        if let data = try? JSONEncoder().encode(Cached(manifest: key, package: package)) {
            try? AtomicFile.write(String(decoding: data, as: UTF8.self), to: cacheFile)
        }
        return package
    }

    /// `snippets.imports` from book.toml, each checked against the package; by default every library module.
    func modulesToImport(_ package: PackageDescription?) throws -> [String] {
        let available = package?.modules ?? []
        guard let chosen = config.imports else { return (package?.defaultImports ?? []) + [Self.helpersModule] }
        for name in chosen where !available.contains(name) && name != Self.helpersModule {
            throw WorkbookError(file: BookConfig.fileName, "snippets.imports names '\(name)', which is not a module of the package's "
                + "library products" + (available.isEmpty ? " (the package has none)" : " (\(available.joined(separator: ", ")))"))
        }
        return chosen.filter { $0 != Self.helpersModule } + [Self.helpersModule]
    }

    /// The generated runtime package: one target, the helpers', or an empty one that depends on every library
    /// product of the book's package (its compile command is the import context a chapter needs).
    func wrapperManifest(_ package: PackageDescription?) -> String {
        let identity = bookRoot.standardizedFileURL.lastPathComponent
        let products = (package?.libraries ?? []).map { ".product(name: \(BookConfig.quoted($0.name)), package: \(BookConfig.quoted(identity)))" }
        let dependency = package == nil ? "" : ".package(path: \(BookConfig.quoted(bookRoot.standardizedFileURL.path)))"
        return """
        // swift-tools-version:6.0
        // Generated by workbook: the runtime this book's chapter programs link against. Do not edit; it is rewritten.
        import PackageDescription

        let package = Package(
            name: "\(library)",
            products: [.library(name: "\(library)", type: .dynamic, targets: ["\(module)"])],
            dependencies: [\(dependency)],
            targets: [.target(name: "\(module)", dependencies: [\(products.joined(separator: ", "))])]
        )

        """
    }

    /// Writes the manifest and the target's sources (the helpers', or the package runtime's one empty file),
    /// touching only files whose contents changed (SwiftPM's incremental build goes by modification dates).
    func writeWrapper(manifest: String) throws {
        let fileManager = FileManager.default
        let sources = directory.appendingPathComponent("Sources/\(module)")
        try fileManager.createDirectory(at: sources, withIntermediateDirectories: true)
        try writeIfChanged(manifest, to: directory.appendingPathComponent("Package.swift"))
        let files: [(name: String, text: String)] = helpers != nil
            ? [("Libraries.swift", "// The book's library products, linked into one library for chapter programs.\n")]
            : try resources.helperSources().map { ($0.lastPathComponent, try String(contentsOf: $0, encoding: .utf8)) }
        for file in files {
            try writeIfChanged(file.text, to: sources.appendingPathComponent(file.name))
        }
        let wanted = Set(files.map(\.name))
        for name in try fileManager.contentsOfDirectory(atPath: sources.path) where !wanted.contains(name) {
            try fileManager.removeItem(at: sources.appendingPathComponent(name))
        }
    }

    func writeIfChanged(_ text: String, to url: URL) throws {
        if (try? String(contentsOf: url, encoding: .utf8)) == text { return }
        try AtomicFile.write(text, to: url)
    }

    /// Everything the runtime's code is made of (`sources`: the package's files, `sourceFiles`).
    func fingerprint(package: PackageDescription?, sources: [(folder: URL, files: [URL])], wrapper: String) throws -> String {
        var hash = ContentHash()
        hash.update(WorkbookVersion.current)
        hash.update(swiftc)
        hash.update(wrapper)
        for file in try helpers == nil ? resources.helperSources() : [] {
            hash.update(file.lastPathComponent)
            hash.update((try? String(contentsOf: file, encoding: .utf8)) ?? "")
        }
        if package != nil {
            hash.update((try? String(contentsOf: manifest, encoding: .utf8)) ?? "")
            hash.update((try? String(contentsOf: bookRoot.appendingPathComponent("Package.resolved"), encoding: .utf8)) ?? "")
            for (folder, files) in sources {
                hash.update(folder.path)
                for file in files {
                    hash.update(file.path)
                    hash.update(String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self))
                }
            }
        }
        return hash.hex
    }

    /// The files the runtime's libraries are built from, by folder: the package's source folders and its path
    /// dependencies. A dependency that holds the book (`path: ".."`) counts by its manifest and Sources/, not the
    /// chapters.
    func sourceFiles(_ package: PackageDescription) -> [(folder: URL, files: [URL])] {
        let book = bookRoot.standardizedFileURL.resolvingSymlinksInPath().path + "/"
        let dependencies = pathDependencyRoots().flatMap { root in
            book.hasPrefix(root.resolvingSymlinksInPath().path + "/")
                ? [root.appendingPathComponent("Package.swift"), root.appendingPathComponent("Sources")] : [root]
        }
        return (package.sourceFolders.map { bookRoot.appendingPathComponent($0) } + dependencies).map { folder in
            (folder, Self.files(under: folder) + (folder.pathExtension == "swift" ? [folder] : []))
        }
    }

    /// The names of those files: when a file is added or removed, SwiftPM's kept build plan for the runtime can
    /// miss it (a type "cannot be found", or a build that succeeds with the old module), so the next runtime build
    /// plans afresh.
    static func fileListKey(_ sources: [(folder: URL, files: [URL])]) -> String {
        sources.isEmpty ? "" : ContentHash.of(sources.flatMap { [$0.folder.path] + $0.files.map(\.path) }.joined(separator: "\n"))
    }

    /// Regular files under a folder, sorted, hidden ones skipped. Symbolic links are followed (a library file may be
    /// a link to a file elsewhere: editing the target must rebuild), each folder once.
    static func files(under folder: URL) -> [URL] {
        var files: [URL] = []
        var visited = Set<String>()
        func walk(_ url: URL) {
            let resolved = url.resolvingSymlinksInPath()
            guard visited.insert(resolved.path).inserted,
                  let names = try? FileManager.default.contentsOfDirectory(atPath: resolved.path) else { return }
            for name in names where !name.hasPrefix(".") {
                let entry = url.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: entry.path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue { walk(entry) } else { files.append(entry) }
            }
        }
        walk(folder)
        return files.sorted { $0.path < $1.path }
    }

    /// The roots of the packages the runtime depends on by path (`.package(path: "../lib")`), the book's own
    /// package left out: SwiftPM's account of the last resolution (`workspace-state.json`). Their files are part
    /// of the fingerprint, as the book's are; packages from a registry or git are pinned by Package.resolved.
    func pathDependencyRoots() -> [URL] {
        struct State: Decodable {
            struct Object: Decodable { var dependencies: [Dependency] }
            struct Dependency: Decodable { var packageRef: Reference }
            struct Reference: Decodable { var kind: String; var location: String }
            var object: Object
        }
        let file = directory.appendingPathComponent(".build/workspace-state.json")
        guard let data = try? Data(contentsOf: file), let state = try? JSONDecoder().decode(State.self, from: data) else { return [] }
        let book = bookRoot.standardizedFileURL.resolvingSymlinksInPath().path
        return state.object.dependencies.filter { $0.packageRef.kind == "fileSystem" }
            .map { URL(fileURLWithPath: $0.packageRef.location).standardizedFileURL }
            .filter { $0.resolvingSymlinksInPath().path != book }
            .sorted { $0.path < $1.path }
    }
}
