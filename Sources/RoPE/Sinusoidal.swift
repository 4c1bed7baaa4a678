import Foundation

/// The absolute sinusoidal position encoding of "Attention Is All You Need" (Vaswani et al., 2017, §3.5).
///
///     PE[p, 2i]   = sin(p / 10000^(2i/d))
///     PE[p, 2i+1] = cos(p / 10000^(2i/d))
///
/// The encoding is *added* to the token embedding; RoPE instead *rotates* query and key. Both use the same
/// geometric ladder of frequencies ω_i = base^(−2i/d), which is why the two are easy to confuse.
public enum Sinusoidal {
    /// The Vaswani layout: sin and cos of each frequency side by side, `[sin ω₀p, cos ω₀p, sin ω₁p, cos ω₁p, …]`.
    public static func interleaved(position: Double, dimension: Int, base: Double = 10_000) -> [Double] {
        precondition(dimension > 0 && dimension % 2 == 0, "the model dimension must be a positive even number")
        var row = [Double](repeating: 0, count: dimension)
        for (i, omega) in Frequencies.inverse(rotaryDim: dimension, base: base).enumerated() {
            let angle = position * omega
            row[2 * i] = sin(angle)
            row[2 * i + 1] = cos(angle)
        }
        return row
    }

    /// The concatenated layout used by tensor2tensor-style code: all sines, then all cosines,
    /// `[sin ω₀p, …, sin ω_{d/2−1}p, cos ω₀p, …, cos ω_{d/2−1}p]`. Same numbers, other order.
    public static func concatenated(position: Double, dimension: Int, base: Double = 10_000) -> [Double] {
        let row = interleaved(position: position, dimension: dimension, base: base)
        return stride(from: 0, to: dimension, by: 2).map { row[$0] } + stride(from: 1, to: dimension, by: 2).map { row[$0] }
    }

    /// The table of `interleaved` rows for positions 0..<count.
    public static func table(positions count: Int, dimension: Int, base: Double = 10_000) -> [[Double]] {
        (0..<count).map { interleaved(position: Double($0), dimension: dimension, base: base) }
    }

    /// ω_i = base^(−2i/d): pair i's angular frequency in radians per position.
    public static func frequency(pair i: Int, dimension: Int, base: Double = 10_000) -> Double {
        Frequencies.inverse(pair: i, rotaryDim: dimension, base: base)
    }
}
