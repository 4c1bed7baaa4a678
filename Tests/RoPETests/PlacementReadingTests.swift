import Foundation
import Testing
@testable import RoPE

/// Reading the 2025–2026 config forms: v4 and v5 spellings of the same model agree, transformers' precedence and
/// quirks are kept (each checked against transformers 5.25 where noted), and unknown or contradictory keys are
/// errors naming the key.
@Suite struct PlacementReadingTests {
    func parse(_ json: String) throws -> RoPEPlacement { try RoPEPlacement.parse(Data(json.utf8)) }
    func load(_ name: String) throws -> RoPEPlacement { try RoPEPlacement.parse(try configData(name)) }

    func expectError(_ json: String, key: String, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectConfigError(json, key: key, containing: fragment, sourceLocation: sourceLocation) { try parse($0) }
    }

    @Test func v4AndV5FormsReadTheSame() throws {
        #expect(try load("gemma-3-4b.json") == load("gemma-3-4b-v5.json"))
        #expect(try load("qwen3-4b-yarn.json") == load("qwen3-4b-yarn-v5.json"))
        #expect(try load("llama-3.1-8b.json").groups == load("llama-3.1-8b-v5.json").groups)
    }

    @Test func gemma3LocalAndGlobal() throws {
        let gemma = try load("gemma-3-4b.json")
        #expect(gemma.modelType == "gemma3_text")
        let local = try #require(gemma.group(labeled: "sliding_attention")), global = try #require(gemma.group(labeled: "full_attention"))
        #expect(local.rope.base == 10_000 && local.rope.scaling == .none)
        #expect(global.rope.base == 1_000_000 && global.rope.scaling == .linear(LinearScaling(factor: 8)))
        #expect(gemma.layers(usingGroup: gemma.groups.firstIndex(of: global)!) == [5, 11, 17, 23, 29])
        // Legacy keys spelled out, defaults: rope_theta 10^6 for global layers, rope_local_base_freq 10^4 for local.
        let bare = try parse(#"{"model_type":"gemma3_text","head_dim":256,"num_hidden_layers":12}"#)
        #expect(bare.groups.map(\.rope.base) == [1_000_000, 10_000])
        #expect(bare.layerTypes?.filter { $0 == "full_attention" }.count == 2)
    }

    @Test func olmo3LocalLayersIgnoreTheTopLevelBase() throws {
        // transformers 5.25: Olmo3Config pops rope_theta for the global layers; the local ones get 500 000.
        let olmo = try parse(#"{"model_type":"olmo3","hidden_size":256,"num_attention_heads":4,"num_hidden_layers":4,"rope_theta":10000,"max_position_embeddings":65536,"rope_scaling":{"rope_type":"yarn","factor":8,"original_max_position_embeddings":8192}}"#)
        #expect(olmo.group(labeled: "sliding_attention")?.rope.base == 500_000)
        #expect(olmo.group(labeled: "full_attention")?.rope.base == 10_000)
        #expect(olmo.group(labeled: "sliding_attention")?.rope.scaling == RoPEScaling.none, "YaRN on global layers only")
    }

    @Test func gemma4() throws {
        let gemma = try load("gemma-4-26b-a4b.json")
        let global = try #require(gemma.group(labeled: "full_attention"))
        #expect(global.headDim == 512 && global.rotaryDim == 512)
        let f = global.frequencies().inverseFrequencies
        #expect(f.count == 256 && f.filter { $0 != 0 }.count == 64, "64 of 256 pairs turn")
        // The rotating pairs keep the frequencies of a full 512-wide head: θ_i = base^(−2i/512).
        checkClose(f[63], 1 / pow(1_000_000, 126.0 / 512))
        // transformers 5.25 forces the last layer global.
        let forced = try parse(#"{"model_type":"gemma4_text","num_hidden_layers":4,"layer_types":["sliding_attention","sliding_attention","sliding_attention","sliding_attention"]}"#)
        #expect(forced.layerTypes?.last == "full_attention")
    }

    func checkClose(_ a: Double, _ b: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        expectClose(a, b, relative: 1e-15, sourceLocation: sourceLocation)
    }

    @Test func llama4() throws {
        let scout = try load("llama-4-scout-17b-16e-instruct.json")
        #expect(scout.layersWithoutRoPE == Array(stride(from: 3, to: 48, by: 4)))
        #expect(scout.queryScaleLayers == scout.layersWithoutRoPE)
        #expect(scout.groups[0].layout == .interleavedComplex)
        // low_freq_factor == high_freq_factor: a hard cut at 8192 tokens — kept or divided by 16, nothing between.
        let group = scout.groups[0]
        let scaled = group.frequencies().inverseFrequencies, plain = Frequencies.inverse(rotaryDim: 128, base: 500_000)
        for (s, p) in zip(scaled, plain) {
            #expect(2 * Double.pi / p < 8192 ? s == p : abs(s - p / 16) <= 1e-18)
        }
        // An empty no_rope_layers falls back to no_rope_layer_interval (4).
        let empty = try parse(#"{"model_type":"llama4_text","num_hidden_layers":8,"no_rope_layers":[],"rope_theta":500000}"#)
        #expect(empty.layersWithoutRoPE == [3, 7])
        let off = try parse(#"{"model_type":"llama4_text","num_hidden_layers":8,"attn_temperature_tuning":false}"#)
        #expect(off.queryScale == nil && off.groups[0].rope.base == 500_000)
    }

    @Test func mropeAxes() throws {
        let contiguous = try #require(try load("qwen2.5-vl-7b.json").groups[0].mrope)
        #expect(!contiguous.interleaved && contiguous.count(of: .t) == 16 && contiguous.pairAxis[16] == .h)
        let interleaved = try #require(try load("qwen3-vl-4b.json").groups[0].mrope)
        #expect(interleaved.interleaved && Array(interleaved.pairAxis.prefix(3)) == [.t, .h, .w])
        // Text tokens (t = h = w) rotate as ordinary RoPE.
        let group = try load("qwen3-vl-4b.json").groups[0]
        let x = testVector(128, seed: 4)
        let plain = RotaryEmbedding(inverseFrequencies: group.frequencies().inverseFrequencies).rotate(x, at: 77)
        #expect(group.rotate(x, at: RoPEPosition(77)) == plain)
    }

    @Test func qwen35RotatesAQuarterOfFullAttentionHeads() throws {
        let qwen = try load("qwen3.5-0.8b.json")
        #expect(qwen.groups[0].rotaryDim == 64 && qwen.groups[0].headDim == 256)
        #expect(qwen.layersWithoutRoPE.count == 18)
    }

    @Test func singleGroupAPI() throws {
        #expect(try ModelRoPEConfig.parse(try configData("qwen3-4b-yarn.json")).headDim == 128)
        do {
            _ = try ModelRoPEConfig.parse(try configData("gemma-3-4b.json"))
            Issue.record("a two-group config read as one")
        } catch let error as ConfigError {
            #expect(error.key == "layer_types" && error.message.contains("2 RoPE settings"))
        }
    }

    @Test func errorsNameTheKey() {
        expectError(#"{"model_type":"gemma3","rope_theta":1e4,"text_config":{"model_type":"gemma3_text","rope_theta":1e6,"num_hidden_layers":6}}"#,
                    key: "rope_theta", containing: "text_config")
        expectError(#"{"model_type":"mistral3","text_config":{"hidden_size":64}}"#, key: "text_config.model_type", containing: "ministral3")
        expectError(#"{"model_type":"gemma3_text","num_hidden_layers":6,"sliding_window_pattern":2,"layer_types":["sliding_attention","sliding_attention","sliding_attention","sliding_attention","sliding_attention","full_attention"]}"#,
                    key: "sliding_window_pattern", containing: "layer_types")
        expectError(#"{"model_type":"gemma3_text","num_hidden_layers":6,"rope_scaling":{"rope_type":"linear","factor":8},"rope_parameters":{"full_attention":{"rope_type":"linear","factor":4}}}"#,
                    key: "rope_scaling.factor", containing: "rope_parameters.full_attention.factor")
        expectError(#"{"model_type":"gemma3_text","num_hidden_layers":6,"rope_parameters":{"global":{"rope_type":"default"}}}"#,
                    key: "rope_parameters.global", containing: "not a layer type")
        // transformers reads truncate from the top of rope_parameters only: in a per-type dict it is dead.
        expectError(#"{"model_type":"olmo3","hidden_size":256,"num_attention_heads":4,"num_hidden_layers":4,"rope_scaling":{"rope_type":"yarn","factor":8,"original_max_position_embeddings":8192,"truncate":false}}"#,
                    key: "rope_scaling.truncate", containing: "never read")
        expectError(#"{"model_type":"gemma4_text","num_hidden_layers":6,"rope_scaling":{"rope_type":"linear","factor":8}}"#,
                    key: "rope_scaling", containing: "Gemma 4")
        expectError(#"{"model_type":"llama","head_dim":64,"rope_theta":1e4,"partial_rotary_factor":0.5}"#,
                    key: "partial_rotary_factor", containing: "whole head")
        expectError(#"{"head_dim":64,"rope_theta":1e4,"rope_scaling":{"rope_type":"yarn","factor":4,"original_max_position_embeddings":4096,"beta":32}}"#,
                    key: "rope_scaling.beta", containing: "not read")
        expectError(#"{"head_dim":64,"rope_scaling":{"rope_type":"linear","factor":2,"rope_theta":1e4},"rope_parameters":{"rope_type":"linear","factor":4,"rope_theta":1e4}}"#,
                    key: "rope_scaling", containing: "differ")
        expectError(#"{"model_type":"qwen3_vl","text_config":{"head_dim":128,"num_hidden_layers":2,"rope_theta":5e6,"rope_scaling":{"rope_type":"default","mrope_section":[24,20,20],"mrope_interleaved":false}}}"#,
                    key: "text_config.rope_scaling.mrope_interleaved", containing: "interleaved")
        expectError(#"{"model_type":"qwen2_5_vl","hidden_size":3584,"num_attention_heads":28,"rope_theta":1e6,"rope_scaling":{"type":"mrope","mrope_section":[16,24,20]}}"#,
                    key: "rope_scaling.mrope_section", containing: "64 rotary pairs")
        expectError(#"{"model_type":"llama4_text","num_hidden_layers":4,"no_rope_layers":[1,1,2,0]}"#,
                    key: "no_rope_layers[2]", containing: "expected 1")
        expectError(#"{"model_type":"llama4_text","num_hidden_layers":4,"no_rope_layers":[1,1,0]}"#,
                    key: "no_rope_layers", containing: "3 entries for 4 layers")
        expectError(#"{"model_type":"ministral3","head_dim":128,"rope_parameters":{"rope_type":"yarn","rope_theta":1e6,"factor":16,"original_max_position_embeddings":16384}}"#,
                    key: "rope_parameters.llama_4_scaling_beta", containing: "missing")
        expectError(#"{"model_type":"deepseek_v3","head_dim":128,"qk_rope_head_dim":64,"rope_theta":1e4}"#,
                    key: "head_dim", containing: "qk_rope_head_dim")
        expectError(#"{"model_type":"deepseek_v4","num_hidden_layers":3,"compress_ratios":[0,4,64]}"#,
                    key: "compress_ratios[2]", containing: "0, 4 and 128")
        expectError(#"{"model_type":"deepseek_v4","num_hidden_layers":2,"compress_ratios":[0,4],"layer_types":["sliding_attention","sliding_attention"]}"#,
                    key: "compress_ratios", containing: "layer_types")
    }
}
