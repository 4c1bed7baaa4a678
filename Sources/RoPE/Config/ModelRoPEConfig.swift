import Foundation

/// One RoPE setting of a Hugging Face `config.json`: the head and rotary widths, the base, the contexts and the
/// frequency scaling, read with transformers v5 precedence. A model whose layers use several settings (Gemma 3,
/// OLMo 3, Gemma 4, DeepSeek-V4) is read with `RoPEPlacement`, whose groups each hold one of these.
///
/// Both forms are accepted:
/// - legacy: top-level `rope_theta` plus `rope_scaling: {"type" | "rope_type": …, …}` (or `rope_scaling: null`);
/// - v5: `rope_parameters: {"rope_type": …, "rope_theta": …, …}`.
///
/// Resolution rules (transformers v5 `modeling_rope_utils.py` and `standardize_rope_params`):
/// - head_dim: explicit non-null `head_dim`, else hidden_size / num_attention_heads (integer division);
///   DeepSeek-V2/V3 use `qk_rope_head_dim`;
/// - partial_rotary_factor: the rope dict, else the top level, else 1; rotary_dim = Int(head_dim × factor), even;
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
    /// The scaled context: the larger of max_position_embeddings (Llama 3.1: 131072 from 8192 × 8) and the original
    /// times the factor (Qwen2.5's YaRN block keeps max_position_embeddings at 32768; Qwen3's at 40960, with YaRN ×4
    /// from 32768).
    public var targetContext: Int? {
        guard let originalContext else { return nil }
        if case .none = scaling { return maxPositionEmbeddings ?? originalContext }
        let scaled = (Double(originalContext) * scaling.factor).rounded()
        guard scaled.isFinite, scaled < 1e15 else { return nil }     // a hostile factor must not trap
        return max(maxPositionEmbeddings ?? 0, Int(scaled))
    }

    /// Reads a config.json document whose layers all use one RoPE setting (layers without RoPE aside).
    public static func parse(_ data: Data) throws -> ModelRoPEConfig {
        let placement = try RoPEPlacement.parse(data)
        guard placement.groups.count == 1 else {
            let labels = placement.groups.map(\.label).joined(separator: ", ")
            throw ConfigError(key: placement.modelType == "deepseek_v4" ? "compress_ratios" : "layer_types",
                              "the model uses \(placement.groups.count) RoPE settings, one per layer type (\(labels)); "
                              + "read it with RoPEPlacement.parse and pick a group")
        }
        return placement.groups[0].rope
    }
}
