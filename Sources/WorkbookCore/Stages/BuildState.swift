import Foundation

/// What the stages pass along, in the order they fill it in.
struct BuildState {
    let options: BuildOptions
    var report = BuildReport()

    // load
    var book: Book?
    /// Held until the build ends: one run at a time per book.
    var lock: BookLock?
    var files: [BookLoader.ChapterFile] = []
    // parse
    var chapters: [Chapter] = []
    /// Paths of the chapters the command names (all when it names none).
    var selected: Set<String> = []
    var translations: [TranslatedEdition] = []
    // runtime
    var resources: ToolResources?
    var toolchain: Toolchain?
    // run: one per chapter that ran (all of them when the site is rendered, else the selected ones)
    var runs: [ChapterRun] = []
    // check (preview): ids of snippets whose fresh output the chapter does not record yet, by chapter path
    var unrecorded: [String: Set<String>] = [:]
    // weave
    var site: [SiteEdition] = []
    // render
    var rendered: SiteRenderer.RenderedSite?

    init(options: BuildOptions) { self.options = options }

    /// Whether the site gets an EPUB of each edition (`--format epub` or book.toml's `formats`); never in the
    /// live preview, which rebuilds on every save.
    func writesEpub(_ book: Book) -> Bool {
        options.mode != .preview && options.formats.union(book.config.formats).contains(.epub)
    }

    /// A value an earlier stage must have set (the pipeline's order guarantees it; this names the stage if not).
    func required<T>(_ value: T?, from stage: WorkbookError.Stage) throws -> T {
        guard let value else { throw WorkbookError("internal: stage '\(stage.rawValue)' did not run before this one") }
        return value
    }
}

/// One chapter's outputs and how they were obtained: an executor's run (or the cache's), with its chapter.
struct ChapterRun: Sendable {
    var chapter: Chapter
    var outputs: [SnippetOutput]
    var errors: [WorkbookError]
    /// False when the program did not compile or did not finish: its outputs are partial.
    var completed: Bool
    var cached: Bool
    var compileSeconds: Double
    var runSeconds: Double
    /// When the outputs were computed (now, or when the cached run happened): the page footer says so.
    var computedAt: Date
}

extension ChapterRun {
    init(_ chapter: Chapter, _ run: ChapterExecutor.Run, cached: Bool, computedAt: Date) {
        self.init(chapter: chapter, outputs: run.outputs, errors: run.errors, completed: run.completed, cached: cached,
                  compileSeconds: run.compileSeconds, runSeconds: run.runSeconds, computedAt: computedAt)
    }
}
