import Foundation

/// `workbook translations`: per language and chapter, how many sections are translated from the source's current
/// text, how many are stale (file:line of each), and which chapters have no translation yet. With `accept`, marks
/// the named translation files' sections as translated from the current source (after a translator updated them).
public enum TranslationReport {
    public struct Result: Sendable {
        public var text: String
        public var accepted: [String] = []
        public var errors: [WorkbookError] = []
    }

    public static func run(root: URL, accept: [String] = []) -> Result {
        // This command runs its own steps (load, parse, fix for `--accept`, check) and says which a problem came from.
        var result = Result(text: "")
        let book: Book
        let files: [BookLoader.ChapterFile]
        do {
            (book, files) = try WorkbookError.Stage.load.run {
                let book = try Book.open(root: root)
                return (book, try book.loader.load())
            }
        } catch {
            result.errors += WorkbookError.diagnostics(in: error)
            return result
        }
        let parsed = ChapterParser().parse(files)
        let sources = parsed.chapters
        result.errors += parsed.errors.during(.parse)
        guard !book.config.translations.isEmpty else {
            result.text = "this book has no translations; declare one in book.toml, e.g. [translations.zh-Hans]"
            return result
        }
        var (editions, errors) = TranslatedEdition.load(book: book, sources: sources)
        result.errors += errors.during(.parse)

        // Accept first, so the report below shows the marks just written.
        for path in accept {
            let normalized = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
            guard let (editionIndex, source, translation) = find(normalized, editions: editions, sources: sources) else {
                result.errors.append(WorkbookError(file: path, "is not a translated chapter of this book; name a file such as "
                    + "\(book.config.translations[0].chaptersFolder)/\(sources.first?.name ?? "01-x").md").during(.fix))
                continue
            }
            do {
                let text = try TranslationFixer.acceptedText(source: source, translation: translation)
                if text != translation.text {
                    try ChapterWriter.write(text, replacing: translation.text, at: root.appendingPathComponent(translation.path), path: translation.path)
                }
                let (reparsed, _) = ChapterParser().parse(path: translation.path, text: text)
                if let reparsed { editions[editionIndex].chapters[source.name] = reparsed }
                result.accepted.append(translation.path)
            } catch {
                result.errors += WorkbookError.diagnostics(in: error) {
                    WorkbookError(file: translation.path, "its sections were not marked as translated", underlying: $0)
                }.during(.fix)
            }
        }

        var lines: [String] = []
        for edition in editions {
            var total = 0, current = 0, stale = 0, missing = 0
            lines.append("\(edition.translation.language) (\(edition.translation.chaptersFolder)):")
            for source in sources {
                let sections = ProseSection.sections(of: source).count
                total += sections
                guard let translation = edition.chapters[source.name] else {
                    missing += sections
                    lines.append("  \(source.name): not translated (\(sections) sections); readers see the source with a note")
                    continue
                }
                let status = TranslationCheck.status(source: source, translation: translation)
                current += status.current
                stale += status.sections - status.current
                let state = status.mismatch != nil ? "sections do not match the source"
                    : status.current == status.sections ? "up to date"
                    : "\(status.stale.count) stale, \(status.unmarked.count) unmarked"
                lines.append("  \(source.name): \(status.current)/\(status.sections) sections current — \(state)")
                lines += status.warnings.during(.check).map { "    \($0.description)" }
            }
            let percent = total == 0 ? 100 : Int((Double(current) / Double(total) * 100).rounded(.down))
            lines.append("  total: \(current) of \(total) sections current (\(percent) %), \(stale) stale or unmarked, "
                + "\(missing) in chapters not translated; \(edition.extras.count) page(s) only in this edition")
        }
        result.text = lines.joined(separator: "\n")
        return result
    }

    static func find(_ path: String, editions: [TranslatedEdition], sources: [Chapter]) -> (Int, Chapter, Chapter)? {
        for (index, edition) in editions.enumerated() {
            for source in sources {
                if let translation = edition.chapters[source.name], translation.path == path || translation.name == path {
                    return (index, source, translation)
                }
            }
        }
        return nil
    }
}
