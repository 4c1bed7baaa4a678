import Foundation

/// What one `workbook` run should do.
public struct BuildOptions: Sendable {
    public enum Mode: String, Sendable {
        case build, check, fix
        /// `build` for a live preview (`workbook serve`): a snippet whose fresh output differs from the recorded one
        /// is a warning, and its page shows the fresh output marked "not yet recorded" instead of failing the build.
        case preview

        /// Modes that render the site (and so run every chapter).
        var renders: Bool { self == .build || self == .preview }
    }

    public var root: URL
    public var mode: Mode
    /// Chapter names (`04-decay`) or paths; empty means all. `build` still renders every chapter (from the cache
    /// where it can), but `--force` and `fix` apply only to these.
    public var chapters: [String] = []
    public var force = false
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Seconds per chapter program; nil: book.toml's `snippets.timeout`, else 60.
    public var timeout: Double?
    /// Where the snippet runtime is built and kept (default: the book's `.workbook-cache/runtime`). Books that
    /// are not packages can share one.
    public var runtimeDirectory: URL?
    /// Where the site goes; nil: book.toml's `book.output`.
    public var outputDirectory: URL?
    public var showProgress = isatty(2) == 1

    public init(root: URL, mode: Mode) {
        self.root = root
        self.mode = mode
    }
}

/// What happened, for the summary line and for tests.
public struct BuildReport: Sendable {
    public var chapters = 0
    public var snippets = 0
    public var cacheHits = 0
    public var compiled = 0
    public var pagesRendered = 0
    public var pagesReused = 0
    public var fixedFiles: [String] = []
    public var errors: [WorkbookError] = []
    /// Preview mode only: outputs that differ from the recorded ones (shown in the page, not yet recorded).
    public var warnings: [WorkbookError] = []
    public var sitePath: String?
    /// Seconds per stage, in pipeline order (compile and run summed over chapters; the others wall-clock).
    public var stageSeconds: [(String, Double)] = []
    public var parsedChapters: [Chapter] = []

    public var succeeded: Bool { errors.isEmpty }

    public var summary: String {
        let stages = stageSeconds.map { "\($0.0) \(String(format: "%.2f", $0.1))s" }.joined(separator: ", ")
        var text = "\(chapters) chapters, \(snippets) snippets, \(cacheHits) cache hits, \(compiled) compiled"
        if pagesRendered + pagesReused > 0 { text += ", \(pagesRendered) pages rendered, \(pagesReused) reused" }
        text += "; \(stages)"
        if !fixedFiles.isEmpty { text += "\nfixed: " + fixedFiles.joined(separator: ", ") }
        if let sitePath, errors.isEmpty { text += "\nsite: \(sitePath)" }
        if !errors.isEmpty { text += "\n\(errors.count) error\(errors.count == 1 ? "" : "s")" }
        return text
    }
}

