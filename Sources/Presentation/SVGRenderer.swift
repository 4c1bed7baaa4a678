import Foundation

extension Chart {
    /// The chart as an inline SVG for the HTML page: axes with ticks and labels, a legend for several series, a
    /// title and a description for screen readers. Colours come from CSS classes, so the same SVG reads in light and
    /// dark mode. `id` must be unique in the page (it names the title and description).
    public func svg(id: String, title: String) -> String {
        switch kind {
        case .line: return SVGRenderer.line(self, id: id, title: title)
        case .bar: return SVGRenderer.bar(self, id: id, title: title)
        case .heatmap: return SVGRenderer.heatmap(self, id: id, title: title)
        }
    }
}

/// The SVG drawing itself, in a 640-unit-wide coordinate system; data ranges as in `AsciiRenderer` (`ChartScale`).
enum SVGRenderer {
    static let width = 640.0

    /// Tick values at 1, 2 or 5 × 10^k spacing covering [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(target)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var values: [Double] = []
        var v = (lo / step).rounded(.up) * step
        while v <= hi + step * 1e-9 { values.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
        return values
    }

    /// Numbered ticks for an axis of `count` positions without labels: 0, then every `step`, and the last, at most
    /// about eight, so a 64-wide map reads "0 8 16 … 63".
    static func ticks(count: Int) -> [Int: String] {
        guard count > 1 else { return count == 1 ? [0: "0"] : [:] }
        let step = max(1, Int((Double(count) / 8).rounded(.up)))
        var ticks = Dictionary(uniqueKeysWithValues: stride(from: 0, to: count, by: step).map { ($0, "\($0)") })
        if (count - 1) % step != 0 && (count - 1) % step >= step / 2 { ticks[count - 1] = "\(count - 1)" }
        return ticks
    }

    static func label(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1e5 || abs(v) < 1e-3 { return String(format: "%.2g", v) }
        let decimals = max(0, Int(-log10(step).rounded(.down)))
        return fixed(v, decimals: decimals)
    }

    /// The namespace makes the same SVG valid inside XHTML (the EPUB edition), where HTML's implied one is missing.
    static func header(id: String, height: Double, title: String, description: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">"
            + "<title id=\"\(id)-title\">\(xmlEscaped(title))</title><desc id=\"\(id)-desc\">\(xmlEscaped(description))</desc>"
    }

    /// A coordinate with one decimal. Not `String(format:)`: Foundation's formatter on Linux costs ≈ 2 µs a call,
    /// and a heat map has thousands of coordinates, drawn again on every build of the site.
    static func f(_ x: Double) -> String { fixed(x, decimals: 1) }

