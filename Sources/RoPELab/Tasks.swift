import Foundation
import RoPE

/// The lab's two synthetic tasks, over one vocabulary.
///
/// **The language.** A sequence opens with a topic token (one of 4); after three free tokens, each token is the
/// token three places back passed through the topic's permutation of the 16 word tokens, x_t = π_topic(x_{t−3}),
/// except that with probability ε = 0.1 it is a uniformly random word. Predicting it needs an exact relative
/// position (3 back: local structure) and a distant one (the topic, at position 0 however long the sequence).
///
/// **Passkey.** The same language as filler; at some depth a marker token and a key (a word token, so the key also
/// occurs in the filler); the sequence ends with the marker and the model must name the key. Finding "the word
/// right after the other marker" needs a previous-token head (relative position 1) feeding a content match.
public struct LabTasks: Sendable {
    public static let words = 16
    public static let topics = 4
    public static let marker = words + topics
    /// Passkey keys: their own 8 tokens when `distinctKeys`, else word tokens.
    public static let keyTokens = 8
    public static let vocabulary = words + topics + 1 + keyTokens
    public static let noise = 0.1

    /// π_topic, fixed for the language (the same for every seed).
    public let permutations: [[Int]]

    public let distinctKeys: Bool

    public init(languageSeed: UInt64 = 2026, distinctKeys: Bool = false) {
        self.distinctKeys = distinctKeys
        var rng = SplitMix64(seed: languageSeed)
        permutations = (0..<Self.topics).map { _ in
            var p = Array(0..<Self.words)
            for i in stride(from: p.count - 1, to: 0, by: -1) { p.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            return p
        }
    }

    /// The lowest possible loss per predicted rule token (nats): the entropy of "π(x_{t−3}) w.p. 1 − ε + ε/16".
    public static var entropyFloor: Double {
        let hit = 1 - noise + noise / Double(words), miss = noise / Double(words)
        return -(hit * log(hit) + Double(words - 1) * miss * log(miss))
    }

    /// A training or test example: the model reads `tokens`, and position i predicts `targets[i]` with weight
    /// `weights[i]` (0: not scored). `ruleTargets[i]` is the Bayes-optimal prediction where the rule applies.
    public struct Example: Sendable {
        public var tokens: [Int]
        public var targets: [Int]
        public var weights: [Double]
        public var ruleTargets: [Int?]
        /// Passkey: where the marker before the key sits, and the key.
        public var keyPosition: Int? = nil
        public var key: Int? = nil
    }

    func isWord(_ t: Int) -> Bool { t < Self.words }

    /// `length + 1` tokens of the language, with an optional (marker, key) inserted at `keyPosition`.
    func stream(length: Int, rng: inout SplitMix64, insert: (position: Int, key: Int)?) -> (tokens: [Int], rule: [Bool]) {
        let topic = Int(rng.next() % UInt64(Self.topics))
        var x = [Self.words + topic], rule = [false]
        for t in 1...length {
            if let insert, t == insert.position { x.append(Self.marker); rule.append(false); continue }
            if let insert, t == insert.position + 1 { x.append(insert.key); rule.append(false); continue }
            let word = Int(rng.next() % UInt64(Self.words))
            if t >= 4 && isWord(x[t - 3]) {
                let keep = Double(rng.next() >> 11) / Double(1 << 53) >= Self.noise
                x.append(keep ? permutations[topic][x[t - 3]] : word)
                rule.append(true)
            } else {
                x.append(word)
                rule.append(false)
            }
        }
        return (x, rule)
    }

    /// Language: `length` tokens read, every rule token scored.
    public func language(length: Int, rng: inout SplitMix64) -> Example {
        let (x, rule) = stream(length: length, rng: &rng, insert: nil)
        let topic = x[0] - Self.words
        return Example(tokens: Array(x[0..<length]), targets: Array(x[1...length]),
                       weights: (1...length).map { rule[$0] ? 1 : 0 },
                       ruleTargets: (1...length).map { rule[$0] ? permutations[topic][x[$0 - 3]] : nil })
    }

    /// Passkey: `length` tokens, the marker and key at `keyPosition` (1 ≤ keyPosition ≤ length − 3), the marker
    /// again last; the last position must predict the key (weight `keyWeight`), the filler keeps its language loss
    /// with weight `fillerWeight`.
    public func passkey(length: Int, keyPosition: Int, key: Int, rng: inout SplitMix64,
                        keyWeight: Double = 1, fillerWeight: Double = 0) -> Example {
        precondition(keyPosition >= 1 && keyPosition <= length - 3, "key position \(keyPosition) out of range")
        var (x, rule) = stream(length: length, rng: &rng, insert: (keyPosition, key))
        x[length - 1] = Self.marker
        rule[length - 1] = false
        let topic = x[0] - Self.words
        var ex = Example(tokens: Array(x[0..<length]), targets: Array(x[1...length]),
                         weights: (1...length).map { rule[$0] && $0 < length - 1 ? fillerWeight : 0 },
                         ruleTargets: (1...length).map { rule[$0] ? permutations[topic][x[$0 - 3]] : nil })
        ex.targets[length - 1] = key
        ex.weights[length - 1] = keyWeight
        ex.ruleTargets[length - 1] = key
        ex.keyPosition = keyPosition
        ex.key = key
        return ex
    }

    public func randomKey(rng: inout SplitMix64) -> Int {
        distinctKeys ? Self.marker + 1 + Int(rng.next() % UInt64(Self.keyTokens)) : Int(rng.next() % UInt64(Self.words))
    }

    /// A passkey example at a random depth and key.
    public func randomPasskey(length: Int, rng: inout SplitMix64, fillerWeight: Double) -> Example {
        let position = 1 + Int(rng.next() % UInt64(length - 3))
        let key = randomKey(rng: &rng)
        return passkey(length: length, keyPosition: position, key: key, rng: &rng, fillerWeight: fillerWeight)
    }
}
