import Foundation
import RoPE

/// The whole experiment: train several seeds, evaluate the same weights under every position scheme at 1×–8× the
/// training length, fine-tune with PI and YaRN, and record attention behaviour. Jobs run on all cores; each job
/// is single-threaded and seeded, so every number is the same run after run.
public enum Lab {
    public struct Configuration: Sendable {
        public var seeds: [UInt64] = [1, 2, 3, 4, 5]
        public var trainLength = 64
        public var scales = [1, 2, 4, 8]
        public var steps = 600
        public var learningRate = 3e-3
        public var languagePerStep = 8
        public var passkeyPerStep = 8
        public var passkeyWeight = 24.0
        /// Zero-shot methods are configured once for the longest test length, as a shipped config is.
        public var zeroShotFactor = 8.0
        /// Fine-tuning: this factor, at this multiple of the training length, for this many steps.
        public var fineTuneFactor = 4.0
        public var fineTuneSteps = 40
        public var fineTunePerStep = 3
        public var reRoPEWindow = 32.0
        public var leakySlopeDivisor = 16.0
        public var languageSequences = 4
        public var passkeyDepths = [0.0, 0.25, 0.5, 0.75, 1.0]
        public var passkeyPerDepth = 5
        public var dModel = 32, heads = 2, layers = 2, hidden = 64

        public init() {}

        /// The RoPE base that gives the toy's slowest pair the same wavelength, in training lengths, as Llama 2's
        /// (base 10000, head dim 128, 4096 tokens): λ_max / L ≈ 13.3.
        public var base: Double { Lab.matchedBase(headDim: dModel / heads, trainLength: trainLength) }

        public var shape: ModelShape {
            ModelShape(vocabulary: LabTasks.vocabulary, dModel: dModel, heads: heads, layers: layers, hidden: hidden, base: base)
        }

        public static let standard = Configuration()
    }

    /// Longest wavelength over training length of a reference model (default Llama 2: 10000, 128, 4096).
    public static func wavelengthRatio(base: Double = 10_000, headDim: Int = 128, trainLength: Int = 4096) -> Double {
        Frequencies.wavelengths(Frequencies.inverse(rotaryDim: headDim, base: base)).last! / Double(trainLength)
    }

    /// Solves 2π · base^((d−2)/d) = ratio · L for base.
    public static func matchedBase(headDim d: Int, trainLength: Int, ratio: Double = wavelengthRatio()) -> Double {
        pow(ratio * Double(trainLength) / (2 * Double.pi), Double(d) / Double(d - 2))
    }

    /// A way of running the trained weights at a given length.
    public struct Method: Sendable {
        public var name: String
        public var scheme: @Sendable (_ length: Int) -> PositionScheme
    }

    public static func zeroShotMethods(_ c: Configuration) -> [Method] {
        let d = c.dModel / c.heads, base = c.base, n = c.trainLength, s = c.zeroShotFactor
        func scaled(_ name: String, _ method: RoPEScaling) -> Method {
            Method(name: name) { PositionScheme.scaling(method, name: name, headDim: d, base: base, length: $0) }
        }
        let plain = PositionScheme.plain(headDim: d, base: base)
        let sText = fmtFactor(s)
        return [
            Method(name: "RoPE") { _ in plain },
            scaled("PI s=\(sText)", .linear(LinearScaling(factor: s))),
            scaled("NTK-aware s=\(sText)", .ntkAware(NTKAwareScaling(factor: s))),
            scaled("dynamic NTK", .dynamicNTK(DynamicNTKScaling(factor: 1, maxPositionEmbeddings: n))),
            scaled("YaRN s=\(sText)", .yarn(YaRNScaling(factor: s, originalMaxPositionEmbeddings: n))),
            scaled("YaRN s=\(sText), no temperature", .yarn(YaRNScaling(factor: s, originalMaxPositionEmbeddings: n, attentionFactor: 1))),
            Method(name: "ReRoPE w=\(fmtFactor(c.reRoPEWindow))") { _ in
                PositionScheme(name: "ReRoPE", scaled: plain.scaled, relativeMap: ReRoPE(window: c.reRoPEWindow))
            },
            Method(name: "Leaky ReRoPE w=\(fmtFactor(c.reRoPEWindow)) k=\(fmtFactor(c.leakySlopeDivisor))") { _ in
                PositionScheme(name: "Leaky ReRoPE", scaled: plain.scaled,
                               relativeMap: LeakyReRoPE(window: c.reRoPEWindow, slopeDivisor: c.leakySlopeDivisor))
            },
        ]
    }

