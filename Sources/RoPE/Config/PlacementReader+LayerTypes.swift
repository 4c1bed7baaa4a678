import Foundation

/// The families whose RoPE depends on the layer: one rope dict per layer type (Gemma 3, OLMo 3, Gemma 4), or per
/// rope label picked by layer type (DeepSeek-V4).
extension PlacementReader {
    static let sliding = "sliding_attention", full = "full_attention"

    // MARK: - Gemma 3 and OLMo 3

    /// Gemma 3 (`Gemma3TextConfig.convert_rope_params_to_dict`): global layers get `rope_parameters.full_attention`,
    /// into which a legacy `rope_scaling` is merged, with base `rope_theta` (default 10^6); local layers get
    /// `rope_parameters.sliding_attention` with base `rope_local_base_freq` (default 10^4). Layer i is global when
    /// (i + 1) is a multiple of `sliding_window_pattern` (default 6) unless `layer_types` says otherwise.
    ///
    /// OLMo 3 (`Olmo3Config`) is the same with every fourth layer global and both bases defaulting to 500 000 —
    /// and the local layers never read the top-level `rope_theta` (`convert_rope_params_to_dict` pops it for the
    /// global layers first), so they fall back to 500 000 whatever it says.
    func readGemma3OrOLMo3() throws -> RoPEPlacement {
        let gemma = family.kind == .gemma3
        let n = try requiredLayerCount()
        let pattern = gemma ? try integer("sliding_window_pattern") : nil
        if let pattern, pattern <= 0 { throw ConfigError(key: key("sliding_window_pattern"), "must be positive, got \(pattern)") }
        let every = pattern ?? (gemma ? 6 : 4)
        let derived = (0..<n).map { ($0 + 1) % every != 0 ? Self.sliding : Self.full }
        let types = try explicitLayerTypes() ?? derived
        if pattern != nil, types != derived {
            throw ConfigError(key: key("sliding_window_pattern"), "says every \(every)th layer is global, but layer_types "
                              + "disagrees; transformers follows layer_types — remove one")
        }
        try requireTypes(types, in: [Self.sliding, Self.full])

        var perType = try perTypeDicts([Self.sliding, Self.full])
        if let scaling = try object("rope_scaling"), !scaling.isEmpty {
            // v4 form: the scaling dict goes to the global layers only.
            var merged = perType[Self.full]?.0 ?? [:]
            for (name, value) in scaling.sorted(by: { $0.key < $1.key }) {
                if let existing = merged[name], existing != value {
                    throw ConfigError(key: key("rope_scaling.\(name)"), "is \(value.serialized) but rope_parameters.full_attention.\(name) "
                                      + "is \(existing.serialized); transformers would let rope_scaling win — keep one")
                }
                merged[name] = value
            }
            perType[Self.full] = (merged, perType[Self.full]?.1 ?? key("rope_scaling"))
        }

        let model = gemma ? "Gemma 3" : "OLMo 3"
        var groups: [RoPEGroup] = []
        for label in Set(types).sorted() {
            let (dict, path) = perType[label] ?? ([:], key("rope_parameters.\(label)"))
            var reader = try nestedReader(dict, path: path, headDim: headDim(key: "head_dim", default: family.defaultHeadDim))
            reader.partialPolicy = .rejectNamingModel(model)
            if label == Self.full {
                reader.theta = try number("rope_theta").map { .init(value: $0, key: key("rope_theta")) }
                reader.defaultTheta = gemma ? 1_000_000 : 500_000
            } else if gemma {
                reader.theta = try number("rope_local_base_freq").map { .init(value: $0, key: key("rope_local_base_freq")) }
                reader.defaultTheta = 10_000
            } else {
                reader.theta = nil
                reader.defaultTheta = 500_000
            }
            groups.append(RoPEGroup(label: label, rope: try reader.read()))
        }
        return placement(types: types, groups: groups)
    }

    // MARK: - Gemma 4

