import Foundation

/// After rendering: a page whose reader-visible text still holds Markdown or TeX source — `$r_i = L/\lambda_i$`,
/// `\frac`, `*word*`, `[text](target)` — is an error naming the chapter file and the line the text came from. Such
/// text once reached 18 paragraphs of the Chinese edition unnoticed (a pandoc reader bug after full-width
/// punctuation). Code, math, scripts and computed outputs (`<div class="output">`, which show text as typed) are
/// not prose and are left out.
enum RawSourceCheck {
    static let patterns: [(NSRegularExpression, String)] = [
        (try! NSRegularExpression(pattern: #"\$[^$\n]{0,200}?(\\[A-Za-z]+|[_^]\{?)[^$\n]{0,200}?\$"#), "TeX between dollars"),
        (try! NSRegularExpression(pattern: #"\\(frac|text|mathrm|lambda|theta|sqrt|cdot|left|right)\b"#), "a TeX command"),
        (try! NSRegularExpression(pattern: #"(^|[\s\p{P}])\*[^\s*][^*\n]{0,80}?[^\s*]?\*(?=[\s\p{P}]|$)"#), "Markdown emphasis"),
        (try! NSRegularExpression(pattern: #"\[[^\]\n]{1,200}\]\([^)\s]{1,300}\)"#), "a Markdown link"),
    ]

    /// The problems of one rendered page body. `source` is the page's Markdown file (for the line); `alsoShown` is
    /// Markdown the page shows besides (the landing page lists each chapter's first paragraph).
    static func problems(inBody html: String, markdownFile: String, source: String?, alsoShown: String = "") -> [WorkbookError] {
        let text = visibleText(html)
        var errors: [WorkbookError] = []
        for (pattern, what) in patterns {
            let range = NSRange(text.startIndex..., in: text)
            guard let match = pattern.firstMatch(in: text, range: range), let found = Range(match.range, in: text) else { continue }
            let fragment = text[found].trimmingCharacters(in: .whitespacesAndNewlines)
            // Written escaped on purpose (`\*not emphasis\*`, `\$5`): the author wants the characters.
            var escaped = ""
            for character in fragment { escaped += "*$[]_".contains(character) ? "\\" + String(character) : String(character) }
            if ((source ?? "") + alsoShown).contains(escaped.prefix(12)) { continue }
            errors.append(WorkbookError(file: markdownFile, line: source.flatMap { line(of: fragment, in: $0) },
                "the page shows \(what) as text: “\(fragment.prefix(80))”; pandoc did not read it as Markdown (an unclosed "
                + "marker, or a quirk of the text around it): rewrite that sentence"))
        }
        return errors
    }

    /// The page's text outside code, math, scripts, styles, figures and computed outputs (`<div class="output">`),
    /// tags replaced by spaces, entities decoded. One pass over the bytes: a skipped element's nested elements of
    /// the same name are counted, so its end is its own.
    static func visibleText(_ html: String) -> String {
        let skipped: Set<[UInt8]> = Set(["script", "style", "pre", "code", "math", "svg"].map { Array($0.utf8) })
        let bytes = Array(html.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count / 2)
        var skipping: (name: [UInt8], depth: Int)?
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                if skipping == nil { out.append(bytes[index]) }
                index += 1
                continue
            }
            let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count - 1
            let closing = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/")
            let nameStart = index + (closing ? 2 : 1)
            var nameEnd = nameStart
            while nameEnd < end, bytes[nameEnd] != UInt8(ascii: " "), bytes[nameEnd] != UInt8(ascii: "\n"), bytes[nameEnd] != UInt8(ascii: "/") {
                nameEnd += 1
            }
            let name = Array(bytes[nameStart..<min(nameEnd, end)])
            if var current = skipping {
                if name == current.name { current.depth += closing ? -1 : 1 }
                skipping = current.depth == 0 ? nil : current
            } else if !closing, skipped.contains(name)
                        || (name == Array("div".utf8) && String(decoding: bytes[nameEnd..<end], as: UTF8.self).contains("class=\"output")) {
                skipping = (name, 1)
            } else {
                out.append(UInt8(ascii: " "))
            }
            index = end + 1
        }
        var text = String(decoding: out, as: UTF8.self)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    /// The 1-based line of the chapter source holding the start of `fragment` (its first dozen characters).
    static func line(of fragment: String, in source: String) -> Int? {
        let probe = String(fragment.prefix(12))
        guard !probe.isEmpty else { return nil }
        for (index, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(probe) {
            return index + 1
        }
        return nil
    }
}
