import Foundation

/// What the ASCII and the SVG renderings of a chart share: the data range each axis covers, so that the chapter's
/// text and the page's figure can never disagree about where a point lies.
enum ChartScale {
    /// [min, max] of the finite values; a single value v becomes [v − ½, v + ½] and no value at all [0, 1], so that
    /// every axis has a nonzero span to divide by.
    static func finiteRange(_ values: [Double]) -> (lo: Double, hi: Double) {
        let finite = values.filter(\.isFinite)
        guard var lo = finite.min(), var hi = finite.max() else { return (0, 1) }
        if lo == hi { lo -= 0.5; hi += 0.5 }
        return (lo, hi)
    }

    /// Where a value lies in [lo, hi], as a fraction (0 at lo, 1 at hi).
    static func fraction(_ value: Double, in range: (lo: Double, hi: Double)) -> Double {
        (value - range.lo) / (range.hi - range.lo)
    }

    /// Where a value lies measured down from hi (0 at hi, 1 at lo): rows of text and SVG y grow downwards.
    /// Computed as (hi − v)/(hi − lo), not 1 − fraction, so that rounding to a row is exact at the midpoints.
    static func fractionFromTop(_ value: Double, in range: (lo: Double, hi: Double)) -> Double {
        (range.hi - value) / (range.hi - range.lo)
    }
}

/// Text put into SVG or HTML (titles, labels): never markup.
public func xmlEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
