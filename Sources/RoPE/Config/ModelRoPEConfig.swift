import Foundation

/// The RoPE-relevant part of a Hugging Face `config.json`, read with transformers v5 precedence.
///
/// Both forms are accepted:
/// - legacy: top-level `rope_theta` plus `rope_scaling: {"type" | "rope_type": …, …}` (or `rope_scaling: null`);
/// - v5: `rope_parameters: {"rope_type": …, "rope_theta": …, …}`.
///
/// Resolution rules (transformers v5 `modeling_rope_utils.py` and `standardize_rope_params`):
/// - head_dim: explicit non-null `head_dim`, else hidden_size / num_attention_heads (integer division);
/// - partial_rotary_factor: top level, else the rope dict, else 1; rotary_dim = Int(head_dim × factor), even;
/// - original_max_position_embeddings: top level first (Phi-3), then the rope dict, then max_position_embeddings;
/// - yarn / longrope without `factor`: max_position_embeddings / original_max_position_embeddings.
public struct ModelRoPEConfig: Sendable, Equatable {
    public var headDim: Int
    public var rotaryDim: Int
    public var base: Double
    public var maxPositionEmbeddings: Int?
    public var originalMaxPositionEmbeddings: Int?
    public var scaling: RoPEScaling

    public init(headDim: Int, rotaryDim: Int, base: Double, maxPositionEmbeddings: Int?,
                originalMaxPositionEmbeddings: Int?, scaling: RoPEScaling) {
        self.headDim = headDim
        self.rotaryDim = rotaryDim
        self.base = base
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
        self.scaling = scaling
    }

    public var ropeType: String { scaling.typeName }

    /// inv_freq and attention factor for a sequence of `sequenceLength` tokens (nil: as at load time).
    public func frequencies(sequenceLength: Int? = nil) -> ScaledFrequencies {
        scaling.frequencies(rotaryDim: rotaryDim, base: base, sequenceLength: sequenceLength)
    }

    /// The context the model was trained on, and the one the scaling targets.
    public var originalContext: Int? { originalMaxPositionEmbeddings ?? maxPositionEmbeddings }
    /// The scaled context: max_position_embeddings when it exceeds the original (Llama 3.1: 131072), else the
    /// original times the factor (Qwen2.5's YaRN block keeps max_position_embeddings at 32768).
    public var targetContext: Int? {
        guard let originalContext else { return nil }
        if case .none = scaling { return maxPositionEmbeddings ?? originalContext }
        if let maxPositionEmbeddings, maxPositionEmbeddings > originalContext { return maxPositionEmbeddings }
        let scaled = (Double(originalContext) * scaling.factor).rounded()
        return scaled.isFinite && scaled < 1e15 ? Int(scaled) : nil     // a hostile factor must not trap
    }

    /// Reads a config.json document.
    public static func parse(_ data: Data) throws -> ModelRoPEConfig {
        let document: JSONValue
        do { document = try JSONValue.parse(data) } catch let error as JSONParseError {
            throw ConfigError(key: "", error.description)
        }
        guard case .object(let top) = document else {
            throw ConfigError(key: "", "the top-level value is \(document.kindName); expected a JSON object")
        }
        var reader = ConfigReader(top: top)
        return try reader.read()
    }
}
