import Foundation

/// Turns the dictionary of a config.json into a `ModelRoPEConfig`, naming the key at fault on every error.
struct ConfigReader {
    let top: [String: JSONValue]

    /// The rope dict (`rope_parameters` or `rope_scaling`) and the key path it was found under.
    private var ropeDict: [String: JSONValue] = [:]
    private var ropeKey = "rope_scaling"

    init(top: [String: JSONValue]) { self.top = top }

    mutating func read() throws -> ModelRoPEConfig {
        try locateRopeDict()
        let headDim = try resolveHeadDim()
        let partial = try number("partial_rotary_factor", in: top, at: "partial_rotary_factor")
            ?? number("rotary_pct", in: top, at: "rotary_pct")
            ?? number("partial_rotary_factor", in: ropeDict, at: "\(ropeKey).partial_rotary_factor") ?? 1
        guard partial > 0, partial <= 1 else {
            throw ConfigError(key: "partial_rotary_factor", "must be in (0, 1], got \(JSONValue.format(partial))")
        }
        guard let rotaryDim = Frequencies.rotaryDimension(headDim: headDim, partialRotaryFactor: partial) else {
            throw ConfigError(key: "partial_rotary_factor",
                              "rotary dim Int(\(headDim) × \(JSONValue.format(partial))) must be a positive even number")
        }
        let base = try resolveBase()
        let maxPos = try integer("max_position_embeddings", in: top, at: "max_position_embeddings")
        let origTop = try integer("original_max_position_embeddings", in: top, at: "original_max_position_embeddings")
        let origDict = try integer("original_max_position_embeddings", in: ropeDict,
                                   at: "\(ropeKey).original_max_position_embeddings")
        let orig = origTop ?? origDict ?? maxPos
        let scaling = try resolveScaling(rotaryDim: rotaryDim, maxPos: maxPos, orig: orig)
        return ModelRoPEConfig(headDim: headDim, rotaryDim: rotaryDim, base: base, maxPositionEmbeddings: maxPos,
                               originalMaxPositionEmbeddings: origTop ?? origDict, scaling: scaling)
    }

    // MARK: - The pieces

    private mutating func locateRopeDict() throws {
        for key in ["rope_parameters", "rope_scaling"] {
            switch top[key] {
            case nil, .null?: continue
            case .object(let dict)?:
                if dict["rope_type"] == nil, dict["type"] == nil, dict["rope_theta"] == nil,
                   !dict.isEmpty, dict.values.allSatisfy({ if case .object = $0 { true } else { false } }) {
                    throw ConfigError(key: key, "holds one rope dict per layer type (\(dict.keys.sorted().joined(separator: ", "))); "
                        + "extract the one you want into a config of its own")
                }
                ropeDict = dict
                ropeKey = key
                return
            case let other?:
                throw ConfigError(key: key, "is \(other.kindName); expected an object or null")
            }
        }
    }

    /// Real heads have 64–256 dimensions; far beyond that a config is wrong, and computing with it would only
    /// exhaust memory.
    static let largestHeadDim = 65_536

    private func resolveHeadDim() throws -> Int {
        if let explicit = try integer("head_dim", in: top, at: "head_dim") {
            guard explicit > 0, explicit <= Self.largestHeadDim else {
                throw ConfigError(key: "head_dim", "must be between 1 and \(Self.largestHeadDim), got \(explicit)")
            }
            return explicit
        }
        guard let hidden = try integer("hidden_size", in: top, at: "hidden_size") else {
            throw ConfigError(key: "hidden_size", "missing; give head_dim, or hidden_size and num_attention_heads")
        }
        guard let heads = try integer("num_attention_heads", in: top, at: "num_attention_heads") else {
            throw ConfigError(key: "num_attention_heads", "missing; give head_dim, or hidden_size and num_attention_heads")
        }
        guard heads > 0 else { throw ConfigError(key: "num_attention_heads", "must be positive, got \(heads)") }
        guard hidden > 0 else { throw ConfigError(key: "hidden_size", "must be positive, got \(hidden)") }
        guard hidden / heads >= 1, hidden / heads <= Self.largestHeadDim else {
            throw ConfigError(key: "hidden_size", "hidden_size / num_attention_heads = \(hidden / heads) is not a plausible head size (1…\(Self.largestHeadDim))")
        }
        return hidden / heads
    }

