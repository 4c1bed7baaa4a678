import Foundation
import Testing
@testable import RoPE

/// Real configs with random keys dropped or replaced by hostile values: reading either succeeds or throws a
/// `ConfigError` naming a key, and whatever reads can be computed with — nothing traps.
@Suite struct ConfigFuzzTests {
    static let hostile: [String] = ["0", "-1", "1e308", "-1e308", "1e-308", "0.5", "3", "7", "null", "true", "\"x\"", "[]", "{}",
                                    "[1, 2]", "4097", "9007199254740993", "65536", "1.0000001"]

    @Test(arguments: 0..<1200)
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
            // Mutate the top level, text_config, or a rope dict — flat or one per layer type.
            var text = object["text_config"] as? [String: Any] ?? object
            let ropeKey = text["rope_scaling"] != nil ? "rope_scaling" : "rope_parameters"
            switch random.next() % 3 {
            case 0:
                mutate(&text)
            case 1:
                guard var rope = text[ropeKey] as? [String: Any] else { mutate(&text); break }
                if let nestedKey = rope.keys.sorted().first(where: { rope[$0] is [String: Any] }), random.next() % 2 == 0,
                   var nested = rope[nestedKey] as? [String: Any] {
                    mutate(&nested)
                    rope[nestedKey] = nested
                } else {
                    mutate(&rope)
                }
                text[ropeKey] = rope
            default:
                mutate(&object)
                text = object["text_config"] as? [String: Any] ?? object
            }
            if object["text_config"] is [String: Any] { object["text_config"] = text } else { object = text }
        }
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            let placement = try RoPEPlacement.parse(data)
            #expect(!placement.groups.isEmpty)
            for group in placement.groups {
                for length in [nil, 1, 4096, 1_000_000] as [Int?] {
                    let f = group.frequencies(sequenceLength: length)
                    #expect(f.inverseFrequencies.count == group.rotaryDim / 2)
                    _ = group.rotate([Double](repeating: 1, count: group.headDim), at: RoPEPosition(t: 3, h: 1, w: 2), sequenceLength: length)
                }
                _ = group.rope.targetContext
            }
            for layer in 0..<(placement.layerCount ?? 0) { _ = placement.group(forLayer: layer) }
            _ = placement.queryScale?.samplePositions.map { placement.queryScale!.value(at: $0) }
        } catch let error as ConfigError {
            #expect(!error.description.isEmpty)
        }
    }
}