    /// Gemma 4 (`Gemma4TextConfig`): `rope_parameters` keyed by layer type only (legacy keys are ignored by its
    /// config class), by default local layers base 10^4 and global layers `proportional` RoPE with
    /// partial_rotary_factor 0.25 and base 10^6; global layers have their own head width `global_head_dim` (default
    /// 512, the local one 256). The last layer is always global.
    func readGemma4() throws -> RoPEPlacement {
        let n = try requiredLayerCount()
        var types = try explicitLayerTypes() ?? (0..<n).map { ($0 + 1) % 6 != 0 ? Self.sliding : Self.full }
        types[types.count - 1] = Self.full      // transformers forces it (with a warning)
        try requireTypes(types, in: [Self.sliding, Self.full])
        for ignored in ["rope_scaling", "per_layer_config"] where source[ignored] != nil && source[ignored] != .null {
            throw ConfigError(key: key(ignored), "is not read by transformers' Gemma 4 config; give RoPE in rope_parameters keyed by layer type")
        }
        var perType = try perTypeDicts([Self.sliding, Self.full])
        if source["rope_parameters"] == nil || source["rope_parameters"] == .null {
            perType = [Self.sliding: (["rope_type": .string("default"), "rope_theta": .number(10_000)], key("rope_parameters.sliding_attention")),
                       Self.full: (["rope_type": .string("proportional"), "partial_rotary_factor": .number(0.25),
                                    "rope_theta": .number(1_000_000)], key("rope_parameters.full_attention"))]
        }
        var groups: [RoPEGroup] = []
        for label in Set(types).sorted() {
            guard let (dict, path) = perType[label] else {
                throw ConfigError(key: key("rope_parameters.\(label)"), "missing; Gemma 4 has \(label) layers and reads their RoPE from it")
            }
            let width = label == Self.full ? try headDim(key: "global_head_dim", default: 512)
                                           : try headDim(key: "head_dim", default: family.defaultHeadDim)
            var reader = try nestedReader(dict, path: path, headDim: width)
            reader.theta = try number("rope_theta").map { .init(value: $0, key: key("rope_theta")) }
            reader.defaultTheta = nil
            // Only `proportional` reads the factor; Gemma 4's default RoPE and its rotate_half use the whole head.
            reader.partialPolicy = try reader.ropeType() == "proportional" ? .honor : .rejectNamingModel("Gemma 4")
            let rope = try reader.read()
            if label == Self.sliding, let local = try number("rope_local_base_freq"), local != rope.base {
                throw ConfigError(key: key("rope_local_base_freq"), "is \(JSONValue.format(local)) but the local layers' base is "
                                  + "\(JSONValue.format(rope.base)); transformers' Gemma 4 ignores rope_local_base_freq")
            }
            groups.append(RoPEGroup(label: label, rope: rope))
        }
        return placement(types: types, groups: groups)
    }

    // MARK: - DeepSeek-V4