    private func resolveBase() throws -> Double {
        let candidates: [(String, [String: JSONValue], String)] = [
            ("rope_theta", ropeDict, "\(ropeKey).rope_theta"), ("rope_theta", top, "rope_theta"),
            ("rotary_emb_base", top, "rotary_emb_base"),
        ]
        for (name, dict, path) in candidates {
            if let base = try number(name, in: dict, at: path) {
                guard base.isFinite, base > 1 else {
                    throw ConfigError(key: path, "the base must be a finite number greater than 1, got \(JSONValue.format(base))")
                }
                return base
            }
        }
        throw ConfigError(key: "rope_theta", "missing; expected the RoPE base (e.g. 10000), at the top level or in rope_parameters")
    }

    private func resolveScaling(rotaryDim: Int, maxPos: Int?, orig: Int?) throws -> RoPEScaling {
        guard !ropeDict.isEmpty else { return .none }
        let typePath: String
        let type: String
        if case .string(let t)? = ropeDict["rope_type"] { type = t; typePath = "\(ropeKey).rope_type" }
        else if case .string(let t)? = ropeDict["type"] { type = t; typePath = "\(ropeKey).type" }
        else if let bad = ropeDict["rope_type"] ?? ropeDict["type"] {
            throw ConfigError(key: "\(ropeKey).rope_type", "is \(bad.kindName); expected a string such as \"yarn\"")
        } else if ropeKey == "rope_parameters" { type = "default"; typePath = "rope_parameters.rope_type" }
        else { throw ConfigError(key: "\(ropeKey).rope_type", "missing; expected one of \(Self.knownTypes)") }

        func factor(derived: Double? = nil) throws -> Double {
            guard let f = try positiveNumber("factor") ?? derived else {
                throw ConfigError(key: "\(ropeKey).factor", "missing; rope_type \"\(type)\" needs a scaling factor")
            }
            return f
        }
        func requireOrig() throws -> Int {
            guard let orig else {
                throw ConfigError(key: "\(ropeKey).original_max_position_embeddings",
                                  "missing (and no max_position_embeddings to fall back on); rope_type \"\(type)\" needs the training context")
            }
            guard orig > 0 else {
                throw ConfigError(key: "original_max_position_embeddings", "must be positive, got \(orig)")
            }
            return orig
        }
        let derivedFactor: Double? = {
            guard let maxPos, let orig, orig > 0 else { return nil }
            return Double(maxPos) / Double(orig)
        }()

        switch type {
        case "default": return .none
        case "linear": return .linear(LinearScaling(factor: try factor()))
        case "ntk": return .ntkAware(NTKAwareScaling(factor: try factor()))
        case "dynamic":
            guard let maxPos, maxPos > 0 else {
                throw ConfigError(key: "max_position_embeddings", "missing or not positive; dynamic NTK needs it")
            }
            return .dynamicNTK(DynamicNTKScaling(factor: try factor(), maxPositionEmbeddings: maxPos))
        case "yarn":
            let orig = try requireOrig()
            let truncate: Bool
            switch ropeDict["truncate"] {
            case nil, .null?: truncate = true
            case .bool(let b)?: truncate = b
            case let other?: throw ConfigError(key: "\(ropeKey).truncate", "is \(other.kindName); expected true or false")
            }
            let betaFast = try positiveOrDefault("beta_fast", 32)
            let betaSlow = try positiveOrDefault("beta_slow", 1)
            return .yarn(YaRNScaling(
                factor: try factor(derived: derivedFactor), originalMaxPositionEmbeddings: orig,
                betaFast: betaFast, betaSlow: betaSlow,
                mscale: try number("mscale", in: ropeDict, at: "\(ropeKey).mscale"),
                mscaleAllDim: try number("mscale_all_dim", in: ropeDict, at: "\(ropeKey).mscale_all_dim"),
                attentionFactor: try positiveNumber("attention_factor"), truncate: truncate))
        case "llama3":
            let orig = try requireOrig()
            let low = try requiredNumber("low_freq_factor")
            let high = try requiredNumber("high_freq_factor")
            guard low != high else {
                throw ConfigError(key: "\(ropeKey).high_freq_factor",
                                  "equals low_freq_factor (\(JSONValue.format(low))); the smoothing band would divide by zero")
            }
            return .llama3(Llama3Scaling(factor: try factor(), lowFreqFactor: low, highFreqFactor: high,
                                         originalMaxPositionEmbeddings: orig))
        case "longrope", "su":
            let orig = try requireOrig()
            let pairs = rotaryDim / 2
            return .longRoPE(LongRoPEScaling(
                shortFactor: try factorList("short_factor", count: pairs),
                longFactor: try factorList("long_factor", count: pairs),
                factor: try factor(derived: derivedFactor), originalMaxPositionEmbeddings: orig,
                attentionFactor: try positiveNumber("attention_factor")))
        default:
            throw ConfigError(key: typePath, "unknown rope type \"\(type)\"; expected one of \(Self.knownTypes)")
        }
    }

