import Foundation
import RoPE

/// Running the experiment: every seed's base model (RoPE) and NoPE control, every zero-shot method, the s-grid,
/// the temperature sweep, the fine-tuning curves, the Bayes-optimal references and the attention measurements, as
/// jobs on all cores. Each job is single-threaded and seeded, so every number is the same run after run.
extension Lab {
    /// One predictor on one test set: language scores and passkey trials (empty where not measured).
    public struct Score: Sendable {
        public var language: Evaluator.LanguageScores
        public var passkey: [(depth: Int, found: Bool)] = []
        public var passkeyAccuracy: Double { Double(passkey.filter(\.found).count) / Double(max(passkey.count, 1)) }
        /// 1 or 0 per trial, for paired comparisons.
        public var passkeyHits: [Double] { passkey.map { $0.found ? 1 : 0 } }
    }

    /// One seed's results.
    public struct SeedResult: Sendable {
        public var seed: UInt64
        public var trainingLoss: [Double]
        public var noPETrainingLoss: [Double]
        /// [Zero method][scale index]
        public var zeroShot: [[Score]]
        /// The NoPE model at every scale.
        public var noPE: [Score]
        /// Bayes-optimal predictors on the same test sets: [window index (nil = all, then `bayesWindows`)][scale].
        public var bayes: [[Evaluator.LanguageScores]]
        /// [Family][gridFactors index][scale index]: language only.
        public var grid: [[[Evaluator.LanguageScores]]]
        /// [temperatureSettings index][temperatures index, then 0.1 ln s + 1]: language at the setting's length.
        public var temperature: [[Evaluator.LanguageScores]]
        /// [Family][checkpoint][0: at fineTuneScale, 1: at the longest scale]
        public var fineTune: [[[Evaluator.LanguageScores]]]
        public var fineTuneLoss: [[Double]]
        /// [behaviour method index][scale]: last layer's attention entropy, and share on token 0 per layer.
        public var entropy: [[Double]]
        public var sink: [[[Double]]]
        /// Language scores and passkey trials at 1× with pair i removed from every q·k.
        public var ablation: [Score]
        public var parameters: [Float]
        public var noPEParameters: [Float]
    }

    public struct Result: Sendable {
        public var configuration: Configuration
        public var seeds: [SeedResult]
        public var cpuSeconds: Double
        public var wallSeconds: Double
        public var trainedTokens: Int
        /// CPU seconds by kind of job (training, fine-tuning, zero-shot scoring, …), summed over seeds.
        public var jobSeconds: [String: Double]
    }

    /// The zero-shot methods whose attention is summarised (entropy, sinks), by `Zero` index; the NoPE model is added
    /// after them.
    public static let behaviourMethods: [Zero] = [.rope, .pi, .yarn, .yarnNoTemperature, .reRoPE, .reRoPELogN]

