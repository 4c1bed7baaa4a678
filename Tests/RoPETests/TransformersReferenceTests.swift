import Foundation
import Testing
@testable import RoPE

/// The library against `References/transformers_reference.json`, produced by make_transformers_reference.py: a
/// numpy transcription of transformers v5 `modeling_rope_utils.py`, evaluated in float64 (its formulas) and with
/// transformers' own float32 tensors (its output).
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

    @Test func referenceFileCoversEveryConfig() throws {
        let configs = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Configs").path)
            .filter { $0.hasSuffix(".json") }
        #expect(Set(Self.cases.map(\.config)) == Set(configs))
    }

    @Test("agrees with transformers' formulas to 1e-12 and its float32 output to 1e-6", arguments: cases)
    func agreement(reference: Case) throws {
        let model = try ModelRoPEConfig.parse(try configData(reference.config))
        #expect(model.ropeType == reference.rope_type)
        #expect(model.headDim == reference.head_dim)
        #expect(model.rotaryDim == reference.rotary_dim)
        let ours = model.frequencies(sequenceLength: reference.seq_len)
        try #require(ours.inverseFrequencies.count == reference.float64.inv_freq.count)
        expectClose(ours.attentionFactor, reference.float64.attention_factor, relative: 1e-12, "attention factor")
        expectClose(ours.attentionFactor, reference.float32.attention_factor, relative: 1e-6, "float32 attention factor")
        for i in ours.inverseFrequencies.indices {
            expectClose(ours.inverseFrequencies[i], reference.float64.inv_freq[i], relative: 1e-12, "inv_freq[\(i)] float64")
            expectClose(ours.inverseFrequencies[i], reference.float32.inv_freq[i], relative: 1e-6, "inv_freq[\(i)] float32")
        }
    }
}
