import Foundation
import RoPE

/// Measurements of one set of trained weights under one position scheme.
public final class Evaluator {
    public let shape: ModelShape
    public let tasks: LabTasks
    /// The weights scored (replaceable, to score checkpoints of one training with one workspace).
    public var parameters: [Float]
    let model: Transformer<Float>

    public init(shape: ModelShape, tasks: LabTasks = LabTasks(), parameters: [Float], maxLength: Int) {
        self.shape = shape
        self.tasks = tasks
        self.parameters = parameters
        model = Transformer<Float>(shape: shape, maxLength: maxLength)
    }

    /// Where the cue of a scored value last occurred: not before (the value is a guess for any predictor), within
    /// `near` tokens, or further back.
    public enum Recall: Int, CaseIterable, Sendable {
        case first, near, far
        public static func of(tokens: [Int], at i: Int, near: Int) -> Recall {
            guard let distance = LabTasks.recallDistance(tokens: tokens, at: i) else { return .first }
            return distance <= near ? .near : .far
        }
    }

    /// The language scores of one predictor (a model under a scheme, or a Bayes-optimal predictor) on a test set.
    public struct LanguageScores: Sendable {
        /// Mean loss (nats per value) of each test sequence: every sequence has the same number of values.
        public var sequenceLoss: [Double]
        /// Mean loss over the sequences at each position (0 where nothing is scored: the positions of values − 1
        /// are the odd ones).
        public var positionLoss: [Double]
        /// [Recall.rawValue][sequence]: summed loss and count of the values of that kind.
        public var recallLoss: [[Double]]
        public var recallCount: [[Int]]

        public var loss: Double { sequenceLoss.reduce(0, +) / Double(sequenceLoss.count) }
        public var perplexity: Double { exp(loss) }
        /// Mean loss over every value of one kind in the test set.
        public func loss(_ kind: Recall) -> Double {
            recallLoss[kind.rawValue].reduce(0, +) / Double(max(recallCount[kind.rawValue].reduce(0, +), 1))
        }
    }

    /// The test set: `count` language sequences of `length` tokens from `dataSeed`.
    public func languageSet(length: Int, count: Int, dataSeed: UInt64) -> [LabTasks.Example] {
        var rng = SplitMix64(seed: dataSeed)
        return (0..<count).map { _ in tasks.language(length: length, rng: &rng) }
    }

    /// Scores `examples` with `loss(example, position)` for every scored position, `near` splitting recalls.
    public static func scores(_ examples: [LabTasks.Example], near: Int,
                              loss: (_ example: Int, _ position: Int) -> Double) -> LanguageScores {
        let length = examples[0].tokens.count
        var position = [Double](repeating: 0, count: length)
        var kinds = [[Double]](repeating: [], count: 3), counts = [[Int]](repeating: [], count: 3)
        var perSequence = [Double]()
        for (e, ex) in examples.enumerated() {
            var total = 0.0, n = 0.0
            var kindLoss = [0.0, 0.0, 0.0], kindCount = [0, 0, 0]
            for i in 0..<length where ex.weights[i] > 0 {
                let l = loss(e, i)
                total += l
                n += 1
                position[i] += l / Double(examples.count)
                let kind = Recall.of(tokens: ex.tokens, at: i, near: near).rawValue
                kindLoss[kind] += l
                kindCount[kind] += 1
            }
            perSequence.append(total / n)
            for k in 0..<3 { kinds[k].append(kindLoss[k]); counts[k].append(kindCount[k]) }
        }
        return LanguageScores(sequenceLoss: perSequence, positionLoss: position, recallLoss: kinds, recallCount: counts)
    }

    /// The Bayes-optimal predictor's scores on `examples`, seeing the last `window` tokens (nil: all).
    public static func bayes(_ examples: [LabTasks.Example], window: Int?, near: Int) -> LanguageScores {
        scores(examples, near: near) { e, i in
            LabTasks.bayesLoss(tokens: examples[e].tokens, target: examples[e].targets[i], at: i, window: window)
        }
    }

    /// The model's scores on `examples` under one scheme, one forward pass per sequence.
    public func language(_ examples: [LabTasks.Example], scheme: PositionScheme, near: Int) -> LanguageScores {
        language(examples, near: near, chunk: examples[0].tokens.count, from: examples[0].tokens.count) { _ in scheme }
    }

