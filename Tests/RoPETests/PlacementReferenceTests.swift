import Foundation
import Testing
@testable import RoPE

/// `RoPEPlacement` against what transformers itself resolves for the 2025–2026 families
/// (`References/transformers_placement.json`, made by make_transformers_placement.py with transformers 5.25.0 and
/// torch 2.15.0, running transformers' own code in float64): the type and RoPE group of every layer, layers without
/// RoPE, every group's frequencies and attention factor (1e-9 relative), M-RoPE's pair → axis map, query scales by
/// position, and vectors rotated by each model's own apply function.
@Suite struct PlacementReferenceTests {
    struct Case: Decodable, CustomStringConvertible {
        struct Group: Decodable {
            struct MRoPE: Decodable { let mrope_section: [Int]; let pair_axis: [String] }
            struct Float32: Decodable { let inv_freq: [Double]; let attention_factor: Double }
            let rope_type: String
            let head_dim: Int
            let rotary_dim: Int
            let inv_freq: [Double]
            let attention_factor: Double
            let float32: Float32
            let mrope: MRoPE?
        }
        struct QueryScale: Decodable { let positions: [Double]; let values: [Double]; let layers: [Int] }
        struct Rotation: Decodable { let group: String; let position: [Double]; let input: [Double]; let output: [Double] }
        let config: String
        let model_type: String
        let layer_types: [String]
        let layer_rope: [String?]
        let rope_groups: [String: Group]
        let query_scale: QueryScale?
        let rotations: [Rotation]
        var description: String { config }
    }

    static let cases: [Case] = {
        struct File: Decodable { let cases: [Case] }
        let url = repositoryRoot.appendingPathComponent("Tests/RoPETests/References/transformers_placement.json")
        return (try? JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases) ?? []
    }()

    func placement(_ reference: Case) throws -> RoPEPlacement { try RoPEPlacement.parse(try configData(reference.config)) }

    @Test func everyFamilyIsCovered() {
        let types = Set(Self.cases.map(\.model_type))
        #expect(types.isSuperset(of: ["gemma3_text", "olmo3", "gemma4_text", "llama4_text", "qwen3", "qwen2_5_vl_text",
                                      "qwen3_vl_text", "qwen3_5_text", "ministral3", "deepseek_v3", "deepseek_v4"]))
    }

    @Test("layer types and the RoPE group of every layer", arguments: cases)
    func layers(reference: Case) throws {
        let ours = try placement(reference)
        let labels = try #require(ours.layerGroups).map { $0.map { ours.groups[$0].label } }
        #expect(labels == reference.layer_rope)
        // transformers gives Llama, Qwen3-VL, Ministral 3 and DeepSeek-V3 configs no layer_types: all full attention.
        #expect(ours.layerTypes == (reference.layer_types.isEmpty
                                    ? Array(repeating: "full_attention", count: reference.layer_rope.count) : reference.layer_types))
    }

    @Test("every group's frequencies and attention factor to 1e-9", arguments: cases)
    func groups(reference: Case) throws {
        let ours = try placement(reference)
        #expect(Set(ours.groups.map(\.label)) == Set(reference.rope_groups.keys))
        for group in ours.groups {
            let theirs = try #require(reference.rope_groups[group.label])
            #expect(group.rope.ropeType == theirs.rope_type)
            #expect(group.headDim == theirs.head_dim && group.rotaryDim == theirs.rotary_dim)
            let f = group.frequencies()
            try #require(f.inverseFrequencies.count == theirs.inv_freq.count)
            for (i, (a, b)) in zip(f.inverseFrequencies, theirs.inv_freq).enumerated() {
                if b == 0 { #expect(a == 0, "\(group.label) inv_freq[\(i)]") }
                else { expectClose(a, b, relative: 1e-9, "\(group.label) inv_freq[\(i)]") }
            }
            expectClose(f.attentionFactor, theirs.attention_factor, relative: 1e-9, "\(group.label) attention factor")
            // transformers as shipped computes in float32: the same numbers to float32 precision.
            for (i, (a, b)) in zip(f.inverseFrequencies, theirs.float32.inv_freq).enumerated() where b != 0 {
                expectClose(a, b, relative: 2e-6, "\(group.label) inv_freq[\(i)] vs float32")
            }
            #expect(group.mrope?.section == theirs.mrope?.mrope_section)
            #expect(group.mrope?.pairAxis.map(\.rawValue) == theirs.mrope?.pair_axis)
        }
    }

    @Test("query scales by position", arguments: cases)
    func queryScales(reference: Case) throws {
        let ours = try placement(reference)
        guard let theirs = reference.query_scale else { #expect(ours.queryScale == nil); return }
        let scale = try #require(ours.queryScale)
        #expect(ours.queryScaleLayers == theirs.layers)
        for (p, value) in zip(theirs.positions, theirs.values) {
            expectClose(scale.value(at: p), value, relative: 1e-12, "scale at \(p)")
        }
        #expect(scale.samplePositions == theirs.positions)
    }

    @Test("vectors rotated as the model's own apply function rotates them", arguments: cases)
    func rotations(reference: Case) throws {
        let ours = try placement(reference)
        #expect(!reference.rotations.isEmpty)
        for rotation in reference.rotations {
            let group = try #require(ours.group(labeled: rotation.group))
            let p = rotation.position
            let rotated = group.rotate(rotation.input, at: RoPEPosition(t: p[0], h: p[1], w: p[2]))
            let scale = rotation.output.map(abs).max() ?? 1
            let worst = zip(rotated, rotation.output).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-9 * scale, "\(rotation.group) at \(p): max |Δ| \(worst)")
        }
    }
}
