/// What transformers' config and model classes of one `model_type` do with RoPE, as far as a config can change it.
/// Read from transformers 5.25 (`models/<type>/configuration_<type>.py`, `modeling_<type>.py`).
struct ModelFamily {
    enum Kind {
        /// One RoPE for every layer that has one (Llama, Qwen, Mistral, Phi, DeepSeek-V2/V3, Llama 4, Qwen-VL, …).
        case single
        /// `rope_parameters` keyed by layer type, legacy `rope_theta` + `rope_local_base_freq` + `rope_scaling`.
        case gemma3
        /// Keyed by layer type; a legacy `rope_scaling` goes to full-attention layers only.
        case olmo3
        /// Keyed by layer type, `global_head_dim` on full-attention layers, `proportional` RoPE.
        case gemma4
        /// `main` / `compress` RoPE picked per layer type, from `compress_ratios` in legacy configs.
        case deepseekV4
    }

    var name: String
    var kind: Kind = .single
    var layout: ChannelLayout = .half
    /// `default_theta` of the config class, used when no rope_theta is given; nil: required.
    var defaultTheta: Double? = 10_000
    /// The dataclass default of `head_dim` when the key is absent (not when it is null).
    var defaultHeadDim: Int?
    /// Whether the model's code rotates Int(head_dim × partial_rotary_factor) channels; otherwise a factor ≠ 1 is
    /// an error (the code rotates the whole head).
    var honorsPartialRotary = false
    var defaultPartialRotary: Double = 1
    /// M-RoPE: the section transformers assumes when the config gives none, and the layout.
    var mropeDefaultSection: [Int]?
    var mropeInterleaved = false
    /// Qwen2-VL / Qwen2.5-VL rename rope_type "mrope" to "default".
    var renamesMRoPEType = false
    /// Qwen2/Qwen3: `layer_types` from use_sliding_window / max_window_layers when absent.
    var qwenSlidingLayers = false

    static func of(_ modelType: String?) -> ModelFamily {
        guard let modelType else { return ModelFamily(name: "", defaultTheta: nil, honorsPartialRotary: true) }
        switch modelType {
        case "llama", "mistral", "mixtral", "gemma", "gemma2", "olmo", "olmo2", "gpt_oss", "granite", "ernie4_5",
             "exaone4", "smollm3", "cohere2":
            return ModelFamily(name: modelType)
        case "qwen2", "qwen2_moe":
            return ModelFamily(name: modelType, qwenSlidingLayers: true)
        case "qwen3", "qwen3_moe":
            return ModelFamily(name: modelType, defaultHeadDim: 128, qwenSlidingLayers: true)
        case "phi", "phi3", "gpt_neox", "stablelm", "persimmon", "glm", "glm4", "nemotron":
            return ModelFamily(name: modelType, honorsPartialRotary: true)
        case "deepseek_v2":
            return ModelFamily(name: modelType, layout: .interleavedComplex)
        case "deepseek_v3", "kimi_k2":
            // Kimi K2 ships remote code whose config class is DeepseekV3Config (its `auto_map`).
            return ModelFamily(name: modelType, layout: .deepseekInterleave)
        case "llama4_text":
            return ModelFamily(name: modelType, layout: .interleavedComplex, defaultTheta: 500_000, defaultHeadDim: 128)
        case "ministral3":
            return ModelFamily(name: modelType, defaultHeadDim: 128)
        case "qwen2_vl_text", "qwen2_5_vl_text":
            return ModelFamily(name: modelType, defaultTheta: modelType == "qwen2_5_vl_text" ? 1_000_000 : 10_000,
                               mropeDefaultSection: [16, 24, 24], renamesMRoPEType: true, qwenSlidingLayers: true)
        case "qwen3_vl_text", "qwen3_vl_moe_text":
            return ModelFamily(name: modelType, defaultTheta: 500_000, defaultHeadDim: 128,
                               mropeDefaultSection: [24, 20, 20], mropeInterleaved: true)
        case "qwen3_5_text", "qwen3_5_moe_text":
            return ModelFamily(name: modelType, defaultHeadDim: 256, honorsPartialRotary: true, defaultPartialRotary: 0.25,
                               mropeDefaultSection: [11, 11, 10], mropeInterleaved: true)
        case "gemma3_text":
            return ModelFamily(name: modelType, kind: .gemma3, defaultHeadDim: 256)
        case "olmo3":
            return ModelFamily(name: modelType, kind: .olmo3, defaultTheta: 500_000)
        case "gemma4_text":
            return ModelFamily(name: modelType, kind: .gemma4, defaultHeadDim: 256)
        case "deepseek_v4":
            return ModelFamily(name: modelType, kind: .deepseekV4, layout: .interleavedTrailing, defaultHeadDim: 512,
                               honorsPartialRotary: true)
        default:
            // A model type this library has not read transformers' code for: the generic reading (the
            // ROPE_INIT_FUNCTIONS, partial rotary honored), with rope_theta required.
            return ModelFamily(name: modelType, defaultTheta: nil, honorsPartialRotary: true)
        }
    }

    /// How a layer type is named in configs older than transformers v5 (`_LEGACY_LAYER_TYPE_REMAP`).
    static let legacyLayerTypes = ["attention": "full_attention", "mamba": "linear_attention",
                                   "deepseek_sparse_attention": "indexed_attention", "qwen_sparse_attention": "indexed_attention"]
}
