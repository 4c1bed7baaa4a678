import Foundation

/// Where the compiler, the snippet runtime and pandoc are, found once per build.
public struct Toolchain: Sendable {
    public var swiftc: String
    /// The folder holding `libWorkbookRuntime.so` and `Modules/RoPE.swiftmodule` (SwiftPM's bin path).
    public var runtimeDirectory: URL
    /// Changes whenever the runtime library or the compiler changes: part of every chapter's cache key.
    public var fingerprint: String

    public static let runtimeLibraryName = "libWorkbookRuntime.so"

    /// Finds the toolchain. `runtimeDirectory` defaults to the folder of the running executable (where SwiftPM put
    /// `workbook`, next to the library it built).
    public static func locate(runtimeDirectory: URL? = nil) throws -> Toolchain {
        let environment = ProcessInfo.processInfo.environment
        guard let swiftc = Subprocess.which(environment["SWIFTC"] ?? "swiftc") ?? Subprocess.which("/opt/swift/usr/bin/swiftc") else {
            throw WorkbookError(.setup, "swiftc not found on PATH; install Swift 6 or set SWIFTC to the compiler's path")
        }
        let candidates = [runtimeDirectory, environment["WORKBOOK_RUNTIME_DIR"].map { URL(fileURLWithPath: $0) },
                          Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()].compactMap { $0 }
        guard let directory = candidates.first(where: isRuntimeDirectory) else {
            throw WorkbookError(.setup, "the snippet runtime (\(runtimeLibraryName) and its modules) was not found in "
                + candidates.map(\.path).joined(separator: ", ") + "; run `swift build` first, or pass --runtime-dir")
        }
        var hash = ContentHash()
        hash.update(swiftc)
        for file in [runtimeLibraryName, "Modules/RoPE.swiftmodule", "Modules/Presentation.swiftmodule"] {
            let attributes = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(file).path)
            hash.update("\(file) \((attributes?[.size] as? Int) ?? -1) \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1)")
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().path) {
            hash.update("\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1)")
        }
        return Toolchain(swiftc: swiftc, runtimeDirectory: directory, fingerprint: hash.hex)
    }

    static func isRuntimeDirectory(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent(runtimeLibraryName).path)
            && FileManager.default.fileExists(atPath: url.appendingPathComponent("Modules/RoPE.swiftmodule").path)
    }

    /// swiftc arguments that compile one chapter program against the runtime.
    ///
    /// Snippets are teaching code run as one `main.swift`; in the Swift 6 language mode its top-level variables are
    /// main-actor isolated and every helper function a chapter declares would need annotations to read them. The
    /// library and the tool are Swift 6; chapter programs use the Swift 5 mode (strict concurrency off).
    func compileArguments(source: URL, output: URL, moduleCache: URL) -> [String] {
        let bin = runtimeDirectory.path
        return ["-Onone", "-swift-version", "5", "-I", "\(bin)/Modules", "-L", bin, "-lWorkbookRuntime",
                "-Xlinker", "-rpath", "-Xlinker", bin, "-module-cache-path", moduleCache.path,
                "-module-name", "Chapter", source.path, "-o", output.path]
    }
}
