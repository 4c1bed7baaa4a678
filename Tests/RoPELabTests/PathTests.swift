import Foundation
import Testing
import RoPE
@testable import RoPELab

/// The model's inference paths against definitions outside its kernels: the RoPE library's `causalScores` for the
/// relative (ReRoPE) path, a full forward pass for last-row evaluation, and the attention factor's f² on every logit.
@Suite struct PathTests {
    /// Attention probabilities of (layer, head) after the last forward pass, rows 0..<t.
    func probabilities(_ model: Transformer<Double>, layer: Int, head: Int, t: Int) -> [[Double]] {
        (0..<t).map { model.attentionRow(layer: layer, head: head, query: $0, length: t) }
    }

    /// Rows of one head's q or k (as the attention reads them) from the workspace.
    func rows(_ buffer: Buffer<Double>, head: Int, t: Int, shape: ModelShape) -> [[Double]] {
        (0..<t).map { n in (0..<shape.headDim).map { buffer[n * shape.dModel + head * shape.headDim + $0] } }
    }

    /// softmax_n(s_mn / √d_h) over n ≤ m, from the RoPE library's logits.
    func reference(_ scores: [[Double?]], headDim: Int) -> [[Double]] {
        scores.map { row in AttentionScores.softmax(row.compactMap { $0.map { $0 / Double(headDim).squareRoot() } }) }
    }

    @Test("the relative path equals RelativePositionMap.causalScores, windows shorter and longer than the sequence",
          arguments: [(2.0, 1.0), (3.0, 1.0), (5.0, 1.3), (100.0, 1.0), (100.0, 1.3)])
    func relativePathMatchesCausalScores(window: Double, factor: Double) {
        let t = tinyTokens.count
        let model = Transformer<Double>(shape: tinyShape, maxLength: 8)
        let p: [Double] = tinyShape.initialParameters(seed: 3)
        var frequencies = RoPEScaling.none.frequencies(rotaryDim: tinyShape.headDim, base: tinyShape.base)
        frequencies.attentionFactor = factor
        for map in [ReRoPE(window: window) as any RelativePositionMap, LeakyReRoPE(window: window, slopeDivisor: 4)] {
            let scheme = PositionScheme(name: "relative", scaled: frequencies, relativeMap: map)
            p.withUnsafeBufferPointer { model.forward(tokens: tinyTokens, parameters: $0.baseAddress!, scheme: scheme) }
            var worst = 0.0
            for layer in 0..<tinyShape.layers {
                for head in 0..<tinyShape.heads {
                    // On the relative path q and k stay unrotated in the workspace: exactly the library's inputs.
                    let q = rows(model.q[layer], head: head, t: t, shape: tinyShape)
                    let k = rows(model.k[layer], head: head, t: t, shape: tinyShape)
                    let expected = reference(map.causalScores(queries: q, keys: k, rope: frequencies.embedding()), headDim: tinyShape.headDim)
                    let actual = probabilities(model, layer: layer, head: head, t: t)
                    for m in 0..<t { for n in 0...m { worst = max(worst, abs(actual[m][n] - expected[m][n])) } }
                }
            }
            #expect(worst < 1e-12, "\(type(of: map)) w=\(window), f=\(factor): worst |Δp| = \(worst)")
        }
    }

    @Test("the last-row-only forward pass (passkeys, prefix scoring) gives the full pass's logits, on every path")
    func lastRowEqualsFullForward() {
        let shape = labKernelShape
        let tokens = [0, 3, 17, 4, 1, 25, 9, 2, 6, 28, 5, 3, 11, 8, 40, 41, 7, 2, 9]
        let t = tokens.count
        let model = Transformer<Double>(shape: shape, maxLength: t)
        let p: [Double] = shape.initialParameters(seed: 7)
        let plain = PositionScheme.plain(headDim: shape.headDim, base: shape.base)
        var logN = plain
        logN.logNTrainingLength = 4
        let schemes = [plain, logN, PositionScheme(name: "ReRoPE", scaled: plain.scaled, relativeMap: ReRoPE(window: 5)),
                       .scaling(.yarn(YaRNScaling(factor: 4, originalMaxPositionEmbeddings: 5)), name: "YaRN",
                                headDim: shape.headDim, base: shape.base, length: t)]
        for scheme in schemes {
            for first in [t - 1, 6, 1] {
                p.withUnsafeBufferPointer { model.forward(tokens: tokens, parameters: $0.baseAddress!, scheme: scheme) }
                let full = (first..<t).map { i in (0..<shape.vocabulary).map { model.logProbability(row: i, token: $0) } }
                p.withUnsafeBufferPointer { model.forward(tokens: tokens, parameters: $0.baseAddress!, scheme: scheme, firstOutput: first) }
                let partial = (first..<t).map { i in (0..<shape.vocabulary).map { model.logProbability(row: i, token: $0) } }
                #expect(full == partial, "\(scheme.name), rows from \(first): the partial pass must give the same bits")
            }
        }
    }

