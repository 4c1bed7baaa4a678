import Foundation

/// Draws charts with plain ASCII, so they read the same in a terminal, in the raw Markdown and on GitHub.
enum AsciiRenderer {
    static let glyphs: [Character] = ["*", "+", "o", "x", "#", "@", "%", "="]
    static let shades: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    /// Compact tick label: up to 4 significant digits, no locale. A value within a millionth of the axis span of
    /// zero prints as "0" (the midpoint of [−1, 1] sampled from data is −2e-5, not worth showing).
    static func tick(_ v: Double, span: Double = 0) -> String {
        if v == 0 || abs(v) < span * 1e-4 { return "0" }
        let magnitude = abs(v)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.2e", v) }
        var s = String(format: "%.4g", v)
        if s.contains("e") { s = String(format: "%.2e", v) }
        return s
    }

    static func line(_ chart: Chart) -> String {
        let width = max(chart.width, 8), height = max(chart.height, 3)
        let (xMin, xMax) = ChartScale.finiteRange(chart.series.flatMap(\.x))
        let (yMin, yMax) = ChartScale.finiteRange(chart.series.flatMap(\.y))
        var grid = [[Character]](repeating: [Character](repeating: " ", count: width), count: height)
        func column(_ x: Double) -> Int { Int((ChartScale.fraction(x, in: (xMin, xMax)) * Double(width - 1)).rounded()) }
        func row(_ y: Double) -> Int { Int((ChartScale.fractionFromTop(y, in: (yMin, yMax)) * Double(height - 1)).rounded()) }
        for (s, series) in chart.series.enumerated() {
            let glyph = glyphs[s % glyphs.count]
            var previous: (Int, Int)?
            for (x, y) in zip(series.x, series.y) where x.isFinite && y.isFinite {
                let (c, r) = (column(x), row(y))
                // Join consecutive samples with a vertical run in the later column, so steep curves stay connected.
                if let (pc, pr) = previous, pc != c || pr != r {
                    let (lo, hi) = (min(pr, r), max(pr, r))
                    for rr in lo...hi where pc == c || abs(c - pc) == 1 { grid[rr][c] = glyph }
                }
                grid[r][c] = glyph
                previous = (c, r)
            }
        }
        let top = tick(yMax), middle = tick((yMax + yMin) / 2, span: yMax - yMin), bottom = tick(yMin)
        let labelWidth = max(top.count, middle.count, bottom.count)
        func pad(_ s: String) -> String { String(repeating: " ", count: labelWidth - s.count) + s }
        var lines: [String] = []
        if !chart.title.isEmpty { lines.append(chart.title) }
        if !chart.yLabel.isEmpty { lines.append(String(repeating: " ", count: labelWidth) + "  " + chart.yLabel) }
        for r in 0..<height {
            let label = r == 0 ? top : r == height - 1 ? bottom : r == (height - 1) / 2 ? middle : ""
            lines.append(pad(label) + " |" + String(grid[r]).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        lines.append(String(repeating: " ", count: labelWidth) + " +" + String(repeating: "-", count: width))
        let left = tick(xMin), right = tick(xMax), mid = tick((xMin + xMax) / 2)
        var axis = [Character](repeating: " ", count: width + 2)
        func place(_ text: String, at start: Int) {
            for (i, ch) in text.enumerated() where start + i >= 0 && start + i < axis.count { axis[start + i] = ch }
        }
        place(left, at: 0)
        place(mid, at: width / 2 - mid.count / 2)
        place(right, at: width - right.count + 1)
        lines.append(String(repeating: " ", count: labelWidth + 2) + String(axis).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        if !chart.xLabel.isEmpty {
            lines.append(String(repeating: " ", count: labelWidth + 2 + max(0, (width - chart.xLabel.count) / 2)) + chart.xLabel)
        }
        let named = chart.series.enumerated().filter { !$0.element.name.isEmpty }
        if !named.isEmpty {
            lines.append("legend: " + named.map { "\(glyphs[$0.offset % glyphs.count]) \($0.element.name)" }.joined(separator: "   "))
        }
        return lines.joined(separator: "\n")
    }

    static func bar(_ chart: Chart) -> String {
        let labelWidth = chart.labels.map(\.count).max() ?? 0
        let largest = chart.values.map { abs($0) }.filter(\.isFinite).max() ?? 0
        var lines: [String] = []
        if !chart.title.isEmpty { lines.append(chart.title) }
        for (label, value) in zip(chart.labels, chart.values) {
            let length = largest > 0 && value.isFinite ? Int((abs(value) / largest * Double(chart.width)).rounded()) : 0
            let bar = String(repeating: value < 0 ? "-" : "#", count: length)
            lines.append(label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " |" + bar + " "
                         + String(format: "%.\(chart.digits)f", value))
        }
        if !chart.xLabel.isEmpty { lines.append(String(repeating: " ", count: labelWidth + 2) + "(" + chart.xLabel + ")") }
        return lines.joined(separator: "\n")
    }

    static func heatmap(_ chart: Chart) -> String {
        let (lo, hi) = ChartScale.finiteRange(chart.matrix.flatMap { $0 })
        let labelWidth = chart.labels.map(\.count).max() ?? 0
        var lines: [String] = []
        if !chart.title.isEmpty { lines.append(chart.title) }
        if !chart.columnLabels.isEmpty {
            lines.append(String(repeating: " ", count: labelWidth + 2) + chart.columnLabels.joined(separator: " "))
        }
        // Two characters a cell keep the map roughly square in a monospace font; labels may need more.
        let cellWidth = max(2, chart.columnLabels.map(\.count).max() ?? 2)
        for (r, values) in chart.matrix.enumerated() {
            let label = r < chart.labels.count ? chart.labels[r] : ""
            let cells = values.map { v -> String in
                let level = v.isFinite ? Int((ChartScale.fraction(v, in: (lo, hi)) * Double(shades.count - 1)).rounded()) : 0
                let shade = String(shades[max(0, min(shades.count - 1, level))])
                return String(repeating: shade, count: cellWidth)
            }
            let separator = chart.columnLabels.isEmpty ? "" : " "
            lines.append(label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " |" + cells.joined(separator: separator))
        }
        if !chart.xLabel.isEmpty { lines.append(String(repeating: " ", count: labelWidth + 2) + chart.xLabel) }
        lines.append("scale: '\(shades[0])' = \(tick(lo)), '\(shades[1])' … '\(shades[shades.count - 1])' up to \(tick(hi))")
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n")
    }
}
