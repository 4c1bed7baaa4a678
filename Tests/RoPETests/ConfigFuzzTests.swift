import Foundation
import Testing
@testable import RoPE

/// Real configs with random keys dropped or replaced by hostile values: reading either succeeds or throws a
/// `ConfigError` naming a key, and whatever reads can be computed with — nothing traps.
@Suite struct ConfigFuzzTests {
    static let hostile: [String] = ["0", "-1", "1e308", "-1e308", "1e-308", "0.5", "3", "7", "null", "true", "\"x\"", "[]", "{}",
                                    "[1, 2]", "4097", "9007199254740993", "65536", "1.0000001"]

    @Test(arguments: 0..<600)
    func hostileConfigs(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed) &+ 99)
        let names = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Configs").path)
            .filter { $0.hasSuffix(".json") }.sorted()
        let name = names[Int(random.next() % UInt64(names.count))]
        guard var object = try JSONSerialization.jsonObject(with: configData(name)) as? [String: Any] else { return }
        func mutate(_ dict: inout [String: Any]) {
            guard !dict.isEmpty else { return }
            let keys = dict.keys.sorted()
            let key = keys[Int(random.next() % UInt64(keys.count))]
            if random.next() % 4 == 0 { dict[key] = nil; return }
            let value = Self.hostile[Int(random.next() % UInt64(Self.hostile.count))]
            dict[key] = try? JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed])
        }
        for _ in 0..<(1 + random.next() % 3) {
            if random.next() % 2 == 0, var rope = (object["rope_scaling"] ?? object["rope_parameters"]) as? [String: Any] {
                mutate(&rope)
                object[object["rope_scaling"] != nil ? "rope_scaling" : "rope_parameters"] = rope
            } else {
                mutate(&object)
            }
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            let model = try ModelRoPEConfig.parse(data)
            for length in [nil, 1, 4096, 1_000_000] as [Int?] {
                let f = model.frequencies(sequenceLength: length)
                #expect(f.inverseFrequencies.count == model.rotaryDim / 2)
                _ = f.embedding().rotate([Double](repeating: 1, count: model.headDim), at: 3)
            }
            _ = model.targetContext
        } catch let error as ConfigError {
            #expect(!error.description.isEmpty)
        }
    }
}
