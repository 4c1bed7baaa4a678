import Foundation

/// Gemma 4's `proportional` RoPE (transformers `_compute_proportional_rope_parameters`): only the first
/// k = ⌊p·d/2⌋ pairs of a d-channel head rotate, but their exponent is taken over the whole head,
///
///     θ_i = base^(−2i/d) / factor   for i < k,        θ_i = 0   for k ≤ i < d/2
///
/// so the rotating pairs keep the frequencies they would have in a fully rotary head of width d (the same ladder,
/// cut off), instead of spreading the whole ladder over 2k channels as `partial_rotary_factor` does elsewhere
/// (θ_i = base^(−2i/2k)). The zero-frequency pairs are rotated by angle 0: they carry no position at all.
/// `rotaryDim` here is the whole head d (the `rotate_half` block), p is `partial_rotary_factor`.
public struct ProportionalScaling: Sendable, Equatable {
    public var factor: Double
    public var partialRotaryFactor: Double

    public init(factor: Double = 1, partialRotaryFactor: Double) {
        self.factor = factor
        self.partialRotaryFactor = partialRotaryFactor
    }

    /// k = int(p · d // 2), as Python evaluates it.
    public func rotatedPairs(headDim d: Int) -> Int {
        Int((partialRotaryFactor * Double(d) / 2).rounded(.down))
    }

    public func frequencies(rotaryDim d: Int, base: Double) -> ScaledFrequencies {
        let k = rotatedPairs(headDim: d)
        let inv = (0..<d / 2).map { i in i < k ? 1.0 / pow(base, Double(2 * i) / Double(d)) / factor : 0 }
        return ScaledFrequencies(inverseFrequencies: inv)
    }
}
