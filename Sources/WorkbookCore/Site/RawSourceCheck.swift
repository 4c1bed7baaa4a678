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

    /// The problems of one rendered page body.
    static func problems(inBody html: String, markdownFile: String, source: String?) -> [WorkbookError] {
        let text = visibleText(html)
        var errors: [WorkbookError] = []
        for (pattern, what) in patterns {
            let range = NSRange(text.startIndex..., in: text)
            guard let match = pattern.firstMatch(in: text, range: range), let found = Range(match.range, in: text) else { continue }
            let fragment = text[found].trimmingCharacters(in: .whitespacesAndNewlines)
            errors.append(WorkbookError(.render, file: markdownFile, line: source.flatMap { line(of: fragment, in: $0) },
                "the page shows \(what) as text: “\(fragment.prefix(80))”; pandoc did not read it as Markdown (an unclosed "
                + "marker, or a quirk of the text around it): rewrite that sentence"))
        }
        return errors
    }

    /// The page's text outside code, math, scripts, styles and computed outputs, tags removed, entities decoded.
    static func visibleText(_ html: String) -> String {
        var text = removingElements(html, tag: "div", classPrefix: "output")
        for tag in ["script", "style", "pre", "code", "math", "svg"] { text = removingElements(text, tag: tag, classPrefix: nil) }
        text = text.replacingOccurrences(of: #"<[^>]+>"#, with: " ", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    /// `html` without the elements `<tag …>…</tag>` (nested ones of the same tag balanced), only those whose class
    /// starts with `classPrefix` when one is given.
    static func removingElements(_ html: String, tag: String, classPrefix: String?) -> String {
        let open = "<\(tag)", close = "</\(tag)>"
        var out = ""
        var rest = html[...]
        while let start = rest.range(of: open) {
            let afterName = rest[start.upperBound...].first
            guard afterName == " " || afterName == ">" || afterName == "\n",
                  let tagEnd = rest[start.upperBound...].firstIndex(of: ">") else {
                out += rest[..<start.upperBound]
                rest = rest[start.upperBound...]
                continue
            }
            if let classPrefix, !rest[start.upperBound..<tagEnd].contains("class=\"\(classPrefix)") {
                out += rest[...tagEnd]
                rest = rest[rest.index(after: tagEnd)...]
                continue
            }
            out += rest[..<start.lowerBound]
            // Skip to the matching close, counting nested opens of the same tag.
            var depth = 1
            var cursor = rest.index(after: tagEnd)
            while depth > 0 {
                let nextOpen = rest[cursor...].range(of: open)
                guard let nextClose = rest[cursor...].range(of: close) else { cursor = rest.endIndex; break }
                if let nextOpen, nextOpen.lowerBound < nextClose.lowerBound {
                    depth += 1
                    cursor = nextOpen.upperBound
                } else {
                    depth -= 1
                    cursor = nextClose.upperBound
                }
            }
            out += " "
            rest = rest[cursor...]
        }
        return out + rest
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
