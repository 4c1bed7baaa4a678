import Foundation
import Testing
@testable import RoPE

/// Identities that hold by construction of a rotation, checked numerically.
@Suite struct ClosedFormTests {
    @Test("rotation preserves the norm", arguments: PairLayout.allCases)
    func normPreserved(layout: PairLayout) {
        let rope = RotaryEmbedding(rotaryDim: 64, layout: layout)
        let x = testVector(64, seed: 1)
        for p in [0.0, 1, 17.5, 4095, 1e6] {
            expectClose(AttentionScores.norm(rope.rotate(x, at: p)), AttentionScores.norm(x), relative: 1e-13, "p = \(p)")
        }
    }

    @Test("score depends only on m − n", arguments: PairLayout.allCases)
    func relativeProperty(layout: PairLayout) {
        let rope = RotaryEmbedding(rotaryDim: 128, layout: layout)
        let q = testVector(128, seed: 2), k = testVector(128, seed: 3)
        for (m, n) in [(10.0, 3.0), (1000, 993), (7, 0), (50_007, 50_000)] {
            let a = AttentionScores.score(query: q, at: m, key: k, at: n, rope: rope)
            let b = AttentionScores.score(query: q, at: m - n, key: k, at: 0, rope: rope)
            #expect(abs(a - b) < 1e-10, "(\(m), \(n)): \(a) vs \(b)")
        }
    }

