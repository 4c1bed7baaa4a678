import Foundation

/// The frequency ladder that RoPE rotates by, as transformers computes it:
///
///     dim       = Int(head_dim × partial_rotary_factor)        (truncating; must be even)
///     inv_freq  = 1 / base^(2i/dim),   i = 0 ..< dim/2
///
/// Pair i turns by θ_i = inv_freq[i] radians per position, so its wavelength is 2π/θ_i tokens.
public enum Frequencies {
    /// The rotary dimension of a head, or nil when it is not a positive even number.
    /// Truncation follows Python's `int(head_dim * partial_rotary_factor)`.
    public static func rotaryDimension(headDim: Int, partialRotaryFactor: Double = 1) -> Int? {
        let product = Double(headDim) * partialRotaryFactor
        guard product.isFinite, product >= 2 else { return nil }
        let dim = Int(product.rounded(.towardZero))
        return dim % 2 == 0 ? dim : nil
    }

    /// inv_freq_i = 1 / base^(2i/dim) for i in 0..<dim/2 (float64 evaluation of transformers' formula).
    public static func inverse(rotaryDim dim: Int, base: Double) -> [Double] {
        (0..<dim / 2).map { inverse(pair: $0, rotaryDim: dim, base: base) }
    }

    /// inv_freq_i alone.
    public static func inverse(pair i: Int, rotaryDim dim: Int, base: Double) -> Double {
        1.0 / pow(base, Double(2 * i) / Double(dim))
    }

    /// λ_i = 2π / θ_i: how many tokens pair i needs for one full turn.
    public static func wavelengths(_ inverseFrequencies: [Double]) -> [Double] {
        inverseFrequencies.map { 2 * Double.pi / $0 }
    }
}