    /// The two fine-tuned methods (at `fineTuneFactor`), which are also evaluated zero-shot for comparison.
    public static func fineTuneMethods(_ c: Configuration) -> [Method] {
        let d = c.dModel / c.heads, base = c.base, n = c.trainLength, s = c.fineTuneFactor
        func scaled(_ name: String, _ method: RoPEScaling) -> Method {
            Method(name: name) { PositionScheme.scaling(method, name: name, headDim: d, base: base, length: $0) }
        }
        return [scaled("PI s=\(fmtFactor(s))", .linear(LinearScaling(factor: s))),
                scaled("YaRN s=\(fmtFactor(s))", .yarn(YaRNScaling(factor: s, originalMaxPositionEmbeddings: n)))]
    }

    static func fmtFactor(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }

    /// Scores of one set of weights under one method, at every test length.
    public struct Scores: Sendable {
        public var method: String
        /// [scale index]
        public var languageLoss: [Double]
        public var ruleAccuracy: [Double]
        /// [scale index][depth index]
        public var passkey: [[Double]]
        public var passkeyMean: [Double] { passkey.map { $0.reduce(0, +) / Double($0.count) } }
    }

    /// One seed's results.
    public struct SeedResult: Sendable {
        public var seed: UInt64
        public var trainingLoss: [Double]
        public var zeroShot: [Scores]
        /// Fine-tune methods evaluated zero-shot on the base weights, then after fine-tuning.
        public var fineTuneZeroShot: [Scores]
        public var fineTuned: [Scores]
        public var fineTuneLoss: [[Double]]
        /// Mean attention entropy (nats) of the last layer's heads over the last quarter of queries,
        /// [method index in `entropyMethods`][scale index].
        public var entropy: [[Double]]
        /// Language loss and passkey accuracy at 1× with pair i removed from every q·k.
        public var ablationLoss: [Double]
        public var ablationPasskey: [Double]
        public var parameters: [Float]
    }

    public struct Result: Sendable {
        public var configuration: Configuration
        public var seeds: [SeedResult]
        public var cpuSeconds: Double
        public var wallSeconds: Double
        public var trainedTokens: Int
        public var trainSeconds: Double
    }

    /// Names of the schemes whose attention entropy is recorded (indices into zero-shot methods).
    public static let entropyMethodIndices = [0, 1, 4, 5]

    /// Runs everything. Each seed's base training is one job; when it ends, its evaluations and fine-tunings are
    /// queued as separate jobs. Workers (one per core) take jobs in order, so the cores stay busy; every job is
    /// seeded and single-threaded, so the results do not depend on the schedule.
    public static func run(_ c: Configuration = .standard) -> Result {
        let start = Date(), cpuStart = clock()
        let n = c.seeds.count
        let trained = Slots<Trainer<Float>?>(count: n, nil), trainTimes = Slots<Double>(count: n, 0)
        let zero = Slots<[Scores]>(count: n, []), ftZero = Slots<[Scores]>(count: n, [])
        let tuned = Slots<[Scores]>(count: n * 2, []), tuneLoss = Slots<[Double]>(count: n * 2, [])
        let behaviour = Slots<([[Double]], [Double], [Double])>(count: n, ([], [], []))
        let queue = JobQueue()
        for (i, seed) in c.seeds.enumerated() {
            queue.add {
                let t0 = Date()
                let trainer = trainBase(c, seed: seed)
                trainTimes.set(i, Date().timeIntervalSince(t0))
                trained.set(i, trainer)
                let weights = trainer.parameters
                queue.add { zero.set(i, zeroShotMethods(c).map { score(c, weights, $0) }) }
                for (k, method) in fineTuneMethods(c).enumerated() {
                    queue.add {
                        let (w, losses) = fineTune(c, seed: seed, weights: weights, method: method)
                        tuneLoss.set(2 * i + k, losses)
                        tuned.set(2 * i + k, [score(c, w, method)])
                    }
                }
                queue.add { ftZero.set(i, fineTuneMethods(c).map { score(c, weights, $0) }) }
                queue.add { behaviour.set(i, behaviourOf(c, weights)) }
            }
        }
        queue.run(workers: ProcessInfo.processInfo.activeProcessorCount)
        let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
        let tokens = c.steps * (c.languagePerStep + c.passkeyPerStep) * c.trainLength * n
        let seeds = (0..<n).map { i -> SeedResult in
            let b = behaviour.values[i], t = trained.values[i]!
            return SeedResult(seed: c.seeds[i], trainingLoss: t.lastLosses, zeroShot: zero.values[i],
                              fineTuneZeroShot: ftZero.values[i], fineTuned: tuned.values[2 * i] + tuned.values[2 * i + 1],
                              fineTuneLoss: [tuneLoss.values[2 * i], tuneLoss.values[2 * i + 1]], entropy: b.0,
                              ablationLoss: b.1, ablationPasskey: b.2, parameters: t.parameters)
        }
        return Result(configuration: c, seeds: seeds, cpuSeconds: cpu, wallSeconds: Date().timeIntervalSince(start),
                      trainedTokens: tokens, trainSeconds: trainTimes.values.reduce(0, +))
    }

