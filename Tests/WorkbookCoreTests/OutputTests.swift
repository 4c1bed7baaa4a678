import Presentation
import Testing
@testable import WorkbookCore

@Suite struct OutputTests {
    let p = OutputProtocol.prefix

    @Test func splitterSeparatesSnippetsTextMarkdownFiguresAndChecks() {
        let stdout = [
            "\(p)snippet 0", "hello", "", "\(p)markdown-begin", "| a |", "|---|", "| 1 |", "\(p)markdown-end",
            "\(p)snippet 2", "\(p)figure {\"kind\":\"line\"}", "chart", "\(p)figure-end", "\(p)check-failed 17 two is not three", "tail", "",
        ].joined(separator: "\n")
        let (outputs, last) = OutputSplitter.split(stdout, snippetCount: 3)
        #expect(last == 2)
        #expect(outputs[0].segments == [.text("hello"), .markdown("| a |\n|---|\n| 1 |")])
        #expect(outputs[1] == SnippetOutput())
        #expect(outputs[2].segments == [.figure(json: "{\"kind\":\"line\"}", ascii: "chart"), .text("tail")])
        #expect(outputs[2].checkFailures == [CheckFailure(line: 17, message: "two is not three")])
    }

    @Test func regionLines() {
        let output = SnippetOutput(segments: [.text("a\n```inner"), .markdown("| x |\n|---|"), .text("b")])
        #expect(RegionRenderer.lines(for: output) == ["````text", "a", "```inner", "````", "", "| x |", "|---|", "", "```text", "b", "```"])
    }

    @Test func diffShowsChangedLinesWithContext() {
        let diff = LineDiff.unified(old: ["a", "b", "c", "d", "e", "f", "g"], new: ["a", "b", "c", "X", "e", "f", "g"],
                                    oldName: "recorded", newName: "computed")
        #expect(diff == "--- recorded\n+++ computed\n  …\n  b\n  c\n+ X\n- d\n  e\n  f")
    }

    @Test func weaverHidesAndInjects() throws {
        let text = "# T\n\n```swift {#a hide}\nprint(1)\n```\n<!-- output: a -->\nold\n<!-- end output -->\n\n```swift {#b}\nlet z = 0\n```\nend"
        let (parsed, errors) = ChapterParser().parse(path: "Chapters/x.md", text: text)
        let chapter = try #require(parsed, "\(errors)")
        let woven = Weaver.markdown(for: chapter, outputs: [SnippetOutput(segments: [.text("1")]), SnippetOutput()])
        #expect(woven == "# T\n\n<div class=\"output\">\n\n```text\n1\n```\n\n</div>\n\n```swift\nlet z = 0\n```\nend")
    }

    @Test func tableMarkdownAndFormatting() {
        var table = Table(["name", "value"])
        table.append(["a|b", "1.50"])
        #expect(table.markdown == "| name | value |\n|:---- | -----:|\n| a\\|b |  1.50 |")
        #expect(fmt(-0.00001, 3) == "0.000" && fmt(2.5, 1) == "2.5" && sci(12345, 2) == "1.23e+04")
    }

    @Test func asciiLineChartHasAxesAndLegend() {
        let chart = AsciiChart.line([.init("up", x: [0, 1, 2], y: [0, 1, 2]), .init("down", x: [0, 1, 2], y: [2, 1, 0])],
                                    title: "t", xLabel: "x", width: 10, height: 3)
        // Columns: x = 0, 1, 2 → 0, round(4.5) = 5, 9; rows: y = 2, 1, 0 → 0, 1, 2. The later series wins a shared cell.
        #expect(chart.ascii == """
        t
        2 |+        *
        1 |     +
        0 |*        +
          +----------
           0    1    2
               x
        legend: * up   + down
        """)
    }
}
