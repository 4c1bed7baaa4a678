import Foundation

/// For the `parse` stage (`ParseStage`): chapter text → `Chapter`, via libcmark-gfm for block structure and line numbers.
///
/// The format (README, "Chapter format"):
/// - a snippet is a fenced block whose info string is `swift`, optionally followed by `{#id option …}`;
///   options are `hide`, `norun`, `noout`;
/// - its output region follows it: `<!-- output: ID -->`, the output, `<!-- end output -->`.
/// Every problem is collected, so an author sees all of them at once.
public struct ChapterParser {
    public init() {}

    /// Every chapter file of a book, in order: the chapters that parsed, and every file's errors.
    func parse(_ files: [BookLoader.ChapterFile]) -> (chapters: [Chapter], errors: [WorkbookError]) {
        var chapters: [Chapter] = [], errors: [WorkbookError] = []
        for file in files {
            let (chapter, fileErrors) = parse(path: file.path, text: file.text)
            errors += fileErrors
            if let chapter { chapters.append(chapter) }
        }
        return (chapters, errors)
    }

    public func parse(path: String, text: String) -> (Chapter?, [WorkbookError]) {
        // cmark ends a line at a bare "\r" (old Mac line ends), the splicing of `fix` only at "\n": the two would
        // disagree on every line number and snippets would be lost silently.
        if let line = Self.lineWithBareCarriageReturn(text) {
            return (nil, [WorkbookError(file: path, line: line, "this line holds a carriage return (\\r) that is not part of a "
                + "CRLF line end; convert the file to LF (or CRLF) line ends")])
        }
        let blocks = MarkdownBlocks.parse(text)
        var errors: [WorkbookError] = []
        func fail(_ line: Int, _ message: String) { errors.append(WorkbookError(file: path, line: line, message)) }

        let lines = TextLines.split(text)

        // Snippets.
        var snippets: [Snippet] = []
        var seen: [String: Int] = [:]
        for block in blocks.codeBlocks where block.isFenced {
            let info = block.info.trimmingCharacters(in: .whitespaces)
            guard info == "swift" || info.hasPrefix("swift ") || info.hasPrefix("swift{") else {
                if let message = Self.almostSwift(info) { fail(block.startLine, message) }
                continue
            }
            // Inside a block quote or a list item, the fence lines carry the container's prefix ("> ", "  ").
            let prefix = ContainerIndent.prefix(ofFenceLine: lines[block.startLine - 1])
            let closed = block.endLine <= lines.count && block.endLine > block.startLine
                && isClosingFence(ContainerIndent.strip(lines[block.endLine - 1], prefix: prefix),
                                  opening: String(lines[block.startLine - 1].dropFirst(prefix.count)))
            if !closed {
                fail(block.startLine, "this ```swift fence is never closed; add a closing ``` line after the code")
                continue
            }
            switch parseInfo(String(info.dropFirst("swift".count))) {
            case .failure(let error):
                fail(block.startLine, error.message)
            case .success(let (id, options)):
                let index = snippets.count + 1
                if let id, let first = seen[id] {
                    fail(block.startLine, "duplicate snippet id '\(id)' (first used on line \(first)); ids must be unique in a chapter")
                    continue
                }
                if let id { seen[id] = block.startLine }
                if options.contains(.norun) && options.contains(.noout) {
                    fail(block.startLine, "'norun' and 'noout' together: a snippet that never runs has no output; keep 'norun'")
                }
                snippets.append(Snippet(id: id ?? "#\(index)", hasExplicitID: id != nil, options: options,
                                        source: block.literal, fenceStart: block.startLine, fenceEnd: block.endLine))
            }
        }

        // A swift fence swallowed by an HTML block (`<div>` with no blank line after it) is HTML, never a snippet.
        for html in blocks.htmlBlocks {
            for (offset, line) in html.literal.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.drop { $0 == " " || $0 == "\t" || $0 == ">" }
                let fence = code.prefix { $0 == "`" || $0 == "~" }
                guard fence.count >= 3, Self.almostSwift(String(code.dropFirst(fence.count))) != nil
                        || code.dropFirst(fence.count).trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("swift") else { continue }
                fail(html.startLine + offset, "this swift fence is inside an HTML block (it follows an HTML tag with no blank line "
                    + "between), so it is shown as HTML and never runs; put a blank line after the tag, or move the snippet out")
            }
        }

