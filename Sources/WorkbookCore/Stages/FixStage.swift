import Foundation

/// `fix`: fresh outputs written into the chosen chapters' output regions (`OutputFixer`, `ChapterWriter`), then
/// the source's snippets and outputs copied into every translation of those chapters (`TranslationFixer`).
struct FixStage: BuildStage {
    /// In `build --fix`, after the site is published: only a build without errors records its outputs.
    var afterPublish = false
    var name: WorkbookError.Stage { .fix }
    var runsAfterErrors: Bool { !afterPublish }

    func run(_ build: inout BuildState) throws -> String {
        let root = build.options.root
        let book = try build.required(build.book, from: .load)
        let strings = UIStrings.forLanguage(book.config.language)
        let order = build.chapters.map(\.name)
        for run in build.runs where run.completed && build.selected.contains(run.chapter.path) {
            // A chapter with a failed check is not verified: its outputs are not written (the README promises
            // that a failing build touches no chapter).
            guard run.errors.isEmpty else { continue }
            let chapter = run.chapter
            let fixed = OutputFixer.fixedText(chapter, outputs: run.outputs, strings: strings, order: order)
            guard fixed != chapter.text else { continue }
            do {
                try ChapterWriter.write(fixed, replacing: chapter.text, at: root.appendingPathComponent(chapter.path), path: chapter.path)
                build.report.fixedFiles.append(chapter.path)
            } catch {
                build.report.errors += WorkbookError.diagnostics(in: error) {
                    WorkbookError(file: chapter.path, "cannot write the fixed chapter", underlying: $0)
                }
            }
        }
        let outputs = Dictionary(build.runs.filter { $0.completed && $0.errors.isEmpty }.map { ($0.chapter.path, $0.outputs) },
                                 uniquingKeysWith: { first, _ in first })
        for edition in build.translations {
            let translatedStrings = UIStrings.forLanguage(edition.translation.language)
            for source in build.chapters where build.selected.contains(source.path) {
                guard let translated = edition.chapters[source.name] else { continue }
                fixTranslation(translated, of: source, outputs: outputs[source.path], strings: translatedStrings, order: order,
                               root: root, report: &build.report)
            }
        }
        return build.report.fixedFiles.isEmpty ? "nothing to write" : "\(build.report.fixedFiles.count) files written"
    }

    /// A translation gets the source's snippets, outputs and values as fixed just now (read back from the file), and
    /// its cross-references the numbers of the source's run (in its own words).
    func fixTranslation(_ translation: Chapter, of source: Chapter, outputs: [SnippetOutput]?, strings: UIStrings, order: [String],
                        root: URL, report: inout BuildReport) {
        do {
            let sourceText = try String(contentsOf: root.appendingPathComponent(source.path), encoding: .utf8)
            let (fixedSource, errors) = ChapterParser().parse(path: source.path, text: sourceText)
            guard let fixedSource, errors.isEmpty else { report.errors += errors; return }
            let fixed = try TranslationFixer.fixedText(source: fixedSource, translation: translation, outputs: outputs, strings: strings,
                                                       order: order, before: source)
            guard fixed != translation.text else { return }
            try ChapterWriter.write(fixed, replacing: translation.text, at: root.appendingPathComponent(translation.path), path: translation.path)
            report.fixedFiles.append(translation.path)
        } catch {
            report.errors += WorkbookError.diagnostics(in: error) {
                WorkbookError(file: translation.path, "cannot fix the translation", underlying: $0)
            }
        }
    }
}
