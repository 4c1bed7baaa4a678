import Foundation
import RoPE

/// Adam (Kingma & Ba) with bias correction, a linear warm-up and a cosine decay to a tenth of the peak rate,
/// and clipping of the global gradient norm.
public struct AdamSchedule: Sendable {
    public var learningRate: Double
    public var warmup: Int
    public var steps: Int
    public var beta1 = 0.9, beta2 = 0.99, epsilon = 1e-8
    public var clip = 1.0

    public init(learningRate: Double, warmup: Int, steps: Int) {
        self.learningRate = learningRate
        self.warmup = warmup
        self.steps = steps
    }

    public func rate(at step: Int) -> Double {
        if step < warmup { return learningRate * Double(step + 1) / Double(warmup) }
        let progress = Double(step - warmup) / Double(max(steps - warmup, 1))
        return learningRate * (0.1 + 0.9 * 0.5 * (1 + cos(Double.pi * min(progress, 1))))
    }
}

/// What one training step reads: a batch of examples, all at one length and one position scheme.
public struct TrainingRecipe: Sendable {
    public var length: Int
    public var languagePerStep: Int
    public var passkeyPerStep: Int
    /// Weight of the language loss of passkey fillers.
    public var passkeyFillerWeight: Double
    /// Weight of each passkey answer, relative to one language token.
    public var passkeyWeight: Double
    public var schedule: AdamSchedule

    public init(length: Int, languagePerStep: Int, passkeyPerStep: Int, passkeyFillerWeight: Double = 1,
                passkeyWeight: Double = 8, schedule: AdamSchedule) {
        self.length = length
        self.languagePerStep = languagePerStep
        self.passkeyPerStep = passkeyPerStep
        self.passkeyFillerWeight = passkeyFillerWeight
        self.passkeyWeight = passkeyWeight
        self.schedule = schedule
    }
}

/// Parameters, Adam moments and a workspace; one instance trains one model on one thread.
public final class Trainer<R: LabFloat> {
    public let shape: ModelShape
    public let tasks: LabTasks
    public var parameters: [R]
    var m: [Double], v: [Double]
    var gradient: [R]
    var adamStep = 0
    /// Per-step losses of the last `train` call made through `Lab.trainBase`.
    public var lastLosses: [Double] = []
    var model: Transformer<R>

    public init(shape: ModelShape, tasks: LabTasks, seed: UInt64, maxLength: Int) {
        self.shape = shape
        self.tasks = tasks
        parameters = shape.initialParameters(seed: seed)
        m = [Double](repeating: 0, count: parameters.count)
        v = m
        gradient = [R](repeating: 0, count: parameters.count)
        model = Transformer<R>(shape: shape, maxLength: maxLength)
    }

    /// Starts a new optimiser state (fine-tuning keeps the weights, not the moments).
    public func resetOptimizer() {
        m = [Double](repeating: 0, count: parameters.count)
        v = m
        adamStep = 0
    }

    /// Trains for `recipe.schedule.steps` steps with data from `dataSeed`; returns the mean training loss of every
    /// step (per weighted target). `afterStep(n)` runs after the n-th step (n from 1), e.g. to score checkpoints.
    @discardableResult
    public func train(_ recipe: TrainingRecipe, scheme: PositionScheme, dataSeed: UInt64,
                      afterStep: ((Int) -> Void)? = nil) -> [Double] {
        if model.maxLength < recipe.length { model = Transformer<R>(shape: shape, maxLength: recipe.length) }
        var rng = SplitMix64(seed: dataSeed)
        let table = model.positions(scheme, rows: recipe.length)
        var losses = [Double]()
        losses.reserveCapacity(recipe.schedule.steps)
        for step in 0..<recipe.schedule.steps {
            var batch = [LabTasks.Example]()
            for _ in 0..<recipe.languagePerStep { batch.append(tasks.language(length: recipe.length, rng: &rng, scoreCues: true)) }
            for _ in 0..<recipe.passkeyPerStep {
                var ex = tasks.randomPasskey(length: recipe.length, rng: &rng, fillerWeight: recipe.passkeyFillerWeight)
                ex.weights[recipe.length - 1] = recipe.passkeyWeight
                batch.append(ex)
            }
            let total = batch.reduce(0.0) { $0 + $1.weights.reduce(0, +) }
            losses.append(optimize(batch: batch, normalizer: total, scheme: scheme, table: table,
                                   rate: recipe.schedule.rate(at: step), schedule: recipe.schedule) / total)
            afterStep?(step + 1)
        }
        return losses
    }

