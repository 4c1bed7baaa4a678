/// What every scaling method produces: the frequencies to rotate by and the factor transformers multiplies cos and
/// sin by (its "attention scaling"; a q·k logit is scaled by its square).
public struct ScaledFrequencies: Sendable, Equatable {
    public var inverseFrequencies: [Double]
    public var attentionFactor: Double

    public init(inverseFrequencies: [Double], attentionFactor: Double = 1) {
        self.inverseFrequencies = inverseFrequencies
        self.attentionFactor = attentionFactor
    }

    public func embedding(layout: PairLayout = .halfSplit) -> RotaryEmbedding {
        RotaryEmbedding(inverseFrequencies: inverseFrequencies, attentionFactor: attentionFactor, layout: layout)
    }
}
