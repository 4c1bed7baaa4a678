import Foundation

/// LongRoPE (Ding et al., 2024; Phi-3), as transformers `longrope`: a searched divisor per pair,
///
///     θ_i' = θ_i / ext_i,   ext = long_factor if seq_len > L else short_factor
///
/// with L = original_max_position_embeddings (exactly L tokens still use the short table), and the attention factor
/// √(1 + ln(s)/ln(L)) for s = factor > 1 (1 otherwise) unless the config gives one.
public struct LongRoPEScaling: Sendable, Equatable {
    public var shortFactor: [Double]
    public var longFactor: [Double]
    public var factor: Double
    public var originalMaxPositionEmbeddings: Int
    public var attentionFactor: Double?

    public init(shortFactor: [Double], longFactor: [Double], factor: Double, originalMaxPositionEmbeddings: Int,
                attentionFactor: Double? = nil) {
        self.shortFactor = shortFactor
        self.longFactor = longFactor
        self.factor = factor
        self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
        self.attentionFactor = attentionFactor
    }

    public var resolvedAttentionFactor: Double {
        if let attentionFactor { return attentionFactor }
        return factor <= 1 ? 1 : (1 + log(factor) / log(Double(originalMaxPositionEmbeddings))).squareRoot()
    }

    /// True when a sequence of this many tokens uses the long factors.
    public func usesLongFactors(sequenceLength: Int?) -> Bool {
        guard let sequenceLength else { return false }
        return sequenceLength > originalMaxPositionEmbeddings
    }

    public func frequencies(rotaryDim: Int, base: Double, sequenceLength: Int?) -> ScaledFrequencies {
        let ext = usesLongFactors(sequenceLength: sequenceLength) ? longFactor : shortFactor
        precondition(ext.count == rotaryDim / 2, "LongRoPE needs one factor per pair")
        let inv = zip(Frequencies.inverse(rotaryDim: rotaryDim, base: base), ext).map { $0 / $1 }
        return ScaledFrequencies(inverseFrequencies: inv, attentionFactor: resolvedAttentionFactor)
    }
}
