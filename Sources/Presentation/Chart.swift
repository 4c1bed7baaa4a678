import Foundation

/// A chart a snippet computed. It carries its data, so the same value renders as ASCII in the chapter text
/// (`AsciiRenderer`) and as an SVG figure in the HTML page (`SVGRenderer`). It crosses from the chapter program to
/// `workbook` once, as JSON on the control channel (`show(_:)` → `OutputProtocol.figure`), and is a `Chart` again on
/// the other side (`Chart(json:)`): the site draws the value the snippet built.
public struct Chart: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case line, bar, heatmap }

    public struct Series: Sendable, Codable, Equatable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public init(_ name: String, x: [Double], y: [Double]) {
            precondition(x.count == y.count, "series \(name): \(x.count) x values, \(y.count) y values")
            self.name = name
            self.x = x
            self.y = y
        }
        public init(_ name: String, y: [Double]) { self.init(name, x: y.indices.map(Double.init), y: y) }
    }

    public var kind: Kind
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Line charts: one or more series.
    public var series: [Series] = []
    /// Bar charts: a label and a value per bar.
    public var labels: [String] = []
    public var values: [Double] = []
    /// Heat maps: rows of values, with optional row and column labels.
    public var matrix: [[Double]] = []
    public var columnLabels: [String] = []
    /// Bar charts: decimals printed after each bar's value.
    public var digits: Int = 3
    /// Size of the ASCII rendering, in characters.
    public var width: Int
    public var height: Int

    /// Non-finite values (a diverging series) travel as strings: JSON has no infinity.
    static let nonFinite = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    /// The chart as one line of JSON (no newline: it is one control record).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: Self.nonFinite.positiveInfinity, negativeInfinity: Self.nonFinite.negativeInfinity, nan: Self.nonFinite.nan)
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public var ascii: String {
        switch kind {
        case .line: return AsciiRenderer.line(self)
        case .bar: return AsciiRenderer.bar(self)
        case .heatmap: return AsciiRenderer.heatmap(self)
        }
    }
}

extension Chart {
    /// The chart `json` describes; nil when it is not one. (In an extension, so the memberwise initialiser stays.)
    public init?(json: String) {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: Self.nonFinite.positiveInfinity, negativeInfinity: Self.nonFinite.negativeInfinity, nan: Self.nonFinite.nan)
        guard let chart = try? decoder.decode(Chart.self, from: Data(json.utf8)) else { return nil }
        self = chart
    }
}

/// Constructors for the three kinds of chart.
public enum AsciiChart {
    /// A line chart of one or more series over a shared x axis.
    public static func line(_ series: [Chart.Series], title: String = "", xLabel: String = "", yLabel: String = "",
                            width: Int = 64, height: Int = 14) -> Chart {
        precondition(!series.isEmpty, "a line chart needs at least one series")
        return Chart(kind: .line, title: title, xLabel: xLabel, yLabel: yLabel, series: series, width: width, height: height)
    }

    /// One series given as y values over x.
    public static func line(x: [Double], y: [Double], name: String = "", title: String = "", xLabel: String = "",
                            yLabel: String = "", width: Int = 64, height: Int = 14) -> Chart {
        line([Chart.Series(name, x: x, y: y)], title: title, xLabel: xLabel, yLabel: yLabel, width: width, height: height)
    }

    /// Horizontal bars, one per label.
    public static func bar(labels: [String], values: [Double], title: String = "", valueLabel: String = "",
                           width: Int = 40, digits: Int = 3) -> Chart {
        precondition(labels.count == values.count, "one value per label")
        var chart = Chart(kind: .bar, title: title, xLabel: valueLabel, yLabel: "", labels: labels, values: values,
                          width: width, height: labels.count)
        chart.digits = digits
        return chart
    }

    /// A heat map: one character per cell, darker for larger values.
    public static func heatMap(_ matrix: [[Double]], rowLabels: [String] = [], columnLabels: [String] = [],
                               title: String = "", xLabel: String = "", yLabel: String = "") -> Chart {
        precondition(!matrix.isEmpty && matrix.allSatisfy { $0.count == matrix[0].count }, "a heat map needs equal rows")
        return Chart(kind: .heatmap, title: title, xLabel: xLabel, yLabel: yLabel, labels: rowLabels, matrix: matrix,
                     columnLabels: columnLabels, width: matrix[0].count, height: matrix.count)
    }
}
