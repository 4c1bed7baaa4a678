import Foundation
import RoPE

/// Measurements of one set of trained weights under one position scheme.
public final class Evaluator {
    public let shape: ModelShape
    public let tasks: LabTasks
    public let parameters: [Float]
    let model: Transformer<Float>

    public init(shape: ModelShape, tasks: LabTasks, parameters: [Float], maxLength: Int) {
        self.shape = shape
        self.tasks = tasks
        self.parameters = parameters
        model = Transformer<Float>(shape: shape, maxLength: maxLength)
    }

    public struct LanguageScore: Sendable {
        /// Mean loss per rule token (nats) and its exponential.
        public var loss: Double
        public var perplexity: Double { exp(loss) }
        /// Fraction of rule tokens where the model's top guess is the rule's (Bayes-optimal) prediction.
        public var ruleAccuracy: Double
    }

    /// Language loss at `length` over `count` sequences drawn from `dataSeed`. `scheme(length)` gives the positions.
    public func language(length: Int, count: Int, dataSeed: UInt64, scheme: PositionScheme) -> LanguageScore {
        var rng = SplitMix64(seed: dataSeed)
        var loss = 0.0, n = 0.0, hits = 0.0
        let table = model.positions(scheme, rows: length)
        parameters.withUnsafeBufferPointer { p in
            for _ in 0..<count {
                let ex = tasks.language(length: length, rng: &rng)
                model.forward(tokens: ex.tokens, parameters: p.baseAddress!, scheme: scheme, table: table)
                for i in 0..<length where ex.weights[i] > 0 {
                    loss -= model.logProbability(row: i, token: ex.targets[i])
                    if model.prediction(row: i) == ex.ruleTargets[i] { hits += 1 }
                    n += 1
                }
            }
        }
        return LanguageScore(loss: loss / n, ruleAccuracy: hits / n)
    }

    /// Passkey accuracy at `length` for each depth fraction in `depths` (`count` keys each).
    public func passkey(length: Int, depths: [Double], count: Int, dataSeed: UInt64, scheme: PositionScheme) -> [Double] {
        var rng = SplitMix64(seed: dataSeed)
        let table = model.positions(scheme, rows: length)
        return parameters.withUnsafeBufferPointer { p in
            depths.map { depth in
                var hits = 0
                for _ in 0..<count {
                    let position = Self.keyPosition(depth: depth, length: length)
                    let key = tasks.randomKey(rng: &rng)
                    let ex = tasks.passkey(length: length, keyPosition: position, key: key, rng: &rng)
                    model.forward(tokens: ex.tokens, parameters: p.baseAddress!, scheme: scheme, table: table,
                                  firstOutput: length - 1)
                    if model.prediction(row: length - 1) == key { hits += 1 }
                }
                return Double(hits) / Double(count)
            }
        }
    }

    /// Depth 0 puts the key right after the topic token, depth 1 just before the final marker.
    public static func keyPosition(depth: Double, length: Int) -> Int {
        1 + Int((depth * Double(length - 4)).rounded())
    }
}