    /// `x` rounded to `decimals` places (half away from zero), written without a formatter; "-0.0" prints "0.0".
    static func fixed(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e15 else { return String(format: "%.\(decimals)f", x) }
        let units = Int(scaled), whole = units / Int(scale), fraction = String(units % Int(scale))
        let sign = x < 0 && units != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    static func line(_ chart: Chart, id: String, title: String) -> String {
        let height = 340.0, left = 64.0, right = 16.0, top = 16.0, bottom = 56.0
        let legendRows = chart.series.count > 1 || !(chart.series.first?.name.isEmpty ?? true) ? 1 : 0
        let plotTop = top + Double(legendRows) * 22
        let (xLo, xHi) = ChartScale.finiteRange(chart.series.flatMap(\.x)), (yLo0, yHi0) = ChartScale.finiteRange(chart.series.flatMap(\.y))
        let yTicks = ticks(yLo0, yHi0), xTicks = ticks(xLo, xHi, target: 6)
        let yLo = min(yLo0, yTicks.first ?? yLo0), yHi = max(yHi0, yTicks.last ?? yHi0)
        func px(_ x: Double) -> Double { left + (x - xLo) / (xHi - xLo) * (width - left - right) }
        func py(_ y: Double) -> Double { height - bottom - (y - yLo) / (yHi - yLo) * (height - bottom - plotTop) }
        let names = chart.series.map(\.name).filter { !$0.isEmpty }.joined(separator: ", ")
        var svg = header(id: id, height: height, title: title, description:
            "Line chart\(names.isEmpty ? "" : " of \(names)"); \(chart.xLabel.isEmpty ? "x" : chart.xLabel) from \(label(xLo, step: 1e-3)) to \(label(xHi, step: 1e-3)), y from \(label(yLo0, step: 1e-3)) to \(label(yHi0, step: 1e-3)).")
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1, xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
        svg += "<g class=\"grid\">"
        for t in yTicks { svg += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(py(t)))\" y2=\"\(f(py(t)))\"/>" }
        svg += "</g><g class=\"axis\">"
        svg += "<line x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(plotTop))\" y2=\"\(f(height - bottom))\"/>"
        svg += "<line x1=\"\(f(left))\" x2=\"\(f(width - right))\" y1=\"\(f(height - bottom))\" y2=\"\(f(height - bottom))\"/>"
        for t in yTicks { svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(label(t, step: yStep))</text>" }
        for t in xTicks where t >= xLo && t <= xHi {
            svg += "<line x1=\"\(f(px(t)))\" x2=\"\(f(px(t)))\" y1=\"\(f(height - bottom))\" y2=\"\(f(height - bottom + 5))\"/>"
            svg += "<text x=\"\(f(px(t)))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\">\(label(t, step: xStep))</text>"
        }
        if !chart.xLabel.isEmpty {
            svg += "<text class=\"axis-label\" x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(xmlEscaped(chart.xLabel))</text>"
        }
        svg += "</g>"
        for (index, series) in chart.series.enumerated() {
            // Break the line where a value is not finite.
            var runs: [[String]] = [[]]
            for (x, y) in zip(series.x, series.y) {
                if x.isFinite && y.isFinite { runs[runs.count - 1].append("\(f(px(x))),\(f(py(y)))") } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
            }
            for run in runs where !run.isEmpty {
                svg += "<polyline class=\"series series-\(index % 6)\" points=\"\(run.joined(separator: " "))\"/>"
            }
        }
        if legendRows > 0 {
            var x = left
            svg += "<g class=\"legend\">"
            for (index, series) in chart.series.enumerated() {
                svg += "<line class=\"series series-\(index % 6)\" x1=\"\(f(x))\" x2=\"\(f(x + 18))\" y1=\"\(f(top + 6))\" y2=\"\(f(top + 6))\"/>"
                svg += "<text x=\"\(f(x + 24))\" y=\"\(f(top + 10))\">\(xmlEscaped(series.name))</text>"
                x += 40 + Double(series.name.count) * 7
            }
            svg += "</g>"
        }
        return svg + "</svg>"
    }

    static func bar(_ chart: Chart, id: String, title: String) -> String {
        let rowHeight = 24.0, top = 10.0
        let labelWidth = min(220, 12 + 7.2 * Double(chart.labels.map(\.count).max() ?? 0))
        let height = top * 2 + rowHeight * Double(chart.labels.count) + (chart.xLabel.isEmpty ? 0 : 20)
        let largest = chart.values.map { abs($0) }.filter(\.isFinite).max() ?? 1
        let barSpace = width - labelWidth - 80
        var svg = header(id: id, height: height, title: title, description:
            "Bar chart: " + zip(chart.labels, chart.values).map { "\($0) \(String(format: "%.\(chart.digits)f", $1))" }.joined(separator: "; "))
        for (row, (name, value)) in zip(chart.labels, chart.values).enumerated() {
            let y = top + Double(row) * rowHeight
            let length = largest > 0 && value.isFinite ? abs(value) / largest * barSpace : 0
            svg += "<text x=\"\(f(labelWidth - 8))\" y=\"\(f(y + 16))\" text-anchor=\"end\">\(xmlEscaped(name))</text>"
            svg += "<rect class=\"bar\(value < 0 ? " negative" : "")\" x=\"\(f(labelWidth))\" y=\"\(f(y + 4))\" width=\"\(f(length))\" height=\"\(f(rowHeight - 8))\"/>"
            svg += "<text x=\"\(f(labelWidth + length + 6))\" y=\"\(f(y + 16))\">\(String(format: "%.\(chart.digits)f", value))</text>"
        }
        if !chart.xLabel.isEmpty {
            svg += "<text class=\"axis-label\" x=\"\(f(labelWidth))\" y=\"\(f(height - 8))\">\(xmlEscaped(chart.xLabel))</text>"
        }
        return svg + "</svg>"
    }

    /// A heat map: cells shaded by value, row and column labels (or numbered ticks when the chart has none, at
    /// most about eight per axis), and a colour scale under the grid from the smallest value to the largest.
    static func heatmap(_ chart: Chart, id: String, title: String) -> String {
        let rows = chart.matrix.count, columns = chart.matrix.first?.count ?? 0
        let rowLabels = chart.labels.isEmpty ? ticks(count: rows) : Dictionary(uniqueKeysWithValues: chart.labels.enumerated().map { ($0, $1) })
        let columnLabels = chart.columnLabels.isEmpty ? ticks(count: columns)
            : Dictionary(uniqueKeysWithValues: chart.columnLabels.enumerated().map { ($0, $1) })
        let labelWidth = 12 + 7.2 * Double(rowLabels.values.map(\.count).max() ?? 0)
        let cell = min(36, (width - labelWidth - 20) / Double(max(columns, 1)))
        let top = columnLabels.isEmpty ? 8.0 : 24.0
        let gridBottom = top + cell * Double(rows)
        let height = gridBottom + 64
        let (lo, hi) = ChartScale.finiteRange(chart.matrix.flatMap { $0 })
        var svg = header(id: id, height: height, title: title, description:
            "Heat map of \(rows) rows by \(columns) columns; darker cells are larger, from \(label(lo, step: 1e-3)) to \(label(hi, step: 1e-3)).")
        for (c, name) in columnLabels.sorted(by: { $0.key < $1.key }) {
            svg += "<text x=\"\(f(labelWidth + (Double(c) + 0.5) * cell))\" y=\"16\" text-anchor=\"middle\">\(xmlEscaped(name))</text>"
        }
        for (r, values) in chart.matrix.enumerated() {
            let y = top + Double(r) * cell
            if let name = rowLabels[r] {
                svg += "<text x=\"\(f(labelWidth - 6))\" y=\"\(f(y + cell / 2 + 4))\" text-anchor=\"end\">\(xmlEscaped(name))</text>"
            }
            for (c, v) in values.enumerated() {
                let level = v.isFinite ? ChartScale.fraction(v, in: (lo, hi)) : 0
                svg += "<rect class=\"cell\" x=\"\(f(labelWidth + Double(c) * cell))\" y=\"\(f(y))\" width=\"\(f(cell - 1))\" height=\"\(f(cell - 1))\" fill-opacity=\"\(fixed(0.04 + 0.96 * level, decimals: 3))\"><title>\(label(v, step: 1e-3))</title></rect>"
            }
        }
        if !chart.xLabel.isEmpty {
            svg += "<text class=\"axis-label\" x=\"\(f(labelWidth))\" y=\"\(f(gridBottom + 16))\">\(xmlEscaped(chart.xLabel))</text>"
        }
        // The colour scale: ten steps from the lightest shade (the smallest value) to the darkest (the largest).
        let scaleY = gridBottom + 26, step = 16.0
        svg += "<text x=\"\(f(labelWidth - 6))\" y=\"\(f(scaleY + 11))\" text-anchor=\"end\">\(label(lo, step: 1e-3))</text>"
        for i in 0..<10 {
            svg += "<rect class=\"cell\" x=\"\(f(labelWidth + Double(i) * step))\" y=\"\(f(scaleY))\" width=\"\(f(step))\" height=\"14\" fill-opacity=\"\(fixed(0.04 + 0.96 * Double(i) / 9, decimals: 3))\"/>"
        }
        svg += "<text x=\"\(f(labelWidth + 10 * step + 6))\" y=\"\(f(scaleY + 11))\">\(label(hi, step: 1e-3))</text>"
        return svg + "</svg>"
    }
}
