import Foundation
import Presentation

/// What the parser finds in a chapter; plain values every later stage reads.
public struct Chapter: Sendable, Equatable {
    /// Path relative to the book root, e.g. `Chapters/04-decay.md` (what errors and `#sourceLocation` show).
    public var path: String
    /// The file name without `.md`, e.g. `04-decay`.
    public var name: String
    public var text: String
    /// `text` split at "\n" once, each line keeping its "\r" (`TextLines`): what every line number addresses.
    public var lines: [String]
    public var title: String
    public var summary: String
    public var snippets: [Snippet]
    public var regions: [OutputRegion]
    /// `<!--= EXPRESSION -->VALUE<!--/-->` in the prose, in chapter order (`InlineValueScanner`).
    public var values: [InlineValue] = []
    /// Its headings (level, text, line), as cmark parsed them: the sections a translation tracks.
    public var headings: [MarkdownBlocks.Heading] = []
    /// `[chapter 15](15-name.md)` links, whose number `check` holds to the chapter's place in the book.
    public var chapterReferences: [ChapterReference] = []
    /// `[Figure 3](#fig-ID)` links to the figures and tables its snippets make (`CrossReference`).
    public var references: [CrossReference] = []

    /// True for a chapter with Windows line ends; what the tool writes into it ends lines the same way.
    public var usesCRLF: Bool { text.utf8.contains(13) && text.contains("\r\n") }

    /// The output region that belongs to a snippet, if the chapter has one.
    public func region(for snippet: Snippet) -> OutputRegion? {
        regions.first { $0.id == snippet.id }
    }
}

/// A fenced ```swift block.
public struct Snippet: Sendable, Equatable, Hashable {
    /// From `{#id}`; snippets without one get `#N` (their 1-based index) and must print nothing.
    public var id: String
    public var hasExplicitID: Bool
    public var options: Set<SnippetOption>
    public var source: String
    /// Lines of the opening and closing fence (1-based); the code starts at `fenceStart + 1`.
    public var fenceStart: Int
    public var fenceEnd: Int

    public var codeStartLine: Int { fenceStart + 1 }
    public var runs: Bool { !options.contains(.norun) }
    public var showsOutput: Bool { runs && !options.contains(.noout) }
}

public enum SnippetOption: String, Sendable, CaseIterable, Hashable, Comparable {
    /// Runs; the source is not shown in the HTML page.
    case hide
    /// Compiled and shown, never run.
    case norun
    /// Runs; its output is not shown (and it needs no output region).
    case noout

    public static func < (a: SnippetOption, b: SnippetOption) -> Bool { a.rawValue < b.rawValue }
}

/// `<!-- output: ID -->` … `<!-- end output -->`: lines the tool owns.
public struct OutputRegion: Sendable, Equatable {
    public var id: String
    /// Lines of the two marker comments (1-based).
    public var startMarker: Int
    public var endMarker: Int
    /// The lines strictly between the markers.
    public var content: [String]
}

/// What one snippet printed, in order: plain text, Markdown to inject verbatim, and charts.
public enum OutputSegment: Sendable, Equatable {
    case text(String)
    case markdown(String)
    /// A chart: the value the snippet showed, and the ASCII rendering it printed (what the chapter records).
    case figure(Chart, ascii: String)
}

/// Kept in the build cache as `{"text": …}`, `{"markdown": …}` or `{"figure": CHART-JSON, "ascii": …}`: the chart
/// travels as the same JSON the chapter program wrote, non-finite values included.
extension OutputSegment: Codable {
    enum CodingKeys: String, CodingKey { case text, markdown, figure, ascii }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try container.decodeIfPresent(String.self, forKey: .text) {
            self = .text(text)
        } else if let markdown = try container.decodeIfPresent(String.self, forKey: .markdown) {
            self = .markdown(markdown)
        } else {
            let json = try container.decode(String.self, forKey: .figure)
            guard let chart = Chart(json: json) else {
                throw DecodingError.dataCorruptedError(forKey: .figure, in: container, debugDescription: "not a chart")
            }
            self = .figure(chart, ascii: try container.decode(String.self, forKey: .ascii))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text): try container.encode(text, forKey: .text)
        case .markdown(let markdown): try container.encode(markdown, forKey: .markdown)
        case .figure(let chart, let ascii):
            try container.encode(chart.json, forKey: .figure)
            try container.encode(ascii, forKey: .ascii)
        }
    }
}

/// A failed `check` inside a snippet.
public struct CheckFailure: Sendable, Equatable, Codable {
    public var line: Int
    public var message: String
}

/// Everything one snippet produced.
public struct SnippetOutput: Sendable, Equatable, Codable {
    public var segments: [OutputSegment] = []
    public var checkFailures: [CheckFailure] = []
    /// The texts of the inline values evaluated after this snippet, in chapter order (`Chapter.freshValues`).
    public var values: [String] = []

    public init(segments: [OutputSegment] = [], checkFailures: [CheckFailure] = [], values: [String] = []) {
        self.segments = segments
        self.checkFailures = checkFailures
        self.values = values
    }

    /// True when the snippet printed nothing.
    public var isEmpty: Bool { segments.isEmpty }
}
