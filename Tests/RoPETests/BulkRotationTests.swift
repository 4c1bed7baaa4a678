import Foundation
import Testing
@testable import RoPE

@Suite struct BulkRotationTests {
    @Test("Float32 bulk path equals the Double path", arguments: PairLayout.allCases)
    func matchesReference(layout: PairLayout) {
        let tokens = 5, heads = 3, headDim = 80
        let scaled = YaRNScaling(factor: 4, originalMaxPositionEmbeddings: 64).frequencies(rotaryDim: 64, base: 10_000)
        let rope = scaled.embedding(layout: layout)
        let positions: [Double] = [0, 1, 7, 300, 4095.5]
        let input = (0..<tokens * heads).map { testVector(headDim, seed: 50 + UInt64($0)) }
        var buffer = input.flatMap { $0.map(Float.init) }
        BulkRotation(rope).apply(to: &buffer, heads: heads, headDim: headDim, positions: positions)
        for t in 0..<tokens {
            for h in 0..<heads {
                let expected = rope.rotate(input[t * heads + h], at: positions[t])
                for j in 0..<headDim {
                    let got = Double(buffer[(t * heads + h) * headDim + j])
                    #expect(abs(got - expected[j]) < 2e-6, "t \(t) h \(h) j \(j): \(got) vs \(expected[j])")
                }
            }
        }
    }

    @Test func oddPairCountUsesTheScalarTail() {
        // rotaryDim 12 = one SIMD8 block plus two pairs.
        let rope = RotaryEmbedding(rotaryDim: 12, layout: .interleaved)
        let x = testVector(12, seed: 77)
        var buffer = x.map(Float.init)
        BulkRotation(rope).apply(to: &buffer, heads: 1, headDim: 12, positions: [3])
        let expected = rope.rotate(x, at: 3)
        for j in 0..<12 { #expect(abs(Double(buffer[j]) - expected[j]) < 1e-6) }
    }
}

@Suite struct PhaseTableTests {
    /// Long runs of consecutive positions use the recurrence; it must stay within float precision of cos/sin.
    @Test func recurrenceStaysExact() {
        let inv = Frequencies.inverse(rotaryDim: 128, base: 10_000)
        var phases = PhaseTable(inverseFrequencies: inv)
        var worst = 0.0
        for p in 0..<5000 {
            phases.move(to: Double(p))
            for i in inv.indices {
                worst = max(worst, abs(phases.cos[i] - cos(Double(p) * inv[i])), abs(phases.sin[i] - sin(Double(p) * inv[i])))
            }
        }
        #expect(worst < 1e-12, "recurrence drift \(worst)")
        // Jumps and repeats fall back to exact evaluation.
        for p in [7.0, 7, 3, 1e6, 1e6 + 1] {
            phases.move(to: p)
            #expect(abs(phases.cos[0] - cos(p)) < 1e-9 && abs(phases.sin[5] - sin(p * inv[5])) < 1e-9)
        }
    }
}
