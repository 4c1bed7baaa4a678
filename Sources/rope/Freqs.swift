import ArgumentParser
import Foundation
import RoPE

struct Freqs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the rotary frequencies, wavelengths and scaling regime of every pair, for every RoPE group.",
        discussion: """
        A model whose layers use different RoPE settings (Gemma 3's local and global layers, DeepSeek-V4's main and \
        compress) has one group per setting; the output says which layers use each, which use none (Llama 4, \
        Qwen3.5), which position axis each pair follows (M-RoPE) and how queries are scaled by position (Llama 4, \
        Ministral 3). With one group, --json keeps the flat fields of a single-RoPE model and adds the groups.
        """)

    @Argument(help: "A Hugging Face config.json.") var config: String
    @Option(help: "Sequence length in tokens (dynamic NTK and LongRoPE depend on it). Default: as at model load.")
    var seqLen: Int?
    @Option(help: "Comma-separated positions at which to print the query scale, for models that scale queries by position.")
    var positions: String?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        try reportingInputErrors {
            let placement = try loadPlacement(config)
            let length = try validatedSequenceLength(seqLen)
            var queryPositions: [Double]?
            if let positions {
                guard placement.queryScale != nil else {
                    throw InputError("--positions: \(config) does not scale queries by position; the option prints that scale")
                }
                queryPositions = try parsePositions(positions)
            }
            let report = PlacementReport(placement: placement, sequenceLength: length, queryPositions: queryPositions)
            for group in report.groups {
                try requireFinite(group.scaled.inverseFrequencies + [group.scaled.attentionFactor], what: "frequencies")
            }
            print(json ? report.json : report.text, terminator: "")
        }
    }
}

/// Everything `rope freqs` prints about a whole model: its groups, which layers use each, the query scale.
struct PlacementReport {
    let placement: RoPEPlacement
    let groups: [FrequencyReport]
    let queryPositions: [Double]

    init(placement: RoPEPlacement, sequenceLength: Int?, queryPositions: [Double]?) {
        self.placement = placement
        groups = placement.groups.map { FrequencyReport(model: $0.rope, sequenceLength: sequenceLength, mrope: $0.mrope) }
        self.queryPositions = queryPositions ?? placement.queryScale?.samplePositions ?? []
    }

    var single: Bool { groups.count == 1 }

    /// One group: the single-RoPE table as before, then what the model adds to it (its layers, M-RoPE axes in the
    /// table, the query scale) — a config that says nothing more prints exactly what it always did.
    var text: String {
        guard single else { return multiGroupText }
        var out = groups[0].text
        let extra = placementLines(includeLayout: true)
        if !extra.isEmpty { out += "\n" + extra.joined(separator: "\n") + "\n" }
        return out + queryScaleText
    }

    var multiGroupText: String {
        var out = placementLines(includeLayout: false).joined(separator: "\n") + "\n"
        for (index, (group, report)) in zip(placement.groups, groups).enumerated() {
            let layers = placement.layers(usingGroup: index)
            out += "\ngroup \(group.label): layers \(Self.ranges(layers)) (\(layers.count))\n"
            out += pad("layout") + group.layout.rawValue + "\n"
            out += report.text
        }
        return out + queryScaleText
    }

    func placementLines(includeLayout: Bool) -> [String] {
        let group = placement.groups[0]
        guard placement.layerCount != nil || group.mrope != nil || placement.queryScale != nil || !single else { return [] }
        var lines: [String] = []
        lines.append(pad("model_type") + (placement.modelType ?? "unknown"))
        if let types = placement.layerTypes {
            var counts: [String: Int] = [:]
            types.forEach { counts[$0, default: 0] += 1 }
            lines.append(pad("layers") + "\(types.count): " + counts.keys.sorted().map { "\($0) ×\(counts[$0]!)" }.joined(separator: ", "))
            let without = placement.layersWithoutRoPE
            if !without.isEmpty { lines.append(pad("without RoPE") + "\(Self.ranges(without)) (\(without.count))") }
        }
        if includeLayout { lines.append(pad("layout") + group.layout.rawValue) }
        if let mrope = group.mrope, single {
            lines.append(pad("M-RoPE") + "\(mrope.interleaved ? "interleaved" : "contiguous") sections \(mrope.section): "
                         + MRoPE.Axis.allCases.map { "\($0.rawValue) ×\(mrope.count(of: $0))" }.joined(separator: ", "))
        }
        return lines
    }