        // Output regions, from the HTML comment blocks.
        var regions: [OutputRegion] = []
        var open: (id: String, line: Int)?
        for html in blocks.htmlBlocks {
            let literal = html.literal.trimmingCharacters(in: .whitespacesAndNewlines)
            if let id = Self.startMarkerID(literal) {
                if let open {
                    fail(open.line, "output region '\(open.id)' is not closed before the next one starts on line \(html.startLine); add <!-- end output -->")
                }
                guard !id.isEmpty, Self.isValidID(id) else {
                    fail(html.startLine, "malformed output marker; expected <!-- output: ID --> with a snippet id")
                    open = nil
                    continue
                }
                guard html.startLine == html.endLine || literal.split(separator: "\n").count == 1 else {
                    fail(html.startLine, "an output marker must be alone on its line")
                    continue
                }
                open = (id, html.startLine)
            } else if literal == "<!-- end output -->" {
                guard let current = open else {
                    fail(html.startLine, "<!-- end output --> without an opening <!-- output: ID -->")
                    continue
                }
                guard html.startLine > current.line else {
                    fail(html.startLine, "<!-- end output --> must be on a line of its own after <!-- output: \(current.id) -->")
                    open = nil
                    continue
                }
                regions.append(OutputRegion(id: current.id, startMarker: current.line, endMarker: html.startLine,
                                            content: Array(lines[current.line..<(html.startLine - 1)])))
                open = nil
            } else if literal.hasPrefix("<!-- output") || literal.hasPrefix("<!-- end output") {
                fail(html.startLine, "malformed output marker '\(literal.prefix(60))'; expected <!-- output: ID --> or <!-- end output -->")
            }
        }
        if let open {
            fail(open.line, "output region '\(open.id)' is never closed; add <!-- end output --> after its output")
        }