    @Test("the attention factor f multiplies every logit by f², on the rotated and the relative path")
    func attentionFactorScalesLogitsBySquare() {
        let t = tinyTokens.count, f = 1.37
        let model = Transformer<Double>(shape: tinyShape, maxLength: 8)
        let p: [Double] = tinyShape.initialParameters(seed: 5)
        let one = RoPEScaling.none.frequencies(rotaryDim: tinyShape.headDim, base: tinyShape.base)
        var scaled = one
        scaled.attentionFactor = f
        for map in [nil, ReRoPE(window: 3) as (any RelativePositionMap)?] {
            // log p_mn − log p_m0 = s_mn − s_m0: the logits up to each row's constant.
            func logitGaps(_ frequencies: ScaledFrequencies) -> [Double] {
                let scheme = PositionScheme(name: "f", scaled: frequencies, relativeMap: map)
                p.withUnsafeBufferPointer { model.forward(tokens: tinyTokens, parameters: $0.baseAddress!, scheme: scheme) }
                var gaps = [Double]()
                for layer in 0..<tinyShape.layers {
                    for head in 0..<tinyShape.heads {
                        for row in probabilities(model, layer: layer, head: head, t: t) {
                            gaps += row.map { log($0) - log(row[0]) }
                        }
                    }
                }
                return gaps
            }
            // Layer 0 sees the same inputs either way; layer 1's inputs differ (layer 0's attention changed), so
            // compare layer 0's heads only: its rows are the first t·(t + 1)/2 · heads entries.
            let count = tinyShape.heads * t * (t + 1) / 2
            let base = Array(logitGaps(one).prefix(count)), withFactor = Array(logitGaps(scaled).prefix(count))
            let worst = zip(base, withFactor).map { abs($1 - f * f * $0) }.max()!
            #expect(worst < 1e-10, "\(map == nil ? "rotated" : "relative") path: worst |Δ| = \(worst)")
        }
    }

    @Test("log-n scaling multiplies the query at position m by max(1, ln(m + 1)/ln L), as Su's patches do")
    func logNQueryScale() {
        var scheme = PositionScheme.plain(headDim: 16, base: 100)
        scheme.logNTrainingLength = 64
        #expect(scheme.queryScale(at: 0) == 1)
        #expect(scheme.queryScale(at: 63) == 1)
        #expect(abs(scheme.queryScale(at: 511) - log(512) / log(64)) < 1e-15)
        #expect(PositionScheme.plain(headDim: 16, base: 100).queryScale(at: 511) == 1)
    }

    @Test("NTK-logn-mixed: the fastest pair almost kept, the slowest divided by exactly k (bojone/rerope ntk_patch.py)")
    func ntkLogNMixed() {
        let d = 16, base = 272.8
        let theta = Frequencies.inverse(rotaryDim: d, base: base)
        let mixed = PositionScheme.ntkLogNMixed(headDim: d, base: base, trainingLength: 64)
        let ratios = zip(mixed.scaled.inverseFrequencies, theta).map { $0 / $1 }
        // a = ln 12 / 8^0.75; pair i is multiplied by exp(−a (i + 1)^0.75).
        let a = log(12.0) / pow(8, 0.75)
        for i in 0..<d / 2 { #expect(abs(ratios[i] - exp(-a * pow(Double(i + 1), 0.75))) < 1e-15) }
        #expect(abs(ratios[d / 2 - 1] - 1 / 12.0) < 1e-15)
        #expect(mixed.logNTrainingLength == 64)
    }

    @Test("prefix-by-prefix scoring: chunks of 1 equal one pass per prefix, and a fixed scheme equals one pass")
    func prefixScoring() {
        let shape = ModelShape(vocabulary: LabTasks.vocabulary, dModel: 32, heads: 2, layers: 2, hidden: 32, base: 50)
        let p: [Float] = shape.initialParameters(seed: 9)
        let ev = Evaluator(shape: shape, parameters: p, maxLength: 24)
        let examples = ev.languageSet(length: 24, count: 2, dataSeed: 4)
        let dynamic = { (length: Int) -> PositionScheme in
            .scaling(.dynamicNTK(DynamicNTKScaling(factor: 1, maxPositionEmbeddings: 8)), name: "dynamic", headDim: 16, base: 50, length: length)
        }
        let chunked = ev.language(examples, near: 8, chunk: 1, from: 8, scheme: dynamic)
        // Definition: position i is scored by a forward pass over tokens 0...i under the scale of that prefix.
        var expected = [Double]()
        for ex in examples {
            var total = 0.0, n = 0.0
            for i in 0..<24 where ex.weights[i] > 0 {
                let prefix = prefixExample(ex, through: i)
                let s = ev.language([prefix], scheme: dynamic(max(i + 1, 8)), near: 8)
                total += s.positionLoss[i]
                n += 1
            }
            expected.append(total / n)
        }
        for (a, b) in zip(chunked.sequenceLoss, expected) { #expect(abs(a - b) < 1e-6, "\(a) vs \(b)") }
        let plain = PositionScheme.plain(headDim: 16, base: 50)
        let once = ev.language(examples, scheme: plain, near: 8)
        let inChunks = ev.language(examples, near: 8, chunk: 5, from: 3) { _ in plain }
        #expect(once.sequenceLoss == inChunks.sequenceLoss, "a fixed scheme scored in chunks gives the same bits")
    }
}

/// The first i + 1 tokens of an example, scoring only position i.
func prefixExample(_ ex: LabTasks.Example, through i: Int) -> LabTasks.Example {
    LabTasks.Example(tokens: Array(ex.tokens[0...i]), targets: Array(ex.targets[0...i]),
                     weights: (0...i).map { $0 == i ? ex.weights[i] : 0 })
}