    /// Scored prefix by prefix, as inference with a scale that follows the length does: the positions before `from`
    /// in one pass under `scheme(from)`, then every further block of `chunk` positions ending at e in a pass over
    /// the prefix 0 ..< e under `scheme(e)` (so each position is scored with the scale of a prefix at most
    /// `chunk` − 1 tokens longer than its own).
    public func language(_ examples: [LabTasks.Example], near: Int, chunk: Int, from: Int,
                         scheme: (_ prefixLength: Int) -> PositionScheme) -> LanguageScores {
        let length = examples[0].tokens.count
        var ends = [min(from, length)]
        while ends.last! < length { ends.append(min(ends.last! + chunk, length)) }
        var losses = [[Double]](repeating: [Double](repeating: 0, count: length), count: examples.count)
        parameters.withUnsafeBufferPointer { p in
            var start = 0
            for end in ends {
                let s = scheme(end), table = model.positions(s, rows: end)
                for (e, ex) in examples.enumerated() {
                    let prefix = Array(ex.tokens[0..<end])
                    model.forward(tokens: prefix, parameters: p.baseAddress!, scheme: s, table: table, firstOutput: start)
                    for i in start..<end where ex.weights[i] > 0 {
                        losses[e][i] = -model.logProbability(row: i, token: ex.targets[i])
                    }
                }
                start = end
            }
        }
        return Self.scores(examples, near: near) { e, i in losses[e][i] }
    }

    /// Passkey trials at `length`: trial j puts its key at depth fraction (j mod depths)/(depths − 1) of the
    /// sequence. Returns, per trial, its depth index and whether the model's top guess at the last position is the key.
    public func passkey(length: Int, trials: Int, depths: Int, dataSeed: UInt64, scheme: PositionScheme) -> [(depth: Int, found: Bool)] {
        var rng = SplitMix64(seed: dataSeed)
        let table = model.positions(scheme, rows: length)
        return parameters.withUnsafeBufferPointer { p in
            (0..<trials).map { j in
                let depth = j % depths
                let position = Self.keyPosition(depth: Double(depth) / Double(max(depths - 1, 1)), length: length)
                let key = tasks.randomKey(rng: &rng)
                let ex = tasks.passkey(length: length, keyPosition: position, key: key, rng: &rng)
                model.forward(tokens: ex.tokens, parameters: p.baseAddress!, scheme: scheme, table: table, firstOutput: length - 1)
                return (depth, model.prediction(row: length - 1) == key)
            }
        }
    }

    /// Depth 0 puts the key right after the start token, depth 1 just before the final marker (odd positions: the
    /// marker takes a cue's place).
    public static func keyPosition(depth: Double, length: Int) -> Int {
        1 + 2 * Int((depth * Double(length - 4) / 2).rounded())
    }

    /// Attention of `layer` (every head) on one sequence, summarised over the queries in `queries`: the mean entropy
    /// (nats) of a row, and the mean share of attention on token 0 (the start token, where "attention sinks" form).
    public func attentionSummary(_ ex: LabTasks.Example, scheme: PositionScheme, layer: Int, queries: Range<Int>) -> (entropy: Double, sink: Double) {
        let length = ex.tokens.count
        parameters.withUnsafeBufferPointer { p in
            model.forward(tokens: ex.tokens, parameters: p.baseAddress!, scheme: scheme)
        }
        var entropy = 0.0, sink = 0.0, n = 0.0
        for h in 0..<shape.heads {
            for m in queries {
                let row = model.attentionRow(layer: layer, head: h, query: m, length: length)
                entropy -= row.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 }
                sink += row[0]
                n += 1
            }
        }
        return (entropy / n, sink / n)
    }

    /// Attention rows [head][query] of `layer` on one sequence.
    public func attention(_ ex: LabTasks.Example, scheme: PositionScheme, layer: Int, queries: Range<Int>) -> [[[Double]]] {
        let length = ex.tokens.count
        parameters.withUnsafeBufferPointer { p in
            model.forward(tokens: ex.tokens, parameters: p.baseAddress!, scheme: scheme)
        }
        return (0..<shape.heads).map { h in queries.map { model.attentionRow(layer: layer, head: h, query: $0, length: length) } }
    }
}