    /// DeepSeek-V4 (`DeepseekV4Config`): sliding-window layers rotate with the `main` RoPE (base `rope_theta`, default
    /// 10^4, plain), compressed-attention layers (CSA, HCA) with `compress` (base `compress_rope_theta`, default
    /// 160 000, with the config's YaRN and attention factor 1 unless given). Legacy configs give
    /// `compress_ratios` (0: sliding, 4: CSA, 128: HCA) instead of `layer_types`. The rotated channels are the
    /// trailing `qk_rope_head_dim` of a 512-wide head, paired as (2i, 2i + 1).
    func readDeepSeekV4() throws -> RoPEPlacement {
        let n = try integer("num_hidden_layers") ?? 43
        guard n > 0 else { throw ConfigError(key: key("num_hidden_layers"), "must be positive, got \(n)") }
        let fromRatios: [String]? = try source["compress_ratios"].flatMap { value -> [String]? in
            guard value != .null else { return nil }
            return try integers(value, at: key("compress_ratios")).enumerated().map { i, r in
                guard let type = [0: Self.sliding, 4: "compressed_sparse_attention", 128: "heavily_compressed_attention"][r] else {
                    throw ConfigError(key: key("compress_ratios[\(i)]"), "is \(r); transformers maps only 0, 4 and 128 to layer types")
                }
                return type
            }
        }
        let explicit: [String]? = try source["layer_types"].flatMap { value -> [String]? in
            guard value != .null else { return nil }
            guard case .array(let items) = value else { throw ConfigError(key: key("layer_types"), "is \(value.kindName); expected an array of strings") }
            return try items.enumerated().map { i, item in
                guard case .string(let s) = item else { throw ConfigError(key: key("layer_types[\(i)]"), "is \(item.kindName); expected a string") }
                return s
            }
        }
        if let explicit, let fromRatios, Array(explicit.prefix(n)) != Array(fromRatios.prefix(n)) {
            throw ConfigError(key: key("compress_ratios"), "disagrees with layer_types; transformers follows layer_types — remove one")
        }
        let defaultTypes = Array(repeating: "heavily_compressed_attention", count: min(n, 2))
            + (0..<max(n - 2, 0)).map { $0 % 2 == 1 ? "compressed_sparse_attention" : "heavily_compressed_attention" }
        // transformers keeps the first num_hidden_layers entries (V4-Flash lists one more, for its MTP layer).
        let types = Array((explicit ?? fromRatios ?? defaultTypes).prefix(n))
        guard types.count == n else {
            throw ConfigError(key: key(explicit != nil ? "layer_types" : "compress_ratios"), "has \(types.count) entries for \(n) layers")
        }
        try requireTypes(types, in: [Self.sliding, "compressed_sparse_attention", "heavily_compressed_attention"])

        let width = try headDim(key: "head_dim", default: 512)
        let partial: Double
        let ropeWidth = try integer("qk_rope_head_dim")
        if let given = try number("partial_rotary_factor") {
            if let ropeWidth, ropeWidth != Int(Double(width) * given) {
                throw ConfigError(key: key("qk_rope_head_dim"), "is \(ropeWidth) but partial_rotary_factor × head_dim is "
                                  + "\(Int(Double(width) * given)); transformers follows partial_rotary_factor — remove one")
            }
            partial = given
        } else {
            partial = Double(ropeWidth ?? 64) / Double(ropeWidth == nil ? 512 : width)
        }
        let mainTheta = try number("rope_theta") ?? 10_000

        var labelled: [String: ([String: JSONValue], String)] = [:]
        let (flat, flatPath) = try deepSeekV4RopeDict()
        if let flat, case .object(let main)? = flat["main"], case .object(let compress)? = flat["compress"] {
            for name in flat.keys.sorted() where name != "main" && name != "compress" {
                throw ConfigError(key: "\(flatPath).\(name)", "sits beside main and compress; transformers reads only those two")
            }
            labelled = ["main": (main, "\(flatPath).main"), "compress": (compress, "\(flatPath).compress")]
            for (label, (dict, path)) in labelled {
                var d = dict
                if d["rope_theta"] == nil || d["rope_theta"] == .null { d["rope_theta"] = .number(mainTheta) }
                if d["partial_rotary_factor"] == nil { d["partial_rotary_factor"] = .number(partial) }
                labelled[label] = (d, path)
            }
        } else {
            // Legacy: the scaling dict (YaRN) is the compressed layers' RoPE, with its own base.
            var yarn = flat ?? [:]
            if let theta = try JSONValue.number(yarn["rope_theta"], at: "\(flatPath).rope_theta"), theta != mainTheta {
                throw ConfigError(key: "\(flatPath).rope_theta", "is \(JSONValue.format(theta)); DeepSeek-V4 takes the bases from "
                                  + "rope_theta (\(JSONValue.format(mainTheta))) and compress_rope_theta and ignores this one")
            }
            yarn["rope_theta"] = .number(try number("compress_rope_theta") ?? 160_000)
            yarn["partial_rotary_factor"] = .number(partial)
            if yarn["rope_type"] == nil && yarn["type"] == nil { yarn["rope_type"] = .string("default") }
            let isYarn = (yarn["rope_type"] ?? yarn["type"]) == .string("yarn")
            if isYarn && (yarn["attention_factor"] == nil || yarn["attention_factor"] == .null) { yarn["attention_factor"] = .number(1) }
            labelled = ["main": (["rope_type": .string("default"), "rope_theta": .number(mainTheta),
                                  "partial_rotary_factor": .number(partial)], key("rope_theta")),
                        "compress": (yarn, flat == nil ? key("compress_rope_theta") : flatPath)]
        }
        var groups: [RoPEGroup] = []
        for label in ["compress", "main"] {
            let (dict, path) = labelled[label]!
            let reader = try nestedReader(dict, path: path, headDim: width)
            groups.append(RoPEGroup(label: label, rope: try reader.read(), layout: .interleavedTrailing))
        }
        let layerGroups: [Int?] = types.map { $0 == Self.sliding ? 1 : 0 }
        return RoPEPlacement(modelType: source.modelType, layerTypes: types, groups: groups, layerGroups: layerGroups)
    }

