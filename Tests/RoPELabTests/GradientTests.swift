import Foundation
import Testing
import RoPE
@testable import RoPELab

/// A model small enough for finite differences in a debug build: 2 layers, 2 heads of 4 coordinates (2 RoPE pairs).
let tinyShape = ModelShape(vocabulary: 7, dModel: 8, heads: 2, layers: 2, hidden: 6, base: 50)
let tinyTokens = [3, 1, 4, 1, 5, 6, 2]
let tinyTargets = [1, 4, 1, 5, 6, 2, 0]
let tinyWeights: [Double] = [0, 1, 1, 0.5, 1, 1, 2]

/// The schemes training can use: plain RoPE, a frequency schedule with an attention factor, and ablated pairs.
func trainingSchemes() -> [(String, PositionScheme)] {
    let d = tinyShape.headDim, base = tinyShape.base
    var ablated = PositionScheme.plain(headDim: d, base: base)
    ablated.ablatedPairs = [1]
    return [("plain", .plain(headDim: d, base: base)),
            ("YaRN s=4 with temperature", .scaling(.yarn(YaRNScaling(factor: 4, originalMaxPositionEmbeddings: 4)),
                                                   name: "YaRN", headDim: d, base: base, length: 7)),
            ("pair 1 ablated", ablated)]
}

/// Which block of the flat parameter vector each layer's weights occupy.
func blocks(_ shape: ModelShape) -> [(String, Range<Int>)] {
    let l = shape.layout, d = shape.dModel, f = shape.hidden
    var out: [(String, Range<Int>)] = [("embedding", l.embed..<l.embed + shape.vocabulary * d)]
    for i in 0..<shape.layers {
        out += [("layer \(i) RMSNorm before attention", l.gain1[i]..<l.gain1[i] + d),
                ("layer \(i) W_q (RoPE'd, causal softmax)", l.wq[i]..<l.wq[i] + d * d),
                ("layer \(i) W_k (RoPE'd, causal softmax)", l.wk[i]..<l.wk[i] + d * d),
                ("layer \(i) W_v", l.wv[i]..<l.wv[i] + d * d),
                ("layer \(i) W_o", l.wo[i]..<l.wo[i] + d * d),
                ("layer \(i) RMSNorm before MLP", l.gain2[i]..<l.gain2[i] + d),
                ("layer \(i) MLP W_1 (ReLU)", l.w1[i]..<l.w1[i] + d * f),
                ("layer \(i) MLP W_2", l.w2[i]..<l.w2[i] + f * d)]
    }
    out += [("final RMSNorm", l.finalGain..<l.finalGain + d),
            ("output head + cross-entropy", l.output..<l.output + d * shape.vocabulary)]
    return out
}

func tinyLoss(_ model: Transformer<Double>, _ p: [Double], _ scheme: PositionScheme) -> Double {
    p.withUnsafeBufferPointer { model.loss(tokens: tinyTokens, targets: tinyTargets, weights: tinyWeights,
                                           parameters: $0.baseAddress!, scheme: scheme, gradient: nil) }
}

