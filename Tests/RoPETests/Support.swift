import Foundation
import Testing
import RoPE

/// |a − b| ≤ tol · max(|a|, |b|, tiny): relative agreement, robust at zero.
func relativeError(_ a: Double, _ b: Double) -> Double {
    let scale = max(abs(a), abs(b), 1e-300)
    return abs(a - b) / scale
}

func expectClose(_ actual: Double, _ expected: Double, relative tolerance: Double = 1e-12,
                 _ what: @autoclosure () -> String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(relativeError(actual, expected) <= tolerance,
            "\(what()): expected \(expected), got \(actual) (relative error \(relativeError(actual, expected)))",
            sourceLocation: sourceLocation)
}

/// The repository root, found from this file's path (tests read Configs/ and reference data from the checkout).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func configData(_ name: String) throws -> Data {
    try Data(contentsOf: repositoryRoot.appendingPathComponent("Configs/\(name)"))
}

/// A deterministic pseudo-random vector (the library's SplitMix64), so failures reproduce.
func testVector(_ count: Int, seed: UInt64) -> [Double] {
    var generator = SplitMix64(seed: seed)
    return generator.vector(count)
}

/// Expects reading a config to fail with a `ConfigError` that names `key` and says `fragment`.
func expectConfigError(_ json: String, key: String, containing fragment: String, sourceLocation: SourceLocation,
                       reading parse: (String) throws -> Any) {
    do {
        _ = try parse(json)
        Issue.record("expected an error for \(json)", sourceLocation: sourceLocation)
    } catch let error as ConfigError {
        #expect(error.key == key, "key: \(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(fragment), "message: \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}
