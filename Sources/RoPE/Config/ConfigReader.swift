import Foundation

/// Reads one rope dict — a flat `rope_scaling` / `rope_parameters`, or one entry of a dict keyed by layer type —
/// into a `ModelRoPEConfig`, the way transformers v5 standardizes it and its `_compute_*_parameters` read it, naming
/// the key at fault on every error.
///
/// What the dict does not say is filled in from outside, in transformers' order (`standardize_rope_params`):
/// - rope_theta: the dict, then `theta` (the top-level key, or `rope_local_base_freq` for Gemma 3's local layers),
///   then the model's default;
/// - partial_rotary_factor: the dict, then the top level, then the model's default (1, or 0.25 for Qwen3.5);
/// - original_max_position_embeddings: a flat dict gives the top-level key priority (Phi-3); a per-layer-type dict
///   does not; max_position_embeddings is the last fallback.
struct RopeDictReader {
    var dict: [String: JSONValue]
    /// The key path of the dict itself, e.g. `rope_scaling` or `text_config.rope_parameters.full_attention`.
    var path: String
    /// The type when the dict names none: "default" for `rope_parameters` and per-layer-type dicts; nil (an error)
    /// for a legacy `rope_scaling`.
    var typeWhenMissing: String?
    var theta: Setting<Double>?
    var defaultTheta: Double?
    var partial: Setting<Double>?
    var defaultPartial: Double = 1
    var partialPolicy: PartialRotaryPolicy = .honor
    /// The top-level original_max_position_embeddings, when it overrides the dict's (flat configs only).
    var overridingOriginal: Setting<Int>?
    var maxPositionEmbeddings: Int?
    var headDim: Int
    /// Keys the model's own code reads from the dict besides the rope type's (`mrope_section`, …).
    var modelKeys: Set<String> = []
    /// Nested dicts: transformers reads `truncate` from the top-level rope_parameters only, so a per-type one is
    /// never seen.
    var truncateIsRead = true

    /// A value found outside the dict, with the key path it came from.
    struct Setting<T> { var value: T; var key: String }

    enum PartialRotaryPolicy {
        /// The model rotates the first Int(head_dim × p) channels (Phi, GPT-NeoX, Qwen3.5, DeepSeek-V4, …).
        case honor
        /// The model's code rotates the whole head whatever the config says: a factor other than 1 is an error.
        case rejectNamingModel(String)
    }

    func read() throws -> ModelRoPEConfig {
        let type = try ropeType()
        try rejectUnknownKeys(type: type)
        let factor = try resolvePartial()
        let rotaryDim: Int
        if type == "proportional" {
            rotaryDim = headDim     // the whole head is the rotate_half block; only the first pairs turn
        } else {
            guard let dim = Frequencies.rotaryDimension(headDim: headDim, partialRotaryFactor: factor.value) else {
                throw ConfigError(key: factor.key,
                                  "rotary dim Int(\(headDim) × \(JSONValue.format(factor.value))) must be a positive even number")
            }
            rotaryDim = dim
        }
        let base = try resolveBase()
        let dictOriginal = try integer("original_max_position_embeddings", in: dict, at: key("original_max_position_embeddings"))
        let original = overridingOriginal?.value ?? dictOriginal
        let scaling = try resolveScaling(type: type, rotaryDim: rotaryDim, original: original, partial: factor.value)
        return ModelRoPEConfig(headDim: headDim, rotaryDim: rotaryDim, base: base, maxPositionEmbeddings: maxPositionEmbeddings,
                               originalMaxPositionEmbeddings: original, scaling: scaling)
    }

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    // MARK: - The pieces

    func ropeType() throws -> String {
        for name in ["rope_type", "type"] {
            switch dict[name] {
            case nil, .null?: continue
            case .string(let t)?: return t == "su" ? "longrope" : t
            case let bad?: throw ConfigError(key: key(name), "is \(bad.kindName); expected a string such as \"yarn\"")
            }
        }
        guard let typeWhenMissing else {
            throw ConfigError(key: key("rope_type"), "missing; expected one of \(Self.knownTypes)")
        }
        return typeWhenMissing
    }

