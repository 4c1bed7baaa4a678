import Foundation

/// The build: a list of stages run in order by one runner that prints `[i/n] stage`, times each stage and tags
/// every problem that comes out of a stage (thrown, or added to the report) with its name.
public enum Pipeline {
    /// The stages a command runs: every command verifies; `build` and `serve` (preview) go on to the site.
    ///
    ///     check:          load → parse → runtime → run → check
    ///     fix:            load → parse → runtime → run → fix
    ///     build:          load → parse → runtime → run → check → weave → render → publish
    ///     build --fix:    load → parse → runtime → run → weave → render → publish → fix
    ///     serve:          load → parse → runtime → run → check (drift shown, not failing) → weave → render → publish
    ///     serve --fix:    load → parse → runtime → run → weave → render → publish → fix
    ///
    /// `build --fix` (and `serve --fix`) records the fresh outputs last, once the site with them is in place: a build
    /// that fails (a page pandoc cannot render) leaves every chapter as it was.
    static func stages(for options: BuildOptions) -> [any BuildStage] {
        let ran: [any BuildStage] = [LoadStage(), ParseStage(), RuntimeStage(), RunStage()]
        let site: [any BuildStage] = [WeaveStage(), RenderStage(), PublishStage()]
        switch options.mode {
        case .check: return ran + [CheckStage(preview: false)]
        case .fix: return ran + [FixStage()]
        case .preview: return options.fixOutputs ? ran + site + [FixStage(afterPublish: true)] : ran + [CheckStage(preview: true)] + site
        case .build: return options.fixOutputs ? ran + site + [FixStage(afterPublish: true)] : ran + [CheckStage(preview: false)] + site
        }
    }

    public static func run(_ options: BuildOptions) -> BuildReport {
        var build = BuildState(options: options)
        let stages = stages(for: options)
        for (index, stage) in stages.enumerated() {
            if !stage.runsAfterErrors && !build.report.errors.isEmpty { break }
            let start = Date()
            var detail = ""
            var stopped = false
            do { detail = try stage.run(&build) } catch {
                build.report.errors += WorkbookError.diagnostics(in: error)
                stopped = true
            }
            // The runner, not the code that found a problem, says which stage it came from; earlier stages' problems
            // already say theirs.
            build.report.errors = build.report.errors.during(stage.name)
            build.report.warnings = build.report.warnings.during(stage.name)
            let seconds = Date().timeIntervalSince(start)
            build.report.stageSeconds.append((stage.name.rawValue, seconds))
            if options.printsStages {
                let line = "[\(index + 1)/\(stages.count)] \(stage.name.rawValue) \(String(format: "%.2f", seconds))s"
                    + (detail.isEmpty ? "" : " — " + detail) + (stopped ? " — failed" : "")
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            if stopped { break }
        }
        build.report.errors.sort { ($0.file ?? "", $0.line ?? 0) < ($1.file ?? "", $1.line ?? 0) }
        return build.report
    }
}