    @Test func rotationAtZeroIsIdentityAndAnglesAdd() {
        let rope = RotaryEmbedding(rotaryDim: 32)
        let x = testVector(32, seed: 4)
        #expect(rope.rotate(x, at: 0) == x)
        let twice = rope.rotate(rope.rotate(x, at: 3.25), at: 4.5)
        let once = rope.rotate(x, at: 7.75)
        for i in x.indices { #expect(abs(twice[i] - once[i]) < 1e-13) }
    }

    @Test func twoDimensionalRotationIsTheRotationMatrix() {
        // d = 2: θ_0 = 1, so position p rotates by p radians: (x cos p − y sin p, x sin p + y cos p).
        let rope = RotaryEmbedding(rotaryDim: 2, layout: .interleaved)
        let out = rope.rotate([3, 4], at: 0.5)
        #expect(abs(out[0] - (3 * cos(0.5) - 4 * sin(0.5))) < 1e-15)
        #expect(abs(out[1] - (3 * sin(0.5) + 4 * cos(0.5))) < 1e-15)
    }

    @Test("the converter's permutation makes the layouts agree", arguments: [64, 128])
    func layoutEquivalence(dim: Int) {
        let interleaved = RotaryEmbedding(rotaryDim: dim, layout: .interleaved)
        let half = RotaryEmbedding(rotaryDim: dim, layout: .halfSplit)
        let q = testVector(dim, seed: 5), k = testVector(dim, seed: 6)
        let qp = LayoutPermutation.interleavedToHalfSplit(q, rotaryDim: dim)
        let kp = LayoutPermutation.interleavedToHalfSplit(k, rotaryDim: dim)
        for p in [0.0, 1, 33, 4000] {
            let viaHalf = half.rotate(qp, at: p)
            let viaInterleaved = LayoutPermutation.interleavedToHalfSplit(interleaved.rotate(q, at: p), rotaryDim: dim)
            for i in 0..<dim { #expect(abs(viaHalf[i] - viaInterleaved[i]) < 1e-14) }
            let s1 = AttentionScores.score(query: q, at: p, key: k, at: 3, rope: interleaved)
            let s2 = AttentionScores.score(query: qp, at: p, key: kp, at: 3, rope: half)
            #expect(abs(s1 - s2) < 1e-12)
        }
        #expect(LayoutPermutation.halfSplitToInterleaved(qp, rotaryDim: dim) == q)
    }

    @Test func mixingLayoutsChangesScores() {
        // Without the permutation the two codes disagree: the failure converted checkpoints must avoid.
        let dim = 64
        let q = testVector(dim, seed: 7), k = testVector(dim, seed: 8)
        let a = AttentionScores.score(query: q, at: 9, key: k, at: 2, rope: RotaryEmbedding(rotaryDim: dim, layout: .interleaved))
        let b = AttentionScores.score(query: q, at: 9, key: k, at: 2, rope: RotaryEmbedding(rotaryDim: dim, layout: .halfSplit))
        #expect(abs(a - b) > 1e-3)
    }

    @Test func partialRotaryLeavesTheTailAlone() {
        let rope = RotaryEmbedding(rotaryDim: 32, layout: .halfSplit)
        let x = testVector(80, seed: 9)
        let out = rope.rotate(x, at: 12)
        #expect(Array(out[32...]) == Array(x[32...]))
        #expect(Array(out[..<32]) != Array(x[..<32]))
        #expect(Frequencies.rotaryDimension(headDim: 80, partialRotaryFactor: 0.4) == 32)
        #expect(Frequencies.rotaryDimension(headDim: 80, partialRotaryFactor: 0.5) == 40)
        #expect(Frequencies.rotaryDimension(headDim: 10, partialRotaryFactor: 0.5) == nil, "5 is odd")
        #expect(Frequencies.rotaryDimension(headDim: 64, partialRotaryFactor: 0.333) == nil, "Int(21.3) = 21 is odd")
    }

    @Test func attentionFactorScalesCosAndSin() {
        let x = testVector(16, seed: 10)
        let plain = RotaryEmbedding(inverseFrequencies: Frequencies.inverse(rotaryDim: 16, base: 10_000))
        var scaled = plain
        scaled.attentionFactor = 1.25
        let a = plain.rotate(x, at: 5), b = scaled.rotate(x, at: 5)
        for i in x.indices { #expect(abs(b[i] - 1.25 * a[i]) < 1e-14) }
    }

    @Test func linearIsDefaultOverFactor() {
        let base = Frequencies.inverse(rotaryDim: 128, base: 10_000)
        let linear = LinearScaling(factor: 4).frequencies(rotaryDim: 128, base: 10_000)
        for i in base.indices { expectClose(linear.inverseFrequencies[i], base[i] / 4, relative: 1e-15) }
        // …and equivalent to rotating position p/4 with the original frequencies.
        let x = testVector(128, seed: 11)
        let viaFreq = linear.embedding().rotate(x, at: 1000)
        let viaPos = RotaryEmbedding(rotaryDim: 128).rotate(x, at: 250)
        for i in x.indices { #expect(abs(viaFreq[i] - viaPos[i]) < 1e-12) }
    }

    @Test func ntkAwareKeepsTheFirstPairAndDividesTheLast() {
        let base = Frequencies.inverse(rotaryDim: 128, base: 10_000)
        let ntk = NTKAwareScaling(factor: 8).frequencies(rotaryDim: 128, base: 10_000).inverseFrequencies
        #expect(ntk[0] == 1)
        expectClose(ntk[63], base[63] / 8, relative: 1e-12, "lowest frequency divided by exactly s")
    }

    @Test func sinusoidalTable() {
        let row = Sinusoidal.interleaved(position: 3, dimension: 8)
        #expect(row[0] == sin(3.0) && row[1] == cos(3.0))
        expectClose(row[6], sin(3 / pow(10_000, 6.0 / 8)), "PE[3, 6]")
        expectClose(row[7], cos(3 / pow(10_000, 6.0 / 8)), "PE[3, 7]")
        let concat = Sinusoidal.concatenated(position: 3, dimension: 8)
        #expect(concat == [row[0], row[2], row[4], row[6], row[1], row[3], row[5], row[7]])
        #expect(Sinusoidal.table(positions: 4, dimension: 8).count == 4)
    }

    @Test func rerope() {
        let re = ReRoPE(window: 512)
        #expect(re.map(100) == 100 && re.map(511) == 511 && re.map(512) == 512 && re.map(10_000) == 512)
        let leaky = LeakyReRoPE(window: 512, slopeDivisor: 16)
        #expect(leaky.map(100) == 100 && leaky.map(512 + 160) == 522)
        // Limits: k = 1 is plain RoPE, a huge k approaches ReRoPE.
        #expect(LeakyReRoPE(window: 512, slopeDivisor: 1).map(9000) == 9000)
        #expect(abs(LeakyReRoPE(window: 512, slopeDivisor: 1e12).map(9000) - 512) < 1e-8)
        // Inside the window, ReRoPE scores equal plain RoPE scores.
        let rope = RotaryEmbedding(rotaryDim: 16)
        let qs = (0..<6).map { testVector(16, seed: 100 + UInt64($0)) }
        let ks = (0..<6).map { testVector(16, seed: 200 + UInt64($0)) }
        let scores = ReRoPE(window: 3).causalScores(queries: qs, keys: ks, rope: rope)
        for m in 0..<6 {
            for n in 0..<6 {
                guard n <= m else { #expect(scores[m][n] == nil); continue }
                let r = Double(min(m - n, 3))
                let expected = AttentionScores.dot(rope.rotate(qs[m], at: r), ks[n])
                #expect(abs(scores[m][n]! - expected) < 1e-12)
                if m - n < 3 {
                    #expect(abs(scores[m][n]! - AttentionScores.score(query: qs[m], at: Double(m), key: ks[n], at: Double(n), rope: rope)) < 1e-12)
                }
            }
        }
    }

    @Test func softmax() {
        let p = AttentionScores.softmax([1, 2, 3])
        expectClose(p.reduce(0, +), 1, relative: 1e-15)
        expectClose(p[2] / p[1], exp(1), relative: 1e-14)
    }
}