@Suite struct GradientTests {
    @Test("backward pass equals central finite differences, every parameter of every layer",
          arguments: trainingSchemes().map(\.0))
    func gradientsMatchFiniteDifferences(schemeName: String) {
        let scheme = trainingSchemes().first { $0.0 == schemeName }!.1
        let model = Transformer<Double>(shape: tinyShape, maxLength: 8)
        var p: [Double] = tinyShape.initialParameters(seed: 11)
        // Non-trivial gains, so the norm gradients are not a special case.
        var rng = SplitMix64(seed: 12)
        for (name, range) in blocks(tinyShape) where name.contains("RMSNorm") {
            for i in range { p[i] = 1 + 0.3 * rng.uniform() }
        }
        var g = [Double](repeating: 0, count: p.count)
        p.withUnsafeBufferPointer { pp in
            g.withUnsafeMutableBufferPointer { gp in
                _ = model.loss(tokens: tinyTokens, targets: tinyTargets, weights: tinyWeights, parameters: pp.baseAddress!,
                               scheme: scheme, gradient: gp.baseAddress!)
            }
        }
        let h = 1e-5
        for (name, range) in blocks(tinyShape) {
            var worst = 0.0, scale = 0.0
            for i in range {
                var plus = p, minus = p
                plus[i] += h
                minus[i] -= h
                let numeric = (tinyLoss(model, plus, scheme) - tinyLoss(model, minus, scheme)) / (2 * h)
                worst = max(worst, abs(numeric - g[i]))
                scale = max(scale, abs(numeric))
            }
            if name.contains("W_q") || name.contains("W_k"), scheme.ablatedPairs.isEmpty {
                #expect(scale > 1e-4, "\(name): the attention logits must carry gradient")
            }
            #expect(worst <= 1e-7 * max(scale, 1), "\(name) [\(schemeName)]: max |analytic − numeric| = \(worst), scale \(scale)")
        }
    }

    @Test func relativePathEqualsRotatedPath() {
        // ReRoPE with a window longer than the sequence is plain RoPE, computed the other way (relative tables).
        let model = Transformer<Double>(shape: tinyShape, maxLength: 8)
        let p: [Double] = tinyShape.initialParameters(seed: 3)
        let plain = PositionScheme.plain(headDim: tinyShape.headDim, base: tinyShape.base)
        let wide = PositionScheme(name: "ReRoPE", scaled: plain.scaled, relativeMap: ReRoPE(window: 100))
        let a = tinyLoss(model, p, plain), b = tinyLoss(model, p, wide)
        #expect(abs(a - b) < 1e-12, "\(a) vs \(b)")
        let narrow = PositionScheme(name: "ReRoPE", scaled: plain.scaled, relativeMap: ReRoPE(window: 2))
        #expect(abs(tinyLoss(model, p, narrow) - a) > 1e-6, "a window of 2 changes the scores")
    }

    @Test func sameSeedSameBits() {
        let shape = ModelShape(vocabulary: LabTasks.vocabulary, dModel: 8, heads: 2, layers: 2, hidden: 6, base: 50)
        func run() -> ([Double], [Float]) {
            let trainer = Trainer<Float>(shape: shape, tasks: LabTasks(distinctKeys: true), seed: 5, maxLength: 12)
            let recipe = TrainingRecipe(length: 12, languagePerStep: 2, passkeyPerStep: 2,
                                        schedule: AdamSchedule(learningRate: 1e-2, warmup: 2, steps: 6))
            let losses = trainer.train(recipe, scheme: .plain(headDim: shape.headDim, base: shape.base), dataSeed: 9)
            return (losses, trainer.parameters)
        }
        let (l1, p1) = run(), (l2, p2) = run()
        #expect(l1.map(\.bitPattern) == l2.map(\.bitPattern))
        #expect(p1.map(\.bitPattern) == p2.map(\.bitPattern))
    }

    @Test func trainingLowersTheLoss() {
        let shape = ModelShape(vocabulary: LabTasks.vocabulary, dModel: 16, heads: 2, layers: 1, hidden: 16, base: 100)
        let trainer = Trainer<Float>(shape: shape, tasks: LabTasks(distinctKeys: true), seed: 1, maxLength: 16)
        let recipe = TrainingRecipe(length: 16, languagePerStep: 4, passkeyPerStep: 2,
                                    schedule: AdamSchedule(learningRate: 1e-2, warmup: 5, steps: 60))
        let losses = trainer.train(recipe, scheme: .plain(headDim: shape.headDim, base: shape.base), dataSeed: 2)
        let first = losses.prefix(10).reduce(0, +) / 10, last = losses.suffix(10).reduce(0, +) / 10
        #expect(last < first - 0.3, "loss \(first) → \(last)")
    }
}