    /// Trains one base model (plain RoPE at the training length).
    public static func trainBase(_ c: Configuration, seed: UInt64) -> Trainer<Float> {
        let shape = c.shape
        let trainer = Trainer<Float>(shape: shape, tasks: LabTasks(distinctKeys: true), seed: seed, maxLength: c.trainLength)
        let recipe = TrainingRecipe(length: c.trainLength, languagePerStep: c.languagePerStep, passkeyPerStep: c.passkeyPerStep,
                                    passkeyWeight: c.passkeyWeight,
                                    schedule: AdamSchedule(learningRate: c.learningRate, warmup: c.steps / 20, steps: c.steps))
        trainer.lastLosses = trainer.train(recipe, scheme: .plain(headDim: shape.headDim, base: shape.base), dataSeed: seed &* 7919)
        return trainer
    }

    /// Continued training at `fineTuneFactor` × the training length under `method`'s positions.
    static func fineTune(_ c: Configuration, seed: UInt64, weights: [Float], method: Method) -> ([Float], [Double]) {
        let length = Int(c.fineTuneFactor) * c.trainLength
        let tuner = Trainer<Float>(shape: c.shape, tasks: LabTasks(distinctKeys: true), seed: seed, maxLength: length)
        tuner.parameters = weights
        let recipe = TrainingRecipe(length: length, languagePerStep: c.fineTunePerStep, passkeyPerStep: c.fineTunePerStep,
                                    passkeyWeight: c.passkeyWeight,
                                    schedule: AdamSchedule(learningRate: c.learningRate / 3, warmup: c.fineTuneSteps / 10,
                                                           steps: c.fineTuneSteps))
        let losses = tuner.train(recipe, scheme: method.scheme(length), dataSeed: seed &* 104_729)
        return (tuner.parameters, losses)
    }

    /// Language loss, rule accuracy and passkey accuracy of `weights` under `method`, at every test length. The test
    /// data depend only on the length, so every model and method reads the same text.
    static func score(_ c: Configuration, _ weights: [Float], _ method: Method) -> Scores {
        let ev = Evaluator(shape: c.shape, tasks: LabTasks(distinctKeys: true), parameters: weights,
                           maxLength: c.trainLength * c.scales.max()!)
        var s = Scores(method: method.name, languageLoss: [], ruleAccuracy: [], passkey: [])
        for scale in c.scales {
            let length = scale * c.trainLength, scheme = method.scheme(length)
            let lang = ev.language(length: length, count: c.languageSequences, dataSeed: 10_000 + UInt64(length), scheme: scheme)
            s.languageLoss.append(lang.loss)
            s.ruleAccuracy.append(lang.ruleAccuracy)
            s.passkey.append(ev.passkey(length: length, depths: c.passkeyDepths, count: c.passkeyPerDepth,
                                        dataSeed: 20_000 + UInt64(length), scheme: scheme))
        }
        return s
    }

