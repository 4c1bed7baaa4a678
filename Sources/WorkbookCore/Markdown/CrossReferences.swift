/// A link from prose to a figure or table a snippet produced: `[Figure 3](#fig-bound-chart)`, `[表 2](#tbl-rates)`.
///
/// Labels come from snippet ids, so they are stable while the numbers move: a snippet's first chart is
/// `fig-ID`, its second `fig-ID-2`; its tables `tbl-ID`, `tbl-ID-2`. Figures and tables are numbered per chapter
/// in order, the same in every edition (the outputs are shared). The link text is the tool's, as an inline value's
/// is: `check` fails when it is not "Figure N" in the page's language, `fix` writes it (write `[](#fig-x)` at
/// first).
public struct CrossReference: Sendable, Equatable {
    public var label: String
    /// The link text as written, and where it starts (1-based line and column).
    public var text: String
    public var line: Int
    public var column: Int
    /// UTF-8 offsets of the link text within its line.
    public var start: Int
    public var end: Int
}

/// What a label names.
public struct ReferenceTarget: Sendable, Equatable {
    public enum Kind: Sendable { case figure, table }
    public var label: String
    public var kind: Kind
    public var number: Int
    /// The snippet that produced it.
    public var snippet: Snippet
}

enum CrossReferenceScanner {
    static let prefixes = ["](#fig-", "](#tbl-"]

    /// Every `[TEXT](#fig-LABEL)` and `[TEXT](#tbl-LABEL)` on the prose lines, but those inside a code span
    /// (between backticks on the line, and inside one of cmark's code spans: code shows the syntax).
    static func references(lines: [String], skipped: Set<Int>, codeSpans: [MarkdownBlocks.CodeSpan]) -> [CrossReference] {
        var found: [CrossReference] = []
        for (offset, line) in lines.enumerated() where !skipped.contains(offset + 1) && line.contains("](#") {
            let bytes = Array(line.utf8)
            var cursor = 0
            while let close = prefixes.compactMap({ InlineValueScanner.find($0, in: bytes, from: cursor) }).min() {
                let labelStart = close + 3
                guard let open = bytes[..<close].lastIndex(of: UInt8(ascii: "[")),
                      !bytes[(open + 1)..<close].contains(UInt8(ascii: "]")) else { cursor = close + 1; continue }
                let labelEnd = bytes[labelStart...].firstIndex { !isLabelByte($0) } ?? bytes.count
                guard labelEnd < bytes.count, bytes[labelEnd] == UInt8(ascii: ")") else { cursor = close + 1; continue }
                let text = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
                let written = String(decoding: bytes[open...labelEnd], as: UTF8.self)
                let ticks = bytes[..<open].filter { $0 == UInt8(ascii: "`") }.count
                if ticks % 2 == 1 && codeSpans.contains(where: { $0.literal.contains(written) }) { cursor = labelEnd; continue }
                found.append(CrossReference(label: String(decoding: bytes[labelStart..<labelEnd], as: UTF8.self), text: text,
                                            line: offset + 1, column: String(decoding: bytes[..<(open + 1)], as: UTF8.self).count + 1,
                                            start: open + 1, end: close))
                cursor = labelEnd
            }
        }
        return found
    }

    static func isLabelByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }
}

extension Chapter {
    /// The figures and tables its snippets produced, numbered in order.
    public func referenceTargets(_ outputs: [SnippetOutput]) -> [ReferenceTarget] {
        var targets: [ReferenceTarget] = []
        var figures = 0, tables = 0
        for (snippet, output) in zip(snippets, outputs) where snippet.showsOutput {
            var figureInSnippet = 0, tableInSnippet = 0
            for segment in output.segments {
                switch segment {
                case .figure:
                    figures += 1
                    figureInSnippet += 1
                    targets.append(ReferenceTarget(label: "fig-" + snippet.id + (figureInSnippet > 1 ? "-\(figureInSnippet)" : ""),
                                                   kind: .figure, number: figures, snippet: snippet))
                case .markdown:
                    tables += 1
                    tableInSnippet += 1
                    targets.append(ReferenceTarget(label: "tbl-" + snippet.id + (tableInSnippet > 1 ? "-\(tableInSnippet)" : ""),
                                                   kind: .table, number: tables, snippet: snippet))
                case .text:
                    break
                }
            }
        }
        return targets
    }

    /// Each reference's text as it should read: "Figure 3" in the page's language; nil for a label no snippet made.
    func referenceTexts(_ outputs: [SnippetOutput], strings: UIStrings) -> [String?] {
        let targets = Dictionary(referenceTargets(outputs).map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })
        return references.map { reference in
            targets[reference.label].map { strings.reference($0.kind, $0.number) }
        }
    }
}

