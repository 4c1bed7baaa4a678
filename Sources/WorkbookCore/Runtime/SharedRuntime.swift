import Foundation

/// The helpers runtime of books without a Package.swift: it depends only on the tool (its version and helpers'
/// sources) and the compiler, so it is built once and shared, never once per book.
///
/// - Installed: `make install` builds it next to the tool, in `PREFIX/lib/workbook/runtime/KEY`
///   (`workbook runtime --install`), and compiles one program against it, which fills its module cache. Whoever
///   can write there (the user who installed it) builds against it in place: no runtime build, no module cache.
/// - Per user: the others build against `$XDG_CACHE_HOME/workbook/runtime/KEY` (`~/.cache/…`;
///   `WORKBOOK_RUNTIME_CACHE` moves it). When that folder is new and the tool has an installed runtime for KEY, it
///   is copied from there (≈ 0.1 s) instead of built (≈ 6 s and ≈ 500 MB of compilers); otherwise the first book
///   builds it. The copy leaves the module cache behind: Clang's precompiled modules name the folder they were
///   built in and refuse to load from another ("was compiled with module cache path …"), so the first compile
///   builds it again (≈ 1.2 s of CPU, once per user).
///
/// KEY is the tool's version, the compiler's resolved path and the helpers' sources. Two builds may start at once:
/// the copy is published by renaming a finished folder into place, and a runtime folder has a lock of its own
/// (`RuntimeBuilder`).
enum SharedRuntime {
    static func key(swiftc: String, resources: ToolResources) -> String {
        let compiler = URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().path
        let helpers = ((try? resources.helperSources()) ?? []).map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }
        var key = ContentHash()
        for part in [WorkbookVersion.current, compiler] + helpers { key.update(part) }
        return String(key.hex.prefix(16))
    }

    /// The per-user folder that holds the shared runtimes.
    static var userCache: URL {
        let environment = ProcessInfo.processInfo.environment
        return environment["WORKBOOK_RUNTIME_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }.map { $0.appendingPathComponent("workbook/runtime") }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/workbook/runtime")
    }

    /// The runtime folder for a book without a package: the user's, seeded from the installed one when it is new;
    /// nil when the user cache cannot be written (the book's own cache is used then).
    static func folder(swiftc: String, resources: ToolResources) -> URL? {
        let key = key(swiftc: swiftc, resources: resources)
        let installed = resources.prebuiltRuntimes?.appendingPathComponent(key)
        if let installed, isBuilt(installed), access(installed.path, W_OK) == 0 { return installed }
        let shared = userCache.appendingPathComponent(key)
        do {
            try FileManager.default.createDirectory(at: userCache, withIntermediateDirectories: true)
            guard access(userCache.path, W_OK) == 0 else { return nil }
            if let installed, !isBuilt(shared) { seed(shared, from: installed) }
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
            return shared
        } catch {
            return nil
        }
    }

    /// A runtime folder a build has finished: `RuntimeBuilder` writes its fingerprint last.
    static func isBuilt(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("fingerprint").path)
    }

    /// Copies an installed runtime into `destination` (only if it is built and `destination` is not): into a
    /// temporary sibling first, then renamed into place, so a concurrent build sees no runtime or a whole one.
    static func seed(_ destination: URL, from installed: URL) {
        let fileManager = FileManager.default
        guard isBuilt(installed) else { return }
        let staging = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).seeding-\(ProcessInfo.processInfo.processIdentifier)")
        try? fileManager.removeItem(at: staging)
        defer { try? fileManager.removeItem(at: staging) }
        // cp, not FileManager.copyItem: that one carries the owner over, which fails for anyone but root.
        guard let copy = try? Subprocess.run(Subprocess.which("cp") ?? "/bin/cp", ["-R", installed.path, staging.path], timeout: 120),
              copy.status == 0 else { return }
        try? fileManager.removeItem(at: staging.appendingPathComponent(".build/release/chapter-module-cache"))
        // rename(2) replaces a missing or empty folder, nothing else: a folder another build has started in (it
        // holds that build's lock) is left to that build, and the copy is dropped.
        _ = rename(staging.path, destination.path)
    }
}
