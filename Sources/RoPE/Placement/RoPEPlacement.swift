import Foundation

/// How a model places RoPE across its layers, as transformers resolves its `config.json`: the type of every layer,
/// the RoPE groups (one per distinct setting), which group each layer uses — or none, for layers without positional
/// rotation (Llama 4's every fourth layer, Qwen3.5's linear-attention layers) — and the position-dependent factor
/// some models multiply queries by.
///
/// Read with `RoPEPlacement.parse`: flat configs and `text_config`, transformers v4 (`rope_scaling`, `rope_theta`,
/// `rope_local_base_freq`, `sliding_window_pattern`, `compress_ratios`) and v5 (`rope_parameters`, keyed by layer
/// type where the model has several) forms, each family with the precedence its transformers config class applies
/// (`PlacementReader`). Unknown or contradictory keys are errors naming the key.
public struct RoPEPlacement: Sendable, Equatable {
    /// The text model's `model_type` (`gemma3_text` for a Gemma 3 config with `text_config`), nil when absent.
    public var modelType: String?
    /// One entry per layer (`sliding_attention`, `full_attention`, `linear_attention`, …), nil when the config does
    /// not say how many layers the model has.
    public var layerTypes: [String]?
    public var groups: [RoPEGroup]
    /// For every layer, the index into `groups` of the RoPE it uses, nil for a layer without RoPE; nil when the
    /// number of layers is unknown (then every layer uses `groups[0]`).
    public var layerGroups: [Int?]?
    /// The factor queries are multiplied by, by position, and the layers that apply it.
    public var queryScale: QueryScale?
    public var queryScaleLayers: [Int]

    public init(modelType: String?, layerTypes: [String]?, groups: [RoPEGroup], layerGroups: [Int?]?,
                queryScale: QueryScale? = nil, queryScaleLayers: [Int] = []) {
        self.modelType = modelType
        self.layerTypes = layerTypes
        self.groups = groups
        self.layerGroups = layerGroups
        self.queryScale = queryScale
        self.queryScaleLayers = queryScaleLayers
    }

    public var layerCount: Int? { layerTypes?.count }

    /// The group a layer uses, nil for a layer without RoPE.
    public func group(forLayer layer: Int) -> RoPEGroup? {
        guard let layerGroups else { return groups.first }
        precondition(layerGroups.indices.contains(layer), "layer \(layer) of \(layerGroups.count)")
        return layerGroups[layer].map { groups[$0] }
    }

    public func group(labeled label: String) -> RoPEGroup? { groups.first { $0.label == label } }

    /// The layers that use `groups[index]`.
    public func layers(usingGroup index: Int) -> [Int] {
        guard let layerGroups else { return [] }
        return layerGroups.indices.filter { layerGroups[$0] == index }
    }

    /// The layers without RoPE.
    public var layersWithoutRoPE: [Int] {
        guard let layerGroups else { return [] }
        return layerGroups.indices.filter { layerGroups[$0] == nil }
    }

    /// Reads a config.json document.
    public static func parse(_ data: Data) throws -> RoPEPlacement {
        let document: JSONValue
        do { document = try JSONValue.parse(data) } catch let error as JSONParseError {
            throw ConfigError(key: "", error.description)
        }
        guard case .object(let top) = document else {
            throw ConfigError(key: "", "the top-level value is \(document.kindName); expected a JSON object")
        }
        return try PlacementReader(source: try TextConfig(top: top)).read()
    }
}
