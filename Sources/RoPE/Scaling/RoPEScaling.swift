/// Every frequency-scaling method, as one value: what a model config selects with `rope_type`.
public enum RoPEScaling: Sendable, Equatable {
    case none
    case linear(LinearScaling)
    case ntkAware(NTKAwareScaling)
    case dynamicNTK(DynamicNTKScaling)
    case yarn(YaRNScaling)
    case llama3(Llama3Scaling)
    case longRoPE(LongRoPEScaling)
    case proportional(ProportionalScaling)

    /// The name transformers uses for this method's `rope_type`.
    public var typeName: String {
        switch self {
        case .none: return "default"
        case .linear: return "linear"
        case .ntkAware: return "ntk"
        case .dynamicNTK: return "dynamic"
        case .yarn: return "yarn"
        case .llama3: return "llama3"
        case .longRoPE: return "longrope"
        case .proportional: return "proportional"
        }
    }

    /// The context extension factor s (1 for plain RoPE).
    public var factor: Double {
        switch self {
        case .none: return 1
        case .linear(let m): return m.factor
        case .ntkAware(let m): return m.factor
        case .dynamicNTK(let m): return m.factor
        case .yarn(let m): return m.factor
        case .llama3(let m): return m.factor
        case .longRoPE(let m): return m.factor
        case .proportional(let m): return m.factor
        }
    }

    /// inv_freq and attention factor for a sequence of `sequenceLength` tokens (nil: as at model load time).
    /// Only dynamic NTK and LongRoPE depend on the length.
    public func frequencies(rotaryDim: Int, base: Double, sequenceLength: Int? = nil) -> ScaledFrequencies {
        switch self {
        case .none: return ScaledFrequencies(inverseFrequencies: Frequencies.inverse(rotaryDim: rotaryDim, base: base))
        case .linear(let m): return m.frequencies(rotaryDim: rotaryDim, base: base)
        case .ntkAware(let m): return m.frequencies(rotaryDim: rotaryDim, base: base)
        case .dynamicNTK(let m): return m.frequencies(rotaryDim: rotaryDim, base: base, sequenceLength: sequenceLength)
        case .yarn(let m): return m.frequencies(rotaryDim: rotaryDim, base: base)
        case .llama3(let m): return m.frequencies(rotaryDim: rotaryDim, base: base)
        case .longRoPE(let m): return m.frequencies(rotaryDim: rotaryDim, base: base, sequenceLength: sequenceLength)
        case .proportional(let m): return m.frequencies(rotaryDim: rotaryDim, base: base)
        }
    }

    /// The frequencies before scaling: base^(−2i/d), or for `proportional` the same ladder cut off after its
    /// rotated pairs (zeros after), so that θ'/θ compares like with like.
    public func unscaledFrequencies(rotaryDim: Int, base: Double) -> [Double] {
        if case .proportional(let m) = self {
            return ProportionalScaling(factor: 1, partialRotaryFactor: m.partialRotaryFactor)
                .frequencies(rotaryDim: rotaryDim, base: base).inverseFrequencies
        }
        return Frequencies.inverse(rotaryDim: rotaryDim, base: base)
    }
}

/// How a scaled pair relates to its unscaled frequency: kept, divided by (at least) the factor, or in between.
public enum FrequencyRegime: String, Sendable {
    case extrapolated, blended, interpolated
    /// A pair that does not rotate at all (θ = 0: Gemma 4's `proportional` pairs past the rotated ones).
    case unrotated = "not rotated"

    /// Classifies θ'/θ against 1 and 1/s, with a relative tolerance for rounding.
    public static func classify(scaled: Double, original: Double, factor: Double) -> FrequencyRegime {
        if scaled == 0 && original == 0 { return .unrotated }
        let ratio = scaled / original
        let tolerance = 1e-9
        if abs(ratio - 1) <= tolerance { return .extrapolated }
        if factor > 1 && ratio <= 1 / factor * (1 + tolerance) { return .interpolated }
        return .blended
    }
}
