import Foundation

/// What `workbook` needs to know of the Swift package a book lives in: its name and the modules of its library
/// products (snippets import them), with the source folders those modules are built from (a change there
/// rebuilds the runtime). Read from `swift package describe --type json`, SwiftPM's own account of the manifest.
public struct PackageDescription: Sendable, Equatable, Codable {
    public struct Library: Sendable, Equatable, Codable {
        public var name: String
        /// Swift modules of the product (what `import` names).
        public var modules: [String]
    }

    public var name: String
    public var libraries: [Library]
    /// Source folders (relative to the package root) of every target the libraries are built from, dependencies
    /// included.
    public var sourceFolders: [String]
    /// Each library module's source folder (relative to the package root).
    public var moduleFolders: [String: String] = [:]
    /// The package's regular Swift targets (what a library product could be made of).
    public var swiftTargets: [String] = []
    /// Library modules that another library module forwards (`@_exported import M`, or typealiases to `M.`
    /// names): the umbrella module is what the package's users import.
    public var forwarded: Set<String> = []

    public var modules: [String] { libraries.flatMap(\.modules) }

    /// The modules snippets import when book.toml does not say: every library module but the forwarded ones.
    /// Importing both an umbrella and a module it forwards makes the forwarded names ambiguous (swift-collections:
    /// `Deque` is `Collections.Deque`, a typealias, and `DequeModule.Deque`); the umbrella alone is unambiguous
    /// (a module's own declarations shadow those of the modules it imports).
    public var defaultImports: [String] {
        var seen = Set<String>()
        return modules.filter { !forwarded.contains($0) && seen.insert($0).inserted }
    }

    /// Finds the forwarded modules by reading each library module's sources.
    mutating func findForwarded(root: URL) {
        let names = Set(modules)
        for module in names {
            guard let folder = moduleFolders[module] else { continue }
            let text = RuntimeBuilder.files(under: root.appendingPathComponent(folder)).filter { $0.pathExtension == "swift" }
                .compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
            for other in names where other != module
                && (text.contains("@_exported import \(other)\n") || text.contains("@_exported public import \(other)\n")
                    || text.contains("= \(other).")) {
                forwarded.insert(other)
            }
        }
    }

    /// Describes the package at `root` with `swift package describe`. `scratch` is SwiftPM's working folder for
    /// it: never the package's own `.build`, whose lock a running `swift build` or `swift test` holds (describing
    /// from inside `swift test` would otherwise wait for itself).
    public static func describe(root: URL, swift: String, scratch: URL) throws -> PackageDescription {
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(swift, ["package", "--scratch-path", scratch.path, "describe", "--type", "json"],
                                        in: root, timeout: 300)
        } catch {
            throw WorkbookError(file: "Package.swift", "cannot run `swift package describe`", underlying: error)
        }
        guard result.status == 0 else {
            throw WorkbookError(file: "Package.swift", "`swift package describe` failed; fix the manifest first:\n"
                + String(result.stderrText.suffix(2000)))
        }
        var package = try parse(result.stdout)
        package.findForwarded(root: root)
        return package
    }

    static func parse(_ json: Data) throws -> PackageDescription {
        struct Described: Decodable {
            struct Product: Decodable { var name: String; var type: [String: [String]?]; var targets: [String] }
            struct Target: Decodable {
                var name: String; var path: String; var module_type: String?; var type: String?
                var target_dependencies: [String]?
            }
            var name: String; var products: [Product]; var targets: [Target]
        }
        let described: Described
        do { described = try JSONDecoder().decode(Described.self, from: json) } catch {
            throw WorkbookError(file: "Package.swift", "cannot read `swift package describe` output", underlying: error)
        }
        let targets = Dictionary(described.targets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let libraries = described.products.filter { $0.type.keys.contains("library") }.map { product in
            Library(name: product.name, modules: product.targets.filter { targets[$0]?.module_type == "SwiftTarget" })
        }
        // Every target the libraries are built from: the products' targets and their target dependencies.
        var folders = Set<String>()
        var pending = libraries.flatMap { product in described.products.first { $0.name == product.name }!.targets }
        var seen = Set<String>()
        while let name = pending.popLast() {
            guard seen.insert(name).inserted, let target = targets[name] else { continue }
            folders.insert(target.path)
            pending += target.target_dependencies ?? []
        }
        let moduleFolders = Dictionary(libraries.flatMap(\.modules).compactMap { name in targets[name].map { (name, $0.path) } },
                                       uniquingKeysWith: { first, _ in first })
        return PackageDescription(name: described.name, libraries: libraries, sourceFolders: folders.sorted(),
                                  moduleFolders: moduleFolders,
                                  swiftTargets: described.targets.filter { $0.module_type == "SwiftTarget" && $0.type == "library" }.map(\.name))
    }
}
