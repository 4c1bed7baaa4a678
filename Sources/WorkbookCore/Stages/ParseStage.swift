import Foundation

/// `parse`: every chapter through cmark-gfm (`ChapterParser`), the chapters the command names, and the
/// translations paired with their source chapters.
struct ParseStage: BuildStage {
    var name: WorkbookError.Stage { .parse }

    func run(_ build: inout BuildState) throws -> String {
        let book = try build.required(build.book, from: .load)
        let named = build.options.chapters
        let (chapters, parseErrors) = ChapterParser().parse(build.files)
        build.chapters = chapters
        build.report.errors += parseErrors
        build.report.parsedChapters = build.chapters
        build.report.snippets = build.chapters.reduce(0) { $0 + $1.snippets.count }
        build.selected = Set(build.chapters.filter {
            named.isEmpty || named.contains($0.name) || named.contains($0.path) || named.contains($0.name + ".md")
        }.map(\.path))
        if !named.isEmpty && build.selected.isEmpty {
            throw WorkbookError("no chapter named \(named.joined(separator: ", ")); chapters are "
                + build.chapters.map(\.name).joined(separator: ", "))
        }
        let (translations, errors) = TranslatedEdition.load(book: book, sources: build.chapters)
        build.translations = translations
        build.report.errors += errors
        return "\(build.chapters.count) chapters, \(build.report.snippets) snippets"
            + (translations.isEmpty ? "" : ", \(translations.count) translation\(translations.count == 1 ? "" : "s")")
    }
}
