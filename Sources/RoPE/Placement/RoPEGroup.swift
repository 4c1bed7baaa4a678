/// One RoPE setting a model uses in some of its layers: the frequencies (a `ModelRoPEConfig`: head and rotary
/// width, base, scaling), the channels they rotate (`ChannelLayout`) and, for multimodal models, which position
/// axis each pair follows (`MRoPE`). Gemma 3 has two groups (local layers: base 10 000; global layers: base 10^6
/// with linear ×8); Llama 3 has one.
public struct RoPEGroup: Sendable, Equatable {
    /// The name transformers keys this setting by: a layer type (`sliding_attention`, `full_attention`), DeepSeek-V4's
    /// `main` / `compress`, or `rope` for a model with a single setting.
    public var label: String
    public var rope: ModelRoPEConfig
    public var layout: ChannelLayout
    public var mrope: MRoPE?

    public init(label: String, rope: ModelRoPEConfig, layout: ChannelLayout = .half, mrope: MRoPE? = nil) {
        self.label = label
        self.rope = rope
        self.layout = layout
        self.mrope = mrope
    }

    public var headDim: Int { rope.headDim }
    public var rotaryDim: Int { rope.rotaryDim }

    public func frequencies(sequenceLength: Int? = nil) -> ScaledFrequencies {
        rope.frequencies(sequenceLength: sequenceLength)
    }

    /// The angle each pair turns by at `position`: p_axis(i) · θ_i, where every pair follows the token index
    /// unless M-RoPE assigns it an axis.
    public func angles(at position: RoPEPosition, frequencies: ScaledFrequencies) -> [Double] {
        frequencies.inverseFrequencies.enumerated().map { i, theta in
            let p = mrope.map { position.value($0.pairAxis[i]) } ?? position.t
            return p * theta
        }
    }

    /// Rotates one head vector (`headDim` channels) to `position`, as the model's code does.
    public func rotate(_ x: [Double], at position: RoPEPosition, sequenceLength: Int? = nil) -> [Double] {
        precondition(x.count == headDim, "vector has \(x.count) channels; this group's head has \(headDim)")
        let f = frequencies(sequenceLength: sequenceLength)
        return layout.rotate(x, angles: angles(at: position, frequencies: f), attentionFactor: f.attentionFactor,
                             rotaryDim: rotaryDim)
    }
}
