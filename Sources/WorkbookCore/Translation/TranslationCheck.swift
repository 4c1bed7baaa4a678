/// A translated chapter never owns its snippets: it repeats the source's snippets and output regions so it reads
/// whole on GitHub, and this check holds them identical to the source's (`workbook fix` copies them over). Its
/// prose is the translator's; `staleness` says which sections were translated from older source text.
public enum TranslationCheck {
    /// One snippet block as written: its fence through the end of its output region, if it has one.
    static func block(of snippet: Snippet, in chapter: Chapter, lines: [String]) -> ArraySlice<String> {
        let end = chapter.region(for: snippet).map { max($0.endMarker, snippet.fenceEnd) } ?? snippet.fenceEnd
        return lines[(snippet.fenceStart - 1)..<end]
    }

    /// Errors at the translation's lines where its snippets or recorded outputs differ from the source's.
    public static func errors(source: Chapter, translation: Chapter) -> [WorkbookError] {
        guard source.snippets.count == translation.snippets.count else {
            return [structureError(source: source, translation: translation)]
        }
        let sourceLines = source.lines.map(TextLines.content)
        let translatedLines = translation.lines.map(TextLines.content)
        var errors: [WorkbookError] = []
        for (original, copy) in zip(source.snippets, translation.snippets) {
            guard block(of: original, in: source, lines: sourceLines) != block(of: copy, in: translation, lines: translatedLines) else { continue }
            errors.append(WorkbookError(file: translation.path, line: copy.fenceStart,
                "snippet '\(copy.id)' or its output differs from the source's (\(source.path):\(original.fenceStart)); "
                + "a translation repeats the source's snippets unchanged: run `workbook fix` to copy them"))
        }
        return errors + valueErrors(source: source, translation: translation)
    }

    /// A translation repeats the source's inline values, each by its expression, wherever its own sentences put
    /// them (a language may order two numbers differently); their texts are the source's, which `workbook fix`
    /// copies. Every source expression appears in the translation, and no other.
    static func valueErrors(source: Chapter, translation: Chapter) -> [WorkbookError] {
        var errors: [WorkbookError] = []
        for (copy, original) in zip(translation.values, sourceValues(source: source, translation: translation)) {
            guard let original else {
                errors.append(WorkbookError(file: translation.path, line: copy.line, column: copy.column,
                    "inline value `\(copy.expression)` is not one of the source's (\(source.path)); a translation repeats the "
                    + "source's values with the same expressions"))
                continue
            }
            guard original.recorded != copy.recorded else { continue }
            errors.append(WorkbookError(file: translation.path, line: copy.line, column: copy.column,
                "inline value `\(copy.expression)` reads '\(copy.recorded)' where the source (\(source.path):\(original.line)) "
                + "records '\(original.recorded)'; run `workbook fix` to copy it"))
        }
        let repeated = Set(translation.values.map(\.expression))
        for original in source.values where !repeated.contains(original.expression) {
            errors.append(WorkbookError(file: translation.path, line: translation.values.last?.line ?? 1,
                "lacks the source's inline value `\(original.expression)` (\(source.path):\(original.line)); a translation "
                + "repeats each of the source's values in its own sentences"))
        }
        return errors
    }

    /// For each of the translation's values, the source's value it repeats: the n-th use of an expression in the
    /// translation is the source's n-th use of it (or its last, when the translation uses it more often).
    static func sourceValues(source: Chapter, translation: Chapter) -> [InlineValue?] {
        let uses = Dictionary(grouping: source.values, by: \.expression)
        var seen: [String: Int] = [:]
        return translation.values.map { copy in
            guard let candidates = uses[copy.expression] else { return nil }
            let n = seen[copy.expression, default: 0]
            seen[copy.expression] = n + 1
            return candidates[min(n, candidates.count - 1)]
        }
    }

    static func structureError(source: Chapter, translation: Chapter) -> WorkbookError {
        let missing = source.snippets.map(\.id).filter { id in !translation.snippets.contains { $0.id == id } }
        let extra = translation.snippets.filter { copy in !source.snippets.contains { $0.id == copy.id } }
        var advice: [String] = []
        if !missing.isEmpty {
            advice.append("copy \(missing.count == 1 ? "the missing snippet" : "each missing snippet") (\(missing.joined(separator: ", "))) "
                + "with its output region from the source to the matching place")
        }
        if !extra.isEmpty {
            advice.append("remove \(extra.map { "'\($0.id)' (line \($0.fenceStart))" }.joined(separator: ", ")), which the source "
                + "does not have (a translation carries the source's snippets only; new code goes into the source)")
        }
        if advice.isEmpty { advice.append("make its snippets the source's, in the same order") }
        return WorkbookError(file: translation.path, line: extra.first?.fenceStart ?? 1,
            "has \(translation.snippets.count) snippets where its source \(source.path) has \(source.snippets.count); "
            + advice.joined(separator: ", and ") + "; then run `workbook fix`")
    }

    /// How much of a translated chapter matches its source's current prose.
    public struct Status: Sendable, Equatable {
        public var translationPath: String
        public var sourcePath: String
        public var sections = 0
        public var current = 0
        /// Sections translated from older source text, and sections never marked as translated.
        public var stale: [(translated: ProseSection, source: ProseSection)] = []
        public var unmarked: [ProseSection] = []
        /// Set when the translation's sections do not line up with the source's.
        public var mismatch: String?

        public static func == (a: Status, b: Status) -> Bool {
            a.translationPath == b.translationPath && a.current == b.current && a.sections == b.sections
                && a.stale.map(\.translated.line) == b.stale.map(\.translated.line) && a.unmarked == b.unmarked && a.mismatch == b.mismatch
        }

