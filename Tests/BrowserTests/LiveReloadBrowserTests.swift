import Foundation
import Testing
import WorkbookCore

/// `workbook serve` as an author meets it: a page open in a real browser while its chapter is edited. The page
/// must show the edit by itself (the test never navigates) and the browser must not refuse the live-reload
/// script: its console and security log stay empty.
@Suite(.serialized, .enabled(if: Chromium.found != nil, "headless Chromium not installed: live-reload browser test skipped"))
struct LiveReloadBrowserTests {
    static let chapter = """
        # Live

        First prose paragraph.

        ```swift {#value}
        print("value is 1")
        ```
        <!-- output: value -->
        ```text
        value is 1
        ```
        <!-- end output -->

        """

    @Test func anOpenPageShowsAnEditedChapterByItself() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-live-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let chapterFile = root.appendingPathComponent("Chapters/01-live.md")
        try Self.chapter.write(to: chapterFile, atomically: true, encoding: .utf8)
        var build = BuildOptions(root: root, mode: .preview)
        build.showProgress = false
        build.timeout = 30
        build.runtimeDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "workbook-tests-runtime-\(getuid())-\(ContentHash.of(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path).prefix(8))")
        var options = ServeOptions(build: build)
        options.port = 0
        options.pollInterval = 0.1
        options.log = { _ in }
        let session = ServeSession(options: options)
        _ = try await session.start()
        let port = try #require(await session.boundAddress()?.port)
        let chromium = try #require(Chromium.found)

        let (showedFirst, showedEdit, log) = try await Self.offThread {
            let browser = try DevTools(chromium: chromium.path)
            let page = try browser.open("http://127.0.0.1:\(port)/01-live.html")
            let showedFirst = try browser.wait(until: "document.body !== null && document.body.innerText.includes('First prose paragraph')",
                                               session: page, timeout: 60)
            // A mark that only this load of the page carries: gone once the page reloads itself.
            try browser.evaluate("window.workbookTestMark = 'before the edit'", session: page)
            try Self.chapter.replacingOccurrences(of: "First prose paragraph", with: "Edited prose paragraph")
                .write(to: chapterFile, atomically: true, encoding: .utf8)
            let showedEdit = try browser.wait(
                until: "document.body !== null && document.body.innerText.includes('Edited prose paragraph') && window.workbookTestMark === undefined",
                session: page, timeout: 180)
            return (showedFirst, showedEdit, browser.consoleAndLog)
        }
        await session.stop()
        #expect(showedFirst, "the served page never showed its chapter")
        #expect(showedEdit, "the open page did not reload itself to show the edited chapter; browser said: \(log)")
        #expect(log.isEmpty, "the served page logged: \(log.joined(separator: "\n"))")
    }

    /// Blocking browser I/O on a thread of its own, not on one of Swift's concurrency threads (the in-process
    /// server needs those).
    static func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