    /// Attention entropy against length, and the pair ablation at the training length.
    static func behaviourOf(_ c: Configuration, _ weights: [Float]) -> ([[Double]], [Double], [Double]) {
        let shape = c.shape
        let ev = Evaluator(shape: shape, tasks: LabTasks(distinctKeys: true), parameters: weights,
                           maxLength: c.trainLength * c.scales.max()!)
        let zero = zeroShotMethods(c)
        let entropy = entropyMethodIndices.map { i in
            c.scales.map { scale in meanEntropy(ev, length: scale * c.trainLength, scheme: zero[i].scheme(scale * c.trainLength)) }
        }
        var ablationLoss = [Double](), ablationPasskey = [Double]()
        let plain = PositionScheme.plain(headDim: shape.headDim, base: shape.base)
        for pair in 0..<shape.pairs {
            var scheme = plain
            scheme.ablatedPairs = [pair]
            ablationLoss.append(ev.language(length: c.trainLength, count: 2 * c.languageSequences, dataSeed: 30_000,
                                            scheme: scheme).loss)
            let pk = ev.passkey(length: c.trainLength, depths: c.passkeyDepths, count: c.passkeyPerDepth,
                                dataSeed: 30_001, scheme: scheme)
            ablationPasskey.append(pk.reduce(0, +) / Double(pk.count))
        }
        return (entropy, ablationLoss, ablationPasskey)
    }

    /// Mean entropy (nats) of the last layer's attention rows over the last quarter of queries of a language sequence.
    static func meanEntropy(_ ev: Evaluator, length: Int, scheme: PositionScheme) -> Double {
        let rows = ev.attention(length: length, dataSeed: 40_000 + UInt64(length), scheme: scheme,
                                layer: ev.shape.layers - 1, queries: (length * 3 / 4)..<length)
        var total = 0.0, n = 0.0
        for head in rows {
            for row in head {
                total -= row.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 }
                n += 1
            }
        }
        return total / n
    }
}

extension Evaluator {
    /// Attention rows [head][query] of `layer` on one language sequence of `length` tokens.
    public func attention(length: Int, dataSeed: UInt64, scheme: PositionScheme, layer: Int, queries: Range<Int>) -> [[[Double]]] {
        var rng = SplitMix64(seed: dataSeed)
        let ex = tasks.language(length: length, rng: &rng)
        parameters.withUnsafeBufferPointer { p in
            model.forward(tokens: ex.tokens, parameters: p.baseAddress!, scheme: scheme)
        }
        return (0..<shape.heads).map { h in queries.map { model.attentionRow(layer: layer, head: h, query: $0, length: length) } }
    }
}

/// One slot per job, each written by exactly one job (so no two threads touch the same element).
final class Slots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [T]
    init(count: Int, _ value: T) { storage = Array(repeating: value, count: count) }
    func set(_ i: Int, _ value: T) { lock.lock(); storage[i] = value; lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// Jobs taken in order by a fixed number of workers; a job may add more jobs.
final class JobQueue: @unchecked Sendable {
    private let lock = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var next = 0, running = 0

    func add(_ job: @escaping @Sendable () -> Void) {
        lock.lock(); jobs.append(job); lock.broadcast(); lock.unlock()
    }

    func run(workers: Int) {
        DispatchQueue.concurrentPerform(iterations: max(workers, 1)) { _ in
            while true {
                lock.lock()
                while next == jobs.count && running > 0 { lock.wait() }
                if next == jobs.count { lock.broadcast(); lock.unlock(); return }
                let job = jobs[next]
                next += 1; running += 1
                lock.unlock()
                job()
                lock.lock(); running -= 1; lock.broadcast(); lock.unlock()
            }
        }
    }
}

extension Lab {
    /// CPU seconds per training step of the lab's recipe (one model, one thread), best of `repeats` runs of `steps`
    /// steps — the figure `make bench` compares with NumPy.
    public static func secondsPerTrainingStep(_ c: Configuration = .standard, steps: Int = 20, repeats: Int = 3) -> Double {
        let shape = c.shape
        let trainer = Trainer<Float>(shape: shape, tasks: LabTasks(distinctKeys: true), seed: 1, maxLength: c.trainLength)
        let recipe = TrainingRecipe(length: c.trainLength, languagePerStep: c.languagePerStep, passkeyPerStep: c.passkeyPerStep,
                                    passkeyWeight: c.passkeyWeight,
                                    schedule: AdamSchedule(learningRate: c.learningRate, warmup: 2, steps: steps))
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = clock()
            trainer.train(recipe, scheme: .plain(headDim: shape.headDim, base: shape.base), dataSeed: 3)
            best = min(best, Double(clock() - start) / Double(CLOCKS_PER_SEC) / Double(steps))
        }
        return best
    }
}
