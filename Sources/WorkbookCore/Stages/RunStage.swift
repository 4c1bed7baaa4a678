import Foundation

/// `run`: every chapter's outputs, read from the cache when nothing that decides them changed (`BuildCache`), else
/// computed: the chapters compiled a group per compiler process (`CompileScheduler`, `ChapterGroup`,
/// `ChapterExecutor`), then each run in a process of its own, `jobs` at a time. Building the site needs every chapter's outputs; `check` and `fix` run only the
/// chapters the command names.
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
        let keys = ConcurrentMap.map(chapters, jobs: options.jobs) { BuildCache.key(for: $0, toolchain: toolchain, root: options.root) }
        var runs = [ChapterRun?](repeating: nil, count: chapters.count)
        for (index, (chapter, key)) in zip(chapters, keys).enumerated() where !(options.force && selected.contains(chapter.path)) {
            guard let key, let cached = cache.outputs(for: chapter, key: key) else { continue }
            progress.report(.compile, chapter.name + " (cached)")
            progress.report(.run, chapter.name + " (cached)")
            let run = ChapterExecutor.Run(outputs: cached.outputs, errors: [], completed: true, compileSeconds: 0, runSeconds: 0)
            runs[index] = ChapterRun(chapter, run, cached: true, computedAt: cached.computedAt)
        }
        // Every group compiled, then every chapter run, `jobs` at a time: a long chapter (the lab) runs beside the
        // others instead of after the rest of its group.
        // As many compiler processes as cores, memory and the amount of code make worth it (`CompileScheduler`).
        let toCompile = chapters.indices.filter { runs[$0] == nil }.map { chapters[$0] }
        let processes = CompileScheduler(jobs: options.jobs).processes(codeBytes: toCompile.reduce(0) { $0 + ChapterGroup.size($1) })
        let groups = ChapterGroup.plan(toCompile, count: processes)
        let compiled = ConcurrentMap.map(groups, jobs: processes) { group in
            zip(group, executor.compile(group: group)).map { chapter, compiled in
                progress.report(.compile, chapter.name)
                return (chapter, compiled)
            }
        }.flatMap { $0 }
        let fresh = ConcurrentMap.map(compiled, jobs: options.jobs) { chapter, compiled -> ChapterRun in
            let run = executor.run(chapter, compiled)
            progress.report(.run, chapter.name)
            return ChapterRun(chapter, run, cached: false, computedAt: Date())
        }
        let index = Dictionary(uniqueKeysWithValues: chapters.enumerated().map { ($1.path, $0) })
        for run in fresh { runs[index[run.chapter.path]!] = run }
        // A chapter may write a file that another reads (one writes data/gen.txt, the next prints it). Once chapters
        // have run, what every chapter names is fingerprinted again; a chapter whose inputs moved while the build
        // ran (its cached outputs, or a run that read the file too early) runs once more, in chapter order.
        var finalKeys = keys
        if !fresh.isEmpty {
            finalKeys = ConcurrentMap.map(chapters, jobs: options.jobs) { BuildCache.key(for: $0, toolchain: toolchain, root: options.root) }
            for position in chapters.indices where keys[position] != nil && finalKeys[position] != keys[position] {
                runs[position] = ChapterRun(chapters[position], executor.execute(chapters[position]), cached: false, computedAt: Date())
            }
        }
        for (position, run) in runs.enumerated() {
            guard let run, !run.cached, let key = finalKeys[position], run.completed && run.errors.isEmpty else { continue }
            cache.store(run.outputs, for: run.chapter, key: key, computedAt: run.computedAt)
        }
        build.runs = runs.map { $0! }
        progress.finish()
        for run in build.runs {
            build.report.errors += run.errors
            if run.cached { build.report.cacheHits += 1 } else { build.report.compiled += 1 }
        }
        // Each chapter's compile (its share of its group's) and run, summed; the stage's wall time comes after them.
        let compile = build.runs.reduce(0) { $0 + $1.compileSeconds }, run = build.runs.reduce(0) { $0 + $1.runSeconds }
        build.report.stageSeconds += [("compile sum", compile), ("run sum", run)]
        return "\(build.runs.count) chapters: \(build.report.compiled) compiled and run (compile \(String(format: "%.2f", compile))s, "
            + "run \(String(format: "%.2f", run))s summed), \(build.report.cacheHits) from the cache"
    }
}