        /// Warnings for the build output, at the translation's lines.
        public var warnings: [WorkbookError] {
            if let mismatch { return [WorkbookError(file: translationPath, line: 1, severity: .warning, mismatch)] }
            return stale.map { pair in
                WorkbookError(file: translationPath, line: pair.translated.line, severity: .warning,
                    "section '\(pair.translated.heading)' is stale: its source (\(sourcePath):\(pair.source.line)) changed since it was "
                    + "translated; update the translation, then run `workbook translations --accept \(translationPath)`")
            } + unmarked.map { section in
                WorkbookError(file: translationPath, line: section.line, severity: .warning,
                    "section '\(section.heading)' has no translated-from mark; when it is translated, run "
                    + "`workbook translations --accept \(translationPath)`")
            }
        }
    }

    public static func status(source: Chapter, translation: Chapter) -> Status {
        let sourceSections = ProseSection.sections(of: source)
        let translatedSections = ProseSection.sections(of: translation)
        var status = Status(translationPath: translation.path, sourcePath: source.path, sections: sourceSections.count)
        guard sourceSections.count == translatedSections.count else {
            status.mismatch = "has \(translatedSections.count) sections (# and ## headings) where its source \(source.path) has "
                + "\(sourceSections.count); a translation keeps the source's sections, so every section counts as stale"
            return status
        }
        for (original, copy) in zip(sourceSections, translatedSections) {
            switch copy.translatedFrom {
            // A mark written before figure references' texts left the hash still holds (until `fix` rewrites it).
            case original.proseHash?, original.earlierProseHash?: status.current += 1
            case nil: status.unmarked.append(copy)
            default: status.stale.append((copy, original))
            }
        }
        return status
    }
}

/// `workbook fix` and `workbook translations --accept` on a translated chapter.
public enum TranslationFixer {
    /// The translation with every snippet block (fence through output region) replaced by the source's, each of its
    /// inline values given the source's text, each cross-reference the number its target has (in the translation's
    /// words), and each earlier mark renewed (`renewEarlierMarks`; `before` is the source before this fix).
    public static func fixedText(source: Chapter, translation: Chapter, outputs: [SnippetOutput]? = nil,
                                 strings: UIStrings = .english, order: [String] = [], before: Chapter? = nil) throws -> String {
        guard source.snippets.count == translation.snippets.count else {
            throw TranslationCheck.structureError(source: source, translation: translation)
        }
        var edits = ChapterEdits()
        renewEarlierMarks(source: source, before: before ?? source, translation: translation, to: &edits)
        OutputFixer.addValues(valueTexts(source: source, translation: translation), of: translation, to: &edits)
        if let outputs { OutputFixer.addReferences(translation.referenceTexts(outputs, strings: strings), of: translation, to: &edits) }
        OutputFixer.addChapterNumbers(of: translation, order: order, to: &edits)
        let sourceLines = source.lines.map(TextLines.content)
        for (original, copy) in zip(source.snippets, translation.snippets) {
            let end = translation.region(for: copy).map { max($0.endMarker, copy.fenceEnd) } ?? copy.fenceEnd
            edits.replace(lines: copy.fenceStart...end, with: Array(TranslationCheck.block(of: original, in: source, lines: sourceLines)))
        }
        return edits.applied(to: translation.text, crlf: translation.usesCRLF)
    }

    /// A mark that holds its section's earlier hash (`ProseSection.earlierProseHash`) says what one with today's
    /// hash says; rewritten, it stays true when the source's figures are renumbered later — and when this very
    /// fix renumbers them, which is why the earlier hash is also taken from the source as it was `before` the fix.
    /// Only a section whose prose the fix left as it was is renewed.
    static func renewEarlierMarks(source: Chapter, before: Chapter, translation: Chapter, to edits: inout ChapterEdits) {
        let now = ProseSection.sections(of: source), then = ProseSection.sections(of: before)
        let translated = ProseSection.sections(of: translation)
        guard now.count == translated.count, then.count == translated.count else { return }
        for ((section, earlier), copy) in zip(zip(now, then), translated) {
            guard let mark = copy.translatedFrom, let line = copy.markerLine, mark != section.proseHash,
                  earlier.proseHash == section.proseHash, mark == earlier.earlierProseHash || mark == section.earlierProseHash else { continue }
            edits.replace(lines: line...line, with: [ProseSection.marker(section.proseHash)])
        }
    }

    /// The source's recorded text for each of the translation's values (nil for an expression the source does not
    /// have: `check` reports it).
    static func valueTexts(source: Chapter, translation: Chapter) -> [String?] {
        TranslationCheck.sourceValues(source: source, translation: translation).map { $0?.recorded }
    }

    /// The translation with each section marked as translated from the source's current prose: the translator's
    /// statement that the translation is up to date.
    public static func acceptedText(source: Chapter, translation: Chapter) throws -> String {
        let sourceSections = ProseSection.sections(of: source)
        let translatedSections = ProseSection.sections(of: translation)
        guard sourceSections.count == translatedSections.count else {
            throw WorkbookError(file: translation.path, line: 1, TranslationCheck.status(source: source, translation: translation).mismatch ?? "sections differ")
        }
        var edits = ChapterEdits()
        for (original, copy) in zip(sourceSections, translatedSections) {
            let marker = ProseSection.marker(original.proseHash)
            if let line = copy.markerLine {
                edits.replace(lines: line...line, with: [marker])
            } else {
                edits.insert([marker], before: copy.heading.isEmpty ? 1 : copy.line + 1)    // right after the heading line
            }
        }
        return edits.applied(to: translation.text, crlf: translation.usesCRLF)
    }
}
