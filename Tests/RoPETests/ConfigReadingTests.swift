import Foundation
import Testing
@testable import RoPE

@Suite struct ConfigReadingTests {
    func parse(_ json: String) throws -> ModelRoPEConfig { try ModelRoPEConfig.parse(Data(json.utf8)) }

    func expectError(_ json: String, key: String, containing fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectConfigError(json, key: key, containing: fragment, sourceLocation: sourceLocation) { try parse($0) }
    }

    @Test func bothFormsReadTheSame() throws {
        let legacy = try ModelRoPEConfig.parse(try configData("llama-3.1-8b.json"))
        let v5 = try ModelRoPEConfig.parse(try configData("llama-3.1-8b-v5.json"))
        #expect(legacy == v5)
        #expect(legacy.scaling == .llama3(Llama3Scaling(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192)))
    }

    @Test func typeAndRopeTypeAndNull() throws {
        let a = try parse(#"{"head_dim":64,"rope_theta":1e4,"rope_scaling":{"type":"linear","factor":2}}"#)
        let b = try parse(#"{"head_dim":64,"rope_theta":1e4,"rope_scaling":{"rope_type":"linear","factor":2}}"#)
        #expect(a == b && a.scaling == .linear(LinearScaling(factor: 2)))
        #expect(try parse(#"{"head_dim":64,"rope_theta":1e4,"rope_scaling":null}"#).scaling == .none)
        #expect(try parse(#"{"head_dim":64,"rope_parameters":{"rope_type":"default","rope_theta":5e5}}"#).base == 500_000)
    }

    @Test func precedence() throws {
        // Explicit head_dim wins over hidden/heads; a null head_dim falls back.
        #expect(try parse(#"{"head_dim":128,"hidden_size":5120,"num_attention_heads":32,"rope_theta":1e6}"#).headDim == 128)
        #expect(try parse(#"{"head_dim":null,"hidden_size":5120,"num_attention_heads":32,"rope_theta":1e6}"#).headDim == 160)
        // partial_rotary_factor: the rope dict over the top level (transformers' standardize uses setdefault; phi
        // rotates 40 of 80 channels with 0.4 at the top and 0.5 in rope_parameters — checked with transformers 5.25).
        let partial = try parse(#"{"head_dim":80,"partial_rotary_factor":0.4,"rope_parameters":{"rope_theta":1e4,"rope_type":"default","partial_rotary_factor":0.5}}"#)
        #expect(partial.rotaryDim == 40)
        #expect(try parse(#"{"head_dim":80,"partial_rotary_factor":0.4,"rope_theta":1e4}"#).rotaryDim == 32)
        #expect(try parse(#"{"head_dim":80,"rope_parameters":{"rope_theta":1e4,"rope_type":"default","partial_rotary_factor":0.5}}"#).rotaryDim == 40)
        // original_max_position_embeddings: top level, then the rope dict, then max_position_embeddings.
        let phi = try ModelRoPEConfig.parse(try configData("phi-3.5-mini-longrope.json"))
        #expect(phi.originalContext == 4096)
        guard case .longRoPE(let l) = phi.scaling else { Issue.record("not longrope"); return }
        #expect(l.factor == 32, "no factor: max_position_embeddings / original")
        let yarn = try parse(#"{"head_dim":64,"max_position_embeddings":65536,"original_max_position_embeddings":2048,"rope_theta":1e4,"rope_scaling":{"type":"yarn","original_max_position_embeddings":4096}}"#)
        guard case .yarn(let y) = yarn.scaling else { Issue.record("not yarn"); return }
        #expect(y.originalMaxPositionEmbeddings == 2048 && y.factor == 32)
        let fallback = try parse(#"{"head_dim":64,"max_position_embeddings":8192,"rope_theta":1e4,"rope_scaling":{"type":"yarn","factor":2}}"#)
        guard case .yarn(let f) = fallback.scaling else { Issue.record("not yarn"); return }
        #expect(f.originalMaxPositionEmbeddings == 8192)
    }

    @Test func yarnOptions() throws {
        let oss = try ModelRoPEConfig.parse(try configData("gpt-oss-20b.json"))
        guard case .yarn(let y) = oss.scaling else { Issue.record("not yarn"); return }
        #expect(!y.truncate && oss.headDim == 64)
        let zeroBeta = try parse(#"{"head_dim":64,"rope_theta":1e4,"max_position_embeddings":4096,"rope_scaling":{"type":"yarn","factor":4,"beta_fast":0}}"#)
        guard case .yarn(let z) = zeroBeta.scaling else { Issue.record("not yarn"); return }
        #expect(z.betaFast == 32, "transformers' `or`: 0 falls back to the default")
        let explicit = try parse(#"{"head_dim":64,"rope_theta":1e4,"max_position_embeddings":4096,"rope_scaling":{"type":"yarn","factor":64,"attention_factor":1.0}}"#)
        #expect(explicit.frequencies().attentionFactor == 1.0, "explicit attention_factor wins (vLLM #46280)")
    }

    @Test func longRoPESwitchesAfterTheOriginalContext() throws {
        let phi = try ModelRoPEConfig.parse(try configData("phi-3.5-mini-longrope.json"))
        #expect(phi.frequencies(sequenceLength: 4096) == phi.frequencies(sequenceLength: nil))
        #expect(phi.frequencies(sequenceLength: 4097) != phi.frequencies(sequenceLength: 4096))
    }

    @Test func errorsNameTheKey() {
        expectError("[1,2]", key: "", containing: "expected a JSON object")
        expectError("{", key: "", containing: "invalid JSON")
        expectError(#"{"hidden_size":4096,"rope_theta":1e4}"#, key: "num_attention_heads", containing: "missing")
        expectError(#"{"hidden_size":4096,"num_attention_heads":0,"rope_theta":1e4}"#, key: "num_attention_heads", containing: "positive")
        expectError(#"{"hidden_size":"4096","num_attention_heads":32,"rope_theta":1e4}"#, key: "hidden_size", containing: "expected a number")
        expectError(#"{"head_dim":64}"#, key: "rope_theta", containing: "missing")
        expectError(#"{"head_dim":1e12,"rope_theta":1e4}"#, key: "head_dim", containing: "between 1 and")
        expectError(#"{"hidden_size":4096,"num_attention_heads":8192,"rope_theta":1e4}"#, key: "hidden_size", containing: "plausible")
        expectError(#"{"head_dim":64,"rope_theta":-3}"#, key: "rope_theta", containing: "greater than 1")
        expectError(#"{"head_dim":64,"rope_theta":1e4,"rope_scaling":{"type":"wobble","factor":2}}"#, key: "rope_scaling.type", containing: "unknown rope type")
        expectError(#"{"head_dim":64,"rope_theta":1e4,"rope_scaling":{"type":"linear","factor":0}}"#, key: "rope_scaling.factor", containing: "positive")
        expectError(#"{"head_dim":64,"rope_theta":1e4,"rope_scaling":{"type":"linear"}}"#, key: "rope_scaling.factor", containing: "missing")
        expectError(#"{"head_dim":66,"partial_rotary_factor":0.5,"rope_theta":1e4}"#, key: "partial_rotary_factor", containing: "even")
        expectError(#"{"head_dim":8,"rope_theta":1e4,"max_position_embeddings":8192,"rope_scaling":{"type":"longrope","short_factor":[1,1,1],"long_factor":[1,1,1,1],"original_max_position_embeddings":4096}}"#,
                    key: "rope_scaling.short_factor", containing: "expected 4")
        expectError(#"{"head_dim":64,"rope_theta":1e4,"rope_scaling":{"type":"dynamic","factor":2}}"#, key: "max_position_embeddings", containing: "dynamic")
        expectError(#"{"head_dim":64,"rope_theta":1e4,"rope_parameters":{"full_attention":{"rope_type":"default"},"sliding_attention":{"rope_type":"default"}}}"#,
                    key: "rope_parameters", containing: "per layer type")
        expectError(#"{"head_dim":64,"rope_theta":1e4,"max_position_embeddings":4096,"rope_scaling":{"type":"yarn","factor":4,"truncate":"no"}}"#, key: "rope_scaling.truncate", containing: "true or false")
    }
}
