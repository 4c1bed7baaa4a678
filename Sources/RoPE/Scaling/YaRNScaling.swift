import Foundation

/// NTK-by-parts and YaRN (Peng et al., 2023), as transformers v5 `_compute_yarn_parameters` computes them.
///
/// Pair i makes r_i = L/λ_i turns over the original context L. Pairs that turn many times (r > β_fast) keep their
/// frequency (extrapolate); pairs that turn less than β_slow times are divided by the factor (interpolate); a linear
/// ramp in the pair index blends the two. Solving L/(2π) · base^(−2i/d) = r for i gives the correction dimension
///
///     corr(r) = d · ln(L / (2π r)) / (2 ln base)
///
///     low  = corr(β_fast), high = corr(β_slow)          (floor / ceil unless truncate == false)
///     low  = max(low, 0),  high = min(high, d − 1);     high += 0.001 if low == high
///     ramp_i = clamp((i − low)/(high − low), 0, 1)
///     θ_i'  = θ_i/s · ramp_i + θ_i · (1 − ramp_i)
///
/// The attention factor ("temperature" √(1/t) in the paper, Eq. 22) is mscale(s) = 0.1·ln s + 1, or the ratio
/// mscale(s, mscale)/mscale(s, mscale_all_dim) for DeepSeek-style configs, or an explicit `attention_factor`.
/// It multiplies cos and sin — every frequency keeps its own value; there is no single temperature dividing them.
public struct YaRNScaling: Sendable, Equatable {
    public var factor: Double
    public var originalMaxPositionEmbeddings: Int
    public var betaFast: Double
    public var betaSlow: Double
    public var mscale: Double?
    public var mscaleAllDim: Double?
    public var attentionFactor: Double?
    public var truncate: Bool

    public init(factor: Double, originalMaxPositionEmbeddings: Int, betaFast: Double = 32, betaSlow: Double = 1,
                mscale: Double? = nil, mscaleAllDim: Double? = nil, attentionFactor: Double? = nil,
                truncate: Bool = true) {
        self.factor = factor
        self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
        self.betaFast = betaFast
        self.betaSlow = betaSlow
        self.mscale = mscale
        self.mscaleAllDim = mscaleAllDim
        self.attentionFactor = attentionFactor
        self.truncate = truncate
    }

    /// mscale(s, m) = 0.1·m·ln(s) + 1, and 1 when s ≤ 1.
    public static func mscale(_ s: Double, _ m: Double = 1) -> Double {
        s <= 1 ? 1 : 0.1 * m * log(s) + 1
    }

    /// The attention factor transformers applies to cos and sin.
    public var resolvedAttentionFactor: Double {
        if let attentionFactor { return attentionFactor }
        // transformers tests `if mscale and mscale_all_dim`: Python truthiness, so 0 counts as absent.
        if let m = mscale, let all = mscaleAllDim, m != 0, all != 0 {
            return Self.mscale(factor, m) / Self.mscale(factor, all)
        }
        return Self.mscale(factor)
    }

    /// corr(r) = d · ln(L / (2π r)) / (2 ln base), in pair-index units.
    public static func correctionDimension(rotations: Double, rotaryDim d: Int, base: Double, originalContext: Int) -> Double {
        Double(d) * log(Double(originalContext) / (rotations * 2 * Double.pi)) / (2 * log(base))
    }

    /// The unrounded (low, high) correction dimensions for β_fast and β_slow.
    public func rawCorrectionRange(rotaryDim: Int, base: Double) -> (low: Double, high: Double) {
        (Self.correctionDimension(rotations: betaFast, rotaryDim: rotaryDim, base: base,
                                  originalContext: originalMaxPositionEmbeddings),
         Self.correctionDimension(rotations: betaSlow, rotaryDim: rotaryDim, base: base,
                                  originalContext: originalMaxPositionEmbeddings))
    }

    /// (low, high) as the ramp uses them: floored/ceiled when truncating, clamped to [0, d − 1].
    public func correctionRange(rotaryDim: Int, base: Double) -> (low: Double, high: Double) {
        var (low, high) = rawCorrectionRange(rotaryDim: rotaryDim, base: base)
        if truncate {
            low = low.rounded(.down)
            high = high.rounded(.up)
        }
        // transformers clamps high to dim − 1, not dim/2 − 1: a loose clamp, kept for agreement.
        return (max(low, 0), min(high, Double(rotaryDim - 1)))
    }

    /// ramp_i ∈ [0, 1]: 0 keeps the original frequency, 1 divides it by the factor.
    public func ramp(rotaryDim: Int, base: Double) -> [Double] {
        var (low, high) = correctionRange(rotaryDim: rotaryDim, base: base)
        if low == high { high += 0.001 }    // transformers' guard against a zero-width ramp
        return (0..<rotaryDim / 2).map { min(max((Double($0) - low) / (high - low), 0), 1) }
    }

    public func frequencies(rotaryDim: Int, base: Double) -> ScaledFrequencies {
        let extrapolated = Frequencies.inverse(rotaryDim: rotaryDim, base: base)
        let ramp = ramp(rotaryDim: rotaryDim, base: base)
        let blended = extrapolated.indices.map { i in
            extrapolated[i] / factor * ramp[i] + extrapolated[i] * (1 - ramp[i])
        }
        return ScaledFrequencies(inverseFrequencies: blended, attentionFactor: resolvedAttentionFactor)
    }
}