    /// transformers' validation key sets (`_validate_*_rope_parameters`), plus the model's own keys: anything else
    /// in the dict is a typo or a key this rope type never reads.
    func rejectUnknownKeys(type: String) throws {
        guard let allowed = Self.keys[type] else {
            throw ConfigError(key: key(dict["rope_type"] != nil ? "rope_type" : "type"),
                              "unknown rope type \"\(type)\"; expected one of \(Self.knownTypes)")
        }
        let common: Set<String> = ["rope_type", "type", "rope_theta", "partial_rotary_factor"]
        for name in dict.keys.sorted() where !common.contains(name) && !allowed.contains(name) && !modelKeys.contains(name) {
            throw ConfigError(key: key(name), "is not read for rope_type \"\(type)\"; its keys are "
                              + (common.subtracting(["type"]).union(allowed).union(modelKeys)).sorted().joined(separator: ", "))
        }
        if !truncateIsRead, dict["truncate"] != nil {
            throw ConfigError(key: key("truncate"), "is never read: transformers takes `truncate` from the top level of "
                              + "rope_parameters, not from a per-layer-type entry, so this config rounds the YaRN ramp either way")
        }
    }

    static let keys: [String: Set<String>] = [
        "default": [],
        "linear": ["factor"], "dynamic": ["factor"], "ntk": ["factor"],
        "yarn": ["factor", "original_max_position_embeddings", "attention_factor", "beta_fast", "beta_slow", "mscale",
                 "mscale_all_dim", "truncate"],
        "longrope": ["short_factor", "long_factor", "original_max_position_embeddings", "attention_factor", "factor"],
        "llama3": ["factor", "original_max_position_embeddings", "low_freq_factor", "high_freq_factor"],
        "proportional": ["factor"],
    ]
    static let knownTypes = "default, linear, ntk, dynamic, yarn, llama3, longrope, proportional"

    func resolvePartial() throws -> Setting<Double> {
        let setting: Setting<Double>
        if let own = try number("partial_rotary_factor", in: dict, at: key("partial_rotary_factor")) {
            setting = Setting(value: own, key: key("partial_rotary_factor"))
        } else if let partial {
            setting = partial
        } else {
            setting = Setting(value: defaultPartial, key: key("partial_rotary_factor"))
        }
        guard setting.value > 0, setting.value <= 1 else {
            throw ConfigError(key: setting.key, "must be in (0, 1], got \(JSONValue.format(setting.value))")
        }
        if setting.value != 1, case .rejectNamingModel(let model) = partialPolicy {
            throw ConfigError(key: setting.key, "is \(JSONValue.format(setting.value)), but transformers' \(model) code rotates "
                              + "the whole head (it ignores the factor for default RoPE and fails on it for scaled RoPE)")
        }
        return setting
    }

    func resolveBase() throws -> Double {
        let path = key("rope_theta")
        let found: Setting<Double>? = try number("rope_theta", in: dict, at: path).map { Setting(value: $0, key: path) } ?? theta
        guard let found else {
            if let defaultTheta { return defaultTheta }
            throw ConfigError(key: "rope_theta", "missing; expected the RoPE base (e.g. 10000), at the top level or in rope_parameters")
        }
        guard found.value.isFinite, found.value > 1 else {
            throw ConfigError(key: found.key, "the base must be a finite number greater than 1, got \(JSONValue.format(found.value))")
        }
        return found.value
    }

