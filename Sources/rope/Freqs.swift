import ArgumentParser
import Foundation
import RoPE

struct Freqs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the rotary frequencies, wavelengths and scaling regime of every pair.")

    @Argument(help: "A Hugging Face config.json.") var config: String
    @Option(help: "Sequence length in tokens (dynamic NTK and LongRoPE depend on it). Default: as at model load.")
    var seqLen: Int?
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        try reportingInputErrors {
            let model = try loadConfig(config)
            let report = FrequencyReport(model: model, sequenceLength: try validatedSequenceLength(seqLen))
            try requireFinite(report.scaled.inverseFrequencies + [report.scaled.attentionFactor], what: "frequencies")
            print(json ? report.json : report.text, terminator: "")
        }
    }
}

/// Everything `rope freqs` prints, computed once.
struct FrequencyReport {
    let model: ModelRoPEConfig
    let sequenceLength: Int?
    let scaled: ScaledFrequencies
    let original: [Double]

    init(model: ModelRoPEConfig, sequenceLength: Int?) {
        self.model = model
        self.sequenceLength = sequenceLength
        scaled = model.frequencies(sequenceLength: sequenceLength)
        original = Frequencies.inverse(rotaryDim: model.rotaryDim, base: model.base)
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
        let header = ["pair", "inv_freq", "wavelength", "turns in orig ctx", "regime"]
        var rows: [[String]] = []
        let turns = turnsInOriginalContext
        for i in scaled.inverseFrequencies.indices {
            rows.append(["\(i)", String(format: "%.12e", scaled.inverseFrequencies[i]), String(format: "%.3f", wavelengths[i]),
                         turns.map { String(format: "%.3f", $0[i]) } ?? "-", regimes[i].rawValue])
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

    var json: String {
        var object: [String: JSONValue] = [
            "rope_type": .string(model.ropeType), "head_dim": .number(Double(model.headDim)),
            "rotary_dim": .number(Double(model.rotaryDim)), "base": .number(model.base),
            "attention_factor": .number(scaled.attentionFactor),
            "inv_freq": .array(scaled.inverseFrequencies.map(JSONValue.number)),
            "wavelength": .array(wavelengths.map(JSONValue.number)),
            "regime": .array(regimes.map { .string($0.rawValue) }),
        ]
        object["original_context"] = model.originalContext.map { .number(Double($0)) } ?? .null
        object["target_context"] = model.targetContext.map { .number(Double($0)) } ?? .null
        object["sequence_length"] = sequenceLength.map { .number(Double($0)) } ?? .null
        return JSONValue.object(object).serialized + "\n"
    }
}
