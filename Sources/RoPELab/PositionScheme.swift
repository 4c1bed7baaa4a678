import Foundation
import RoPE

/// How the model turns positions into rotations at run time: the frequencies and attention factor a scaling method
/// of the RoPE library produced, optionally a relative-position map (ReRoPE, Leaky ReRoPE), optionally Su's log-n
/// query scaling, and optionally pairs switched off (the ablation). Training uses plain RoPE, no rotation (NoPE) or
/// a frequency schedule; the relative maps are inference-only.
public struct PositionScheme: Sendable {
    public var name: String
    public var scaled: ScaledFrequencies
    public var relativeMap: (any RelativePositionMap)?
    /// Log-n scaling (Su, bojone/rerope `rerope_patch.py` and `ntk_patch.py`): the query at position m is multiplied
    /// by max(1, ln(m + 1) / ln(L_train)), so that attention stays as sharp when there are more keys to spread over.
    public var logNTrainingLength: Int?
    /// Pairs whose contribution to every q·k logit is removed (ablation); empty for the trained model.
    public var ablatedPairs: Set<Int>

    public init(name: String, scaled: ScaledFrequencies, relativeMap: (any RelativePositionMap)? = nil,
                logNTrainingLength: Int? = nil, ablatedPairs: Set<Int> = []) {
        self.name = name
        self.scaled = scaled
        self.relativeMap = relativeMap
        self.logNTrainingLength = logNTrainingLength
        self.ablatedPairs = ablatedPairs
    }

    /// Plain RoPE for a head of `headDim` coordinates.
    public static func plain(headDim: Int, base: Double) -> PositionScheme {
        PositionScheme(name: "RoPE", scaled: RoPEScaling.none.frequencies(rotaryDim: headDim, base: base))
    }

    /// No position encoding at all (NoPE): every frequency zero, so q and k are never rotated; only the causal mask
    /// tells the model anything about order.
    public static func nope(headDim: Int) -> PositionScheme {
        PositionScheme(name: "NoPE", scaled: ScaledFrequencies(inverseFrequencies: [Double](repeating: 0, count: headDim / 2)))
    }

    /// A frequency-scaling method of the RoPE library, resolved for a sequence of `length` tokens (only dynamic NTK
    /// and LongRoPE look at the length).
    public static func scaling(_ method: RoPEScaling, name: String, headDim: Int, base: Double, length: Int) -> PositionScheme {
        PositionScheme(name: name, scaled: method.frequencies(rotaryDim: headDim, base: base, sequenceLength: length))
    }

    /// Su's "NTK-RoPE-logn-mixed" (bojone/rerope `ntk_patch.py`, the "NTK" rows of its README): pair i (from 0) of
    /// d/2 turns at θ_i · exp(−a (i + 1)^b) with a = ln k / (d/2)^b — the fastest pair almost unchanged, the slowest
    /// divided by exactly k — and log-n query scaling. Su's values: k = 12, b = 0.75.
    public static func ntkLogNMixed(headDim d: Int, base: Double, trainingLength: Int, k: Double = 12, b: Double = 0.75) -> PositionScheme {
        let half = Double(d / 2), a = log(k) / pow(half, b)
        let theta = Frequencies.inverse(rotaryDim: d, base: base)
        let mixed = theta.indices.map { i in theta[i] * exp(-a * pow(Double(i + 1), b)) }
        return PositionScheme(name: "NTK-logn-mixed", scaled: ScaledFrequencies(inverseFrequencies: mixed),
                              logNTrainingLength: trainingLength)
    }

    public var pairCount: Int { scaled.inverseFrequencies.count }

    /// The log-n factor of the query at position m (1 without log-n scaling).
    public func queryScale(at m: Int) -> Double {
        guard let n = logNTrainingLength else { return 1 }
        return max(1, log(Double(m + 1)) / log(Double(n)))
    }
}

/// cos and sin tables for every position (or relative distance, through the scheme's map), times the attention
/// factor f where a q·k logit is to be multiplied by f².
///
/// On the rotated path q and k are each rotated by a row of the table, so each carries f and the logit f². On the
/// relative path (ReRoPE) q and k stay unrotated and the logit reads one row, by distance: that row carries f².
struct RotationTable<R: LabFloat> {
    let cos: [R], sin: [R]
    let half: Int

    init(scheme: PositionScheme, rows: Int) {
        half = scheme.pairCount
        var c = [R](repeating: 0, count: rows * half), s = [R](repeating: 0, count: rows * half)
        let f = scheme.scaled.attentionFactor
        let factor = scheme.relativeMap == nil ? f : f * f
        for r in 0..<rows {
            let p = scheme.relativeMap.map { $0.map(Double(r)) } ?? Double(r)
            for i in 0..<half {
                let angle = p * scheme.scaled.inverseFrequencies[i]
                c[r * half + i] = R(Foundation.cos(angle) * factor)
                s[r * half + i] = R(Foundation.sin(angle) * factor)
            }
        }
        cos = c
        sin = s
    }
}
