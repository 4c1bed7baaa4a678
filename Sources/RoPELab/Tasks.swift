import Foundation
import RoPE

/// The lab's two synthetic tasks, over one vocabulary.
///
/// **The language (associative recall).** Each sequence draws its own dictionary σ: 32 cue tokens → 16 value tokens
/// (each entry uniform and independent). After a start token `B` at position 0 the text is pairs: a uniformly random
/// cue c at every odd position, then its value σ(c) — except that with probability ε = 0.1 the value is a uniformly
/// random one. Only values are scored. A value can be predicted only by finding an earlier occurrence of the same cue
/// and copying the token after it (an "induction" circuit: the exact relative position 1, then a content match), so
/// the information it needs sits wherever the cue last occurred — on average 2 · 32 = 64 tokens back, and at 512
/// tokens often further back than the training length. A predictor that sees only the last k tokens loses every
/// cue it has not seen within them (`bayesLoss`, computed exactly), so the language needs long context.
///
/// **Passkey.** The same language as filler; at some depth a marker token `M` and a key (one of 8 key tokens that
/// occur nowhere else) replace one pair; the sequence ends with `M` and the model must name the key. Because the key
/// tokens are unique, retrieval needs only a content match (attend to the one key token), no positional circuit.
public struct LabTasks: Sendable {
    public static let cues = 16
    public static let values = 16
    public static let start = 0
    public static let marker = 1 + cues + values
    public static let keyTokens = 8
    public static let vocabulary = marker + 1 + keyTokens
    public static let noise = 0.1
    /// Probability that a cue is ρ(previous cue) rather than uniformly random.
    public static let chain = 0.5

    /// Cue c is drawn with probability ∝ 1/(c + 1) (Zipf's law): frequent cues recur within a few tokens, rare ones
    /// hundreds of tokens apart.
    static let cueCumulative: [Double] = {
        let w = (0..<cues).map { 1 / Double($0 + 1) }, total = w.reduce(0, +)
        var acc = 0.0
        return w.map { acc += $0 / total; return acc }
    }()

    static func zipfCue(_ u: Double) -> Int { min(cueCumulative.firstIndex { u < $0 } ?? cues - 1, cues - 1) }

    /// ρ, a fixed permutation of the cues (the same for every sequence and seed).
    public let successor: [Int]

