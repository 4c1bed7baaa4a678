import ArgumentParser
import Foundation
import RoPE

extension PairLayout: ExpressibleByArgument {}

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rotate vectors as the model would, one per position.",
        discussion: """
        FILE holds a JSON array with one head_dim-long array of numbers per position. The sequence length used for \
        length-dependent scaling defaults to the largest position + 1, as transformers does. A model with several \
        RoPE settings (Gemma 3, OLMo 3, Gemma 4, DeepSeek-V4) needs --layer; on a layer without RoPE (Llama 4, \
        Qwen3.5) the vectors pass through unchanged. M-RoPE models (Qwen-VL, Qwen3.5) take T:H:W positions.
        """)

    @Argument(help: "A Hugging Face config.json.") var config: String
    @Option(help: """
        Pair layout, overriding the model's own: half (rotate_half, GPT-NeoX, transformers) or interleaved (Meta, GPT-J). \
        Default: the model's (half, interleaved_complex, deepseek_interleave or interleaved_trailing; rope freqs shows it).
        """)
    var layout: PairLayout?
    @Option(help: "The layer whose RoPE to apply (0-based). Needed when the model's layers use different RoPE settings.")
    var layer: Int?
    @Option(help: "Comma-separated positions, one per input vector, e.g. 0,1,7; T:H:W for M-RoPE, e.g. 3:0:5.")
    var positions: String
    @Option(name: .customLong("input"), help: "JSON file with the vectors.") var input: String
    @Option(help: "Sequence length in tokens. Default: largest position + 1.") var seqLen: Int?
    @Flag(help: "Print a JSON array of arrays.") var json = false

    func run() throws {
        try reportingInputErrors {
            let placement = try loadPlacement(config)
            let group = try chosenGroup(placement)
            let positionList = try parseRoPEPositions(positions)
            let headDim = group?.headDim ?? placement.groups[0].headDim
            let vectors = try readVectors(input, count: positionList.count, length: headDim)
            let rotated: [[Double]]
            if let group {
                if group.mrope == nil, let spatial = positionList.first(where: { !$0.isText }) {
                    throw InputError("--positions: \(spatial) gives (t, h, w), but this RoPE has no M-RoPE; give one number per vector")
                }
                let largest = positionList.flatMap { [$0.t, $0.h, $0.w] }.max()!
                let length = try validatedSequenceLength(seqLen) ?? Int(largest.rounded(.down)) + 1
                let f = group.frequencies(sequenceLength: length)
                let channels = layout.map { $0 == .halfSplit ? ChannelLayout.half : .interleavedComplex } ?? group.layout
                rotated = zip(vectors, positionList).map { x, p in
                    channels.rotate(x, angles: group.angles(at: p, frequencies: f), attentionFactor: f.attentionFactor,
                                    rotaryDim: group.rotaryDim)
                }
            } else {
                FileHandle.standardError.write(Data("rope: note: layer \(layer!) has no RoPE; the vectors pass through unchanged\n".utf8))
                rotated = vectors
            }
            try requireFinite(rotated.flatMap { $0 }, what: "rotated vectors")
            if json {
                print(JSONValue.array(rotated.map { .array($0.map(JSONValue.number)) }).serialized)
            } else {
                for (p, v) in zip(positionList, rotated) {
                    // Round-trip precision; −0.0 (a zero times a negative cosine) prints as 0.
                    print("position \(p): " + v.map { ($0 == 0 ? 0 : $0).description }.joined(separator: " "))
                }
            }
        }
    }

    /// The group of --layer, or the model's only group; nil for a layer without RoPE.
    func chosenGroup(_ placement: RoPEPlacement) throws -> RoPEGroup? {
        if let layer {
            guard let count = placement.layerCount else {
                throw InputError("--layer: \(config) does not say how many layers the model has (num_hidden_layers)")
            }
            guard (0..<count).contains(layer) else { throw InputError("--layer: \(layer) is not a layer of this model (0…\(count - 1))") }
            return placement.group(forLayer: layer)
        }
        guard placement.groups.count == 1 else {
            let described = placement.groups.indices.map { "\(placement.groups[$0].label): layers \(PlacementReport.ranges(placement.layers(usingGroup: $0)))" }
            throw InputError("\(config) uses \(placement.groups.count) RoPE settings (\(described.joined(separator: "; "))); choose one with --layer N")
        }
        return placement.groups[0]
    }
}

/// Positions: numbers (0,1,7) or T:H:W triples (3:0:5) for M-RoPE, mixed freely.
func parseRoPEPositions(_ text: String) throws -> [RoPEPosition] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    return try items.map { item in
        let axes = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch axes.count {
        case 1: return RoPEPosition(try parsePositions(item)[0])
        case 3:
            let values = try axes.map { try parsePositions($0)[0] }
            return RoPEPosition(t: values[0], h: values[1], w: values[2])
        default:
            throw InputError("--positions: '\(item)' is neither a number nor T:H:W; expected e.g. 0,1,7 or 3:0:5")
        }
    }
}

func parsePositions(_ text: String) throws -> [Double] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    guard !parts.isEmpty, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw InputError("--positions: expected comma-separated non-negative numbers, e.g. 0,1,7")
    }
    return try parts.map { part in
        guard let p = Double(part), p.isFinite else {
            throw InputError("--positions: '\(part)' is not a number; expected comma-separated non-negative numbers, e.g. 0,1,7")
        }
        guard p >= 0 else { throw InputError("--positions: \(part) is negative; positions start at 0") }
        guard p < 1e12 else { throw InputError("--positions: \(part) is too large") }
        return p
    }
}

func readVectors(_ path: String, count: Int, length: Int) throws -> [[Double]] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputError("--input \(path): \(FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")")
    }
    let document: JSONValue
    do { document = try JSONValue.parse(data) } catch {
        throw InputError("--input \(path): \(error)")
    }
    guard case .array(let rows) = document else {
        throw InputError("--input \(path): the top-level value is \(document.kindName); expected an array of \(count) vectors")
    }
    guard rows.count == count else {
        throw InputError("--input \(path): holds \(rows.count) vectors but --positions names \(count); give one vector per position")
    }
    return try rows.enumerated().map { index, row in
        guard case .array(let items) = row else {
            throw InputError("--input \(path): vector \(index) is \(row.kindName); expected an array of \(length) numbers")
        }
        guard items.count == length else {
            throw InputError("--input \(path): vector \(index) has \(items.count) numbers; expected head_dim = \(length)")
        }
        return try items.enumerated().map { j, item in
            guard case .number(let x) = item else {
                throw InputError("--input \(path): vector \(index)[\(j)] is \(item.kindName); expected a number")
            }
            return x
        }
    }
}
