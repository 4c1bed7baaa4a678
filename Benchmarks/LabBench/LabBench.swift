import Foundation
import RoPE
import RoPELab

// make bench, the lab's figures:
//   lab-bench speed STEPS   one model, one thread: seconds of CPU per training step of the lab's recipe
//   lab-bench dump PATH     initial weights, one batch, and the loss and gradient Swift computes for it (JSON), so
//                           that Benchmarks/numpy_lab.py can check it runs the same model and step before timing it
//   lab-bench lab           the whole lab (every seed, method and length), as the chapter runs it, and a digest of
//                           every number it computed

let config = Lab.Configuration.standard
let shape = config.shape
let arguments = CommandLine.arguments

func cpuSeconds() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }

func batch(seed: UInt64) -> [LabTasks.Example] {
    let tasks = LabTasks()
    var rng = SplitMix64(seed: seed)
    var out = [LabTasks.Example]()
    for _ in 0..<config.languagePerStep { out.append(tasks.language(length: config.trainLength, rng: &rng, scoreCues: true)) }
    for _ in 0..<config.passkeyPerStep {
        var ex = tasks.randomPasskey(length: config.trainLength, rng: &rng, fillerWeight: 1)
        ex.weights[config.trainLength - 1] = config.passkeyWeight
        out.append(ex)
    }
    return out
}

switch arguments.count > 1 ? arguments[1] : "speed" {
case "dump":
    let params: [Float] = shape.initialParameters(seed: 1)
    let examples = batch(seed: 42)
    let normalizer = examples.reduce(0.0) { $0 + $1.weights.reduce(0, +) }
    let model = Transformer<Float>(shape: shape, maxLength: config.trainLength)
    var gradient = [Float](repeating: 0, count: params.count)
    var loss: Float = 0
    params.withUnsafeBufferPointer { p in
        gradient.withUnsafeMutableBufferPointer { g in
            for ex in examples {
                loss += model.loss(tokens: ex.tokens, targets: ex.targets, weights: ex.weights.map { Float($0) },
                                   parameters: p.baseAddress!, scheme: .plain(headDim: shape.headDim, base: shape.base),
                                   gradient: g.baseAddress!, normalizer: Float(normalizer))
            }
        }
    }
    let json: [String: Any] = [
        "vocabulary": shape.vocabulary, "d_model": shape.dModel, "heads": shape.heads, "layers": shape.layers,
        "hidden": shape.hidden, "base": shape.base, "length": config.trainLength,
        "parameters": params.map(Double.init), "tokens": examples.map(\.tokens), "targets": examples.map(\.targets),
        "weights": examples.map(\.weights), "loss": Double(loss) / normalizer, "gradient": gradient.map(Double.init),
    ]
    try! JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: arguments[2]))
case "lab":
    let r = Lab.run(config)
    print("bench: lab.train_s \(String(format: "%.2f", r.wallSeconds)) s")
    print("bench: lab.cpu_s \(String(format: "%.2f", r.cpuSeconds)) s")
    print("bench: lab.trained_tokens \(r.trainedTokens)")
    // Every number the lab computed, as shortest round-trip decimals, hashed (FNV-1a): equal digests mean equal
    // bits, e.g. between a build with AVX2 and one with ROPELAB_BASELINE=1.
    let digest = String(describing: r.seeds).utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    print("bench: lab.results_digest \(String(digest, radix: 16))")
default:
    let steps = arguments.count > 2 ? Int(arguments[2])! : 40
    let best = Lab.secondsPerTrainingStep(config, steps: steps)
    let tokens = Double((config.languagePerStep + config.passkeyPerStep) * config.trainLength)
    print("bench: lab.swift_step_s \(String(format: "%.5f", best)) s")
    print("bench: lab.tokens_per_s \(String(format: "%.0f", tokens / best)) tokens/s")
}
