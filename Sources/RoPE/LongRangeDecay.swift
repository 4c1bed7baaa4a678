import Foundation

/// The long-range decay bound of RoFormer (Su et al., 2021, §3.4.3).
///
/// For relative distance r, write the logit as Σ_i h_i e^{i r θ_i} with h_i = q_[2i:2i+1] k*_[2i:2i+1]. Abel summation
/// with S_j = Σ_{k<j} e^{i r θ_k} gives |logit| ≤ (max_i |h_{i+1} − h_i|) · Σ_j |S_j|, and the paper plots
///
///     B(r) = (1/(d/2)) · Σ_{j=1}^{d/2} |S_j|,    θ_k = base^(−2k/d)
///
/// B(0) = (d/2 + 1)/2 exactly (every S_j = j). B falls fast, then ripples: it is not monotone at long range.
public enum LongRangeDecay {
    public static func relativeUpperBound(distance r: Double, headDim d: Int, base: Double = 10_000) -> Double {
        let half = d / 2
        var re = 0.0, im = 0.0, total = 0.0
        for k in 0..<half {
            let theta = 1.0 / pow(base, Double(2 * k) / Double(d))
            re += cos(r * theta)
            im += sin(r * theta)
            total += (re * re + im * im).squareRoot()     // |S_{k+1}|
        }
        return total / Double(half)
    }

    /// B(r) at each distance.
    public static func curve<S: Sequence>(distances: S, headDim: Int, base: Double = 10_000) -> [Double]
    where S.Element == Int {
        distances.map { relativeUpperBound(distance: Double($0), headDim: headDim, base: base) }
    }
}
