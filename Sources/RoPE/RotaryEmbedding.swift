import Foundation

/// RoPE for one head, in Double precision: the teaching and reference path.
///
/// Pair i, with coordinates (a, b) chosen by `layout`, is rotated by the angle φ = p·θ_i:
///
///     a' = s·(a cos φ − b sin φ)
///     b' = s·(a sin φ + b cos φ)
///
/// where s is the attention factor (transformers multiplies both cos and sin by it, so a rotated vector's norm
/// is s times the original's and a q·k logit is scaled by s²). Coordinates past the rotary block — the tail of a
/// partial-rotary head — are returned unchanged and unscaled, as transformers passes them through.
public struct RotaryEmbedding: Sendable, Equatable {
    public var inverseFrequencies: [Double]
    public var attentionFactor: Double
    public var layout: PairLayout

    public init(inverseFrequencies: [Double], attentionFactor: Double = 1, layout: PairLayout = .halfSplit) {
        self.inverseFrequencies = inverseFrequencies
        self.attentionFactor = attentionFactor
        self.layout = layout
    }

    /// Plain RoPE: θ_i = base^(−2i/rotaryDim).
    public init(rotaryDim: Int, base: Double = 10_000, layout: PairLayout = .halfSplit) {
        self.init(inverseFrequencies: Frequencies.inverse(rotaryDim: rotaryDim, base: base), layout: layout)
    }

    /// The number of coordinates that rotate: two per frequency.
    public var rotaryDim: Int { 2 * inverseFrequencies.count }

    /// The rotation angles p·θ_i of every pair at a (possibly fractional) position.
    public func angles(at position: Double) -> [Double] {
        inverseFrequencies.map { position * $0 }
    }

    /// Rotates one vector of `x.count ≥ rotaryDim` coordinates to `position`.
    public func rotate(_ x: [Double], at position: Double) -> [Double] {
        precondition(x.count >= rotaryDim, "vector has \(x.count) coordinates, the rotary block needs \(rotaryDim)")
        var out = x
        for (i, theta) in inverseFrequencies.enumerated() {
            let (a, b) = layout.coordinates(ofPair: i, rotaryDim: rotaryDim)
            let c = cos(position * theta) * attentionFactor
            let s = sin(position * theta) * attentionFactor
            out[a] = x[a] * c - x[b] * s
            out[b] = x[a] * s + x[b] * c
        }
        return out
    }

    public func rotate(_ x: [Double], at position: Int) -> [Double] {
        rotate(x, at: Double(position))
    }
}