    /// Runs everything. A seed's two trainings are the first jobs; when one ends, its evaluations are queued as
    /// separate jobs. Workers (one per core) take jobs in order, so the cores stay busy.
    public static func run(_ c: Configuration = .standard) -> Result {
        let start = Date(), cpuStart = clock()
        let n = c.seeds.count, methods = zeroShotMethods(c)
        let base = Slots<Trainer<Float>?>(count: n, nil), nope = Slots<Trainer<Float>?>(count: n, nil)
        let zero = Slots<Score?>(count: n * methods.count * c.scales.count, nil)
        let noPE = Slots<[Score]>(count: n, []), bayes = Slots<[[Evaluator.LanguageScores]]>(count: n, [])
        let grid = Slots<[[Evaluator.LanguageScores]]>(count: n * Family.allCases.count, [])
        let temperature = Slots<[[Evaluator.LanguageScores]]>(count: n, [])
        let tuned = Slots<([[Evaluator.LanguageScores]], [Double])>(count: n * Family.allCases.count, ([], []))
        let behaviour = Slots<([[Double]], [[[Double]]], [Score])>(count: n, ([], [], []))
        let queue = JobQueue()
        let timings = Timings()
        for (i, seed) in c.seeds.enumerated() {
            queue.add(timings, "train RoPE") {
                let trainer = trainBase(c, seed: seed)
                base.set(i, trainer)
                let weights = trainer.parameters
                for (k, _) in Family.allCases.enumerated() {
                    queue.add(timings, "fine-tune") { tuned.set(i * Family.allCases.count + k, fineTune(c, seed: seed, weights: weights, family: Family(rawValue: k)!)) }
                }
                for m in methods.indices {
                    queue.add(timings, methods[m].dynamic ? "zero-shot, dynamic" : "zero-shot") {
                        let scores = score(c, seed: seed, weights: weights, method: methods[m])
                        for (j, s) in scores.enumerated() { zero.set((i * methods.count + m) * c.scales.count + j, s) }
                    }
                }
                for family in Family.allCases {
                    queue.add(timings, "s-grid") { grid.set(i * Family.allCases.count + family.rawValue, gridScores(c, seed: seed, weights: weights, family: family)) }
                }
                queue.add(timings, "temperature") { temperature.set(i, temperatureSweep(c, seed: seed, weights: weights)) }
                queue.add(timings, "attention, ablation") { behaviour.set(i, behaviourOf(c, seed: seed, weights: weights)) }
                queue.add(timings, "Bayes") { bayes.set(i, bayesScores(c, seed: seed)) }
            }
            queue.add(timings, "train NoPE") {
                let trainer = trainBase(c, seed: seed, scheme: .nope(headDim: c.headDim))
                nope.set(i, trainer)
                let weights = trainer.parameters
                queue.add(timings, "zero-shot") {
                    noPE.set(i, score(c, seed: seed, weights: weights,
                                      method: Method(name: "NoPE") { _ in .nope(headDim: c.headDim) }))
                }
            }
        }
        queue.run(workers: ProcessInfo.processInfo.activeProcessorCount)
        let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
        let tokens = c.steps * (c.languagePerStep + c.passkeyPerStep) * c.trainLength * n * 2
            + c.fineTuneSteps * c.fineTunePerStep * c.fineTuneScale * c.trainLength * n * Family.allCases.count
        let families = Family.allCases.count
        let seeds = (0..<n).map { i -> SeedResult in
            let b = behaviour.values[i], t = base.values[i]!, u = nope.values[i]!
            let z = zero.values
            return SeedResult(
                seed: c.seeds[i], trainingLoss: t.lastLosses, noPETrainingLoss: u.lastLosses,
                zeroShot: methods.indices.map { m in c.scales.indices.map { j in z[(i * methods.count + m) * c.scales.count + j]! } },
                noPE: noPE.values[i], bayes: bayes.values[i],
                grid: (0..<families).map { grid.values[i * families + $0] },
                temperature: temperature.values[i],
                fineTune: (0..<families).map { tuned.values[i * families + $0].0 },
                fineTuneLoss: (0..<families).map { tuned.values[i * families + $0].1 },
                entropy: b.0, sink: b.1, ablation: b.2, parameters: t.parameters, noPEParameters: u.parameters)
        }
        return Result(configuration: c, seeds: seeds, cpuSeconds: cpu, wallSeconds: Date().timeIntervalSince(start),
                      trainedTokens: tokens, jobSeconds: timings.values)
    }

    /// Trains one base model at the training length under `scheme` (plain RoPE unless given).
    public static func trainBase(_ c: Configuration, seed: UInt64, scheme: PositionScheme? = nil) -> Trainer<Float> {
        let shape = c.shape
        let trainer = Trainer<Float>(shape: shape, tasks: LabTasks(), seed: seed, maxLength: c.trainLength)
        let recipe = TrainingRecipe(length: c.trainLength, languagePerStep: c.languagePerStep, passkeyPerStep: c.passkeyPerStep,
                                    passkeyWeight: c.passkeyWeight,
                                    schedule: AdamSchedule(learningRate: c.learningRate, warmup: c.steps / 20, steps: c.steps))
        trainer.lastLosses = trainer.train(recipe, scheme: scheme ?? .plain(headDim: shape.headDim, base: shape.base),
                                           dataSeed: seed &* 7919)
        return trainer
    }

