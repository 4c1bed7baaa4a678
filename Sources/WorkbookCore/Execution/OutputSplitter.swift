import Foundation
import Presentation

/// Splits a chapter program's stdout into one `SnippetOutput` per snippet, by the records it wrote on its control
/// channel (`OutputProtocol`): each record names the stdout offset where it applies, so stdout itself is pure data.
public enum OutputSplitter {
    public struct Split: Sendable {
        public var outputs: [SnippetOutput]
        /// The snippet that started last (where a trap or a time-out happened).
        public var lastStarted: Int?
        /// True when the program wrote its final `completed` record.
        public var completed: Bool
        /// Bytes each snippet printed (for the output limit).
        public var bytes: [Int]
        /// Records that do not follow the generated program's order or lack the run's token: a snippet called
        /// `__workbookSnippet` or `__workbookCompleted` itself. The run is then not trusted.
        public var outOfOrder: [String] = []
    }

    struct Record {
        var offset: Int
        var word: String
        var rest: String
    }

    /// - Parameter runOrder: the snippets the program runs, in order (all when nil); their start records must come
    ///   in exactly this order, then `completed`, then nothing.
    ///   - token: the run's secret (`ProgramGenerator`); snippet and completion records must carry it.
    public static func split(stdout: Data, control: Data, snippetCount: Int, runOrder: [Int]? = nil, token: String = "") -> Split {
        let runOrder = runOrder ?? Array(0..<snippetCount)
        var started = 0
        var valuesStarted = 0
        let bytes = [UInt8](stdout)
        var split = Split(outputs: [SnippetOutput](repeating: SnippetOutput(), count: snippetCount), lastStarted: nil,
                          completed: false, bytes: [Int](repeating: 0, count: snippetCount))
        enum Mode { case text, markdown, figure(String), value }
        var mode = Mode.text
        var cursor = 0
        var pending: ArraySlice<UInt8> = []

        func flushText() {
            defer { pending = [] }
            guard let index = split.lastStarted else { return }
            var lines = TextLines.split(normalizedLineEnds(pending))
            while let last = lines.last, last.isEmpty { lines.removeLast() }
            if !lines.isEmpty { split.outputs[index].segments.append(.text(lines.joined(separator: "\n"))) }
        }
        /// A block's bytes without the newline `print` ended it with.
        func block() -> String {
            var text = normalizedLineEnds(pending)
            if text.hasSuffix("\n") { text.removeLast() }
            pending = []
            return text
        }

        for record in records(in: control) {
            if split.completed { split.outOfOrder.append("'\(record.word)' after the end"); continue }
            let offset = min(max(record.offset, cursor), bytes.count)
            pending += bytes[cursor..<offset]
            if let index = split.lastStarted { split.bytes[index] += offset - cursor }
            cursor = offset
            switch record.word {
            case OutputProtocol.snippet:
                flushText()
                mode = .text
                let parts = record.rest.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard let index = Int(parts[0]), (parts.count > 1 ? parts[1] : "") == token,
                      started < runOrder.count, runOrder[started] == index else {
                    split.outOfOrder.append("'snippet \(record.rest)' out of order")
                    continue
                }
                started += 1
                split.lastStarted = index
            case OutputProtocol.markdownBegin:
                flushText()
                mode = .markdown
            case OutputProtocol.markdownEnd:
                guard case .markdown = mode else { continue }
                let markdown = block()
                if let index = split.lastStarted { split.outputs[index].segments.append(.markdown(markdown)) }
                mode = .text
            case OutputProtocol.figure:
                flushText()
                mode = .figure(record.rest)
            case OutputProtocol.figureEnd:
                guard case .figure(let json) = mode else { continue }
                let ascii = block()
                // A figure record carries the chart the snippet showed (`show(_: Chart)`); a record that is not one
                // keeps its text and loses only the drawing.
                let segment: OutputSegment = Chart(json: json).map { .figure($0, ascii: ascii) } ?? .text(ascii)
                if let index = split.lastStarted { split.outputs[index].segments.append(segment) }
                mode = .text
            case OutputProtocol.valueBegin:
                flushText()
                let parts = record.rest.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard let index = Int(parts[0]), index == valuesStarted, (parts.count > 1 ? parts[1] : "") == token,
                      split.lastStarted != nil else {
                    split.outOfOrder.append("'value \(record.rest)' out of order")
                    continue
                }
                valuesStarted += 1
                mode = .value
            case OutputProtocol.valueEnd:
                guard case .value = mode, let index = split.lastStarted else { continue }
                let text = normalizedLineEnds(pending)
                pending = []
                split.outputs[index].values.append(text)
                mode = .text
            case OutputProtocol.checkFailed:
                guard let index = split.lastStarted else { continue }
                let parts = record.rest.split(separator: " ", maxSplits: 1).map(String.init)
                split.outputs[index].checkFailures.append(CheckFailure(line: Int(parts.first ?? "") ?? 0,
                                                                       message: parts.count > 1 ? parts[1] : "check failed"))
            case OutputProtocol.completed:
                guard started == runOrder.count, record.rest == token else {
                    split.outOfOrder.append("'completed' before the last snippet")
                    continue
                }
                flushText()
                split.completed = true
            default:
                continue
            }
        }
        pending += bytes[cursor...]
        if let index = split.lastStarted { split.bytes[index] += bytes.count - cursor }
        flushText()
        return split
    }

    /// `OFFSET WORD REST` lines; anything else (a torn last line after a kill) is skipped.
    static func records(in control: Data) -> [Record] {
        TextLines.split(String(decoding: control, as: UTF8.self)).compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, let offset = Int(parts[0]) else { return nil }
            return Record(offset: offset, word: String(parts[1]), rest: parts.count > 2 ? String(parts[2]) : "")
        }
    }

    /// UTF-8 text, with each byte that is not part of valid UTF-8 written as `\xFF`: decoding them all to U+FFFD
    /// would make a change from one invalid byte to another invisible to `check`.
    static func decodedShowingInvalidBytes(_ bytes: ArraySlice<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var text = ""
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0
            if length > 0, index + length <= bytes.endIndex,
               let character = String(validating: bytes[index..<(index + length)], as: UTF8.self) {
                text += character
                index += length
            } else {
                text += "\\x" + String(lead, radix: 16, uppercase: true)
                index += 1
            }
        }
        return text
    }

    /// Output is recorded with "\n" line ends whatever the program printed: "\r\n" and a bare "\r" both end a line.
    /// A chapter cannot hold a "\r" inside a line (its own CRLF ends would swallow it, and `check` would then
    /// report a diff of identical-looking lines).
    static func normalizedLineEnds(_ bytes: ArraySlice<UInt8>) -> String {
        let text = decodedShowingInvalidBytes(bytes)
        guard text.utf8.contains(13) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }
}
