/// The exact lines the tool writes between `<!-- output: ID -->` and `<!-- end output -->` for an output:
/// text and charts in ```text fences, Markdown (tables) verbatim followed by a blank line, segments separated by a
/// blank line.
/// `check` compares these lines with the chapter; `fix` writes them.
public enum RegionRenderer {
    public static func lines(for output: SnippetOutput) -> [String] {
        var blocks: [[String]] = []
        for segment in output.segments {
            switch segment {
            case .text(let text), .figure(_, ascii: let text):
                let body = TextLines.split(text)
                let fence = fence(for: body)
                blocks.append([fence + "text"] + body + [fence])
            case .markdown(let markdown):
                blocks.append(TextLines.split(markdown) + [""])
            }
        }
        var lines: [String] = []
        for (i, block) in blocks.enumerated() {
            if i > 0 && lines.last != "" { lines.append("") }
            lines += block
        }
        return lines
    }

    /// A backtick fence longer than any run of backticks at the start of a body line.
    static func fence(for body: [String]) -> String {
        let longest = body.map { $0.trimmingLeadingSpaces.prefix { $0 == "`" }.count }.max() ?? 0
        return String(repeating: "`", count: max(3, longest + 1))
    }
}

extension String {
    var trimmingLeadingSpaces: Substring { drop { $0 == " " } }
}
