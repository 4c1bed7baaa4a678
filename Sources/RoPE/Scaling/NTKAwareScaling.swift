import Foundation

/// "NTK-aware" scaling (bloc97, 2023; YaRN paper Def. 1): change the base instead of the positions,
///
///     base' = base · s^(d/(d−2))
///
/// chosen so that the lowest frequency θ_{d/2−1} is divided by exactly s while θ_0 = 1 is untouched: high
/// frequencies extrapolate, low ones interpolate, and everything in between is a geometric blend.
public struct NTKAwareScaling: Sendable, Equatable {
    public var factor: Double
    public init(factor: Double) { self.factor = factor }

    public static func scaledBase(base: Double, factor s: Double, rotaryDim d: Int) -> Double {
        base * pow(s, Double(d) / Double(d - 2))
    }

    public func frequencies(rotaryDim: Int, base: Double) -> ScaledFrequencies {
        let newBase = Self.scaledBase(base: base, factor: factor, rotaryDim: rotaryDim)
        return ScaledFrequencies(inverseFrequencies: Frequencies.inverse(rotaryDim: rotaryDim, base: newBase))
    }
}
