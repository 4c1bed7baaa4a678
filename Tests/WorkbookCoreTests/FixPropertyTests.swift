import Presentation
import Testing
@testable import WorkbookCore

/// `fix` as a property over random chapters: it is idempotent, and every byte outside output regions is kept.
@Suite struct FixPropertyTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    /// Prose units (a fenced non-Swift block is one unit, so it never swallows the next snippet).
    static let prose = ["Some prose.", "", "Math $x^2$ and `code`.", "  indented", "| a | b |", "<!-- a comment -->",
                        "```python\nprint('hi')\n```", "# Heading", "trailing spaces   ", "\ttab"]

    /// A random chapter and the outputs its snippets "printed".
    static func randomChapter(seed: UInt64) -> (String, Int) {
        var g = Generator(state: seed)
        var lines: [String] = []
        let snippetCount = 1 + g.next(5)
        for i in 0..<snippetCount {
            for _ in 0..<g.next(4) { lines.append(prose[g.next(prose.count)]) }
            let option = ["", " hide", " noout", " norun"][g.next(4)]
            lines += ["```swift {#s\(i)\(option)}", "let v\(i) = \(i)", "```"]
            switch g.next(3) {
            case 0: break
            case 1: lines += ["<!-- output: s\(i) -->", "```text", "stale \(g.next(100))", "```", "<!-- end output -->"]
            default: lines += ["<!-- output: s\(i) -->", "<!-- end output -->"]
            }
        }
        for _ in 0..<g.next(3) { lines.append(prose[g.next(prose.count)]) }
        return (lines.joined(separator: "\n") + (g.next(2) == 0 ? "\n" : ""), snippetCount)
    }

    static func randomOutputs(count: Int, seed: UInt64) -> [SnippetOutput] {
        var g = Generator(state: seed ^ 0xabcdef)
        return (0..<count).map { _ in
            switch g.next(4) {
            case 0: return SnippetOutput()
            case 1: return SnippetOutput(segments: [.text("value \(g.next(1000))\n  indented")])
            case 2: return SnippetOutput(segments: [.markdown("| n |\n|--:|\n| \(g.next(9)) |"), .text("after")])
            default: return SnippetOutput(segments: [.figure(AsciiChart.bar(labels: ["a"], values: [1]), ascii: "* *\n+--"), .text("```\nfenced\n```")])
            }
        }
    }

    /// The text with every output region (markers included) removed: what `fix` must never change.
    static func outsideRegions(_ chapter: Chapter) -> [String] {
        var lines = chapter.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for region in chapter.regions.sorted(by: { $0.startMarker > $1.startMarker }) {
            lines.removeSubrange((region.startMarker - 1)..<region.endMarker)
        }
        return lines
    }

    @Test(arguments: 0..<300)
    func fixIsIdempotentAndPreservesEverythingElse(seed: Int) throws {
        let (text, count) = Self.randomChapter(seed: UInt64(seed))
        let (parsed, errors) = ChapterParser().parse(path: "Chapters/r.md", text: text)
        let chapter = try #require(parsed, "generated chapter did not parse: \(errors)\n\(text)")
        let outputs = Self.randomOutputs(count: count, seed: UInt64(seed))

        let once = OutputFixer.fixedText(chapter, outputs: outputs)
        let (reparsed, errors2) = ChapterParser().parse(path: "Chapters/r.md", text: once)
        let fixed = try #require(reparsed, "fixed chapter did not parse: \(errors2)\n\(once)")
        #expect(OutputFixer.fixedText(fixed, outputs: outputs) == once, "a second fix changed the text")
        #expect(OutputChecker.drift(in: fixed, outputs: outputs).isEmpty, "check after fix still reports drift")
        #expect(Self.outsideRegions(fixed) == Self.outsideRegions(chapter), "bytes outside regions changed")
        #expect(once.hasSuffix("\n") == text.hasSuffix("\n"))
    }
}

/// The parser and fixer on arbitrary line soup: they must never trap, and whatever parses must fix idempotently.
@Suite struct ParserRobustnessTests {
    static let vocabulary = ["```swift {#a}", "```swift {#b hide}", "```swift", "```", "````", "~~~", "```swift {#a",
                             "<!-- output: a -->", "<!-- output: b -->", "<!-- end output -->", "<!-- output -->",
                             "print(1)", "", "text", "# Title", "| x |", "\r", "```text", "  <!-- output: a -->", "\t```"]

    @Test(arguments: 0..<1000)
    func neverTraps(seed: Int) {
        var g = FixPropertyTests.Generator(state: UInt64(seed) &* 7919)
        let lines = (0..<(1 + g.next(25))).map { _ in Self.vocabulary[g.next(Self.vocabulary.count)] }
        let text = lines.joined(separator: g.next(3) == 0 ? "\r\n" : "\n")
        let (chapter, errors) = ChapterParser().parse(path: "Chapters/soup.md", text: text)
        #expect((chapter == nil) != errors.isEmpty)
        if let chapter {
            let outputs = chapter.snippets.map { _ in SnippetOutput(segments: [.text("out")]) }
            let once = OutputFixer.fixedText(chapter, outputs: outputs)
            let (again, errors) = ChapterParser().parse(path: "Chapters/soup.md", text: once)
            if let again {
                #expect(OutputFixer.fixedText(again, outputs: outputs) == once)
            } else {
                Issue.record("fixed text no longer parses: \(errors)\n--- original:\n\(text)\n--- fixed:\n\(once)")
            }
        }
    }
}
