import Foundation
import Testing
import RoPE
@testable import RoPELab

/// The language, its Bayes-optimal predictors and the lab's statistics, against direct computations.
@Suite struct TaskTests {
    @Test("the language: start token, cues at odd positions, values at even ones, only values scored")
    func languageLayout() {
        var rng = SplitMix64(seed: 1)
        let ex = LabTasks().language(length: 64, rng: &rng)
        #expect(ex.tokens[0] == LabTasks.start)
        for i in 1..<64 { #expect(i % 2 == 1 ? LabTasks.isCue(ex.tokens[i]) : LabTasks.isValue(ex.tokens[i])) }
        for i in 0..<64 { #expect((ex.weights[i] > 0) == LabTasks.isValue(ex.targets[i])) }
        #expect(ex.weights.filter { $0 > 0 }.count == 32)
    }

    @Test("a value is σ(cue) of its own sequence 90 % of the time; cues follow ρ half the time, else Zipf")
    func languageStatistics() {
        var rng = SplitMix64(seed: 2)
        let tasks = LabTasks()
        var kept = 0, values = 0, followed = 0, cues = 0, first = 0
        for _ in 0..<400 {
            let ex = tasks.language(length: 128, rng: &rng)
            var sigma = [Int: [Int]]()
            for i in stride(from: 1, to: 127, by: 2) { sigma[ex.tokens[i], default: []].append(ex.tokens[i + 1]) }
            // The most common value after a cue estimates σ(c); count agreement over cues seen ≥ 5 times.
            for (_, vs) in sigma where vs.count >= 5 {
                let mode = Dictionary(grouping: vs, by: { $0 }).max { $0.value.count < $1.value.count }!.key
                kept += vs.filter { $0 == mode }.count
                values += vs.count
            }
            for i in stride(from: 3, to: 128, by: 2) {
                if ex.tokens[i] == LabTasks.cue(tasks.successor[ex.tokens[i - 2] - 1]) { followed += 1 }
                cues += 1
            }
            if ex.tokens[1] == LabTasks.cue(0) { first += 1 }
        }
        // P(value = mode) ≈ 0.9 + 0.1/16; P(cue = ρ(previous)) = 0.5 + 0.5 · P_zipf(ρ(previous)) ≈ 0.53.
        #expect(abs(Double(kept) / Double(values) - 0.906) < 0.02)
        #expect(abs(Double(followed) / Double(cues) - 0.53) < 0.02)
        // The first cue is pure Zipf: P(cue 0) = 1 / H_16.
        let h16 = (1...16).map { 1 / Double($0) }.reduce(0, +)
        #expect(abs(Double(first) / 400 - 1 / h16) < 0.06)
    }

    /// The predictive probability of `target` by enumerating σ(c) and the noise of every observation.
    func bruteForce(_ observations: [Int], target: Int) -> Double {
        let eps = LabTasks.noise, v = LabTasks.values
        func likelihood(_ f: Int, _ s: Int) -> Double { (f == s ? 1 - eps : 0) + eps / Double(v) }
        var numerator = 0.0, denominator = 0.0
        for s in 0..<v {
            let prior = observations.reduce(1.0) { $0 * likelihood($1, s) } / Double(v)
            denominator += prior
            numerator += prior * likelihood(target, s)
        }
        return numerator / denominator
    }

    @Test("bayesLoss equals enumeration of σ(c), with the window cutting off earlier observations")
    func bayesMatchesEnumeration() {
        var rng = SplitMix64(seed: 3)
        let ex = LabTasks().language(length: 128, rng: &rng)
        for i in stride(from: 1, to: 127, by: 2) {
            for window in [nil, 5, 16, 40] as [Int?] {
                let first = window.map { max(0, i - $0 + 1) } ?? 0
                let observed = stride(from: 1, to: i, by: 2).filter { $0 >= first && ex.tokens[$0] == ex.tokens[i] }
                    .map { ex.tokens[$0 + 1] - LabTasks.value(0) }
                let expected = -log(bruteForce(observed, target: ex.targets[i] - LabTasks.value(0)))
                let got = LabTasks.bayesLoss(tokens: ex.tokens, target: ex.targets[i], at: i, window: window)
                #expect(abs(got - expected) < 1e-12, "position \(i), window \(String(describing: window))")
            }
        }
        #expect(abs(LabTasks.bayesLoss(tokens: [0, 1], target: LabTasks.value(3), at: 1) - log(16)) < 1e-12,
                "an unseen cue: uniform over the 16 values")
    }

    @Test("passkey: the marker and key in a cue slot, the marker last, the key the last target")
    func passkeyLayout() {
        var rng = SplitMix64(seed: 4)
        let tasks = LabTasks()
        let ex = tasks.passkey(length: 64, keyPosition: 21, key: LabTasks.marker + 3, rng: &rng)
        #expect(ex.tokens[21] == LabTasks.marker && ex.tokens[22] == LabTasks.marker + 3 && ex.tokens[63] == LabTasks.marker)
        #expect(ex.targets[63] == LabTasks.marker + 3 && ex.weights[63] == 1)
        #expect(ex.tokens.filter(LabTasks.isKey).count == 1, "the key token occurs once")
        for depth in [0.0, 0.5, 1.0] {
            let k = Evaluator.keyPosition(depth: depth, length: 512)
            #expect(k % 2 == 1 && k >= 1 && k <= 509)
        }
    }

    @Test("bootstrap: a constant difference gives a point interval; noise gives an interval around the mean")
    func bootstrap() {
        let constant = LabStatistics.pairedBootstrap([[0.5, 0.5], [0.5, 0.5, 0.5]])
        #expect(constant.low == 0.5 && constant.high == 0.5 && constant.excludesZero)
        var rng = SplitMix64(seed: 5)
        let noisy = (0..<5).map { _ in (0..<64).map { _ in 0.1 + rng.gaussian() } }
        let interval = LabStatistics.pairedBootstrap(noisy)
        #expect(interval.low < interval.mean && interval.mean < interval.high)
        // Standard error of a mean of 320 unit-variance values ≈ 0.056: the 95 % interval is about ±0.11.
        #expect(interval.high - interval.low > 0.12 && interval.high - interval.low < 0.35)
        let again = LabStatistics.pairedBootstrap(noisy)
        #expect(again.low == interval.low && again.high == interval.high, "seeded: the same interval every time")
        let shifted = noisy.map { $0.map { $0 + 1 } }
        let unpaired = LabStatistics.unpairedBootstrap(shifted, minus: noisy)
        #expect(abs(unpaired.mean - 1) < 1e-12 && unpaired.low < 1 && unpaired.high > 1 && unpaired.excludesZero)
        // Unpaired, the item noise of both sides counts: wider than the paired interval of the same shift (zero).
        #expect(unpaired.high - unpaired.low > interval.high - interval.low)
        #expect(LabStatistics.median([3, 1, 2]) == 2 && LabStatistics.median([4, 1, 2, 3]) == 2.5)
        #expect(abs(LabStatistics.geometricMeanPerplexity([[log(2)], [log(8)]]) - 4) < 1e-12)
    }
}