    /// DeepSeek-V4's rope dict: `rope_scaling` (legacy) or `rope_parameters` (flat or {main, compress}).
    func deepSeekV4RopeDict() throws -> ([String: JSONValue]?, String) {
        let parameters = try object("rope_parameters"), scaling = try object("rope_scaling")
        if let parameters, let scaling, !scaling.isEmpty, parameters != scaling {
            throw ConfigError(key: key("rope_scaling"), "and rope_parameters are both given and differ; keep one")
        }
        if let scaling, !scaling.isEmpty { return (scaling, key("rope_scaling")) }
        return (parameters, key("rope_parameters"))
    }

    // MARK: - Shared

    /// A reader for one per-layer-type (nested) dict: the top-level original context does not override it and its
    /// `truncate` is never read (transformers' standardize and `_compute_yarn_parameters`).
    func nestedReader(_ dict: [String: JSONValue], path: String, headDim: Int) throws -> RopeDictReader {
        var reader = RopeDictReader(dict: dict, path: path, typeWhenMissing: "default", headDim: headDim)
        try fillFromTopLevel(&reader, flat: false)
        reader.truncateIsRead = false
        return reader
    }

    /// `rope_parameters` keyed by layer type: each entry an object or null (null: the type's defaults).
    func perTypeDicts(_ known: [String]) throws -> [String: ([String: JSONValue], String)] {
        guard let parameters = try object("rope_parameters") else { return [:] }
        var result: [String: ([String: JSONValue], String)] = [:]
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) {
            let path = key("rope_parameters.\(name)")
            guard known.contains(name) else {
                throw ConfigError(key: path, "is not a layer type; \(family.name) keys rope_parameters by \(known.joined(separator: " and ")) "
                                  + "(transformers ignores anything else)")
            }
            switch value {
            case .null: continue
            case .object(let o): result[name] = (o, path)
            default: throw ConfigError(key: path, "is \(value.kindName); expected an object or null")
            }
        }
        return result
    }

    func requireTypes(_ types: [String], in allowed: [String]) throws {
        for (i, type) in types.enumerated() where !allowed.contains(type) {
            throw ConfigError(key: key("layer_types[\(i)]"), "is \"\(type)\"; \(family.name) has \(allowed.joined(separator: ", ")) layers")
        }
    }

    /// Every layer uses the group named by its layer type.
    func placement(types: [String], groups: [RoPEGroup]) -> RoPEPlacement {
        let index = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1.label, $0) })
        return RoPEPlacement(modelType: source.modelType, layerTypes: types, groups: groups, layerGroups: types.map { index[$0] })
    }
}
