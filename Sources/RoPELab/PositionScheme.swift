import Foundation
import RoPE

/// How the model turns positions into rotations at run time: the frequencies and attention factor a scaling method
/// of the RoPE library produced, optionally a relative-position map (ReRoPE, Leaky ReRoPE), and optionally pairs
/// switched off (the ablation). Training always uses plain RoPE or a frequency schedule; the maps are inference-only.
public struct PositionScheme: Sendable {
    public var name: String
    public var scaled: ScaledFrequencies
    public var relativeMap: (any RelativePositionMap)?
    /// Pairs whose contribution to every q·k logit is removed (ablation); empty for the trained model.
    public var ablatedPairs: Set<Int>

    public init(name: String, scaled: ScaledFrequencies, relativeMap: (any RelativePositionMap)? = nil,
                ablatedPairs: Set<Int> = []) {
        self.name = name
        self.scaled = scaled
        self.relativeMap = relativeMap
        self.ablatedPairs = ablatedPairs
    }

    /// Plain RoPE for a head of `headDim` coordinates.
    public static func plain(headDim: Int, base: Double) -> PositionScheme {
        PositionScheme(name: "RoPE", scaled: RoPEScaling.none.frequencies(rotaryDim: headDim, base: base))
    }

    /// A frequency-scaling method of the RoPE library, resolved for a sequence of `length` tokens (only dynamic NTK
    /// and LongRoPE look at the length).
    public static func scaling(_ method: RoPEScaling, name: String, headDim: Int, base: Double, length: Int) -> PositionScheme {
        PositionScheme(name: name, scaled: method.frequencies(rotaryDim: headDim, base: base, sequenceLength: length))
    }

    public var pairCount: Int { scaled.inverseFrequencies.count }
}

/// cos and sin tables, times the attention factor, for every (position or relative distance, pair).
struct RotationTable<R: LabFloat> {
    let cos: [R], sin: [R]
    let half: Int

    /// Rows 0..<rows at angle map(row)·θ_i.
    init(scheme: PositionScheme, rows: Int, map: (Int) -> Double = { Double($0) }) {
        half = scheme.pairCount
        var c = [R](repeating: 0, count: rows * half), s = [R](repeating: 0, count: rows * half)
        let f = scheme.scaled.attentionFactor
        for r in 0..<rows {
            let p = map(r)
            for i in 0..<half {
                let angle = p * scheme.scaled.inverseFrequencies[i]
                c[r * half + i] = R(Foundation.cos(angle) * f)
                s[r * half + i] = R(Foundation.sin(angle) * f)
            }
        }
        cos = c
        sin = s
    }
}
