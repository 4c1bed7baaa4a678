import Foundation
import Testing
import RoPE
@testable import RoPELab

/// A model small enough for finite differences in a debug build: 2 layers, 2 heads of 4 coordinates (2 RoPE pairs).
let tinyShape = ModelShape(vocabulary: 7, dModel: 8, heads: 2, layers: 2, hidden: 6, base: 50)
let tinyTokens = [3, 1, 4, 1, 5, 6, 2]
let tinyTargets = [1, 4, 1, 5, 6, 2, 0]
let tinyWeights: [Double] = [0, 1, 1, 0.5, 1, 1, 2]

/// The schemes training can use: plain RoPE, a frequency schedule with an attention factor, log-n query scaling,
/// no rotation (NoPE), and ablated pairs.
func trainingSchemes() -> [(String, PositionScheme)] {
    let d = tinyShape.headDim, base = tinyShape.base
    var ablated = PositionScheme.plain(headDim: d, base: base)
    ablated.ablatedPairs = [1]
    var logN = PositionScheme.plain(headDim: d, base: base)
    logN.logNTrainingLength = 3
    return [("plain", .plain(headDim: d, base: base)),
            ("YaRN s=4 with temperature", .scaling(.yarn(YaRNScaling(factor: 4, originalMaxPositionEmbeddings: 4)),
                                                   name: "YaRN", headDim: d, base: base, length: 7)),
            ("log-n query scaling from 3 tokens", logN),
            ("NoPE", .nope(headDim: d)),
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

/// The lab's own head size (16 coordinates: the kernels' eight-lane paths), a vocabulary that is not a multiple of
/// eight, and 13 tokens, so that the last block of four queries is partial.
let labKernelShape = ModelShape(vocabulary: LabTasks.vocabulary, dModel: 32, heads: 2, layers: 1, hidden: 32, base: 500)

/// Loss and gradient of `tokens` (each predicting the next, weights 1) against central finite differences, block by
/// block; `every` checks every n-th parameter of a block.
func checkGradient(_ shape: ModelShape, tokens: [Int], scheme: PositionScheme, every: Int, label: String) {
    let targets = Array(tokens.dropFirst()) + [0]
    let weights = tokens.indices.map { $0 == tokens.count - 1 ? 0.0 : 1 + Double($0 % 3) / 2 }
    let model = Transformer<Double>(shape: shape, maxLength: tokens.count)
    var p: [Double] = shape.initialParameters(seed: 11)
    // Non-trivial gains, so the norm gradients are not a special case.
    var rng = SplitMix64(seed: 12)
    for (name, range) in blocks(shape) where name.contains("RMSNorm") {
        for i in range { p[i] = 1 + 0.3 * rng.uniform() }
    }
    func loss(_ q: [Double], gradient: UnsafeMutablePointer<Double>? = nil) -> Double {
        q.withUnsafeBufferPointer { model.loss(tokens: tokens, targets: targets, weights: weights, parameters: $0.baseAddress!,
                                               scheme: scheme, gradient: gradient) }
    }
    var g = [Double](repeating: 0, count: p.count)
    g.withUnsafeMutableBufferPointer { _ = loss(p, gradient: $0.baseAddress!) }
    let h = 1e-5
    for (name, range) in blocks(shape) {
        var worst = 0.0, scale = 0.0
        for i in stride(from: range.lowerBound, to: range.upperBound, by: every) {
            var plus = p, minus = p
            plus[i] += h
            minus[i] -= h
            let numeric = (loss(plus) - loss(minus)) / (2 * h)
            worst = max(worst, abs(numeric - g[i]))
            scale = max(scale, abs(numeric))
        }
        // Every block must carry gradient, or the comparison above would pass for a backward pass that forgot it.
        #expect(scale > 1e-4, "\(name) [\(label)]: no gradient reaches this block")
        #expect(worst <= 1e-7 * max(scale, 1), "\(name) [\(label)]: max |analytic − numeric| = \(worst), scale \(scale)")
    }
}

@Suite struct GradientTests {
    @Test("backward pass equals central finite differences, every parameter of every layer",
          arguments: trainingSchemes().map(\.0))
    func gradientsMatchFiniteDifferences(schemeName: String) {
        let scheme = trainingSchemes().first { $0.0 == schemeName }!.1
        checkGradient(tinyShape, tokens: tinyTokens, scheme: scheme, every: 1, label: schemeName)
    }

    @Test("the eight-lane kernels (head of 16, 29 logits, a partial block of queries) equal finite differences")
    func vectorKernelGradientsMatchFiniteDifferences() {
        let tokens = [3, 17, 4, 1, 25, 9, 2, 6, 28, 5, 3, 11, 8]
        checkGradient(labKernelShape, tokens: tokens, scheme: .plain(headDim: 16, base: labKernelShape.base), every: 11,
                      label: "lab kernels")
    }

    @Test("Float's eight-lane exp is within 2 ulp of libm's expf over the softmax's range")
    func vectorExpMatchesLibm() {
        var worst: Float = 0
        var x: Float = -87
        while x <= 10 {
            let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.001 })
            let e = Float.exponentials(lanes)
            for i in 0..<8 {
                let reference = Foundation.exp(Double(lanes[i]))
                worst = max(worst, Float(abs(Double(e[i]) - reference) / reference) / Float.ulpOfOne)
            }
            x += 0.0173
        }
        #expect(worst <= 2, "worst error \(worst) ulp")
        #expect(Float.exponentials(SIMD8(repeating: 0)) == SIMD8(repeating: 1))
        #expect(Float.exponentials(SIMD8(repeating: -200)) == Float.exponentials(SIMD8(repeating: -87.3)), "clamped at −87.3")
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
            let trainer = Trainer<Float>(shape: shape, tasks: LabTasks(), seed: 5, maxLength: 12)
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
        let trainer = Trainer<Float>(shape: shape, tasks: LabTasks(), seed: 1, maxLength: 16)
        let recipe = TrainingRecipe(length: 16, languagePerStep: 4, passkeyPerStep: 2,
                                    schedule: AdamSchedule(learningRate: 1e-2, warmup: 5, steps: 60))
        let losses = trainer.train(recipe, scheme: .plain(headDim: shape.headDim, base: shape.base), dataSeed: 2)
        let first = losses.prefix(10).reduce(0, +) / 10, last = losses.suffix(10).reduce(0, +) / 10
        #expect(last < first - 0.3, "loss \(first) → \(last)")
    }
}
