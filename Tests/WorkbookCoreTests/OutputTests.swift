import Foundation
import Testing
@testable import WorkbookCore
@testable import Presentation

@Suite struct OutputTests {
    static let chart = AsciiChart.line(x: [0, 1, 2], y: [0, .infinity, 4], name: "n", title: "a \"title\"")

    @Test func splitterSeparatesSnippetsTextMarkdownFiguresAndChecks() {
        let stdout = "hello\n\n| a |\n|---|\n| 1 |\nchart\ntail\n"
        let control = """
            0 snippet 0 t
            7 markdown-begin
            25 markdown-end
            25 snippet 2 t
            25 figure \(Self.chart.json)
            31 figure-end
            31 check-failed 17 two is not three
            36 completed t

            """
        let split = OutputSplitter.split(stdout: Data(stdout.utf8), control: Data(control.utf8), snippetCount: 3, runOrder: [0, 2], token: "t")
        #expect(split.lastStarted == 2 && split.completed)
        #expect(split.outputs[0].segments == [.text("hello"), .markdown("| a |\n|---|\n| 1 |")])
        #expect(split.outputs[1] == SnippetOutput())
        #expect(split.outputs[2].segments == [.figure(Self.chart, ascii: "chart"), .text("tail")], "the chart the snippet showed, typed")
        #expect(split.outputs[2].checkFailures == [CheckFailure(line: 17, message: "two is not three")])
    }

    /// The cache keeps a chart as the chart (non-finite values included), not as a string to decode later.
    @Test func figureSegmentsKeepTheirChartThroughTheCache() throws {
        let outputs = [SnippetOutput(segments: [.figure(Self.chart, ascii: "a"), .text("t"), .markdown("| x |")])]
        #expect(try JSONDecoder().decode([SnippetOutput].self, from: JSONEncoder().encode(outputs)) == outputs)
    }

    /// A figure reaches the renderers as a typed block: its label and number as attributes, the SVG drawn with the
    /// page's word for "figure" as a code block, the caption (its title escaped, so `"` or `*` is text), the text
    /// version; the fences nest, the outer one longest.
    @Test func weaverWritesTheFigureAsATypedBlock() {
        let lines = Weaver.figure(Self.chart, ascii: "a\nb", label: "fig-decay", number: 2, strings: .chinese)
        #expect(lines.first == ":::: {#fig-decay .figure number=\"2\"}" && lines.last == "::::")
        #expect(lines[2] == "```svg" && lines[3].hasPrefix("<svg") && lines[3].contains("<title id=\"fig-decay-title\">图 2: a &quot;title&quot;</title>"))
        #expect(lines.contains("[图 2.](#fig-decay) a \\\"title\\\""))
        let textVersion = Array(lines.drop { $0 != "::: {.text-version}" })
        #expect(textVersion == ["::: {.text-version}", "", "文字版：图 2", "", "```text", "a", "b", "```", "", ":::", "", "::::"])
    }

    /// The SVG's numbers are written without Foundation's formatter (it was most of a warm rebuild).
    @Test func svgNumbersAreFixedDecimals() {
        #expect(SVGRenderer.fixed(3.14159, decimals: 1) == "3.1" && SVGRenderer.fixed(12.3456, decimals: 3) == "12.346")
        #expect(SVGRenderer.fixed(0.04, decimals: 3) == "0.040" && SVGRenderer.fixed(-7.25, decimals: 1) == "-7.3")
        #expect(SVGRenderer.fixed(-0.04, decimals: 1) == "0.0" && SVGRenderer.fixed(0.5, decimals: 0) == "1")
        #expect(SVGRenderer.fixed(1e20, decimals: 1) == String(format: "%.1f", 1e20))
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
        #expect(woven == "# T\n\n::: {.output}\n\n```text\n1\n```\n\n:::\n\n```swift\nlet z = 0\n```\nend")
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
