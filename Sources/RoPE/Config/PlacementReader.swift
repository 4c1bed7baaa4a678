import Foundation

/// Resolves a text config into a `RoPEPlacement`, family by family, as transformers' config class of its
/// `model_type` does (`ModelFamily`). This file: what every family shares, and the single-RoPE families;
/// `PlacementReader+LayerTypes.swift`: the families keyed by layer type (Gemma 3, OLMo 3, Gemma 4, DeepSeek-V4).
struct PlacementReader {
    let source: TextConfig
    let family: ModelFamily

    init(source: TextConfig) {
        self.source = source
        family = ModelFamily.of(source.modelType)
    }

    func read() throws -> RoPEPlacement {
        switch family.kind {
        case .single: return try readSingle()
        case .gemma3, .olmo3: return try readGemma3OrOLMo3()
        case .gemma4: return try readGemma4()
        case .deepseekV4: return try readDeepSeekV4()
        }
    }

    // MARK: - One RoPE for all layers

    func readSingle() throws -> RoPEPlacement {
        var (dict, path) = try flatRopeDict()
        if family.name == "ministral3", dict == nil {
            dict = Self.ministral3DefaultRope(maxPositionEmbeddings: try integer("max_position_embeddings"))
            path = key("rope_parameters")
        }
        var ropeDict = dict ?? [:]
        if family.renamesMRoPEType, case .string("mrope")? = ropeDict["rope_type"] ?? ropeDict["type"] {
            ropeDict[ropeDict["rope_type"] != nil ? "rope_type" : "type"] = .string("default")
        }
        var reader = RopeDictReader(dict: ropeDict, path: path, typeWhenMissing: "default", headDim: try singleHeadDim())
        try fillFromTopLevel(&reader, flat: true)
        if family.mropeDefaultSection != nil { reader.modelKeys.formUnion(["mrope_section", "mrope_interleaved"]) }
        if family.name == "ministral3" { reader.modelKeys.formUnion(["llama_4_scaling_beta", "max_position_embeddings"]) }
        let rope = try reader.read()
        let group = RoPEGroup(label: "rope", rope: rope, layout: try singleLayout(),
                              mrope: try mrope(in: ropeDict, at: path, pairs: rope.rotaryDim / 2))

        let layerTypes = try singleLayerTypes()
        var layerGroups = layerTypes.map { $0.map { _ in Int?.some(0) } }
        var queryScale: QueryScale?
        var scaledLayers: [Int] = []
        switch family.name {
        case "llama4_text":
            let uses = try llama4RopeLayers()
            layerGroups = uses.map { $0 ? 0 : nil }
            if try truthy("attn_temperature_tuning", default: true) {
                queryScale = .llama4Temperature(floorScale: try positive("floor_scale") ?? 8192,
                                                attnScale: try number("attn_scale") ?? 0.1)
                scaledLayers = uses.indices.filter { !uses[$0] }
            }
        case "qwen3_5_text", "qwen3_5_moe_text":
            // Gated DeltaNet layers carry position by their convolution and recurrence; only full attention rotates.
            layerGroups = try layerTypes.map { types in
                try types.enumerated().map { i, type in
                    switch type {
                    case "full_attention": return 0
                    case "linear_attention": return nil
                    default: throw ConfigError(key: key("layer_types[\(i)]"), "is \"\(type)\"; Qwen3.5 layers are full_attention or linear_attention")
                    }
                }
            }
        case "ministral3":
            queryScale = try ministral3QueryScale(ropeDict, path: path, rope: rope)
            scaledLayers = layerTypes.map { Array($0.indices) } ?? []
        default: break
        }
        return RoPEPlacement(modelType: source.modelType, layerTypes: layerTypes, groups: [group], layerGroups: layerGroups,
                             queryScale: queryScale, queryScaleLayers: scaledLayers)
    }