    func resolveScaling(type: String, rotaryDim: Int, original: Int?, partial: Double) throws -> RoPEScaling {
        let orig = original ?? maxPositionEmbeddings
        func factor(derived: Double? = nil) throws -> Double {
            guard let f = try positiveNumber("factor") ?? derived else {
                throw ConfigError(key: key("factor"), "missing; rope_type \"\(type)\" needs a scaling factor")
            }
            return f
        }
        func requireOrig() throws -> Int {
            guard let orig else {
                throw ConfigError(key: key("original_max_position_embeddings"),
                                  "missing (and no max_position_embeddings to fall back on); rope_type \"\(type)\" needs the training context")
            }
            guard orig > 0 else {
                throw ConfigError(key: overridingOriginal?.key ?? key("original_max_position_embeddings"), "must be positive, got \(orig)")
            }
            return orig
        }
        let derivedFactor: Double? = {
            guard let maxPositionEmbeddings, let orig, orig > 0 else { return nil }
            return Double(maxPositionEmbeddings) / Double(orig)
        }()

        switch type {
        case "default": return .none
        case "linear": return .linear(LinearScaling(factor: try factor()))
        case "ntk": return .ntkAware(NTKAwareScaling(factor: try factor()))
        case "dynamic":
            guard let maxPositionEmbeddings, maxPositionEmbeddings > 0 else {
                throw ConfigError(key: "max_position_embeddings", "missing or not positive; dynamic NTK needs it")
            }
            return .dynamicNTK(DynamicNTKScaling(factor: try factor(), maxPositionEmbeddings: maxPositionEmbeddings))
        case "yarn":
            let orig = try requireOrig()
            let truncate: Bool
            switch dict["truncate"] {
            case nil, .null?: truncate = true
            case .bool(let b)?: truncate = truncateIsRead ? b : true
            case let other?: throw ConfigError(key: key("truncate"), "is \(other.kindName); expected true or false")
            }
            return .yarn(YaRNScaling(
                factor: try factor(derived: derivedFactor), originalMaxPositionEmbeddings: orig,
                betaFast: try positiveOrDefault("beta_fast", 32), betaSlow: try positiveOrDefault("beta_slow", 1),
                mscale: try number("mscale", in: dict, at: key("mscale")),
                mscaleAllDim: try number("mscale_all_dim", in: dict, at: key("mscale_all_dim")),
                attentionFactor: try positiveNumber("attention_factor"), truncate: truncate))
        case "llama3":
            // Equal low and high factors (Llama 4 Scout) make a hard cut at L/low; transformers only warns.
            return .llama3(Llama3Scaling(factor: try factor(), lowFreqFactor: try requiredNumber("low_freq_factor"),
                                         highFreqFactor: try requiredNumber("high_freq_factor"),
                                         originalMaxPositionEmbeddings: try requireOrig()))
        case "longrope":
            let orig = try requireOrig()
            let pairs = rotaryDim / 2
            return .longRoPE(LongRoPEScaling(
                shortFactor: try factorList("short_factor", count: pairs),
                longFactor: try factorList("long_factor", count: pairs),
                factor: try factor(derived: derivedFactor), originalMaxPositionEmbeddings: orig,
                attentionFactor: try positiveNumber("attention_factor")))
        case "proportional":
            return .proportional(ProportionalScaling(factor: try positiveNumber("factor") ?? 1, partialRotaryFactor: partial))
        default:
            throw ConfigError(key: key("rope_type"), "unknown rope type \"\(type)\"; expected one of \(Self.knownTypes)")
        }
    }

    // MARK: - Typed key access

    func number(_ name: String, in dict: [String: JSONValue], at path: String) throws -> Double? {
        try JSONValue.number(dict[name], at: path)
    }

    func integer(_ name: String, in dict: [String: JSONValue], at path: String) throws -> Int? {
        try JSONValue.integer(dict[name], at: path)
    }

    /// A key of the rope dict that, when present, must be a finite positive number.
    func positiveNumber(_ name: String) throws -> Double? {
        let path = key(name)
        guard let n = try number(name, in: dict, at: path) else { return nil }
        guard n.isFinite, n > 0 else { throw ConfigError(key: path, "must be a finite positive number, got \(JSONValue.format(n))") }
        // Below the smallest normal double, 1/n overflows: every frequency would print as inf.
        guard n.isNormal, (1 / n).isFinite else {
            throw ConfigError(key: path, "is too small (\(JSONValue.format(n))); its reciprocal overflows a double")
        }
        return n
    }

    func requiredNumber(_ name: String) throws -> Double {
        guard let n = try positiveNumber(name) else { throw ConfigError(key: key(name), "missing; expected a number") }
        return n
    }

    /// transformers reads beta_fast / beta_slow with Python's `or`, so 0 (and absence) mean the default.
    func positiveOrDefault(_ name: String, _ fallback: Double) throws -> Double {
        if case .number(0)? = dict[name] { return fallback }
        return try positiveNumber(name) ?? fallback
    }

    func factorList(_ name: String, count: Int) throws -> [Double] {
        let path = key(name)
        guard case .array(let items)? = dict[name] else {
            throw ConfigError(key: path, dict[name] == nil ? "missing; expected an array of \(count) numbers (one per rotary pair)"
                              : "is \(dict[name]!.kindName); expected an array of \(count) numbers")
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

extension JSONValue {
    /// A number, or nil when absent or null; anything else is an error naming `path`.
    static func number(_ value: JSONValue?, at path: String) throws -> Double? {
        switch value {
        case nil, .null?: return nil
        case .number(let n)?: return n
        case let other?: throw ConfigError(key: path, "is \(other.kindName); expected a number")
        }
    }

    /// A whole number below 10^15, or nil when absent or null.
    static func integer(_ value: JSONValue?, at path: String) throws -> Int? {
        guard let n = try number(value, at: path) else { return nil }
        guard n == n.rounded() else { throw ConfigError(key: path, "must be a whole number, got \(format(n))") }
        guard abs(n) < 1e15 else { throw ConfigError(key: path, "is too large (\(format(n))); expected a count below 10^15") }
        return Int(n)
    }
}
