import Foundation

/// What `workbook serve` should do.
public struct ServeOptions: Sendable {
    /// The book and how to build it (root, jobs, timeout, runtime and output folders); the mode is ignored.
    public var build: BuildOptions
    /// The address to listen on: this machine only unless the author names another.
    public var host = "127.0.0.1"
    /// 0: any free port.
    public var port: UInt16 = 3000
    /// Record fresh outputs into the chapters at each build (`fix`, then the preview build).
    public var fix = false
    /// Seconds between two looks at the watched files.
    public var pollInterval = 0.2
    /// Where progress lines go (the terminal; tests collect them).
    public var log: @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }

    public init(build: BuildOptions) { self.build = build }
}

/// `workbook serve`: builds the book in preview mode, serves the site, and rebuilds when a file the build reads
/// changes; open pages reload once the new site is in place, and show the errors of a failed build over the last
/// good page until a build passes again.
///
///     watcher ──change──▶ RebuildQueue (one build at a time, one queued) ──▶ Workbook.run(.preview)
///                                                           │ site swapped in
///                              pages ◀──"state" event── EventBroadcaster ◀┘
public final class ServeSession: @unchecked Sendable {
    public let options: ServeOptions
    let state: ServeStateStore
    let events: EventBroadcaster
    private let serverID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    private let lock = NSLock()
    private var generation = 0
    /// Set by `stop`: a build cut short by it is neither published nor reported.
    private var stopping = false
    private var lastSite: [String: Data] = [:]
    private var watcher: FileWatcher!
    private var queue: RebuildQueue!
    private var server: HTTPServer?

    public init(options: ServeOptions) {
        self.options = options
        state = ServeStateStore(ServeState(generation: "\(serverID)-0"))
        events = EventBroadcaster(generation: "\(serverID)-0")
        watcher = FileWatcher(interval: options.pollInterval) { [weak self] changed in self?.changed(changed) }
        queue = RebuildQueue { [weak self] in self?.rebuild() }
    }

    var siteDirectory: URL {
        if let output = options.build.outputDirectory { return output }
        let config = (try? BookConfig.load(root: options.build.root)) ?? BookConfig()
        return Book(root: options.build.root, config: config).siteDirectory
    }

    /// Listens, builds once, then watches; returns the address pages are served at once the first build is done.
    /// Listening comes first so that a port in use is said at once, not after a long first build; a page opened
    /// meanwhile reloads when the build is in place. A failing first build does not stop it: the page shows the
    /// errors until they are fixed.
    @discardableResult
    public func start() async throws -> URL {
        let handler = PreviewHandler(site: SiteFileResolver(root: siteDirectory), state: state, events: events, listeningHost: options.host)
        // Listening is synchronous: a port in use fails here, at once.
        let server = try WorkbookError.Stage.setup.run { try HTTPServer(host: options.host, port: options.port) }
        self.server = server
        server.start { handler.handle($0) }
        options.log("building \(options.build.root.lastPathComponent) (a first build compiles the package's library and every chapter) …")
        await queue.requestAndWait()
        watcher.start()
        return try await url()
    }

    /// The address pages are served at (`http://127.0.0.1:3000/`).
    public func url() async throws -> URL {
        guard let (host, port) = await boundAddress() else { throw WorkbookError("the server is not listening").during(.setup) }
        let shown = host.contains(":") ? "[\(host)]" : host
        return URL(string: "http://\(shown):\(port)/")!
    }

    /// The address and port the listening socket is bound to, as the kernel reports it.
    public func boundAddress() async -> (host: String, port: UInt16)? {
        server.map { ($0.host, $0.port) }
    }

    /// Stops watching, ends the running build (its child processes too when `killingChildren`; tests share the
    /// process with other builds and only wait), closes the event streams and the server.
    public func stop(killingChildren: Bool = false) async {
        lock.withLock { stopping = true }
        watcher.stop()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [queue] in
                var signalled = Date.distantFuture
                queue!.stop {
                    guard killingChildren else { return }
                    // TERM first (swift build and pandoc clean up), KILL what is left a second later.
                    if signalled == .distantFuture { signalled = Date() }
                    ChildProcesses.signalAll(Date().timeIntervalSince(signalled) < 1 ? SIGTERM : SIGKILL)
                }
                continuation.resume()
            }
        }
        events.close()
        server?.stop()
    }

    private func changed(_ paths: [String]) {
        let root = options.build.root.standardizedFileURL.path + "/"
        let shown = paths.prefix(3).map { $0.hasPrefix(root) ? String($0.dropFirst(root.count)) : $0 }
        options.log("changed: \(shown.joined(separator: ", "))\(paths.count > 3 ? " and \(paths.count - 3) more" : "")")
        queue.request()
    }

    /// One build (on the queue's thread): the preview build, which with `--fix` records the fresh outputs once
    /// the site with them is in place (one pipeline, like `build --fix`); then the new state is published — after
    /// the site is swapped in, so a reloading page never meets a half-written site.
    private func rebuild() {
        let started = Date()
        var options = self.options.build
        options.showProgress = false
        options.mode = .preview
        options.fixOutputs = self.options.fix
        let report = Workbook.run(options)
        if !report.fixedFiles.isEmpty { self.options.log("recorded outputs in " + report.fixedFiles.joined(separator: ", ")) }
        // Even after a failed build: the files to fix (book.toml, the chapters) must be watched.
        watcher.watch(ServeInputs.paths(root: options.root, chapters: report.parsedChapters, runtimeDirectory: options.runtimeDirectory),
                      excluding: [siteDirectory, options.root.appendingPathComponent(".workbook-cache")])
        publish(report, seconds: Date().timeIntervalSince(started))
    }

    private func publish(_ report: BuildReport, seconds: Double) {
        let site = report.succeeded ? Self.read(siteDirectory) : nil
        lock.lock()
        guard !stopping else { lock.unlock(); return }
        var next = state.current
        next.errors = report.errors.map(\.description)
        if report.succeeded {
            next.warnings = report.warnings.map(\.description)
            next.unrecorded = report.unrecorded
        }
        let siteChanged = site.map { $0 != lastSite } ?? false
        if let site { lastSite = site }
        // `unrecorded` counts some of the warnings: it changes only with them.
        let changed = siteChanged || next.errors != state.current.errors || next.warnings != state.current.warnings
        if changed {
            generation += 1
            next.generation = "\(serverID)-\(generation)"
            state.set(next)
        }
        lock.unlock()
        if changed { events.publish(next.generation) }
        let time = String(format: "%.2f s", seconds)
        if report.succeeded {
            for warning in report.warnings { options.log(warning.description) }
            options.log("built in \(time): \(report.compiled) chapter\(report.compiled == 1 ? "" : "s") compiled, "
                + "\(report.pagesRendered) page\(report.pagesRendered == 1 ? "" : "s") rendered"
                + (report.warnings.isEmpty ? "" : ", " + LivePage.warningSummary(count: report.warnings.count, unrecorded: report.unrecorded))
                + (changed ? "" : " (nothing changed)"))
        } else {
            for error in report.errors { options.log(error.description) }
            options.log("build failed in \(time) (\(report.errors.count) error\(report.errors.count == 1 ? "" : "s")); "
                + "the page shows them over the last good build")
        }
    }

    /// The site's files by path: what the pages would show, to tell a build that changed nothing (a save without
    /// an edit, the second build after `--fix` wrote a chapter) from one that did, and not reload for the former.
    static func read(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        for url in RuntimeBuilder.files(under: folder) { files[url.path] = try? Data(contentsOf: url) }
        return files
    }
}