    /// The seed's language test set at `length`.
    public static func testSet(_ c: Configuration, seed: UInt64, length: Int) -> [LabTasks.Example] {
        var rng = SplitMix64(seed: c.testSeed(seed: seed, length: length, purpose: 1))
        return (0..<max(c.testTokens / length, 1)).map { _ in LabTasks().language(length: length, rng: &rng) }
    }

    /// Language and passkey of `weights` under `method` at every test length, on the seed's test sets.
    static func score(_ c: Configuration, seed: UInt64, weights: [Float], method: Method) -> [Score] {
        let ev = Evaluator(shape: c.shape, parameters: weights, maxLength: c.lengths.max()!)
        return c.lengths.map { length in
            let examples = testSet(c, seed: seed, length: length)
            let language = method.dynamic
                ? ev.language(examples, near: c.trainLength, chunk: c.dynamicChunk, from: c.trainLength, scheme: method.scheme)
                : ev.language(examples, scheme: method.scheme(length), near: c.trainLength)
            let passkey = ev.passkey(length: length, trials: c.passkeyTrials, depths: c.passkeyDepths,
                                     dataSeed: c.testSeed(seed: seed, length: length, purpose: 2), scheme: method.scheme(length))
            return Score(language: language, passkey: passkey)
        }
    }

    static func bayesScores(_ c: Configuration, seed: UInt64) -> [[Evaluator.LanguageScores]] {
        ([nil] + c.bayesWindows.map { Optional($0) }).map { window in
            c.lengths.map { Evaluator.bayes(testSet(c, seed: seed, length: $0), window: window, near: c.trainLength) }
        }
    }

    /// One family at every grid factor and length (s = 1 is plain RoPE).
    static func gridScores(_ c: Configuration, seed: UInt64, weights: [Float], family: Family) -> [[Evaluator.LanguageScores]] {
        let ev = Evaluator(shape: c.shape, parameters: weights, maxLength: c.lengths.max()!)
        return c.gridFactors.map { s in
            let scheme = family.method(c, factor: s).scheme(c.trainLength)
            return c.lengths.map { ev.language(testSet(c, seed: seed, length: $0), scheme: scheme, near: c.trainLength) }
        }
    }

    /// YaRN at each temperature setting's factor and length, for every attention factor in `temperatures`.
    static func temperatureSweep(_ c: Configuration, seed: UInt64, weights: [Float]) -> [[Evaluator.LanguageScores]] {
        let ev = Evaluator(shape: c.shape, parameters: weights, maxLength: c.lengths.max()!)
        return c.temperatureSettings.map { setting in
            let examples = testSet(c, seed: seed, length: setting.scale * c.trainLength)
            // The sweep, then the paper's value 0.1 ln s + 1 itself (last).
            return (c.temperatures + [YaRNScaling.mscale(setting.factor)]).map { f in
                ev.language(examples, scheme: Family.yarn.method(c, factor: setting.factor, attentionFactor: f).scheme(c.trainLength),
                            near: c.trainLength)
            }
        }
    }

