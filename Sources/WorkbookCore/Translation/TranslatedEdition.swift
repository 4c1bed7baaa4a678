import Foundation

/// A translation's files, paired with the source chapters: `CHAPTERS/<lang>/NN-name.md` translates
/// `CHAPTERS/NN-name.md`; `index.md` is the edition's landing page; any other page there exists only in that
/// edition (a glossary, say) and may hold no snippets, since a translation never computes anything of its own.
public struct TranslatedEdition: Sendable {
    public var translation: BookConfig.Translation
    /// Translated chapters by source chapter name; a source chapter with no entry is not translated yet.
    public var chapters: [String: Chapter]
    public var extras: [Chapter]
    public var landing: String?

    /// Loads every configured translation. Parse errors come back with the editions that did load.
    public static func load(book: Book, sources: [Chapter]) -> (editions: [TranslatedEdition], errors: [WorkbookError]) {
        var editions: [TranslatedEdition] = []
        var errors: [WorkbookError] = []
        let sourceNames = Set(sources.map(\.name))
        for translation in book.config.translations {
            let folder = book.root.appendingPathComponent(translation.chaptersFolder)
            var edition = TranslatedEdition(translation: translation, chapters: [:], extras: [], landing: nil)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") && $0 != "SUMMARY.md" }.sorted()
            for name in names {
                let path = "\(translation.chaptersFolder)/\(name)"
                guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                      let text = String(data: data, encoding: .utf8) else {
                    errors.append(WorkbookError(file: path, "cannot read the file as UTF-8 text"))
                    continue
                }
                if name == "index.md" { edition.landing = text; continue }
                let (chapter, parseErrors) = ChapterParser().parse(path: path, text: text)
                errors += parseErrors
                guard let chapter else { continue }
                if sourceNames.contains(chapter.name) {
                    edition.chapters[chapter.name] = chapter
                } else if let first = chapter.snippets.first {
                    errors.append(WorkbookError(file: path, line: first.fenceStart,
                        "this page has no source chapter (\(book.config.chaptersFolder)/\(name)), so its snippets could never run; "
                        + "a page that exists only in a translation holds prose only"))
                } else {
                    edition.extras.append(chapter)
                }
            }
            editions.append(edition)
        }
        return (editions, errors)
    }
}