    /// One Adam step on the summed loss of `batch`; returns the summed loss.
    func optimize(batch: [LabTasks.Example], normalizer: Double, scheme: PositionScheme, table: RotationTable<R>,
                  rate: Double, schedule: AdamSchedule) -> Double {
        var total: R = 0
        let norm = R(normalizer)
        gradient.withUnsafeMutableBufferPointer { g in
            g.update(repeating: 0)
            parameters.withUnsafeBufferPointer { p in
                model.transposeWeights(p.baseAddress!)
                for ex in batch {
                    total += model.loss(tokens: ex.tokens, targets: ex.targets, weights: ex.weights.map { R($0) },
                                        parameters: p.baseAddress!, scheme: scheme, table: table, gradient: g.baseAddress!,
                                        normalizer: norm)
                }
            }
        }
        adamStep += 1
        var squared = 0.0
        for x in gradient { squared += Double(x) * Double(x) }
        let clip = min(1, schedule.clip / max(squared.squareRoot(), 1e-12))
        // Bias corrections m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), as factors: a divide and a square root per
        // parameter are the loop's cost, so it has no other divide.
        let step = rate / (1 - pow(schedule.beta1, Double(adamStep))), c2 = 1 / (1 - pow(schedule.beta2, Double(adamStep)))
        let b1 = schedule.beta1, b2 = schedule.beta2, eps = schedule.epsilon
        parameters.withUnsafeMutableBufferPointer { p in
            m.withUnsafeMutableBufferPointer { mp in
                v.withUnsafeMutableBufferPointer { vp in
                    gradient.withUnsafeBufferPointer { g in
                        // Four parameters at a time (the same operations lane by lane, so the same bits as one at a
                        // time: a vector square root and divide are correctly rounded as the scalar ones are).
                        let n = p.count, full = n / 4 * 4
                        let b1v = SIMD4<Double>(repeating: b1), a1 = SIMD4<Double>(repeating: 1 - b1)
                        let b2v = SIMD4<Double>(repeating: b2), a2 = SIMD4<Double>(repeating: 1 - b2)
                        let sv = SIMD4<Double>(repeating: step), c2v = SIMD4<Double>(repeating: c2)
                        let ev = SIMD4<Double>(repeating: eps), cv = SIMD4<Double>(repeating: clip)
                        let mRaw = UnsafeMutableRawPointer(mp.baseAddress!), vRaw = UnsafeMutableRawPointer(vp.baseAddress!)
                        var i = 0
                        while i < full {
                            let gi = SIMD4<Double>(Double(g[i]), Double(g[i + 1]), Double(g[i + 2]), Double(g[i + 3])) * cv
                            let mi = b1v * mRaw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) + a1 * gi
                            let vi = b2v * vRaw.loadUnaligned(fromByteOffset: i * 8, as: SIMD4<Double>.self) + a2 * gi * gi
                            mRaw.storeBytes(of: mi, toByteOffset: i * 8, as: SIMD4<Double>.self)
                            vRaw.storeBytes(of: vi, toByteOffset: i * 8, as: SIMD4<Double>.self)
                            let update = sv * mi / ((vi * c2v).squareRoot() + ev)
                            for j in 0..<4 { p[i + j] -= R(update[j]) }
                            i += 4
                        }
                        for i in full..<n {
                            let gi = Double(g[i]) * clip
                            mp[i] = b1 * mp[i] + (1 - b1) * gi
                            vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                            let update = step * mp[i] / ((vp[i] * c2).squareRoot() + eps)
                            p[i] -= R(update)
                        }
                    }
                }
            }
        }
        return Double(total)
    }
}
