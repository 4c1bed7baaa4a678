/// A computed value inside a sentence: `<!--= fmt(ppl, 2) -->1.94<!--/-->`.
///
/// The source keeps the value itself between the two comments, so the sentence reads with its number on GitHub
/// and in an editor (both hide HTML comments); the Swift expression that computes it sits in the first comment.
/// The chapter program evaluates the expression after the snippets above it; `check` compares the recorded text
/// with the fresh one, `fix` rewrites only the text between the comments.
public struct InlineValue: Sendable, Equatable {
    /// The Swift expression, as written (trimmed).
    public var expression: String
    /// The text between `-->` and `<!--/-->`: what the chapter records.
    public var recorded: String
    /// Where the recorded text starts: 1-based line, and 1-based column in characters (what editors jump to).
    public var line: Int
    public var column: Int
    /// The 1-based column where the expression starts (compiler errors in it point there).
    public var expressionColumn: Int
    /// UTF-8 offsets within its line (the line as `TextLines.split` gives it): where `<!--=` starts, and the
    /// recorded text's range (`<!--/-->` follows at `end`).
    public var open: Int
    public var start: Int
    public var end: Int
    /// The snippet (index into `Chapter.snippets`) after which the expression is evaluated: the last running one
    /// above it.
    public var after: Int
}

/// Finds inline values in a chapter's prose: paragraphs, list items, block quotes, headings, tables, HTML blocks.
/// Code blocks and output regions are never scanned (they show code or hold what the tool writes); a value inside
/// a code span or `$…$` math is an error, since neither is Markdown and the value would never be updated.
enum InlineValueScanner {
    static let opening = "<!--="
    static let closing = "<!--/-->"

    /// - Parameter skipped: 1-based lines that are not prose (code blocks, output regions).
    static func values(lines: [String], skipped: Set<Int>, codeSpans: [MarkdownBlocks.CodeSpan], snippets: [Snippet],
                       fail: (Int, Int?, String) -> Void) -> [InlineValue] {
        for span in codeSpans where span.literal.contains(opening) {
            fail(span.line, nil, "an inline value inside a code span (`…`) is shown as code and never evaluated; move it out "
                + "of the backticks (to show the syntax itself, use a code block)")
        }
        var values: [InlineValue] = []
        for (offset, line) in lines.enumerated() where !skipped.contains(offset + 1) && line.contains(opening) {
            let number = offset + 1
            for found in scan(line) {
                switch found {
                case .failure(let column, let message):
                    fail(number, column, message)
                case .success(let expression, let expressionColumn, let open, let start, let end):
                    let column = String(decoding: Array(line.utf8).prefix(start), as: UTF8.self).count + 1
                    if insideMath(line, before: open) {
                        fail(number, column, "an inline value inside $…$ math is read as TeX and never evaluated; put it outside "
                            + "the dollars")
                        continue
                    }
                    guard let after = snippets.lastIndex(where: { $0.runs && $0.fenceEnd < number }) else {
                        fail(number, column, "an inline value is evaluated after the snippets above it, and no snippet that runs "
                            + "comes before this line; move the value below one, or add a snippet above it")
                        continue
                    }
                    if let (name, snippet) = declaredBelow(expression, at: number, snippets: snippets) {
                        fail(number, column, "`\(name)` is declared by snippet '\(snippet.id)' (line \(snippet.fenceStart)), below this "
                            + "value; a value sees only the snippets above it (Swift would read the name uninitialised, as zero): "
                            + "move the value below that snippet, or the declaration above the value")
                        continue
                    }
                    let recorded = String(decoding: Array(line.utf8)[start..<end], as: UTF8.self)
                    values.append(InlineValue(expression: expression, recorded: recorded, line: number, column: column,
                                              expressionColumn: expressionColumn, open: open, start: start, end: end, after: after))
                }
            }
        }
        return values
    }