    var queryScaleText: String {
        guard let scale = placement.queryScale else { return "" }
        var lines = ["", pad("query scale") + "\(scale.name) on layers \(Self.ranges(placement.queryScaleLayers)) "
                     + "(\(placement.queryScaleLayers.count))"]
        let header = ["position", "scale"]
        let rows = queryPositions.map { [JSONValue.format($0), String(format: "%.12f", scale.value(at: $0))] }
        let widths = header.indices.map { c in max(header[c].count, rows.map { $0[c].count }.max() ?? 0) }
        for row in [header] + rows {
            lines.append(row.indices.map { c in String(repeating: " ", count: widths[c] - row[c].count) + row[c] }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func pad(_ label: String) -> String { label.padding(toLength: 18, withPad: " ", startingAt: 0) }

    /// 0, 1, 2, 3, 5 → "0–3, 5".
    static func ranges(_ values: [Int]) -> String {
        guard !values.isEmpty else { return "none" }
        var parts: [String] = []
        var start = values[0], previous = values[0]
        for v in values.dropFirst() + [Int.min] {
            if v == previous + 1 { previous = v; continue }
            parts.append(start == previous ? "\(start)" : "\(start)–\(previous)")
            start = v
            previous = v
        }
        return parts.joined(separator: ", ")
    }

    var json: String {
        var object: [String: JSONValue] = single ? groups[0].jsonObject : [:]
        object["layer_types"] = placement.layerTypes.map { .array($0.map(JSONValue.string)) } ?? .null
        object["layer_rope"] = placement.layerGroups.map { .array($0.map { $0.map { .string(placement.groups[$0].label) } ?? .null }) }
            ?? .null
        object["rope_groups"] = .object(Dictionary(uniqueKeysWithValues: zip(placement.groups, groups).map { group, report in
            var entry: [String: JSONValue] = [
                "rope_type": .string(group.rope.ropeType), "head_dim": .number(Double(group.headDim)),
                "rotary_dim": .number(Double(group.rotaryDim)), "base": .number(group.rope.base),
                "inv_freq": .array(report.scaled.inverseFrequencies.map(JSONValue.number)),
                "attention_factor": .number(report.scaled.attentionFactor), "layout": .string(group.layout.rawValue),
            ]
            if let mrope = group.mrope {
                entry["mrope"] = .object(["mrope_section": .array(mrope.section.map { .number(Double($0)) }),
                                          "interleaved": .bool(mrope.interleaved),
                                          "pair_axis": .array(mrope.pairAxis.map { .string($0.rawValue) })])
            }
            return (group.label, JSONValue.object(entry))
        }))
        if let scale = placement.queryScale {
            object["query_scale"] = .object([
                "name": .string(scale.name),
                "positions": .array(queryPositions.map(JSONValue.number)),
                "values": .array(queryPositions.map { .number(scale.value(at: $0)) }),
                "layers": .array(placement.queryScaleLayers.map { .number(Double($0)) }),
            ])
        }
        return JSONValue.object(object).serialized + "\n"
    }
}

/// Everything `rope freqs` prints about one RoPE setting, computed once.
struct FrequencyReport {
    let model: ModelRoPEConfig
    let sequenceLength: Int?
    let scaled: ScaledFrequencies
    let original: [Double]
    let mrope: MRoPE?

    init(model: ModelRoPEConfig, sequenceLength: Int?, mrope: MRoPE? = nil) {
        self.model = model
        self.sequenceLength = sequenceLength
        self.mrope = mrope
        scaled = model.frequencies(sequenceLength: sequenceLength)
        original = model.scaling.unscaledFrequencies(rotaryDim: model.rotaryDim, base: model.base)
    }

    var wavelengths: [Double] { Frequencies.wavelengths(scaled.inverseFrequencies) }

    /// Turns pair i makes over the original context at its *unscaled* frequency: r_i = L·θ_i/2π, the quantity
    /// YaRN's β thresholds compare against.
    var turnsInOriginalContext: [Double]? {
        guard let context = model.originalContext else { return nil }
        return original.map { Double(context) * $0 / (2 * Double.pi) }
    }

    var regimes: [FrequencyRegime] {
        zip(scaled.inverseFrequencies, original).map {
            FrequencyRegime.classify(scaled: $0, original: $1, factor: model.scaling.factor)
        }
    }

    var text: String {
        let summary: [(String, String)] = [
            ("rope_type", model.ropeType), ("head_dim", "\(model.headDim)"), ("rotary_dim", "\(model.rotaryDim)"),
            ("base", JSONValue.format(model.base)), ("attention_factor", "\(scaled.attentionFactor)"),
            ("original context", model.originalContext.map { String($0) } ?? "unknown"),
            ("target context", model.targetContext.map { String($0) } ?? "unknown"),
            ("sequence length", sequenceLength.map { String($0) } ?? "none (as at model load)"),
        ]
        var lines: [String] = summary.map { $0.0.padding(toLength: 18, withPad: " ", startingAt: 0) + $0.1 }
        lines.append("")
        var header = ["pair", "inv_freq", "wavelength", "turns in orig ctx", "regime"]
        if mrope != nil { header.insert("axis", at: 1) }
        var rows: [[String]] = []
        let turns = turnsInOriginalContext
        for i in scaled.inverseFrequencies.indices {
            var row = ["\(i)", String(format: "%.12e", scaled.inverseFrequencies[i]), String(format: "%.3f", wavelengths[i]),
                       turns.map { String(format: "%.3f", $0[i]) } ?? "-", regimes[i].rawValue]
            if let mrope { row.insert(mrope.pairAxis[i].rawValue, at: 1) }
            rows.append(row)
        }
        let widths = header.indices.map { c in max(header[c].count, rows.map { $0[c].count }.max() ?? 0) }
        func format(_ row: [String]) -> String {
            row.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - row[c].count)
                return c == row.count - 1 ? row[c] : pad + row[c]     // numbers right-aligned, regime left
            }.joined(separator: "  ")
        }
        lines.append(format(header))
        lines += rows.map(format)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The flat fields of a single-RoPE model (unchanged since before groups existed).
    var jsonObject: [String: JSONValue] {
        var object: [String: JSONValue] = [
            "rope_type": .string(model.ropeType), "head_dim": .number(Double(model.headDim)),
            "rotary_dim": .number(Double(model.rotaryDim)), "base": .number(model.base),
            "attention_factor": .number(scaled.attentionFactor),
            "inv_freq": .array(scaled.inverseFrequencies.map(JSONValue.number)),
            "wavelength": .array(wavelengths.map { $0.isFinite ? .number($0) : .null }),
            "regime": .array(regimes.map { .string($0.rawValue) }),
        ]
        object["original_context"] = model.originalContext.map { .number(Double($0)) } ?? .null
        object["target_context"] = model.targetContext.map { .number(Double($0)) } ?? .null
        object["sequence_length"] = sequenceLength.map { .number(Double($0)) } ?? .null
        return object
    }
}
