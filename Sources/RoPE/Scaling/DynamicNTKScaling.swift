import Foundation

/// Dynamic NTK (transformers' `dynamic`): the NTK base change, recomputed for the current sequence length,
///
///     L     = max(seq_len, max_position_embeddings)
///     base' = base · ((s·L / max_position_embeddings) − (s − 1))^(d/(d−2))
///
/// Up to max_position_embeddings nothing changes; past it the effective factor grows linearly with L.
/// Note transformers uses `max_position_embeddings` here, not `original_max_position_embeddings`.
public struct DynamicNTKScaling: Sendable, Equatable {
    public var factor: Double
    public var maxPositionEmbeddings: Int

    public init(factor: Double, maxPositionEmbeddings: Int) {
        self.factor = factor
        self.maxPositionEmbeddings = maxPositionEmbeddings
    }

    public func scaledBase(base: Double, rotaryDim d: Int, sequenceLength: Int?) -> Double {
        let maxPos = Double(maxPositionEmbeddings)
        let length = max(Double(sequenceLength ?? maxPositionEmbeddings), maxPos)
        return base * pow(factor * length / maxPos - (factor - 1), Double(d) / Double(d - 2))
    }

    public func frequencies(rotaryDim: Int, base: Double, sequenceLength: Int?) -> ScaledFrequencies {
        let newBase = scaledBase(base: base, rotaryDim: rotaryDim, sequenceLength: sequenceLength)
        return ScaledFrequencies(inverseFrequencies: Frequencies.inverse(rotaryDim: rotaryDim, base: newBase))
    }
}