    /// A name the expression uses that only a snippet below the value declares at its top level. Swift compiles
    /// such a use in top-level code and reads the global before its declaration ran (zero), so the tool says it.
    static func declaredBelow(_ expression: String, at line: Int, snippets: [Snippet]) -> (String, Snippet)? {
        let above = Set(snippets.filter { $0.fenceEnd < line }.flatMap { topLevelNames($0.source) })
        let used = identifiers(in: expression)
        for snippet in snippets where snippet.fenceStart > line {
            if let name = topLevelNames(snippet.source).first(where: { used.contains($0) && !above.contains($0) }) {
                return (name, snippet)
            }
        }
        return nil
    }

    /// Names a snippet declares at its top level (unindented `let`, `var`, `func`, type declarations; tuple
    /// patterns `let (a, b)` included).
    static func topLevelNames(_ source: String) -> [String] {
        let keywords = ["let ", "var ", "func ", "struct ", "class ", "enum ", "actor ", "typealias ", "protocol "]
        return source.split(separator: "\n").flatMap { line -> [String] in
            guard let keyword = keywords.first(where: { line.hasPrefix($0) }) else { return [] }
            let rest = line.dropFirst(keyword.count)
            if rest.hasPrefix("(") {
                return rest.dropFirst().prefix { $0 != ")" }.split(separator: ",").compactMap {
                    identifiers(in: String($0.split(separator: ":").first ?? "")).first
                }
            }
            return identifiers(in: String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })).prefix(1).map { $0 }
        }
    }

    /// The identifiers of an expression that are not member names (`x` in `x.count`, not `count`) and not text
    /// in a string literal (`"phi-3.5"`), interpolations (`"\\(x)"`) included.
    static func identifiers(in text: String) -> [String] {
        var names: [String] = [], current = "", isMember = false, previous: Character = " "
        // Each level: true inside a string literal's text, false in code (the outermost, or an interpolation).
        var levels = [false], depth: [Int] = [0]
        var escaped = false
        for character in text + " " {
            if levels.last! {
                if escaped { escaped = false; if character == "(" { levels.append(false); depth.append(0) }; continue }
                if character == "\\" { escaped = true } else if character == "\"" { levels.removeLast(); depth.removeLast() }
                previous = character
                continue
            }
            if character.isLetter || character == "_" || (!current.isEmpty && character.isNumber) {
                if current.isEmpty { isMember = previous == "." }
                current.append(character)
                previous = character
                continue
            }
            if !current.isEmpty {
                if !isMember { names.append(current) }
                current = ""
            }
            switch character {
            case "\"": levels.append(true); depth.append(0)
            case "(": depth[depth.count - 1] += 1
            case ")" where levels.count > 1 && depth.last! == 0: levels.removeLast(); depth.removeLast()    // ends an interpolation
            case ")": depth[depth.count - 1] -= 1
            default: break
            }
            previous = character
        }
        return names
    }

    enum Found {
        /// The expression and the recorded text's UTF-8 offsets in the line.
        case success(expression: String, expressionColumn: Int, open: Int, start: Int, end: Int)
        case failure(column: Int, message: String)
    }

    /// Every `<!--= EXPR -->TEXT<!--/-->` of one line, in order.
    static func scan(_ line: String) -> [Found] {
        let bytes = Array(line.utf8)
        var found: [Found] = []
        var cursor = 0
        func column(_ offset: Int) -> Int { String(decoding: bytes[..<offset], as: UTF8.self).count + 1 }
        while let open = find(opening, in: bytes, from: cursor) {
            guard let close = find("-->", in: bytes, from: open + opening.utf8.count) else {
                found.append(.failure(column: column(open), message: "an inline value's opening comment is not closed on its line; "
                    + "write <!--= EXPRESSION -->VALUE<!--/--> on one line"))
                break
            }
            let written = bytes[(open + opening.utf8.count)..<close]
            let expression = String(decoding: written, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            let leading = written.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.count
            let start = close + 3
            guard let end = find(closing, in: bytes, from: start) else {
                found.append(.failure(column: column(open), message: "an inline value has no <!--/--> after it on its line; "
                    + "write <!--= EXPRESSION -->VALUE<!--/--> (the value may be empty until `workbook fix` fills it in)"))
                break
            }
            if let nested = find("<!--", in: bytes, from: start), nested < end {
                found.append(.failure(column: column(nested), message: "an inline value's text holds another comment; "
                    + "write <!--= EXPRESSION -->VALUE<!--/--> with plain text as the value"))
                cursor = end + closing.utf8.count
                continue
            }
            if expression.isEmpty {
                found.append(.failure(column: column(open), message: "an inline value without an expression; write the Swift "
                    + "expression after '<!--=', e.g. <!--= fmt(x, 2) -->"))
            } else if expression.contains("--") {
                found.append(.failure(column: column(open), message: "an inline value's expression holds '--', which ends an HTML "
                    + "comment early on GitHub; write the expression without it"))
            } else {
                found.append(.success(expression: expression, expressionColumn: column(open + opening.utf8.count + leading),
                                      open: open, start: start, end: end))
            }
            cursor = end + closing.utf8.count
        }
        return found
    }

    /// The line with every inline value's text removed (markers and expressions kept): what a translation's
    /// stale-section hash reads, so a value that `fix` updated never makes a translated section stale.
    static func withoutValues(_ line: String) -> String {
        var bytes = Array(line.utf8)
        for case .success(_, _, _, let start, let end) in scan(line).reversed() { bytes.removeSubrange(start..<end) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether a computed text can stand between the comments: one line, and no comment of its own.
    static func canRecord(_ text: String) -> Bool {
        !text.contains(where: \.isNewline) && !text.contains("<!--") && !text.contains("-->")
    }

    static func find(_ needle: String, in bytes: [UInt8], from: Int) -> Int? {
        let pattern = Array(needle.utf8)
        guard from <= bytes.count - pattern.count else { return nil }
        for index in from...(bytes.count - pattern.count) where bytes[index] == pattern[0] {
            if bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
        }
        return nil
    }

    /// An odd number of unescaped `$` in the prose before the offset: the value sits inside inline math. Earlier
    /// values on the line do not count (a `$0` in an expression, a "$5" as a value). A literal dollar before a
    /// value is written `\$`, as pandoc's math reader wants anyway.
    static func insideMath(_ line: String, before offset: Int) -> Bool {
        var bytes = Array(line.utf8.prefix(offset))
        for case .success(_, _, let open, _, let end) in scan(String(decoding: bytes, as: UTF8.self)).reversed() {
            bytes.removeSubrange(open..<min(bytes.count, end + closing.utf8.count))
        }
        var count = 0, escaped = false
        for byte in bytes {
            if byte == UInt8(ascii: "$") && !escaped { count += 1 }
            escaped = byte == UInt8(ascii: "\\") && !escaped
        }
        return count % 2 == 1
    }
}

extension Chapter {
    /// Each inline value's fresh text, in chapter order: the n-th value evaluated after its snippet is that
    /// snippet's n-th `values` entry. nil where the run has none (it stopped early, or the outputs are another
    /// chapter's, in a translation whose values do not line up with its source's).
    public func freshValues(_ outputs: [SnippetOutput]) -> [String?] {
        var used: [Int: Int] = [:]
        return values.map { value in
            let order = used[value.after, default: 0]
            used[value.after] = order + 1
            guard value.after < outputs.count, order < outputs[value.after].values.count else { return nil }
            return outputs[value.after].values[order]
        }
    }

    /// How many values each snippet evaluates after it (what a trusted run must have recorded).
    var valueCounts: [Int] {
        var counts = [Int](repeating: 0, count: snippets.count)
        for value in values { counts[value.after] += 1 }
        return counts
    }
}
