import Foundation
import Testing

/// End-to-end tests of the `rope` binary: exit status, stdout and stderr, as a user sees them.
@Suite struct RopeCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    /// Runs the `rope` built next to this test binary, from the repository root.
    func rope(_ arguments: [String]) throws -> Result {
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rope")
        let process = Process()
        process.executableURL = FileManager.default.isExecutableFile(atPath: sibling.path) ? sibling
            : Self.root.appendingPathComponent(".build/debug/rope")
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func rope(_ arguments: String...) throws -> Result { try rope(arguments) }

    func temporaryFile(_ contents: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rope-test-\(UUID().uuidString).json")
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// `rope freqs --json` against transformers' formulas (numpy transcription, float64) and against transformers'
    /// own float32 output (Tests/RoPETests/References).
    @Test func freqsJSONMatchesTransformersReference() throws {
        struct Reference: Decodable {
            struct Case: Decodable {
                struct Values: Decodable { let inv_freq: [Double]; let attention_factor: Double }
                let config: String; let seq_len: Int?; let rope_type: String; let float64: Values; let float32: Values
            }
            let cases: [Case]
        }
        struct Output: Decodable {
            let rope_type: String; let head_dim: Int; let rotary_dim: Int; let inv_freq: [Double]; let attention_factor: Double
        }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.root.appendingPathComponent(
            "Tests/RoPETests/References/transformers_reference.json")))
        struct Real: Decodable { struct Case: Decodable { let inv_freq: [Double] }; let cases: [Case] }
        let real = try JSONDecoder().decode(Real.self, from: Data(contentsOf: Self.root.appendingPathComponent(
            "Tests/RoPETests/References/transformers_output.json")))
        try #require(real.cases.count == reference.cases.count)
        #expect(reference.cases.count >= 13)
        for (item, transformersOutput) in zip(reference.cases, real.cases) {
            var args = ["freqs", "Configs/\(item.config)", "--json"]
            if let n = item.seq_len { args += ["--seq-len", "\(n)"] }
            let result = try rope(args)
            try #require(result.status == 0, "\(args): \(result.stderr)")
            let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
            #expect(output.rope_type == item.rope_type)
            try #require(output.inv_freq.count == item.float64.inv_freq.count)
            for (ours, theirs) in zip(output.inv_freq, item.float64.inv_freq) {
                #expect(abs(ours - theirs) <= 1e-9 * abs(theirs), "\(item.config): \(ours) vs \(theirs)")
            }
            for (ours, theirs) in zip(output.inv_freq, transformersOutput.inv_freq) {
                #expect(abs(ours - theirs) <= 1e-6 * abs(theirs), "\(item.config) vs transformers: \(ours) vs \(theirs)")
            }
            #expect(abs(output.attention_factor - item.float64.attention_factor) <= 1e-9 * item.float64.attention_factor)
        }
    }

    /// `rope freqs --json` on the 2025–2026 families against transformers 5.25 itself
    /// (Tests/RoPETests/References/transformers_placement.json): the group of every layer, layers without RoPE, every
    /// group's inv_freq and attention factor to 1e-9, M-RoPE axes, query scales.
    @Test func freqsJSONPlacesRoPEAsTransformersDoes() throws {
        struct Reference: Decodable {
            struct Case: Decodable {
                struct Group: Decodable {
                    struct MRoPE: Decodable { let mrope_section: [Int]; let pair_axis: [String] }
                    let rope_type: String; let head_dim: Int; let rotary_dim: Int; let inv_freq: [Double]
                    let attention_factor: Double; let mrope: MRoPE?
                }
                struct Scale: Decodable { let positions: [Double]; let values: [Double]; let layers: [Int] }
                let config: String; let layer_types: [String]; let layer_rope: [String?]
                let rope_groups: [String: Group]; let query_scale: Scale?
            }
            let cases: [Case]
        }
        struct Output: Decodable {
            struct Group: Decodable {
                struct MRoPE: Decodable { let mrope_section: [Int]; let interleaved: Bool; let pair_axis: [String] }
                let rope_type: String; let head_dim: Int; let rotary_dim: Int; let inv_freq: [Double]
                let attention_factor: Double; let layout: String; let mrope: MRoPE?
            }
            struct Scale: Decodable { let positions: [Double]; let values: [Double]; let layers: [Int] }
            let layer_types: [String]?; let layer_rope: [String?]?; let rope_groups: [String: Group]; let query_scale: Scale?
            let inv_freq: [Double]?
        }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.root.appendingPathComponent(
            "Tests/RoPETests/References/transformers_placement.json")))
        #expect(reference.cases.count >= 14)
        for item in reference.cases {
            let result = try rope("freqs", "Configs/\(item.config)", "--json")
            try #require(result.status == 0, "\(item.config): \(result.stderr)")
            let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
            #expect(output.layer_rope == item.layer_rope, "\(item.config)")
            if !item.layer_types.isEmpty { #expect(output.layer_types == item.layer_types, "\(item.config)") }
            #expect(Set(output.rope_groups.keys) == Set(item.rope_groups.keys), "\(item.config)")
            #expect((output.inv_freq != nil) == (item.rope_groups.count == 1), "flat fields exactly when there is one group")
            for (label, theirs) in item.rope_groups {
                let ours = try #require(output.rope_groups[label])
                #expect(ours.rope_type == theirs.rope_type && ours.head_dim == theirs.head_dim && ours.rotary_dim == theirs.rotary_dim)
                try #require(ours.inv_freq.count == theirs.inv_freq.count)
                for (a, b) in zip(ours.inv_freq, theirs.inv_freq) {
                    #expect(abs(a - b) <= 1e-9 * abs(b), "\(item.config) \(label): \(a) vs \(b)")
                }
                #expect(abs(ours.attention_factor - theirs.attention_factor) <= 1e-9 * theirs.attention_factor)
                #expect(ours.mrope?.pair_axis == theirs.mrope?.pair_axis && ours.mrope?.mrope_section == theirs.mrope?.mrope_section)
            }
            #expect((output.query_scale == nil) == (item.query_scale == nil), "\(item.config)")
            if let theirs = item.query_scale, let ours = output.query_scale {
                #expect(ours.positions == theirs.positions && ours.layers == theirs.layers)
                for (a, b) in zip(ours.values, theirs.values) { #expect(abs(a - b) <= 1e-12 * b) }
            }
        }
    }

    @Test func freqsShowsGroupsLayersAxesAndQueryScales() throws {
        let gemma = try rope("freqs", "Configs/gemma-3-4b.json")
        #expect(gemma.status == 0)
        #expect(gemma.stdout.contains("group full_attention: layers 5, 11, 17, 23, 29 (5)"))
        #expect(gemma.stdout.contains("group sliding_attention: layers 0–4, 6–10, 12–16, 18–22, 24–28, 30–33 (29)"))
        let qwen = try rope("freqs", "Configs/qwen2.5-vl-7b.json")
        #expect(qwen.stdout.contains("pair  axis") && qwen.stdout.contains("M-RoPE            contiguous sections [16, 24, 24]"))
        let scout = try rope("freqs", "Configs/llama-4-scout-17b-16e-instruct.json", "--positions", "8190,8191", "--json")
        struct Scout: Decodable { struct Scale: Decodable { let values: [Double] }; let query_scale: Scale }
        let scale = try JSONDecoder().decode(Scout.self, from: Data(scout.stdout.utf8)).query_scale
        #expect(scale.values == [1, 1 + 0.1 * log1p(1.0)])
        let none = try rope("freqs", "Configs/llama-2-7b.json", "--positions", "5")
        #expect(none.status == 1 && none.stderr.contains("does not scale queries"))
    }

    /// `rope apply --layer N` and T:H:W positions reproduce the vectors transformers' own apply functions rotated.
    @Test func applyRotatesEveryLayoutAsTransformers() throws {
        struct Reference: Decodable {
            struct Case: Decodable {
                struct Rotation: Decodable { let group: String; let position: [Double]; let input: [Double]; let output: [Double] }
                let config: String; let layer_rope: [String?]; let rotations: [Rotation]
            }
            let cases: [Case]
        }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.root.appendingPathComponent(
            "Tests/RoPETests/References/transformers_placement.json")))
        for item in reference.cases {
            for rotation in item.rotations {
                let layer = try #require(item.layer_rope.firstIndex(of: rotation.group))
                let p = rotation.position.map { String(Int($0)) }
                let position = p[0] == p[1] && p[1] == p[2] ? p[0] : p.joined(separator: ":")
                // Swift prints a Double with the shortest digits that read back to it: the input exactly.
                let input = try temporaryFile("[[" + rotation.input.map { "\($0)" }.joined(separator: ",") + "]]")
                let result = try rope("apply", "Configs/\(item.config)", "--layer", "\(layer)", "--positions", position,
                                      "--input", input, "--json")
                try #require(result.status == 0, "\(item.config): \(result.stderr)")
                let ours = try JSONDecoder().decode([[Double]].self, from: Data(result.stdout.utf8))[0]
                let scale = rotation.output.map(abs).max()!
                let worst = zip(ours, rotation.output).map { abs($0 - $1) }.max()!
                #expect(worst <= 1e-9 * scale, "\(item.config) \(rotation.group) at \(position): \(worst)")
            }
        }
    }

    @Test func applyOnPlacements() throws {
        let vector = try temporaryFile("[[" + Array(repeating: "0.5", count: 128).joined(separator: ",") + "]]")
        let nope = try rope("apply", "Configs/llama-4-scout-17b-16e-instruct.json", "--layer", "3", "--positions", "9", "--input", vector, "--json")
        #expect(nope.status == 0 && nope.stderr.contains("layer 3 has no RoPE"))
        #expect(try JSONDecoder().decode([[Double]].self, from: Data(nope.stdout.utf8))[0] == Array(repeating: 0.5, count: 128))
        let many = try rope("apply", "Configs/gemma-3-4b.json", "--positions", "9", "--input", vector)
        #expect(many.status == 1 && many.stderr.contains("--layer"), "\(many.stderr)")
        let spatial = try rope("apply", "Configs/qwen3-4b.json", "--positions", "1:2:3", "--input", vector)
        #expect(spatial.status == 1 && spatial.stderr.contains("no M-RoPE"), "\(spatial.stderr)")
        let outside = try rope("apply", "Configs/qwen3-4b.json", "--layer", "36", "--positions", "1", "--input", vector)
        #expect(outside.status == 1 && outside.stderr.contains("0…35"), "\(outside.stderr)")
        // Text tokens on an M-RoPE model: t = h = w is ordinary RoPE.
        let text = try rope("apply", "Configs/qwen2.5-vl-7b.json", "--positions", "7", "--input", vector, "--json")
        let triple = try rope("apply", "Configs/qwen2.5-vl-7b.json", "--positions", "7:7:7", "--input", vector, "--json")
        #expect(text.status == 0 && text.stdout == triple.stdout)
    }

    @Test func freqsTableNamesTheRegimes() throws {
        let result = try rope("freqs", "Configs/llama-3.1-8b.json")
        #expect(result.status == 0)
        #expect(result.stdout.contains("rope_type         llama3"))
        #expect(result.stdout.components(separatedBy: "extrapolated").count - 1 == 29)
        #expect(result.stdout.components(separatedBy: "interpolated").count - 1 == 29)
        #expect(result.stdout.components(separatedBy: "blended").count - 1 == 6)
    }

    @Test func applyRotatesAndPrintsRoundTripDoubles() throws {
        // Plain RoPE, head_dim 4 (θ = 1, 0.01): rotating e_0 at position p gives (cos p, cos 0.01p, sin p, sin 0.01p)
        // in the half-split layout — a closed form.
        let config = try temporaryFile(#"{"head_dim":4,"rope_theta":10000}"#)
        let input = try temporaryFile("[[1,1,0,0],[1,1,0,0]]")
        let result = try rope("apply", config, "--layout", "half", "--positions", "0,7", "--input", input, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try JSONDecoder().decode([[Double]].self, from: Data(result.stdout.utf8))
        #expect(rows[0] == [1, 1, 0, 0])
        #expect(rows[1] == [cos(7.0), cos(0.07), sin(7.0), sin(0.07)], "round-trip precision, bit for bit")
        let interleaved = try rope("apply", config, "--layout", "interleaved", "--positions", "7", "--input",
                                   try temporaryFile("[[1,0,1,0]]"), "--json")
        let row = try JSONDecoder().decode([[Double]].self, from: Data(interleaved.stdout.utf8))[0]
        #expect(row == [cos(7.0), sin(7.0), cos(0.07), sin(0.07)])
    }

    @Test("bad input: one line on stderr naming the problem, exit 1, nothing on stdout", arguments: [
        (["freqs", "no/such/config.json"], "no such file"),
        (["freqs", "Package.swift"], "invalid JSON"),
        (["freqs", "Tests/RoPETests/References/transformers_reference.json"], "hidden_size: missing"),
        (["freqs", "Configs/llama-2-7b.json", "--seq-len", "0"], "--seq-len"),
        (["apply", "Configs/llama-2-7b.json", "--layout", "half", "--positions", "0,-1", "--input", "INPUT2"], "negative"),
        (["apply", "Configs/llama-2-7b.json", "--layout", "half", "--positions", "0,x", "--input", "INPUT2"], "not a number"),
        (["apply", "Configs/llama-2-7b.json", "--layout", "half", "--positions", "0", "--input", "INPUT2"], "names 1"),
        (["apply", "Configs/phi-2-partial.json", "--layout", "half", "--positions", "0,1", "--input", "INPUT2"], "expected head_dim = 80"),
    ])
    func badInput(arguments: [String], fragment: String) throws {
        let twoVectors = try temporaryFile("[" + Array(repeating: "[" + Array(repeating: "0.5", count: 128).joined(separator: ",") + "]", count: 2).joined(separator: ",") + "]")
        let result = try rope(arguments.map { $0 == "INPUT2" ? twoVectors : $0 })
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("rope: error: ") && result.stderr.contains(fragment), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func unknownLayoutIsAUsageError() throws {
        let result = try rope("apply", "Configs/llama-2-7b.json", "--layout", "diagonal", "--positions", "0", "--input", "x")
        #expect(result.status == 64, "argument-parser's usage error status")
        #expect(result.stderr.contains("--layout"))
        #expect(result.stdout.isEmpty)
    }
}

/// Issue 12, item 15: numeric edge cases of `rope`.
@Suite struct RopeNumericEdgeTests {
    let command = RopeCommandTests()

    @Test func subnormalFactorIsRejectedAndJSONHasNoInfinity() throws {
        let config = try command.temporaryFile(#"{"head_dim":4,"rope_theta":10000,"rope_scaling":{"rope_type":"linear","factor":1e-320}}"#)
        let result = try command.rope("freqs", config, "--json")
        #expect(result.status == 1 && result.stdout.isEmpty, "\(result.stdout)")
        #expect(result.stderr.contains("rope_scaling.factor") && result.stderr.contains("too small"), "\(result.stderr)")
    }

    @Test func deeplyNestedValidJSONIsNotCalledASyntaxError() throws {
        let depth = 100_000
        let config = try command.temporaryFile(#"{"head_dim":4,"rope_theta":10000,"deep":"# + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}")
        let result = try command.rope("freqs", config)
        #expect(result.status == 1)
        #expect(!result.stderr.contains("syntax error") && result.stderr.contains("nested"), "\(result.stderr)")
    }

    @Test func hugeIntegerIsCalledTooLarge() throws {
        let config = try command.temporaryFile(#"{"head_dim":4,"rope_theta":10000,"max_position_embeddings":100000000000000000000}"#)
        let result = try command.rope("freqs", config)
        #expect(result.status == 1)
        #expect(result.stderr.contains("max_position_embeddings") && result.stderr.contains("too large"), "\(result.stderr)")
    }
}