    /// The flat rope dict: `rope_parameters` (v5) or `rope_scaling` (v4). transformers' generic
    /// `convert_rope_params_to_dict` takes `rope_scaling or rope_parameters`; both with different contents is a
    /// contradiction the config's author did not mean.
    func flatRopeDict() throws -> ([String: JSONValue]?, String) {
        let parameters = try object("rope_parameters"), scaling = try object("rope_scaling")
        if let parameters, let scaling, !scaling.isEmpty, parameters != scaling {
            throw ConfigError(key: key("rope_scaling"), "and rope_parameters are both given and differ; transformers would use "
                              + "rope_scaling and drop rope_parameters — keep one")
        }
        let dict: [String: JSONValue]?, name: String
        if let scaling, !scaling.isEmpty { (dict, name) = (scaling, "rope_scaling") }
        else if let parameters { (dict, name) = (parameters, "rope_parameters") }
        else { (dict, name) = (scaling, scaling == nil ? "rope_parameters" : "rope_scaling") }
        if let dict, dict["rope_type"] == nil, dict["type"] == nil, dict["rope_theta"] == nil, !dict.isEmpty,
           dict.values.allSatisfy({ if case .object = $0 { true } else { false } }) {
            throw ConfigError(key: key(name), "holds one rope dict per layer type (\(dict.keys.sorted().joined(separator: ", "))), "
                              + "but \(family.name.isEmpty ? "a config without model_type" : "model_type \"\(family.name)\"") has one RoPE for all layers; "
                              + "extract the one you want into a config of its own")
        }
        return (dict, key(name))
    }

    /// Fills what a rope dict leaves open from the top level (rope_theta, partial_rotary_factor, the original and
    /// maximum context), as transformers' standardize step does.
    func fillFromTopLevel(_ reader: inout RopeDictReader, flat: Bool, theta: String = "rope_theta") throws {
        reader.theta = try number(theta).map { .init(value: $0, key: key(theta)) }
        reader.defaultTheta = family.defaultTheta
        reader.partial = try number("partial_rotary_factor").map { .init(value: $0, key: key("partial_rotary_factor")) }
        reader.defaultPartial = family.defaultPartialRotary
        if !family.honorsPartialRotary {
            reader.partialPolicy = .rejectNamingModel(family.name)
        }
        reader.maxPositionEmbeddings = try integer("max_position_embeddings")
        if flat {
            reader.overridingOriginal = try integer("original_max_position_embeddings")
                .map { .init(value: $0, key: key("original_max_position_embeddings")) }
        }
    }

    /// head_dim as each family's config class resolves it.
    func singleHeadDim() throws -> Int {
        switch family.name {
        case "deepseek_v2", "deepseek_v3", "kimi_k2":
            // MLA: transformers sets head_dim = qk_rope_head_dim (the rotated slice of each head).
            let rope = try integer("qk_rope_head_dim") ?? 64
            if let explicit = try integer("head_dim"), explicit != rope {
                throw ConfigError(key: key("head_dim"), "is \(explicit), but transformers' DeepSeek config replaces it by "
                                  + "qk_rope_head_dim = \(rope), the width RoPE rotates; remove one")
            }
            return try checkedHeadDim(rope, at: "qk_rope_head_dim")
        default:
            return try headDim(key: "head_dim", default: family.defaultHeadDim)
        }
    }

    func singleLayout() throws -> ChannelLayout {
        guard family.layout == .deepseekInterleave else { return family.layout }
        switch source["rope_interleave"] {
        case nil, .null?, .bool(true)?: return .deepseekInterleave
        case .bool(false)?: return .half
        case let other?: throw ConfigError(key: key("rope_interleave"), "is \(other.kindName); expected true or false")
        }
    }

    /// The M-RoPE map of a Qwen-VL / Qwen3.5 group; an `mrope_interleaved` flag that contradicts the model's code is
    /// an error (transformers ignores the flag: the model class decides).
    func mrope(in dict: [String: JSONValue], at path: String, pairs: Int) throws -> MRoPE? {
        guard let fallback = family.mropeDefaultSection else { return nil }
        var section = fallback
        if let given = dict["mrope_section"], given != .null {
            section = try integers(given, at: "\(path).mrope_section")
        }
        switch dict["mrope_interleaved"] {
        case nil, .null?: break
        case .bool(let b)? where b == family.mropeInterleaved: break
        case .bool(let b)?:
            throw ConfigError(key: "\(path).mrope_interleaved", "is \(b), but transformers' \(family.name) code lays M-RoPE out "
                              + (family.mropeInterleaved ? "interleaved" : "contiguously") + " whatever this flag says")
        case let other?: throw ConfigError(key: "\(path).mrope_interleaved", "is \(other.kindName); expected true or false")
        }
        do { return try MRoPE(section: section, interleaved: family.mropeInterleaved, pairs: pairs) } catch {
            throw ConfigError(key: "\(path).mrope_section", error.message)
        }
    }

    /// Layer types of single-RoPE models: the config's, else the rule its config class applies, else all full.
    func singleLayerTypes() throws -> [String]? {
        if let explicit = try explicitLayerTypes() { return explicit }
        guard let n = try layerCount() else { return nil }
        switch family.name {
        case "llama4_text":
            let chunked = source["attention_chunk_size"].map { $0 != .null } ?? true     // default 8192
            return try llama4RopeLayers().map { $0 && chunked ? "chunked_attention" : "full_attention" }
        case "qwen3_5_text", "qwen3_5_moe_text":
            let interval = try integer("full_attention_interval") ?? 4
            guard interval > 0 else { throw ConfigError(key: key("full_attention_interval"), "must be positive, got \(interval)") }
            return (0..<n).map { ($0 + 1) % interval == 0 ? "full_attention" : "linear_attention" }
        default:
            if family.qwenSlidingLayers, try truthy("use_sliding_window", default: false), source["sliding_window"] != .null {
                let first = try integer("max_window_layers") ?? 28
                return (0..<n).map { $0 >= first ? "sliding_attention" : "full_attention" }
            }
            return Array(repeating: "full_attention", count: n)
        }
    }

    /// Llama 4's `no_rope_layers`: 1 means the layer USES RoPE; an empty or absent list falls back to every
    /// `no_rope_layer_interval`-th layer (default 4) without.
    func llama4RopeLayers() throws -> [Bool] {
        guard let n = try layerCount() else {
            throw ConfigError(key: key("num_hidden_layers"), "missing; Llama 4's RoPE-free layers are counted from it")
        }
        if let given = source["no_rope_layers"], given != .null, given != .array([]) {
            let flags = try integers(given, at: key("no_rope_layers"))
            guard flags.count == n else {
                throw ConfigError(key: key("no_rope_layers"), "has \(flags.count) entries for \(n) layers")
            }
            return try flags.enumerated().map { i, f in
                guard f == 0 || f == 1 else { throw ConfigError(key: key("no_rope_layers[\(i)]"), "is \(f); expected 1 (RoPE) or 0 (none)") }
                return f == 1
            }
        }
        let interval = try integer("no_rope_layer_interval") ?? 4
        guard interval > 0 else { throw ConfigError(key: key("no_rope_layer_interval"), "must be positive, got \(interval)") }
        return (0..<n).map { ($0 + 1) % interval != 0 }
    }

    /// Ministral 3: transformers' `get_llama_4_attn_scale(position_ids, beta, original_max_position_embeddings)`
    /// with both read from the resolved rope dict — a config without them fails in transformers at the first forward.
    func ministral3QueryScale(_ dict: [String: JSONValue], path: String, rope: ModelRoPEConfig) throws -> QueryScale {
        guard let beta = try JSONValue.number(dict["llama_4_scaling_beta"], at: "\(path).llama_4_scaling_beta") else {
            throw ConfigError(key: "\(path).llama_4_scaling_beta", "missing; Ministral 3 scales every query by 1 + β·ln(1 + ⌊p/L⌋) with it")
        }
        guard case .yarn(let yarn) = rope.scaling else {
            throw ConfigError(key: "\(path).original_max_position_embeddings",
                              "is only resolved for yarn, llama3 and longrope; Ministral 3's query scale needs it (rope_type is \"\(rope.ropeType)\")")
        }
        return .llama4Scaling(beta: beta, originalContext: yarn.originalMaxPositionEmbeddings)
    }

    /// `Ministral3Config.__post_init__`'s rope dict when the config gives none.
    static func ministral3DefaultRope(maxPositionEmbeddings: Int?) -> [String: JSONValue] {
        ["type": .string("yarn"), "rope_theta": .number(1_000_000), "factor": .number(16),
         "original_max_position_embeddings": .number(16384), "beta_fast": .number(32), "beta_slow": .number(1),
         "mscale_all_dim": .number(1), "mscale": .number(1), "llama_4_scaling_beta": .number(0.1),
         "max_position_embeddings": .number(Double(maxPositionEmbeddings ?? 262_144))]
    }

    // MARK: - Shared readers

    func key(_ name: String) -> String { source.key(name) }

    func number(_ name: String) throws -> Double? { try JSONValue.number(source[name], at: key(name)) }
    func integer(_ name: String) throws -> Int? { try JSONValue.integer(source[name], at: key(name)) }

    func positive(_ name: String) throws -> Double? {
        guard let n = try number(name) else { return nil }
        guard n.isFinite, n > 0 else { throw ConfigError(key: key(name), "must be a finite positive number, got \(JSONValue.format(n))") }
        return n
    }

    /// Python truthiness of a flag (Llama 4 ships `attn_temperature_tuning: 4`).
    func truthy(_ name: String, default fallback: Bool) throws -> Bool {
        switch source[name] {
        case nil: return fallback
        case .null?: return false
        case .bool(let b)?: return b
        case .number(let n)?: return n != 0
        case let other?: throw ConfigError(key: key(name), "is \(other.kindName); expected true or false")
        }
    }

    func object(_ name: String) throws -> [String: JSONValue]? {
        switch source[name] {
        case nil, .null?: return nil
        case .object(let o)?: return o
        case let other?: throw ConfigError(key: key(name), "is \(other.kindName); expected an object or null")
        }
    }

    func integers(_ value: JSONValue, at path: String) throws -> [Int] {
        guard case .array(let items) = value else { throw ConfigError(key: path, "is \(value.kindName); expected an array of whole numbers") }
        return try items.enumerated().map { i, item in
            guard let n = try JSONValue.integer(item, at: "\(path)[\(i)]") else { throw ConfigError(key: "\(path)[\(i)]", "is null; expected a whole number") }
            return n
        }
    }

    /// Real heads have 64–512 channels; far beyond that a config is wrong, and computing with it would only
    /// exhaust memory.
    static let largestHeadDim = 65_536

    func checkedHeadDim(_ d: Int, at name: String) throws -> Int {
        guard d > 0, d <= Self.largestHeadDim else {
            throw ConfigError(key: key(name), "must be between 1 and \(Self.largestHeadDim), got \(d)")
        }
        return d
    }

    /// An explicit non-null head width, else the config class's default when the key is absent, else
    /// hidden_size / num_attention_heads (integer division).
    func headDim(key name: String, default fallback: Int?) throws -> Int {
        if let explicit = try integer(name) { return try checkedHeadDim(explicit, at: name) }
        if source[name] == nil, let fallback { return fallback }
        guard let hidden = try integer("hidden_size") else {
            throw ConfigError(key: key("hidden_size"), "missing; give \(name), or hidden_size and num_attention_heads")
        }
        guard let heads = try integer("num_attention_heads") else {
            throw ConfigError(key: key("num_attention_heads"), "missing; give \(name), or hidden_size and num_attention_heads")
        }
        guard heads > 0 else { throw ConfigError(key: key("num_attention_heads"), "must be positive, got \(heads)") }
        guard hidden > 0 else { throw ConfigError(key: key("hidden_size"), "must be positive, got \(hidden)") }
        guard hidden / heads >= 1, hidden / heads <= Self.largestHeadDim else {
            throw ConfigError(key: key("hidden_size"), "hidden_size / num_attention_heads = \(hidden / heads) is not a plausible head size (1…\(Self.largestHeadDim))")
        }
        return hidden / heads
    }

    /// num_hidden_layers, else the length of layer_types; nil when the config says neither.
    func layerCount() throws -> Int? {
        if let n = try integer("num_hidden_layers") {
            guard n > 0, n <= 100_000 else { throw ConfigError(key: key("num_hidden_layers"), "must be between 1 and 100000, got \(n)") }
            return n
        }
        if case .array(let items)? = source["layer_types"], !items.isEmpty { return items.count }
        return nil
    }

    func requiredLayerCount() throws -> Int {
        guard let n = try layerCount() else {
            throw ConfigError(key: key("num_hidden_layers"), "missing; \(family.name)'s RoPE depends on the layer, so the layer count is needed")
        }
        return n
    }

    /// `layer_types` as given, legacy names renamed (`attention` → `full_attention`), one per layer.
    func explicitLayerTypes(truncatingTo limit: Int? = nil) throws -> [String]? {
        guard let value = source["layer_types"], value != .null else { return nil }
        guard case .array(let items) = value else { throw ConfigError(key: key("layer_types"), "is \(value.kindName); expected an array of strings") }
        var types = try items.enumerated().map { i, item -> String in
            guard case .string(let s) = item else { throw ConfigError(key: key("layer_types[\(i)]"), "is \(item.kindName); expected a string") }
            return ModelFamily.legacyLayerTypes[s] ?? s
        }
        if let limit { types = Array(types.prefix(limit)) }
        if let n = try integer("num_hidden_layers"), n != types.count {
            throw ConfigError(key: key("layer_types"), "has \(types.count) entries but num_hidden_layers is \(n)")
        }
        return types
    }
}
