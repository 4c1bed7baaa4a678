import Foundation
import Testing
@testable import WorkbookCore

/// The parts of `workbook serve` on their own: the rebuild queue, the watcher, the page injection, the resolver.
struct ServePartsTests {
    @Test func rebuildQueueRunsOneBuildAtATimeAndQueuesOneMore() async throws {
        final class Counter: @unchecked Sendable {
            let lock = NSLock()
            var running = 0, most = 0, builds = 0
            func enter() { lock.lock(); running += 1; builds += 1; most = max(most, running); lock.unlock() }
            func leave() { lock.lock(); running -= 1; lock.unlock() }
            var count: Int { lock.lock(); defer { lock.unlock() }; return builds }
        }
        let counter = Counter()
        // The first build holds until the test has made all its requests, so they surely arrive during it (a sleep
        // here made the test depend on the machine's load).
        let started = DispatchSemaphore(value: 0), gate = DispatchSemaphore(value: 0)
        let queue = RebuildQueue {
            counter.enter()
            if counter.count == 1 { started.signal(); gate.wait() }
            counter.leave()
        }
        queue.request()
        await withCheckedContinuation { continuation in DispatchQueue.global().async { started.wait(); continuation.resume() } }
        for _ in 0..<20 { queue.request() }    // all while the first build runs
        gate.signal()
        let deadline = Date().addingTimeInterval(120)
        // Until every request is covered by a finished build: then no further build can come from them.
        while !queue.isIdle && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(queue.isIdle)
        #expect(counter.count == 2, "requests during a build queue exactly one more")
        // A request that waits: one more build, which has finished when it returns.
        await queue.requestAndWait()
        #expect(counter.count == 3)
        queue.stop()
        #expect(counter.most == 1, "two builds never overlap")
    }

    @Test func watcherSeesEditsAndNewFilesButNotHiddenOnes() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "a".write(to: folder.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
        final class Seen: @unchecked Sendable {
            let lock = NSLock(); var paths: [String] = []
            func add(_ new: [String]) { lock.lock(); paths += new; lock.unlock() }
            var all: [String] { lock.lock(); defer { lock.unlock() }; return paths }
        }
        let seen = Seen()
        let watcher = FileWatcher(interval: 0.05) { seen.add($0) }
        watcher.watch([folder], excluding: [folder.appendingPathComponent("out")])
        watcher.start()
        try "hidden".write(to: folder.appendingPathComponent(".a.md.swp"), atomically: false, encoding: .utf8)
        try "site".write(to: folder.appendingPathComponent("out/page.html"), atomically: false, encoding: .utf8)
        try "ab".write(to: folder.appendingPathComponent("a.md"), atomically: true, encoding: .utf8)
        try "b".write(to: folder.appendingPathComponent("b.md"), atomically: false, encoding: .utf8)
        let deadline = Date().addingTimeInterval(10)
        while Set(seen.all.map { URL(fileURLWithPath: $0).lastPathComponent }) != ["a.md", "b.md"] && Date() < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        watcher.stop()
        #expect(Set(seen.all.map { URL(fileURLWithPath: $0).lastPathComponent }) == ["a.md", "b.md"])
    }

    @Test func injectionAddsScriptStyleAndEscapedErrors() {
        let page = """
            <html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'"></head>
            <body class="x"><p>hi</p></body></html>
            """
        let state = ServeState(generation: "g-7", errors: ["Chapters/a.md:3:1: error: [compile] <script>alert(1)</script>"])
        let served = LivePage.inject(into: page, state: state)
        #expect(served.contains("content=\"default-src 'none'; script-src 'self'; connect-src 'self'\""))
        #expect(served.contains("<link rel=\"stylesheet\" href=\"/__workbook/live.css\">\n</head>"))
        #expect(served.contains("<body class=\"x\">\n<div id=\"workbook-build-errors\" role=\"alert\">"))
        #expect(served.contains("Chapters/a.md:3:1: error: [compile] &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!served.contains("<script>alert"))
        #expect(served.hasSuffix("<script src=\"/__workbook/live.js\" data-generation=\"g-7\"></script>\n</body></html>"))
        #expect(!LivePage.inject(into: page, state: ServeState(generation: "g")).contains("workbook-build-errors"))
    }

    /// A stale translated section is a warning, not an output the page shows unrecorded: the overlay counts both
    /// kinds apart (it used to call every warning "output not yet recorded").
    @Test func warningsAreCountedByKind() {
        #expect(LivePage.warningSummary(count: 2, unrecorded: 2) == "2 outputs not yet recorded")
        #expect(LivePage.warningSummary(count: 1, unrecorded: 1) == "1 output not yet recorded")
        #expect(LivePage.warningSummary(count: 3, unrecorded: 0) == "3 warnings")
        #expect(LivePage.warningSummary(count: 3, unrecorded: 1) == "3 warnings, 1 of them an output not yet recorded")
        let stale = ServeState(generation: "g", warnings: ["Chapters/zh-Hans/a.md:3: warning: [check] section is stale"], unrecorded: 0)
        let overlay = LivePage.overlay(stale)
        #expect(overlay.contains("<summary>1 warning</summary>") && !overlay.contains("not yet recorded"), "\(overlay)")
    }

    @Test func resolverMapsPathsInsideTheSiteOnly() throws {
        let site = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: site.appendingPathComponent("assets"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: site) }
        for name in ["index.html", "a b.html", "assets/style.css"] {
            try "x".write(to: site.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let resolver = SiteFileResolver(root: site)
        let real = SiteFileResolver.realPath(site.path)!
        #expect(resolver.file(forRawPath: "/")?.path == real + "/index.html")
        #expect(resolver.file(forRawPath: "/a%20b.html")?.path == real + "/a b.html")
        #expect(resolver.file(forRawPath: "/assets/style.css")?.path == real + "/assets/style.css")
        for path in ["", "/../x", "/assets/%2e%2e/index.html", "/assets%2fstyle.css", "/.hidden", "/missing.html", "/assets"] {
            #expect(resolver.file(forRawPath: path) == nil, "\(path)")
        }
    }
}

extension ServePartsTests {
    @Test func inputsAreWhatABuildReads() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-inputs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["Text", "Look", "Data/models"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try "[book]\nchapters = \"Text\"\ntheme = \"Look\"\n".write(to: root.appendingPathComponent("book.toml"), atomically: true, encoding: .utf8)
        try "{}".write(to: root.appendingPathComponent("Data/table.json"), atomically: true, encoding: .utf8)
        let text = "# A\n\n```swift {#read}\nlet a = \"Data/table.json\", b = \"Data/models/\\(1).json\"\n```\n"
        let chapter = try #require(ChapterParser().parse(path: "Text/01-a.md", text: text).0)
        let paths = ServeInputs.paths(root: root, chapters: [chapter], runtimeDirectory: nil).map {
            String($0.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
        }
        // No Package.swift: no manifest or library sources to watch.
        #expect(paths == ["book.toml", "Text", "Look", "Data/models", "Data/table.json"])
    }
}
