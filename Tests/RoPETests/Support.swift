import Foundation
import Testing

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

/// A deterministic pseudo-random vector (SplitMix64), so failures reproduce.
func testVector(_ count: Int, seed: UInt64) -> [Double] {
    var state = seed
    return (0..<count).map { _ in
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53) * 2 - 1
    }
}
