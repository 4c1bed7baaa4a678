import Foundation

/// `check`: every chapter's fresh outputs against what it records (`OutputChecker`), and every translation's
/// snippets and outputs against its source's. In preview (`serve`), a difference is a warning: the page marks the
/// fresh output "not yet recorded", and a translation that lags behind its source's edited snippet still renders.
struct CheckStage: BuildStage {
    var preview: Bool
    var name: WorkbookError.Stage { .check }

    func run(_ build: inout BuildState) throws -> String {
        var drifted = 0
        for run in build.runs where run.completed {
            if preview {
                let drift = OutputChecker.drift(in: run.chapter, outputs: run.outputs)
                build.report.warnings += drift
                drifted += drift.count
                build.unrecorded[run.chapter.path] = PreviewMarks.unrecorded(in: run.chapter, outputs: run.outputs)
            } else if build.selected.contains(run.chapter.path) {
                let drift = OutputChecker.drift(in: run.chapter, outputs: run.outputs)
                build.report.errors += drift
                drifted += drift.count
            }
        }
        for edition in build.translations {
            for source in build.chapters where build.selected.contains(source.path) {
                guard let translated = edition.chapters[source.name] else { continue }
                let mismatches = TranslationCheck.errors(source: source, translation: translated)
                if preview {
                    // While an author edits the source, its translations lag behind until `fix`: shown, not failing.
                    build.report.warnings += mismatches.map { var warning = $0; warning.severity = .warning; return warning }
                } else {
                    build.report.errors += mismatches
                }
                build.report.warnings += TranslationCheck.status(source: source, translation: translated).warnings
            }
        }
        if preview { return "\(drifted) outputs not yet recorded" }
        return drifted == 0 ? "every output as recorded" : "\(drifted) outputs differ from the chapters"
    }
}