/// `check`'s view of a chapter's cross-references: labels no snippet made, labels two snippets make, and link
/// texts that do not say the target's number.
enum CrossReferenceCheck {
    static func errors(in chapter: Chapter, outputs: [SnippetOutput], strings: UIStrings) -> [WorkbookError] {
        let targets = chapter.referenceTargets(outputs)
        var errors: [WorkbookError] = []
        var seen: [String: ReferenceTarget] = [:]
        for target in targets {
            if let first = seen[target.label] {
                errors.append(WorkbookError(file: chapter.path, line: target.snippet.fenceStart,
                    "label '\(target.label)' is made twice: by snippet '\(first.snippet.id)' (line \(first.snippet.fenceStart)) and by "
                    + "this one; rename one of the two snippets"))
            } else {
                seen[target.label] = target
            }
        }
        for (reference, expected) in zip(chapter.references, chapter.referenceTexts(outputs, strings: strings)) {
            guard let expected else {
                var known: [String] = []
                for target in targets where !known.contains(target.label) { known.append(target.label) }
                errors.append(WorkbookError(file: chapter.path, line: reference.line, column: reference.column,
                    "'#\(reference.label)' names no figure or table of this chapter; "
                    + (known.isEmpty ? "its snippets show none" : "its labels are " + known.joined(separator: ", "))))
                continue
            }
            if reference.text != expected {
                errors.append(WorkbookError(file: chapter.path, line: reference.line, column: reference.column,
                    "the link to '#\(reference.label)' reads '\(reference.text)' but that is \(expected); run `workbook fix` to write it"))
            }
        }
        return errors
    }
}

/// A link from prose to another chapter that says its number: `[chapter 15](15-production-methods.md)`,
/// `[第 15 章](15-production-methods.md#dynamic-yarn)`, `chapters [15](15-production-methods.md), [20](20-x.md)`. The number is the chapter's place in the book, which moves
/// when a chapter is inserted; `check` compares it with that place and `fix` rewrites it (only the digits).
public struct ChapterReference: Sendable, Equatable {
    /// The chapter linked to (`15-production-methods`).
    public var target: String
    /// The number as written, and where its digits are (1-based line and column; UTF-8 offsets in the line).
    public var number: Int
    public var line: Int
    public var column: Int
    public var start: Int
    public var end: Int
}

enum ChapterReferenceScanner {

    static func references(lines: [String], skipped: Set<Int>) -> [ChapterReference] {
        var found: [ChapterReference] = []
        for (offset, line) in lines.enumerated() where !skipped.contains(offset + 1) && line.contains(".md") {
            for match in line.matches(of: /\[([^\]\[]*)\]\(([^)#\s:\/]+)\.md(?:#[^)\s]*)?\)/) {
                let text = match.output.1
                // The link text's number: "chapter 15", "Chapter 15", "chapters 15", "第 15 章", "第15章", or the number
                // alone ("chapters [15](15-x.md), [20](20-y.md)").
                guard let digits = text.firstMatch(of: /^(?:[Cc]hapters? |第 ?)([0-9]+)/)?.output.1 ?? text.wholeMatch(of: /([0-9]+)/)?.output.1,
                      let value = Int(digits) else { continue }
                let start = line.utf8.distance(from: line.startIndex, to: digits.startIndex)
                let end = line.utf8.distance(from: line.startIndex, to: digits.endIndex)
                found.append(ChapterReference(target: String(match.output.2), number: value, line: offset + 1,
                                              column: line.distance(from: line.startIndex, to: digits.startIndex) + 1,
                                              start: start, end: end))
            }
        }
        return found
    }
}

extension Chapter {
    /// Each chapter reference's number as it should read: the target's place among `order` (chapter names in
    /// reading order); nil for a link to a page that is not a chapter.
    func chapterReferenceNumbers(order: [String]) -> [Int?] {
        let places = Dictionary(order.enumerated().map { ($1, $0 + 1) }, uniquingKeysWith: { first, _ in first })
        return chapterReferences.map { places[$0.target] }
    }
}

enum ChapterReferenceCheck {
    static func errors(in chapter: Chapter, order: [String]) -> [WorkbookError] {
        zip(chapter.chapterReferences, chapter.chapterReferenceNumbers(order: order)).compactMap { reference, place in
            guard let place, place != reference.number else { return nil }
            return WorkbookError(file: chapter.path, line: reference.line, column: reference.column,
                "the link to \(reference.target).md says chapter \(reference.number), but that chapter is number \(place) in the book; "
                + "run `workbook fix` to write it")
        }
    }
}
