import Foundation

/// Llama 3.1's frequency scaling (Meta `apply_scaling`, transformers `llama3`), by wavelength λ = 2π/θ:
///
///     λ < L/high_freq_factor               → θ unchanged              (short wavelengths: local detail)
///     λ > L/low_freq_factor                → θ / factor               (long wavelengths: interpolate)
///     otherwise (inclusive band)           → (1 − γ)·θ/factor + γ·θ,  γ = (L/λ − low)/(high − low)
///
/// L is original_max_position_embeddings. When low_freq_factor equals high_freq_factor (Llama 4 Scout ships 1 and 1)
/// the band shrinks to the single wavelength λ = L/low: every pair is either kept or divided — a hard cut at L
/// tokens. transformers accepts it with a warning; only a pair whose wavelength is exactly L/low would divide 0 by 0
/// (in transformers as here), which no base and head size in use produces.
public struct Llama3Scaling: Sendable, Equatable {
    public var factor: Double
    public var lowFreqFactor: Double
    public var highFreqFactor: Double
    public var originalMaxPositionEmbeddings: Int

    public init(factor: Double, lowFreqFactor: Double, highFreqFactor: Double, originalMaxPositionEmbeddings: Int) {
        self.factor = factor
        self.lowFreqFactor = lowFreqFactor
        self.highFreqFactor = highFreqFactor
        self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
    }

    public enum Band: String, Sendable { case unchanged, smoothed, divided }

    /// Which band pair i's wavelength falls in.
    public func band(wavelength: Double) -> Band {
        let context = Double(originalMaxPositionEmbeddings)
        if wavelength < context / highFreqFactor { return .unchanged }
        if wavelength > context / lowFreqFactor { return .divided }
        return .smoothed
    }

    public func frequencies(rotaryDim: Int, base: Double) -> ScaledFrequencies {
        let context = Double(originalMaxPositionEmbeddings)
        let scaled = Frequencies.inverse(rotaryDim: rotaryDim, base: base).map { theta -> Double in
            let wavelength = 2 * Double.pi / theta
            switch band(wavelength: wavelength) {
            case .unchanged: return theta
            case .divided: return theta / factor
            case .smoothed:
                let smooth = (context / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor)
                return (1 - smooth) * theta / factor + smooth * theta
            }
        }
        return ScaledFrequencies(inverseFrequencies: scaled)
    }
}