    /// Continued training of the base weights under `family` at `fineTuneFactor`, on sequences of `fineTuneScale` ×
    /// the training length; language scores at that length and at the longest one, at every checkpoint.
    static func fineTune(_ c: Configuration, seed: UInt64, weights: [Float], family: Family) -> ([[Evaluator.LanguageScores]], [Double]) {
        let length = c.fineTuneScale * c.trainLength, longest = c.lengths.max()!
        let method = family.method(c, factor: c.fineTuneFactor)
        let scheme = method.scheme(length)
        let tuner = Trainer<Float>(shape: c.shape, tasks: LabTasks(), seed: seed, maxLength: length)
        tuner.parameters = weights
        let ev = Evaluator(shape: c.shape, parameters: weights, maxLength: longest)
        let near = testSet(c, seed: seed, length: length), far = testSet(c, seed: seed, length: longest)
        var curve = [[Evaluator.LanguageScores]]()
        func checkpoint() {
            ev.parameters = tuner.parameters
            curve.append([ev.language(near, scheme: scheme, near: c.trainLength), ev.language(far, scheme: scheme, near: c.trainLength)])
        }
        let recipe = TrainingRecipe(length: length, languagePerStep: c.fineTunePerStep, passkeyPerStep: 0,
                                    schedule: AdamSchedule(learningRate: c.fineTuneLearningRate, warmup: c.fineTuneSteps / 20,
                                                           steps: c.fineTuneSteps))
        if c.fineTuneCheckpoints.contains(0) { checkpoint() }
        let losses = tuner.train(recipe, scheme: scheme, dataSeed: seed &* 104_729) { step in
            if c.fineTuneCheckpoints.contains(step) { checkpoint() }
        }
        return (curve, losses)
    }

    /// Attention entropy and sinks against length, and the pair ablation at the training length.
    static func behaviourOf(_ c: Configuration, seed: UInt64, weights: [Float]) -> ([[Double]], [[[Double]]], [Score]) {
        let shape = c.shape, methods = zeroShotMethods(c)
        let ev = Evaluator(shape: shape, parameters: weights, maxLength: c.lengths.max()!)
        var entropy = [[Double]](), sink = [[[Double]]]()
        for m in behaviourMethods {
            var e = [Double](), s = [[Double]]()
            for length in c.lengths {
                let examples = Array(testSet(c, seed: seed, length: length).prefix(2))
                let scheme = methods[m.rawValue].scheme(length)
                var layerSink = [Double](repeating: 0, count: shape.layers), lastEntropy = 0.0
                for ex in examples {
                    for l in 0..<shape.layers {
                        let a = ev.attentionSummary(ex, scheme: scheme, layer: l, queries: (length * 3 / 4)..<length)
                        layerSink[l] += a.sink / Double(examples.count)
                        if l == shape.layers - 1 { lastEntropy += a.entropy / Double(examples.count) }
                    }
                }
                e.append(lastEntropy)
                s.append(layerSink)
            }
            entropy.append(e)
            sink.append(s)
        }
        let plain = PositionScheme.plain(headDim: shape.headDim, base: shape.base)
        let examples = testSet(c, seed: seed, length: c.trainLength)
        let ablation = (0..<shape.pairs).map { pair -> Score in
            var scheme = plain
            scheme.ablatedPairs = [pair]
            return Score(language: ev.language(examples, scheme: scheme, near: c.trainLength),
                         passkey: ev.passkey(length: c.trainLength, trials: c.passkeyTrials, depths: c.passkeyDepths,
                                             dataSeed: c.testSeed(seed: seed, length: c.trainLength, purpose: 2), scheme: scheme))
        }
        return (entropy, sink, ablation)
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

/// CPU seconds of the calling thread.
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// CPU seconds summed by label, from any thread.
final class Timings: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String: Double] = [:]
    func add(_ label: String, _ seconds: Double) { lock.lock(); storage[label, default: 0] += seconds; lock.unlock() }
    var values: [String: Double] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// Jobs taken in order by a fixed number of workers; a job may add more jobs.
final class JobQueue: @unchecked Sendable {
    private let lock = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var next = 0, running = 0

    /// A job whose thread CPU time is added to `timings` under `label`.
    func add(_ timings: Timings, _ label: String, _ job: @escaping @Sendable () -> Void) {
        add {
            let start = threadCPUSeconds()
            job()
            timings.add(label, threadCPUSeconds() - start)
        }
    }

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
        let trainer = Trainer<Float>(shape: shape, tasks: LabTasks(), seed: 1, maxLength: c.trainLength)
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