        // Every region belongs to the snippet right before it.
        for region in regions {
            guard let snippet = snippets.first(where: { $0.id == region.id }) else {
                fail(region.startMarker, "output region '\(region.id)' has no snippet with that id")
                continue
            }
            guard region.startMarker > snippet.fenceEnd else {
                fail(region.startMarker, "output region '\(region.id)' comes before its snippet (line \(snippet.fenceStart)); it must follow it")
                continue
            }
            let between = lines[snippet.fenceEnd..<(region.startMarker - 1)]
            if !between.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
                fail(region.startMarker, "output region '\(region.id)' must follow its snippet (line \(snippet.fenceStart)) with nothing but blank lines between")
            }
            if regions.filter({ $0.id == region.id }).count > 1, regions.first(where: { $0.id == region.id })!.startMarker != region.startMarker {
                fail(region.startMarker, "second output region for '\(region.id)'")
            }
        }

        // Inline values and cross-references, in the prose only: code blocks show code, output regions hold what the tool writes.
        var notProse = Set<Int>()
        for block in blocks.codeBlocks { notProse.formUnion(block.startLine...max(block.startLine, block.endLine)) }
        for region in regions { notProse.formUnion(region.startMarker...region.endMarker) }
        let references = CrossReferenceScanner.references(lines: lines, skipped: notProse, codeSpans: blocks.codeSpans)
        let values = InlineValueScanner.values(lines: lines, skipped: notProse, codeSpans: blocks.codeSpans, snippets: snippets) { line, column, message in
            errors.append(WorkbookError(file: path, line: line, column: column, message))
        }

        guard errors.isEmpty else { return (nil, errors) }
        // Titles appear in the sidebar and <title>, where TeX is not rendered: "Angles in $d$ dimensions" → "Angles in d dimensions".
        let title = (blocks.headings.first { $0.level == 1 }?.text ?? Self.name(of: path)).replacingOccurrences(of: "$", with: "")
        return (Chapter(path: path, name: Self.name(of: path), text: text, lines: lines, title: title,
                        summary: Self.summary(blocks.paragraphs.first.map { Array(lines[($0.lowerBound - 1)..<min($0.upperBound, lines.count)]) } ?? []),
                        snippets: snippets, regions: regions, values: values, headings: blocks.headings,
                        chapterReferences: ChapterReferenceScanner.references(lines: lines, skipped: notProse), references: references), [])
    }

    /// The first paragraph's Markdown on one line (math and links kept: pandoc renders it on the landing page).
    /// A paragraph that ends in a colon introduces what follows it; its summary stops at its last full sentence.
    static func summary(_ paragraph: [String]) -> String {
        let text = paragraph.map { TextLines.content($0).trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        guard text.hasSuffix(":") || text.hasSuffix("：") else { return text }
        // Up to the last sentence's end before the colon: ". ", "? ", "! ", "。", "？", "！" (a scan from the end;
        // Foundation's backward searches cost more than the rest of the chapter's parse).
        let body = text.dropLast()
        var index = body.endIndex
        while index > body.startIndex {
            index = body.index(before: index)
            let next = body.index(after: index)
            if "。？！".contains(body[index]) || (".?!".contains(body[index]) && next < body.endIndex && body[next] == " ") {
                return String(body[...index]).trimmingCharacters(in: .whitespaces)
            }
        }
        return String(body) + "…"
    }

    /// The 1-based line of the first "\r" not followed by "\n", if any.
    static func lineWithBareCarriageReturn(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        var line = 1
        for (index, byte) in bytes.enumerated() {
            if byte == 10 { line += 1 }
            if byte == 13 && (index + 1 == bytes.count || bytes[index + 1] != 10) { return line }
        }
        return nil
    }

    static func name(of path: String) -> String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".md") ? String(file.dropLast(3)) : file
    }

    /// `<!-- output: ID -->` → ID; nil for any other comment.
    static func startMarkerID(_ literal: String) -> String? {
        guard literal.hasPrefix("<!-- output:"), literal.hasSuffix("-->") else { return nil }
        return literal.dropFirst("<!-- output:".count).dropLast(3).trimmingCharacters(in: .whitespaces)
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// CommonMark's closing fence: at most three spaces of indent (a tab counts as four), then at least as many of
    /// the opening fence's characters, then only spaces. cmark ends a block at the last line of the document when
    /// no such line exists, so its end line alone does not say whether the fence was closed.
    func isClosingFence(_ line: String, opening: String) -> Bool {
        let trimmedOpening = opening.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let fenceChar = trimmedOpening.first else { return false }
        let fenceLength = trimmedOpening.prefix { $0 == fenceChar }.count
        let content = TextLines.content(line)
        let indent = content.prefix { $0 == " " || $0 == "\t" }
        guard !indent.contains("\t"), indent.count <= 3 else { return false }
        let rest = content.dropFirst(indent.count)
        let run = rest.prefix { $0 == fenceChar }
        return run.count >= fenceLength && rest.dropFirst(run.count).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// A fence meant to be a snippet that the format would silently show as code instead: `Swift`, `SWIFT {#x}`,
    /// pandoc's `{.swift #x}`. The message says what to write; nil for any other language.
    static func almostSwift(_ info: String) -> String? {
        let trimmed = info.trimmingCharacters(in: .whitespaces)
        let language = trimmed.prefix { $0 != " " && $0 != "{" }
        if language.lowercased() == "swift" && language != "swift" {
            return "'\(language)' is not a snippet fence (the word is lowercase): write ```swift so it runs, or ```text to only show code"
        }
        if language.isEmpty, trimmed.hasPrefix("{"), trimmed.split(whereSeparator: { $0 == " " || $0 == "{" || $0 == "}" }).contains(".swift") {
            return "'\(trimmed)' is not a snippet fence: write ```swift {#id …} so it runs, or ```text to only show code"
        }
        return nil
    }

    /// Parses what follows `swift` in the info string: nothing, or `{#id option …}`.
    func parseInfo(_ rest: String) -> Result<(String?, Set<SnippetOption>), InfoError> {
        let trimmed = rest.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .success((nil, [])) }
        guard trimmed.hasPrefix("{") else {
            return .failure(InfoError("malformed info string 'swift \(trimmed)'; expected 'swift' or 'swift {#id option …}'"))
        }
        if let close = trimmed.firstIndex(of: "}"), trimmed[trimmed.index(after: close)...].contains(where: { $0 != " " }) {
            return .failure(InfoError("malformed info string 'swift \(trimmed)': text after the closing brace "
                + "('\(trimmed[trimmed.index(after: close)...].trimmingCharacters(in: .whitespaces))'); put options inside the braces"))
        }
        guard trimmed.hasSuffix("}"), trimmed.filter({ $0 == "{" }).count == 1, trimmed.filter({ $0 == "}" }).count == 1 else {
            return .failure(InfoError("malformed info string 'swift \(trimmed)': the braces do not close; expected 'swift {#id option …}'"))
        }
        var id: String?
        var options: Set<SnippetOption> = []
        for token in trimmed.dropFirst().dropLast().split(separator: " ", omittingEmptySubsequences: true) {
            if token.hasPrefix("#") {
                let candidate = String(token.dropFirst())
                guard Self.isValidID(candidate) else {
                    return .failure(InfoError("invalid snippet id '\(token)'; ids use letters, digits, '-', '_' and '.'"))
                }
                guard id == nil else { return .failure(InfoError("two ids in one info string ('#\(id!)' and '\(token)')")) }
                id = candidate
            } else if let option = SnippetOption(rawValue: String(token)) {
                options.insert(option)
            } else {
                let known = SnippetOption.allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(InfoError("unknown snippet option '\(token)'; known options: \(known)"))
            }
        }
        return .success((id, options))
    }

    public struct InfoError: Error { let message: String; init(_ m: String) { message = m } }
}
