import Foundation

/// `run`: every chapter program compiled and run (`ChapterExecutor`), `jobs` chapters at a time, or its outputs
/// read from the cache when nothing that decides them changed (`BuildCache`). Building the site needs every
/// chapter's outputs; `check` and `fix` run only the chapters the command names.
struct RunStage: BuildStage {
    var name: WorkbookError.Stage { .run }

    func run(_ build: inout BuildState) throws -> String {
        let book = try build.required(build.book, from: .load)
        let toolchain = try build.required(build.toolchain, from: .runtime)
        let options = build.options
        let selected = build.selected
        let chapters = options.mode.renders ? build.chapters : build.chapters.filter { selected.contains($0.path) }
        let cache = BuildCache(directory: book.cacheDirectory)
        let executor = ChapterExecutor(toolchain: toolchain, bookRoot: options.root,
                                       workDirectory: book.cacheDirectory.appendingPathComponent("build"),
                                       timeout: options.timeout ?? book.config.timeout ?? 60)
        let progress = Progress(total: chapters.count * 2, enabled: options.showProgress)
        build.runs = ConcurrentMap.map(chapters, jobs: options.jobs) { chapter -> ChapterRun in
            let key = BuildCache.key(for: chapter, toolchain: toolchain, root: options.root)
            let forced = options.force && selected.contains(chapter.path)
            if !forced, let key, let cached = cache.outputs(for: chapter, key: key) {
                progress.report(.compile, chapter.name + " (cached)")
                progress.report(.run, chapter.name + " (cached)")
                return ChapterRun(chapter: chapter, outputs: cached.outputs, errors: [], completed: true, cached: true,
                                  compileSeconds: 0, runSeconds: 0, computedAt: cached.computedAt)
            }
            progress.report(.compile, chapter.name)
            let run = executor.execute(chapter)
            progress.report(.run, chapter.name)
            let now = Date()
            if let key, run.completed && run.errors.isEmpty { cache.store(run.outputs, for: chapter, key: key, computedAt: now) }
            return ChapterRun(chapter: chapter, outputs: run.outputs, errors: run.errors, completed: run.completed, cached: false,
                              compileSeconds: run.compileSeconds, runSeconds: run.runSeconds, computedAt: now)
        }
        progress.finish()
        for run in build.runs {
            build.report.errors += run.errors
            if run.cached { build.report.cacheHits += 1 } else { build.report.compiled += 1 }
        }
        // Compile and run overlap across chapters: each one's time summed here, the stage's wall time after it.
        let compile = build.runs.reduce(0) { $0 + $1.compileSeconds }, run = build.runs.reduce(0) { $0 + $1.runSeconds }
        build.report.stageSeconds += [("compile sum", compile), ("run sum", run)]
        return "\(build.runs.count) chapters: \(build.report.compiled) compiled and run (compile \(String(format: "%.2f", compile))s, "
            + "run \(String(format: "%.2f", run))s summed), \(build.report.cacheHits) from the cache"
    }
}
