import Foundation

/// The compiler and the snippet runtime a build compiles chapters with (`RuntimeBuilder.prepare` makes one).
public struct Toolchain: Sendable {
    public var swiftc: String
    /// The folder holding the runtime's library and `Modules/*.swiftmodule`: the helpers' (`libWorkbookRuntime.so`),
    /// or a package's (`libWorkbookLibraries.so`) when `helpersDirectory` is set.
    public var runtimeDirectory: URL
    /// The helpers runtime's folder, when `runtimeDirectory` holds a package's libraries (`RuntimeBuilder`).
    public var helpersDirectory: URL?
    /// Modules every chapter program imports (the package's libraries, then the helpers).
    public var imports: [String]
    /// Changes whenever the runtime or the compiler changes: part of every chapter's cache key.
    public var fingerprint: String
    /// What SwiftPM passed to compile the runtime's module that makes those imports resolve: C modules' maps and
    /// header paths, macro plugins (`ModuleSearchArguments`).
    public var moduleArguments: [String]

    public init(swiftc: String, runtimeDirectory: URL, imports: [String], fingerprint: String, moduleArguments: [String] = [],
                helpersDirectory: URL? = nil) {
        self.swiftc = swiftc
        self.runtimeDirectory = runtimeDirectory
        self.imports = imports
        self.fingerprint = fingerprint
        self.moduleArguments = moduleArguments
        self.helpersDirectory = helpersDirectory
    }

    /// The libraries a chapter links, each with its folder: the helpers' first (their module is found there, not
    /// in a package runtime an older tool built with the helpers inside), then the package's.
    var linkedLibraries: [(folder: String, name: String)] {
        guard let helpersDirectory else { return [(runtimeDirectory.path, RuntimeBuilder.libraryName)] }
        return [(helpersDirectory.path, RuntimeBuilder.libraryName), (runtimeDirectory.path, RuntimeBuilder.packageLibraryName)]
    }

    /// `SWIFTC` when set (it must exist), else `swiftc` on the PATH, else the toolchain's usual place.
    public static func locateCompiler() throws -> String {
        if let chosen = ProcessInfo.processInfo.environment["SWIFTC"] {
            guard let found = Subprocess.which(chosen) else {
                throw WorkbookError("SWIFTC=\(chosen) is not an executable compiler; fix it or unset SWIFTC")
            }
            return found
        }
        guard let swiftc = Subprocess.which("swiftc") ?? Subprocess.which("/opt/swift/usr/bin/swiftc") else {
            throw WorkbookError("swiftc not found on PATH; install Swift 6 or set SWIFTC to the compiler's path")
        }
        return swiftc
    }

    /// The compiler's module cache (Clang modules of Glibc, Foundation's C parts, …) for chapter programs: kept
    /// beside the runtime, which it depends on with the compiler, rather than in the book's build folder. Built
    /// afresh it costs a chapter compile ≈ 1.2 s of CPU and ≈ 70 MB more (223 MB instead of 152 MB measured on
    /// the peer book), and the first chapters of a build would each wait for it; like the runtime, it is built
    /// once and shared by every build against this runtime (Clang locks it for concurrent use).
    public var moduleCache: URL { runtimeDirectory.appendingPathComponent("chapter-module-cache") }

    var linker: [String] {
        let lld = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("ld.lld")
        return FileManager.default.isExecutableFile(atPath: lld.path) ? ["-use-ld=lld"] : []
    }

    /// The `swift` driver (for `swift package` and `swift build`) of the same toolchain as `swiftc`.
    public static func swiftDriver(beside swiftc: String) -> String {
        let sibling = URL(fileURLWithPath: swiftc).deletingLastPathComponent().appendingPathComponent("swift").path
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : (Subprocess.which("swift") ?? "swift")
    }

    /// swiftc arguments that compile one chapter program (or a group of chapters, `ChapterGroup`) against the runtime.
    ///
    /// Snippets are teaching code run as one `main.swift`; in the Swift 6 language mode its top-level variables are
    /// main-actor isolated and every helper function a chapter declares would need annotations to read them. The
    /// library and the tool are Swift 6; chapter programs use the Swift 5 mode (strict concurrency off).
    ///
    /// The toolchain's lld links a chapter in ≈ 0.08 s where the default gold takes ≈ 0.13 s; it is used when the
    /// toolchain has it and the program's path has no `%` (lld's temporary output name treats `%` as a pattern and
    /// cannot write there). `linksAt` is that path when `output` is a placeholder.
    func compileArguments(sources: [URL], output: URL, moduleCache: URL, linksAt destination: URL? = nil) -> [String] {
        let lld = (destination ?? output).path.contains("%") ? [] : linker
        let libraries = linkedLibraries
        return ["-Onone", "-swift-version", "5"] + lld + libraries.flatMap { ["-I", "\($0.folder)/Modules"] } + moduleArguments
            + libraries.flatMap { ["-L", $0.folder, "-l\($0.name)", "-Xlinker", "-rpath", "-Xlinker", $0.folder] }
            + ["-module-cache-path", moduleCache.path, "-module-name", "Chapter"] + sources.map(\.path) + ["-o", output.path]
    }
}
