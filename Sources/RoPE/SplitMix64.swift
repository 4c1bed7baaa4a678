import Foundation

/// A small deterministic random number generator (SplitMix64, Steele et al. 2014), so that examples and tests print
/// the same numbers on every machine and every run.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [−1, 1).
    public mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) * 2 - 1 }

    /// Standard normal, by Box–Muller.
    public mutating func gaussian() -> Double {
        let u1 = (Double(next() >> 11) + 1) / Double(1 << 53), u2 = Double(next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A vector of `count` uniform values in [−1, 1).
    public mutating func vector(_ count: Int) -> [Double] { (0..<count).map { _ in uniform() } }

    /// A vector of `count` standard normal values.
    public mutating func gaussianVector(_ count: Int) -> [Double] { (0..<count).map { _ in gaussian() } }
}
