import ArgumentParser
import Foundation
import RoPE

extension PairLayout: ExpressibleByArgument {}

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rotate vectors as the model would, one per position.",
        discussion: """
        FILE holds a JSON array with one head_dim-long array of numbers per position. The sequence length used for \
        length-dependent scaling defaults to the largest position + 1, as transformers does.
        """)

    @Argument(help: "A Hugging Face config.json.") var config: String
    @Option(help: "Pair layout: half (rotate_half, GPT-NeoX, transformers) or interleaved (Meta, GPT-J).")
    var layout: PairLayout
    @Option(help: "Comma-separated positions, one per input vector, e.g. 0,1,7.") var positions: String
    @Option(name: .customLong("input"), help: "JSON file with the vectors.") var input: String
    @Option(help: "Sequence length in tokens. Default: largest position + 1.") var seqLen: Int?
    @Flag(help: "Print a JSON array of arrays.") var json = false

    func run() throws {
        try reportingInputErrors {
            let model = try loadConfig(config)
            let positionList = try parsePositions(positions)
            let vectors = try readVectors(input, count: positionList.count, length: model.headDim)
            let length = try validatedSequenceLength(seqLen) ?? Int(positionList.max()!.rounded(.down)) + 1
            let rope = model.frequencies(sequenceLength: length).embedding(layout: layout)
            let rotated = zip(vectors, positionList).map { rope.rotate($0, at: $1) }
            try requireFinite(rotated.flatMap { $0 }, what: "rotated vectors")
            if json {
                print(JSONValue.array(rotated.map { .array($0.map(JSONValue.number)) }).serialized)
            } else {
                for (p, v) in zip(positionList, rotated) {
                    // Round-trip precision; −0.0 (a zero times a negative cosine) prints as 0.
                    print("position \(JSONValue.format(p)): " + v.map { ($0 == 0 ? 0 : $0).description }.joined(separator: " "))
                }
            }
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
