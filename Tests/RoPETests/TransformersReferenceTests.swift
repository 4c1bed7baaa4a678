import Foundation
import Testing
@testable import RoPE

/// The library against two references computed outside it, for every config in Configs/:
/// - `References/transformers_reference.json` (make_transformers_reference.py): a numpy transcription of
///   transformers v5 `modeling_rope_utils.py` evaluated in float64 — its formulas, to 1e-12;
/// - `References/transformers_output.json` (make_transformers_output.py): what transformers 5.23.0 on torch 2.15.0
///   itself returned (float32 tensors) — its output, to 1e-6.
@Suite struct TransformersReferenceTests {
    struct Case: Decodable, CustomStringConvertible {
        struct Values: Decodable { let inv_freq: [Double]; let attention_factor: Double }
        let config: String
        let seq_len: Int?
        let rope_type: String
        let head_dim: Int
        let rotary_dim: Int
        let float64: Values
        let float32: Values
        var description: String { "\(config) seq_len=\(seq_len.map(String.init) ?? "nil")" }
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        let url = repositoryRoot.appendingPathComponent("Tests/RoPETests/References/transformers_reference.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    struct Output: Decodable, CustomStringConvertible {
        let config: String
        let seq_len: Int?
        let rope_type: String
        let inv_freq: [Double]
        let attention_factor: Double
        var description: String { "\(config) seq_len=\(seq_len.map(String.init) ?? "nil") (transformers)" }
    }

    static let outputs: [Output] = {
        struct File: Decodable { let cases: [Output] }
        let url = repositoryRoot.appendingPathComponent("Tests/RoPETests/References/transformers_output.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    @Test func referenceFileCoversEveryConfig() throws {
        let configs = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Configs").path)
            .filter { $0.hasSuffix(".json") }
        // One RoPE for every layer: these two references; the 2025-2026 families: transformers_placement.json.
        let placement = Set(PlacementReferenceTests.cases.map(\.config))
        #expect(Set(Self.cases.map(\.config)).union(placement) == Set(configs))
        #expect(Set(Self.outputs.map(\.config)).union(placement) == Set(configs))
        #expect(Set(Self.cases.map(\.config)).isDisjoint(with: placement))
    }

    @Test("agrees with transformers' own output to 1e-6", arguments: outputs)
    func agreesWithTransformers(reference: Output) throws {
        let model = try ModelRoPEConfig.parse(try configData(reference.config))
        #expect(model.ropeType == reference.rope_type)
        let ours = model.frequencies(sequenceLength: reference.seq_len)
        try #require(ours.inverseFrequencies.count == reference.inv_freq.count)
        expectClose(ours.attentionFactor, reference.attention_factor, relative: 1e-12, "attention factor")
        for i in ours.inverseFrequencies.indices {
            expectClose(ours.inverseFrequencies[i], reference.inv_freq[i], relative: 1e-6, "inv_freq[\(i)]")
        }
    }

    @Test("agrees with transformers' formulas (float64) to 1e-12", arguments: cases)
    func agreement(reference: Case) throws {
        let model = try ModelRoPEConfig.parse(try configData(reference.config))
        #expect(model.ropeType == reference.rope_type)
        #expect(model.headDim == reference.head_dim)
        #expect(model.rotaryDim == reference.rotary_dim)
        let ours = model.frequencies(sequenceLength: reference.seq_len)
        try #require(ours.inverseFrequencies.count == reference.float64.inv_freq.count)
        expectClose(ours.attentionFactor, reference.float64.attention_factor, relative: 1e-12, "attention factor")
        for i in ours.inverseFrequencies.indices {
            expectClose(ours.inverseFrequencies[i], reference.float64.inv_freq[i], relative: 1e-12, "inv_freq[\(i)] float64")
        }
    }
}