    static let knownTypes = "default, linear, ntk, dynamic, yarn, llama3, longrope"

    // MARK: - Typed key access

    private func number(_ name: String, in dict: [String: JSONValue], at path: String) throws -> Double? {
        switch dict[name] {
        case nil, .null?: return nil
        case .number(let n)?: return n
        case let other?: throw ConfigError(key: path, "is \(other.kindName); expected a number")
        }
    }

    private func integer(_ name: String, in dict: [String: JSONValue], at path: String) throws -> Int? {
        guard let n = try number(name, in: dict, at: path) else { return nil }
        guard n == n.rounded() else {
            throw ConfigError(key: path, "must be a whole number, got \(JSONValue.format(n))")
        }
        guard abs(n) < 1e15 else {
            throw ConfigError(key: path, "is too large (\(JSONValue.format(n))); expected a count below 10^15")
        }
        return Int(n)
    }

    /// A key of the rope dict that, when present, must be a finite positive number.
    private func positiveNumber(_ name: String) throws -> Double? {
        let path = "\(ropeKey).\(name)"
        guard let n = try number(name, in: ropeDict, at: path) else { return nil }
        guard n.isFinite, n > 0 else { throw ConfigError(key: path, "must be a finite positive number, got \(JSONValue.format(n))") }
        // Below the smallest normal double, 1/n overflows: every frequency would print as inf.
        guard n.isNormal, (1 / n).isFinite else {
            throw ConfigError(key: path, "is too small (\(JSONValue.format(n))); its reciprocal overflows a double")
        }
        return n
    }

    private func requiredNumber(_ name: String) throws -> Double {
        guard let n = try positiveNumber(name) else { throw ConfigError(key: "\(ropeKey).\(name)", "missing; expected a number") }
        return n
    }

    /// transformers reads beta_fast / beta_slow with Python's `or`, so 0 (and absence) mean the default.
    private func positiveOrDefault(_ name: String, _ fallback: Double) throws -> Double {
        if case .number(0)? = ropeDict[name] { return fallback }
        return try positiveNumber(name) ?? fallback
    }

    private func factorList(_ name: String, count: Int) throws -> [Double] {
        let path = "\(ropeKey).\(name)"
        guard case .array(let items)? = ropeDict[name] else {
            throw ConfigError(key: path, ropeDict[name] == nil ? "missing; expected an array of \(count) numbers (one per rotary pair)"
                              : "is \(ropeDict[name]!.kindName); expected an array of \(count) numbers")
        }
        guard items.count == count else {
            throw ConfigError(key: path, "has \(items.count) entries; expected \(count) (rotary_dim / 2)")
        }
        return try items.enumerated().map { index, item in
            guard case .number(let n) = item, n.isFinite, n > 0 else {
                throw ConfigError(key: "\(path)[\(index)]", "is \(item.kindName == "a number" ? "not a positive finite number" : item.kindName); expected a positive number")
            }
            return n
        }
    }
}