/// The pipeline: load → parse → plan → compile → run → check | fix → weave → render.
public enum Workbook {
    public static func run(_ options: BuildOptions) -> BuildReport {
        var report = BuildReport()
        var clock = Date()
        func lap(_ stage: String) {
            report.stageSeconds.append((stage, Date().timeIntervalSince(clock)))
            clock = Date()
        }

        // load + parse
        let book: Book
        let files: [BookLoader.ChapterFile]
        do {
            book = try Book.open(root: options.root)
            files = try book.loader.load()
        } catch {
            report.errors.append(error as? WorkbookError ?? WorkbookError(.load, "\(error)"))
            return report
        }
        var chapters: [Chapter] = []
        for file in files {
            let (chapter, errors) = ChapterParser().parse(path: file.path, text: file.text)
            report.errors += errors
            if let chapter { chapters.append(chapter) }
        }
        report.parsedChapters = chapters
        report.chapters = files.count
        report.snippets = chapters.reduce(0) { $0 + $1.snippets.count }
        let selected = Set(chapters.filter { options.chapters.isEmpty || options.chapters.contains($0.name)
            || options.chapters.contains($0.path) || options.chapters.contains($0.name + ".md") }.map(\.path))
        if !options.chapters.isEmpty && selected.isEmpty {
            report.errors.append(WorkbookError(.load, "no chapter named \(options.chapters.joined(separator: ", ")); chapters are "
                + chapters.map(\.name).joined(separator: ", ")))
            return report
        }
        lap("parse")

        // plan + compile + run, chapters in parallel
        let toolchain: Toolchain
        let resources: ToolResources
        do {
            resources = try ToolResources.locate()
            toolchain = try prepareToolchain(book: book, resources: resources, runtimeDirectory: options.runtimeDirectory) { message in
                if options.showProgress { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
            }
        } catch {
            report.errors.append(error as? WorkbookError ?? WorkbookError(.setup, "\(error)"))
            return report
        }
        let toRun = options.mode.renders ? chapters : chapters.filter { selected.contains($0.path) }
        let timeout = options.timeout ?? book.config.timeout ?? 60
        let cache = BuildCache(directory: book.cacheDirectory)
        let executor = ChapterExecutor(toolchain: toolchain, bookRoot: options.root,
                                       workDirectory: book.cacheDirectory.appendingPathComponent("build"), timeout: timeout)
        let progress = Progress(total: toRun.count * 2, enabled: options.showProgress)
        struct Outcome: Sendable {
            var outputs: [SnippetOutput]; var errors: [WorkbookError]; var completed: Bool; var cached: Bool
            var compile: Double; var run: Double; var computedAt: Date
        }
        let outcomes = ConcurrentMap.map(toRun, jobs: options.jobs) { chapter -> Outcome in
            let key = BuildCache.key(for: chapter, toolchain: toolchain, root: options.root)
            let forced = options.force && selected.contains(chapter.path)
            if !forced, let cached = cache.outputs(for: chapter, key: key) {
                progress.report(.plan, chapter.name + " (cached)")
                progress.report(.run, chapter.name + " (cached)")
                return Outcome(outputs: cached.outputs, errors: [], completed: true, cached: true, compile: 0, run: 0,
                               computedAt: cached.computedAt)
            }
            progress.report(.compile, chapter.name)
            let run = executor.execute(chapter)
            progress.report(.run, chapter.name)
            let now = Date()
            if run.completed && run.errors.isEmpty { cache.store(run.outputs, for: chapter, key: key, computedAt: now) }
            return Outcome(outputs: run.outputs, errors: run.errors, completed: run.completed, cached: false,
                           compile: run.compileSeconds, run: run.runSeconds, computedAt: now)
        }
        progress.finish()
        // Compile and run overlap across chapters: report each one's summed time, then the wall time of both.
        report.stageSeconds.append(("compile", outcomes.reduce(0) { $0 + $1.compile }))
        report.stageSeconds.append(("run", outcomes.reduce(0) { $0 + $1.run }))
        lap("compile+run wall")

        // check or fix
        var unrecorded: [String: Set<String>] = [:]
        for (chapter, outcome) in zip(toRun, outcomes) {
            report.errors += outcome.errors
            if outcome.cached { report.cacheHits += 1 } else { report.compiled += 1 }
            guard outcome.completed else { continue }
            switch options.mode {
            case .build, .check:
                if selected.contains(chapter.path) { report.errors += OutputChecker.drift(in: chapter, outputs: outcome.outputs) }
            case .preview:
                report.warnings += OutputChecker.drift(in: chapter, outputs: outcome.outputs)
                unrecorded[chapter.path] = PreviewMarks.unrecorded(in: chapter, outputs: outcome.outputs)
            case .fix:
                let fixed = OutputFixer.fixedText(chapter, outputs: outcome.outputs)
                guard fixed != chapter.text else { continue }
                do {
                    try AtomicFile.write(fixed, to: options.root.appendingPathComponent(chapter.path))
                    report.fixedFiles.append(chapter.path)
                } catch {
                    report.errors.append(WorkbookError(.fix, file: chapter.path, "cannot write the fixed chapter: \(error.localizedDescription)"))
                }
            }
        }
        lap(options.mode == .fix ? "fix" : "check")

        // render: only a fully verified book replaces the site
        guard options.mode.renders, report.errors.isEmpty else {
            report.errors.sort { ($0.file ?? "", $0.line ?? 0) < ($1.file ?? "", $1.line ?? 0) }
            return report
        }
        guard let pandoc = Subprocess.which("pandoc") else {
            report.errors.append(WorkbookError(.setup, "pandoc not found on PATH; install it (apt-get install pandoc, or `make site` as root)"))
            return report
        }
        // weave: every chapter ran and checked clean, so its fresh outputs are what the chapter records (in preview,
        // except the unrecorded ones, which the page marks)
        let pages = zip(toRun, outcomes).map { chapter, outcome in
            SitePage(name: chapter.name, title: chapter.title, summary: chapter.summary,
                     markdown: Weaver.markdown(for: chapter, outputs: outcome.outputs, unrecorded: unrecorded[chapter.path] ?? []),
                     figures: Weaver.figures(in: chapter, outputs: outcome.outputs),
                     footer: footer(chapter: chapter, computedAt: outcome.computedAt, toolchain: toolchain) + (book.config.footer.map { " " + $0 } ?? ""))
        }
        let landing = book.loader.landing()
        let siteDirectory = options.outputDirectory ?? book.siteDirectory
        let renderer = SiteRenderer(pandoc: pandoc, theme: book.theme(resources: resources), outputDirectory: siteDirectory,
                                    cacheDirectory: book.cacheDirectory.appendingPathComponent("pages"), jobs: options.jobs,
                                    bookTitle: book.title(landing: landing), language: book.config.language,
                                    chaptersFolder: book.config.chaptersFolder, footer: book.config.footer)
        do {
            let rendered = try renderer.render(pages: pages, landing: landing)
            report.pagesRendered = rendered.rendered
            report.pagesReused = rendered.reused
            report.sitePath = siteDirectory.appendingPathComponent("index.html").path
        } catch {
            report.errors.append(error as? WorkbookError ?? WorkbookError(.render, "\(error)"))
        }
        lap("render")
        return report
    }

    /// The compiler and an up-to-date snippet runtime for `book` (built in `runtimeDirectory`, by default the
    /// book's `.workbook-cache/runtime`).
    public static func prepareToolchain(book: Book, resources: ToolResources, runtimeDirectory: URL? = nil,
                                        progress: (String) -> Void = { _ in }) throws -> Toolchain {
        let builder = RuntimeBuilder(bookRoot: book.root, config: book.config, resources: resources,
                                     directory: runtimeDirectory ?? book.cacheDirectory.appendingPathComponent("runtime"),
                                     swiftc: try Toolchain.locateCompiler())
        return try builder.prepare(progress: progress)
    }

    /// Says when and how a page's numbers were computed.
    static func footer(chapter: Chapter, computedAt: Date, toolchain: Toolchain) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        let runs = chapter.snippets.filter(\.runs).count
        return "Every number on this page was printed by one of its \(runs) snippets, compiled with <code>swiftc -Onone</code> "
            + "against \(toolchain.imports.map { "<code>\($0)</code>" }.joined(separator: ", ")) (runtime \(toolchain.fingerprint.prefix(8))) "
            + "and run on \(formatter.string(from: computedAt)); "
            + "the outputs were checked against <code>\(chapter.path)</code> by workbook \(WorkbookVersion.current) when this site was built."
    }

    /// Removes the cache and the rendered site.
    public static func clean(root: URL, outputDirectory: URL? = nil) throws {
        let book = try Book.open(root: root)
        for url in [book.cacheDirectory, outputDirectory ?? book.siteDirectory] where FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.removeItem(at: url)
        }
    }
}