    public init(languageSeed: UInt64 = 2026) {
        var rng = SplitMix64(seed: languageSeed)
        var p = Array(0..<Self.cues)
        for i in stride(from: p.count - 1, to: 0, by: -1) { p.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        successor = p
    }

    public static func cue(_ c: Int) -> Int { 1 + c }
    public static func value(_ v: Int) -> Int { 1 + cues + v }
    public static func isCue(_ t: Int) -> Bool { t >= 1 && t <= cues }
    public static func isValue(_ t: Int) -> Bool { t > cues && t <= cues + values }
    public static func isKey(_ t: Int) -> Bool { t > marker }

    /// The lowest possible loss (nats) of a value whose cue has been seen many times: the entropy of "σ(c) with
    /// probability 1 − ε + ε/16, each other value ε/16".
    public static var entropyFloor: Double {
        let hit = 1 - noise + noise / Double(values), miss = noise / Double(values)
        return -(hit * log(hit) + Double(values - 1) * miss * log(miss))
    }

    /// A training or test example: the model reads `tokens`, and position i predicts `targets[i]` with weight
    /// `weights[i]` (0: not scored).
    public struct Example: Sendable {
        public var tokens: [Int]
        public var targets: [Int]
        public var weights: [Double]
        /// Passkey: where the marker before the key sits, and the key.
        public var keyPosition: Int? = nil
        public var key: Int? = nil
    }

    /// `length + 1` tokens of the language (start token first); with `insert`, the pair at that (odd) position is
    /// replaced by the marker and the key.
    func stream(length: Int, rng: inout SplitMix64, insert: (position: Int, key: Int)?) -> [Int] {
        let sigma = (0..<Self.cues).map { _ in Int(rng.next() % UInt64(Self.values)) }
        var x = [Self.start]
        var cue = 0
        for t in 1...length {
            if let insert, t == insert.position { x.append(Self.marker); continue }
            if let insert, t == insert.position + 1 { x.append(insert.key); continue }
            if t % 2 == 1 {
                let random = Self.zipfCue(Double(rng.next() >> 11) / Double(1 << 53))
                let follow = Double(rng.next() >> 11) / Double(1 << 53) < Self.chain && t >= 3 && Self.isCue(x[t - 2])
                cue = follow ? successor[x[t - 2] - 1] : random
                x.append(Self.cue(cue))
            } else {
                let random = Int(rng.next() % UInt64(Self.values))
                let keep = Double(rng.next() >> 11) / Double(1 << 53) >= Self.noise
                x.append(Self.value(keep ? sigma[cue] : random))
            }
        }
        return x
    }

    /// Language: `length` tokens read, every value scored (the positions holding a cue predict it).
    public func language(length: Int, rng: inout SplitMix64, scoreCues: Bool = false) -> Example {
        let x = stream(length: length, rng: &rng, insert: nil)
        return Example(tokens: Array(x[0..<length]), targets: Array(x[1...length]),
                       weights: (1...length).map { Self.isValue(x[$0]) || (scoreCues && $0 >= 3 && Self.isCue(x[$0])) ? 1 : 0 })
    }

    /// Passkey: `length` tokens (even), the marker and key at the odd `keyPosition` (1 ≤ keyPosition ≤ length − 3),
    /// the marker again last; the last position must predict the key (weight `keyWeight`), the filler keeps its
    /// language loss with weight `fillerWeight`.
    public func passkey(length: Int, keyPosition: Int, key: Int, rng: inout SplitMix64,
                        keyWeight: Double = 1, fillerWeight: Double = 0) -> Example {
        precondition(length % 2 == 0, "passkey sequences have an even length, so that the last token is a cue slot")
        precondition(keyPosition % 2 == 1 && keyPosition >= 1 && keyPosition <= length - 3, "key position \(keyPosition) out of range")
        var x = stream(length: length, rng: &rng, insert: (keyPosition, key))
        x[length - 1] = Self.marker
        var ex = Example(tokens: Array(x[0..<length]), targets: Array(x[1...length]),
                         weights: (1...length).map { (Self.isValue(x[$0]) || ($0 >= 3 && Self.isCue(x[$0]))) && $0 < length - 1 ? fillerWeight : 0 })
        ex.targets[length - 1] = key
        ex.weights[length - 1] = keyWeight
        ex.keyPosition = keyPosition
        ex.key = key
        return ex
    }

    public func randomKey(rng: inout SplitMix64) -> Int {
        Self.marker + 1 + Int(rng.next() % UInt64(Self.keyTokens))
    }

    /// A passkey example at a random (odd) depth and key.
    public func randomPasskey(length: Int, rng: inout SplitMix64, fillerWeight: Double) -> Example {
        let position = 1 + 2 * Int(rng.next() % UInt64((length - 2) / 2))
        let key = randomKey(rng: &rng)
        return passkey(length: length, keyPosition: position, key: key, rng: &rng, fillerWeight: fillerWeight)
    }

    /// −ln P(targets[i]) under the Bayes-optimal predictor that sees tokens[max(0, i − window + 1) ... i] (the last
    /// `window` tokens; nil: all of them), for a position i whose target is a value.
    ///
    /// Given the n values seen after earlier occurrences of the cue tokens[i], of which n_v equal v, the posterior of
    /// σ(c) = v is ∝ r^(n_v) with r = (1 − ε + ε/16)/(ε/16) (every observation is σ(c) with probability 1 − ε + ε/16,
    /// any other value with ε/16; the prior is uniform), and P(x) = Σ_v post(v)·((1 − ε)[x = v] + ε/16).
    public static func bayesLoss(tokens: [Int], target: Int, at i: Int, window: Int? = nil) -> Double {
        let v = Double(values), eps = noise
        let first = window.map { max(0, i - $0 + 1) } ?? 0
        var counts = [Int](repeating: 0, count: values)
        var q = i - 2
        while q >= first {
            if tokens[q] == tokens[i], isValue(tokens[q + 1]) { counts[tokens[q + 1] - value(0)] += 1 }
            q -= 2
        }
        // post(v) ∝ r^(n_v − max n): no overflow however many observations.
        let r = (1 - eps + eps / v) / (eps / v), top = counts.max()!
        let weights = counts.map { pow(r, Double($0 - top)) }
        let total = weights.reduce(0, +)
        let x = target - value(0)
        return -log(weights[x] / total * (1 - eps) + eps / v)
    }

    /// How far back the cue at position i last occurred (nil: not before, or not within the sequence).
    public static func recallDistance(tokens: [Int], at i: Int) -> Int? {
        var q = i - 2
        while q >= 1 {
            if tokens[q] == tokens[i] { return i - q }
            q -= 2
        }
        return nil
    }
}
