import ArgumentParser
import Foundation
import ProjectVersion
import RoPE

/// `rope`: point it at a model's config.json; frequencies, wavelengths and rotated vectors come out.
/// A thin front over the RoPE library: everything numeric happens there.
@main
struct RopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rope",
        abstract: "Inspect a model's rotary position embedding from its Hugging Face config.json.",
        version: projectVersionDescription,
        subcommands: [Freqs.self, Apply.self])
}

/// A problem with the user's input that is not a command-line syntax error: printed as `rope: error: …` on
/// stderr, exit status 1, nothing on stdout.
struct InputError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension ParsableCommand {
    /// Runs `body`, turning input errors into one line on stderr and exit status 1.
    func reportingInputErrors(_ body: () throws -> Void) throws {
        do { try body() } catch let error as InputError {
            FileHandle.standardError.write(Data("rope: error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// Reads and interprets a config file — every layer's RoPE — naming the file in every error.
func loadPlacement(_ path: String) throws -> RoPEPlacement {
    guard let data = FileManager.default.contents(atPath: path) else {
        let exists = FileManager.default.fileExists(atPath: path)
        throw InputError("\(path): \(exists ? "cannot read the file" : "no such file"); expected a model's config.json")
    }
    do { return try RoPEPlacement.parse(data) } catch let error as ConfigError {
        throw InputError("\(path): \(error.description)")
    }
}

/// Optional sequence length: positive when given.
func validatedSequenceLength(_ n: Int?) throws -> Int? {
    if let n, n <= 0 { throw InputError("--seq-len: must be a positive number of tokens, got \(n)") }
    return n
}

/// JSON has no inf or nan, and a table of them teaches nothing: a config or input that overflows is an error.
func requireFinite(_ values: [Double], what: String) throws {
    guard values.allSatisfy(\.isFinite) else {
        throw InputError("the \(what) overflow (inf or nan); check the config's numbers and the input's magnitudes")
    }
}
