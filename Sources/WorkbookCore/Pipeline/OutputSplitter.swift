import Presentation

/// Splits a chapter program's stdout into one `SnippetOutput` per snippet, by the control lines of
/// `OutputProtocol`. Returns the outputs and the index of the snippet that started last (where a trap happened).
public enum OutputSplitter {
    public static func split(_ stdout: String, snippetCount: Int) -> (outputs: [SnippetOutput], lastStarted: Int?) {
        var outputs = [SnippetOutput](repeating: SnippetOutput(), count: snippetCount)
        var current: Int?
        var text: [String] = []
        var markdown: [String]?
        var figure: (json: String, ascii: [String])?

        func flushText() {
            guard let index = current else { text = []; return }
            while let last = text.last, last.isEmpty { text.removeLast() }
            if !text.isEmpty { outputs[index].segments.append(.text(text.joined(separator: "\n"))) }
            text = []
        }

        var lines = TextLines.split(stdout)
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            guard line.hasPrefix(OutputProtocol.prefix) else {
                if markdown != nil { markdown!.append(line) } else if figure != nil { figure!.ascii.append(line) } else { text.append(line) }
                continue
            }
            let control = line.dropFirst(OutputProtocol.prefix.count)
            let (word, rest) = control.firstIndex(of: " ").map { (String(control[..<$0]), String(control[control.index(after: $0)...])) }
                ?? (String(control), "")
            switch word {
            case OutputProtocol.snippet:
                flushText()
                if let index = Int(rest), index >= 0, index < snippetCount { current = index }
            case OutputProtocol.markdownBegin:
                flushText()
                markdown = []
            case OutputProtocol.markdownEnd:
                if let index = current, let md = markdown { outputs[index].segments.append(.markdown(md.joined(separator: "\n"))) }
                markdown = nil
            case OutputProtocol.figure:
                flushText()
                figure = (rest, [])
            case OutputProtocol.figureEnd:
                if let index = current, let chart = figure {
                    outputs[index].segments.append(.figure(json: chart.json, ascii: chart.ascii.joined(separator: "\n")))
                }
                figure = nil
            case OutputProtocol.checkFailed:
                if let index = current {
                    let parts = rest.split(separator: " ", maxSplits: 1).map(String.init)
                    outputs[index].checkFailures.append(CheckFailure(line: Int(parts.first ?? "") ?? 0,
                                                                     message: parts.count > 1 ? parts[1] : "check failed"))
                }
            default:
                text.append(line)
            }
        }
        flushText()
        return (outputs, current)
    }
}
