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
