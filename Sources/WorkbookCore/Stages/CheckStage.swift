import Foundation

/// `check`: every chapter's fresh outputs against what it records (`OutputChecker`), and every translation's
/// snippets and outputs against its source's. In preview (`serve`), a difference is a warning: the page marks the
/// fresh output "not yet recorded", and a translation that lags behind its source's edited snippet still renders.
struct CheckStage: BuildStage {
    var preview: Bool
    var name: WorkbookError.Stage { .check }

    func run(_ build: inout BuildState) throws -> String {
        let book = try build.required(build.book, from: .load)
        let strings = UIStrings.forLanguage(book.config.language)
        let order = build.chapters.map(\.name)
        var drifted = 0
        var outputs: [String: [SnippetOutput]] = [:]
        for run in build.runs where run.completed {
            outputs[run.chapter.path] = run.outputs
            guard preview || build.selected.contains(run.chapter.path) else { continue }
            let drift = OutputChecker.drift(in: run.chapter, outputs: run.outputs)
                + CrossReferenceCheck.errors(in: run.chapter, outputs: run.outputs, strings: strings)
                + ChapterReferenceCheck.errors(in: run.chapter, order: order)
            drifted += drift.count
            if preview {
                build.report.warnings += drift.map(\.asWarning)
                build.unrecorded[run.chapter.path] = PreviewMarks.unrecorded(in: run.chapter, outputs: run.outputs)
            } else {
                build.report.errors += drift
            }
        }
        for edition in build.translations {
            let translatedStrings = UIStrings.forLanguage(edition.translation.language)
            for source in build.chapters where build.selected.contains(source.path) {
                guard let translated = edition.chapters[source.name] else { continue }
                let mismatches = TranslationCheck.errors(source: source, translation: translated)
                    + (outputs[source.path].map { CrossReferenceCheck.errors(in: translated, outputs: $0, strings: translatedStrings) } ?? [])
                    + ChapterReferenceCheck.errors(in: translated, order: order)
                if preview {
                    // While an author edits the source, its translations lag behind until `fix`: shown, not failing.
                    build.report.warnings += mismatches.map(\.asWarning)
                } else {
                    build.report.errors += mismatches
                }
                build.report.warnings += TranslationCheck.status(source: source, translation: translated).warnings
            }
        }
        if preview {
            build.report.unrecorded = drifted
            return "\(drifted) outputs not yet recorded"
        }
        return drifted == 0 ? "every output as recorded" : "\(drifted) outputs differ from the chapters"
    }
}
