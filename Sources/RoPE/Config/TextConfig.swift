/// The part of a config.json that describes the language model, and its `model_type`.
///
/// Multimodal configs (Gemma 3/4, Llama 4, Mistral 3, Qwen-VL, Qwen3.5) nest it under `text_config`; transformers
/// builds the text model from that dict alone. Older Qwen2-VL / Qwen2.5-VL checkpoints are flat — the text keys sit
/// at the top level, and transformers' `Qwen2_5_VLConfig` moves them into the text config. When both exist the
/// nested one wins; a RoPE key at the top level whose value differs from `text_config`'s would silently lose, so it
/// is an error here.
struct TextConfig {
    var dict: [String: JSONValue]
    /// Prefix for key paths in errors: "" or "text_config.".
    var prefix: String
    var modelType: String?

    /// RoPE keys compared between the two levels.
    static let ropeKeys = ["rope_theta", "rope_scaling", "rope_parameters", "rope_local_base_freq", "partial_rotary_factor",
                           "head_dim", "max_position_embeddings", "original_max_position_embeddings", "layer_types",
                           "sliding_window_pattern", "no_rope_layers", "num_hidden_layers"]

    /// The text model type of a composite config, when `text_config` does not name it (each composite config
    /// class's default text config).
    static let textTypeOfComposite: [String: String] = [
        "gemma3": "gemma3_text", "gemma4": "gemma4_text", "llama4": "llama4_text", "qwen2_vl": "qwen2_vl_text",
        "qwen2_5_vl": "qwen2_5_vl_text", "qwen3_vl": "qwen3_vl_text", "qwen3_vl_moe": "qwen3_vl_moe_text",
        "qwen3_5": "qwen3_5_text", "qwen3_5_moe": "qwen3_5_moe_text",
    ]

    init(top: [String: JSONValue]) throws {
        let outerType = try Self.modelType(top["model_type"], at: "model_type")
        switch top["text_config"] {
        case nil, .null?:
            dict = top
            prefix = ""
            // A flat composite checkpoint (Qwen2.5-VL) is its own text config.
            modelType = outerType.map { Self.textTypeOfComposite[$0] ?? $0 }
        case .object(let text)?:
            dict = text
            prefix = "text_config."
            guard let type = try Self.modelType(text["model_type"], at: "text_config.model_type")
                    ?? outerType.flatMap({ Self.textTypeOfComposite[$0] }) else {
                throw ConfigError(key: "text_config.model_type", outerType == nil ? "missing; name the text model's type"
                    : "missing, and \"\(outerType!)\" has no single default text model; name it (e.g. \"ministral3\")")
            }
            modelType = type
            for key in Self.ropeKeys {
                guard let outer = top[key], outer != .null, let inner = text[key], inner != outer else { continue }
                throw ConfigError(key: key, "is \(outer.serialized) at the top level but \(inner.serialized) in text_config; "
                                  + "transformers reads text_config, so the top-level value would be ignored")
            }
        case let other?:
            throw ConfigError(key: "text_config", "is \(other.kindName); expected an object")
        }
    }

    static func modelType(_ value: JSONValue?, at path: String) throws -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw ConfigError(key: path, "is \(other.kindName); expected a string such as \"llama\"")
        }
    }

    func key(_ name: String) -> String { prefix + name }
    subscript(name: String) -> JSONValue? { dict[name] }
}
