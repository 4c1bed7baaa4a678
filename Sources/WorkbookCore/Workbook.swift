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
    /// `build --fix`: write fresh outputs into the chosen chapters (as `fix` does) instead of failing on drift,
    /// then render: one command, one compile of a changed chapter, from an edit to the updated site.
    public var fixOutputs = false

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
    /// Printed, never failing: stale or unmarked translated sections, and in preview mode outputs that differ from
    /// the recorded ones (shown in the page, not yet recorded).
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
        if !warnings.isEmpty { text += "\n\(warnings.count) warning\(warnings.count == 1 ? "" : "s") (`workbook translations` reports per chapter)" }
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

        // Nothing started that could not finish (Preflight), and one run at a time per book (BookLock).
        report.errors += Preflight.rootProblems(options)
        guard report.errors.isEmpty else { return report }
        let book: Book
        do { book = try Book.open(root: options.root) } catch {
            report.errors.append(error as? WorkbookError ?? WorkbookError(.load, "\(error)"))
            return report
        }
        report.errors += Preflight.problems(options, book: book)
        guard report.errors.isEmpty else { return report }
        let lock: BookLock
        do { lock = try BookLock(cacheDirectory: book.cacheDirectory) } catch {
            report.errors.append(error as? WorkbookError ?? WorkbookError(.setup, "\(error)"))
            return report
        }
        defer { withExtendedLifetime(lock) {} }

        // load + parse
        let files: [BookLoader.ChapterFile]
        do { files = try book.loader.load() } catch {
            report.errors.append(error as? WorkbookError ?? WorkbookError(.load, "\(error)"))
            return report
        }
        Preflight.removeLeftovers(of: files, root: options.root)
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
        let (editions, translationErrors) = TranslatedEdition.load(book: book, sources: chapters)
        report.errors += translationErrors
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
            if !forced, let key, let cached = cache.outputs(for: chapter, key: key) {
                progress.report(.plan, chapter.name + " (cached)")
                progress.report(.run, chapter.name + " (cached)")
                return Outcome(outputs: cached.outputs, errors: [], completed: true, cached: true, compile: 0, run: 0,
                               computedAt: cached.computedAt)
            }
            progress.report(.compile, chapter.name)
            let run = executor.execute(chapter)
            progress.report(.run, chapter.name)
            let now = Date()
            if let key, run.completed && run.errors.isEmpty { cache.store(run.outputs, for: chapter, key: key, computedAt: now) }
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
        let fixing = options.mode == .fix || (options.mode == .build && options.fixOutputs)
        for (chapter, outcome) in zip(toRun, outcomes) {
            report.errors += outcome.errors
            if outcome.cached { report.cacheHits += 1 } else { report.compiled += 1 }
            guard outcome.completed else { continue }
            switch (options.mode, fixing) {
            case (.build, false), (.check, _):
                if selected.contains(chapter.path) { report.errors += OutputChecker.drift(in: chapter, outputs: outcome.outputs) }
            case (.preview, _):
                report.warnings += OutputChecker.drift(in: chapter, outputs: outcome.outputs)
                unrecorded[chapter.path] = PreviewMarks.unrecorded(in: chapter, outputs: outcome.outputs)
            case (.fix, _), (.build, true):
                guard selected.contains(chapter.path) else { continue }
                // A chapter with a failed check is not verified: its outputs are not written (the README promises
                // that a failing build touches no chapter).
                guard outcome.errors.isEmpty else { continue }
                let fixed = OutputFixer.fixedText(chapter, outputs: outcome.outputs)
                guard fixed != chapter.text else { continue }
                do {
                    try ChapterWriter.write(fixed, replacing: chapter.text, at: options.root.appendingPathComponent(chapter.path), path: chapter.path)
                    report.fixedFiles.append(chapter.path)
                } catch let error as WorkbookError {
                    report.errors.append(error)
                } catch {
                    report.errors.append(WorkbookError(.fix, file: chapter.path, "cannot write the fixed chapter: \(error.localizedDescription)"))
                }
            }
        }
        // Translations repeat the source's snippets and outputs: check them, or copy them over on fix.
        for edition in editions {
            for source in chapters where selected.contains(source.path) {
                guard let translated = edition.chapters[source.name] else { continue }
                if fixing {
                    fixTranslation(translated, of: source, root: options.root, report: &report)
                } else {
                    report.errors += TranslationCheck.errors(source: source, translation: translated)
                    report.warnings += TranslationCheck.status(source: source, translation: translated).warnings
                }
            }
        }
        lap(fixing ? "fix" : "check")

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
        // except the unrecorded ones, which the page marks). Each edition weaves its own text (a translation, or the
        // source with a note where there is none yet) with the same outputs: computed once, shown in every language.
        func page(_ chapter: Chapter, outputs: [SnippetOutput], computedAt: Date, strings: UIStrings, note: String? = nil,
                  unrecorded: Set<String> = []) -> SitePage {
            var markdown = Weaver.markdown(for: chapter, outputs: outputs, figureLabel: strings.textVersionOfFigure, unrecorded: unrecorded)
            if let note { markdown = "<div class=\"untranslated-note\">\(escape(note))</div>\n\n" + markdown }
            return SitePage(name: chapter.name, title: chapter.title, summary: chapter.summary, markdown: markdown,
                            figures: Weaver.figures(in: chapter, outputs: outputs),
                            footer: footer(chapter: chapter, computedAt: computedAt, toolchain: toolchain, strings: strings)
                                + (book.config.footer.map { " " + $0 } ?? ""))
        }
        let sourceStrings = UIStrings.forLanguage(book.config.language)
        let landing = book.loader.landing()
        var siteEditions = [SiteEdition(
            language: book.config.language, path: "", title: book.title(landing: landing),
            pages: zip(toRun, outcomes).map {
                page($0, outputs: $1.outputs, computedAt: $1.computedAt, strings: sourceStrings, unrecorded: unrecorded[$0.path] ?? [])
            },
            landing: landing, strings: sourceStrings, chaptersFolder: book.config.chaptersFolder)]
        for edition in editions {
            let strings = UIStrings.forLanguage(edition.translation.language)
            let pages = zip(toRun, outcomes).map { source, outcome in
                let marks = unrecorded[source.path] ?? []
                return edition.chapters[source.name].map {
                    page($0, outputs: outcome.outputs, computedAt: outcome.computedAt, strings: strings, unrecorded: marks)
                } ?? page(source, outputs: outcome.outputs, computedAt: outcome.computedAt, strings: strings, note: strings.untranslated,
                          unrecorded: marks)
            } + edition.extras.map { page($0, outputs: [], computedAt: Date(), strings: strings) }
            let title = edition.translation.title
                ?? edition.landing.flatMap(Book.heading) ?? siteEditions[0].title
            siteEditions.append(SiteEdition(language: edition.translation.language, path: edition.translation.sitePath, title: title,
                                            pages: pages, landing: edition.landing ?? landing, strings: strings,
                                            chaptersFolder: edition.translation.chaptersFolder))
        }
        let siteDirectory = options.outputDirectory ?? book.siteDirectory
        let renderer = SiteRenderer(pandoc: pandoc, theme: book.theme(resources: resources), outputDirectory: siteDirectory,
                                    cacheDirectory: book.cacheDirectory.appendingPathComponent("pages"), jobs: options.jobs,
                                    footer: book.config.footer)
        do {
            let rendered = try renderer.render(editions: siteEditions)
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

    /// `workbook fix` on a translation: the source's snippets and outputs (as fixed just now) copied in.
    static func fixTranslation(_ translation: Chapter, of source: Chapter, root: URL, report: inout BuildReport) {
        do {
            let sourceText = try String(contentsOf: root.appendingPathComponent(source.path), encoding: .utf8)
            let (fixedSource, errors) = ChapterParser().parse(path: source.path, text: sourceText)
            guard let fixedSource, errors.isEmpty else { report.errors += errors; return }
            let fixed = try TranslationFixer.fixedText(source: fixedSource, translation: translation)
            guard fixed != translation.text else { return }
            try AtomicFile.write(fixed, to: root.appendingPathComponent(translation.path))
            report.fixedFiles.append(translation.path)
        } catch {
            report.errors.append(error as? WorkbookError ?? WorkbookError(.fix, file: translation.path, "cannot fix the translation: \(error)"))
        }
    }

    static func footer(chapter: Chapter, computedAt: Date, toolchain: Toolchain, strings: UIStrings = .english) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        let runs = chapter.snippets.filter(\.runs).count
        return strings.pageFooter(runs, toolchain.imports.map { "<code>\($0)</code>" }.joined(separator: ", "),
                                  String(toolchain.fingerprint.prefix(8)), formatter.string(from: computedAt), chapter.path,
                                  WorkbookVersion.current)
    }

    /// Removes the cache and the rendered site — only what the tool created: a site folder without the tool's
    /// marker is left alone (and reported), so `clean --output Chapters` deletes nothing. Returns what it removed.
    @discardableResult
    public static func clean(root: URL, outputDirectory: URL? = nil) throws -> [String] {
        let book = try Book.open(root: root)
        let fileManager = FileManager.default
        var removed: [String] = []
        let site = outputDirectory ?? book.siteDirectory
        var refused: WorkbookError?
        if fileManager.fileExists(atPath: site.path) {
            if OutputFolder.isOurs(site) {
                try fileManager.removeItem(at: site)
                removed.append(site.path)
            } else {
                refused = WorkbookError(.setup, file: site.path, "not removed: workbook did not write this folder (it has no \(OutputFolder.markerName))")
            }
        }
        OutputFolder.removeLeftovers(besides: site)
        Leftovers.removeTemporaryFiles(in: root.appendingPathComponent(book.config.chaptersFolder))
        if fileManager.fileExists(atPath: book.cacheDirectory.path) {
            let lock = try BookLock(cacheDirectory: book.cacheDirectory)
            try withExtendedLifetime(lock) { try fileManager.removeItem(at: book.cacheDirectory) }
            removed.append(book.cacheDirectory.path)
        }
        if let refused { throw refused }
        return removed
    }
}
