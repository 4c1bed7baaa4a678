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
                errors.append(WorkbookError(.check, file: chapter.path, line: target.snippet.fenceStart,
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
                errors.append(WorkbookError(.check, file: chapter.path, line: reference.line, column: reference.column,
                    "'#\(reference.label)' names no figure or table of this chapter; "
                    + (known.isEmpty ? "its snippets show none" : "its labels are " + known.joined(separator: ", "))))
                continue
            }
            if reference.text != expected {
                errors.append(WorkbookError(.check, file: chapter.path, line: reference.line, column: reference.column,
                    "the link to '#\(reference.label)' reads '\(reference.text)' but that is \(expected); run `workbook fix` to write it"))
            }
        }
        return errors
    }
}
