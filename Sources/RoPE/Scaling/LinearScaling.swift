/// Position interpolation (Chen et al., 2023): squeeze positions by the factor, θ_i' = θ_i / s.
/// Equivalent to rotating position p/s with the original frequencies.
public struct LinearScaling: Sendable, Equatable {
    public var factor: Double
    public init(factor: Double) { self.factor = factor }

    public func frequencies(rotaryDim: Int, base: Double) -> ScaledFrequencies {
        ScaledFrequencies(inverseFrequencies: Frequencies.inverse(rotaryDim: rotaryDim, base: base).map { $0 / factor })
    }
}
