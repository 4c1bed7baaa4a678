import Foundation
import Testing
@testable import WorkbookCore

/// The helpers runtime shared by books without a package (`SharedRuntime`) and how many compilers a build runs
/// side by side (`CompileScheduler`). The installed tool's end-to-end case is InstallTests'.
@Suite struct SharedRuntimeTests {
    func scratch(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A runtime folder as a finished build leaves it (its fingerprint is written last), with a module cache.
    func makeBuiltRuntime(at folder: URL) throws {
        let release = folder.appendingPathComponent(".build/release")
        try FileManager.default.createDirectory(at: release.appendingPathComponent("chapter-module-cache/X"), withIntermediateDirectories: true)
        try "so".write(to: release.appendingPathComponent("libWorkbookRuntime.so"), atomically: true, encoding: .utf8)
        try "pcm".write(to: release.appendingPathComponent("chapter-module-cache/X/Glibc.pcm"), atomically: true, encoding: .utf8)
        try "abc".write(to: folder.appendingPathComponent("fingerprint"), atomically: true, encoding: .utf8)
    }

    @Test func aNewUserFolderIsSeededFromTheInstalledRuntimeWithoutItsModuleCache() throws {
        let root = try scratch("seed")
        defer { try? FileManager.default.removeItem(at: root) }
        let installed = root.appendingPathComponent("installed/KEY"), mine = root.appendingPathComponent("user/KEY")
        try makeBuiltRuntime(at: installed)
        try FileManager.default.createDirectory(at: mine.deletingLastPathComponent(), withIntermediateDirectories: true)
        SharedRuntime.seed(mine, from: installed)
        #expect(SharedRuntime.isBuilt(mine))
        #expect(FileManager.default.fileExists(atPath: mine.appendingPathComponent(".build/release/libWorkbookRuntime.so").path))
        // Clang's modules name the folder they were built in: a copy would not load, so the first compile rebuilds it.
        #expect(!FileManager.default.fileExists(atPath: mine.appendingPathComponent(".build/release/chapter-module-cache").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine.deletingLastPathComponent().path) == ["KEY"], "no staging left")
    }

    @Test func aFolderAnotherBuildHasStartedInIsLeftToIt() throws {
        let root = try scratch("seed-busy")
        defer { try? FileManager.default.removeItem(at: root) }
        let installed = root.appendingPathComponent("installed/KEY"), mine = root.appendingPathComponent("user/KEY")
        try makeBuiltRuntime(at: installed)
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try "4242".write(to: mine.appendingPathComponent(".lock"), atomically: true, encoding: .utf8)
        SharedRuntime.seed(mine, from: installed)
        #expect(!SharedRuntime.isBuilt(mine))
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine.path) == [".lock"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine.deletingLastPathComponent().path) == ["KEY"])
        // An unfinished installed runtime (no fingerprint) is never copied.
        let empty = root.appendingPathComponent("user/OTHER")
        try FileManager.default.removeItem(at: installed.appendingPathComponent("fingerprint"))
        SharedRuntime.seed(empty, from: installed)
        #expect(!FileManager.default.fileExists(atPath: empty.path))
    }

    @Test func theInstalledRuntimeIsUsedInPlaceByWhoeverCanWriteIt() throws {
        let root = try scratch("installed")
        defer { try? FileManager.default.removeItem(at: root) }
        let source = try ToolResources.locate()
        let resources = ToolResources(theme: source.theme, helpers: source.helpers, prebuiltRuntimes: root.appendingPathComponent("lib/workbook/runtime"))
        let swiftc = try Toolchain.locateCompiler()
        let installed = root.appendingPathComponent("lib/workbook/runtime").appendingPathComponent(SharedRuntime.key(swiftc: swiftc, resources: resources))
        // Not built there: the user's cache.
        let before = SharedRuntime.folder(swiftc: swiftc, resources: resources)
        #expect(before?.path.hasPrefix(SharedRuntime.userCache.path) == true, "\(String(describing: before))")
        try makeBuiltRuntime(at: installed)
        #expect(SharedRuntime.folder(swiftc: swiftc, resources: resources)?.standardizedFileURL.path == installed.path)
    }

    @Test func aSmallBookCompilesInOneProcessAndALargeOneUsesTheCoresMemoryAllowing() {
        let plenty = CompileScheduler(jobs: 2, memoryMegabytes: 10_000)
        // The peer course: 24 KB of snippets, worth less than two compilers' start-up.
        #expect(plenty.processes(codeBytes: 24_085) == 1)
        // The peer course at 48 chapters: a second compiler would save ≈ 0.7 s, less than a second.
        #expect(plenty.processes(codeBytes: 96_340) == 1)
        // The RoPE course: 162 KB; a second saves ≈ 1.1 s, a third ≈ 0.4 s.
        #expect(plenty.processes(codeBytes: 161_662) == 2)
        #expect(CompileScheduler(jobs: 8, memoryMegabytes: 10_000).processes(codeBytes: 161_662) == 2)
        // A megabyte of snippets on many cores: four (the fifth would save 0.7 s).
        #expect(CompileScheduler(jobs: 16, memoryMegabytes: 10_000).processes(codeBytes: 1_000_000) == 4)
        #expect(CompileScheduler(jobs: 1, memoryMegabytes: 10_000).processes(codeBytes: 161_662) == 1)
        // Memory for one compiler only: one, whatever the cores.
        #expect(CompileScheduler(jobs: 8, memoryMegabytes: 250).processes(codeBytes: 161_662) == 1)
        #expect(CompileScheduler(jobs: 2, memoryMegabytes: nil).processes(codeBytes: 0) == 1)
    }
}
