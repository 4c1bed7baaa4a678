import Foundation
import Testing
@testable import RoPE

/// Figures published or derived outside this code: the issue text and shared/ROPE-NOTES.md §4, which recomputed
/// them in float64 from the papers' formulas (RoFormer §3.4.3, YaRN Def. 1 and Eq. 22, transformers' code).
@Suite struct PublishedFiguresTests {
    /// Values to 4 decimals from an independent numpy evaluation of the same definition:
    /// `S = np.cumsum(np.exp(1j*r*10000**(-2*np.arange(64)/128))); np.abs(S).mean()`. They agree with the and
    /// ROPE-NOTES' two-decimal table everywhere but r = 200, where the table prints 7.25 for 7.2448.
    @Test("RoFormer decay bound, d = 128, base 10000", arguments: [
        (0.0, 32.5), (1, 31.5382), (5, 20.8454), (10, 17.9541), (20, 15.2424), (50, 12.6295), (100, 10.2273),
        (150, 7.5885), (200, 7.2448), (250, 6.5482), (1000, 4.4708), (2000, 5.0468), (5000, 7.5961),
    ])
    func decayBound(distance: Double, reference: Double) {
        let bound = LongRangeDecay.relativeUpperBound(distance: distance, headDim: 128)
        #expect(abs(bound - reference) <= 5e-5 + 1e-12, "r = \(distance): \(bound) vs \(reference)")
    }

    @Test func decayBoundIsNotMonotone() {
        let b1000 = LongRangeDecay.relativeUpperBound(distance: 1000, headDim: 128)
        let b2000 = LongRangeDecay.relativeUpperBound(distance: 2000, headDim: 128)
        #expect(b2000 > b1000)
        // Closed form: B(0) = (d/2 + 1)/2.
        #expect(LongRangeDecay.relativeUpperBound(distance: 0, headDim: 128) == 32.5)
    }

    @Test func staticNTKBase() {
        expectClose(NTKAwareScaling.scaledBase(base: 10_000, factor: 4, rotaryDim: 128), 40889.942, relative: 2e-8,
                    "base · 4^(128/126)")
    }

    @Test("Dynamic NTK, Llama 2 factor 2 (ROPE-NOTES §4)", arguments: [
        (4096, 10_000.0), (2048, 10_000.0), (8192, 30527.737), (16384, 72195.860),
    ])
    func dynamicNTKBase(sequenceLength: Int, published: Double) {
        let dynamic = DynamicNTKScaling(factor: 2, maxPositionEmbeddings: 4096)
        expectClose(dynamic.scaledBase(base: 10_000, rotaryDim: 128, sequenceLength: sequenceLength), published,
                    relative: 2e-8, "L = \(sequenceLength)")
    }

    @Test func yarnCorrectionRanges() {
        let llama2 = YaRNScaling(factor: 2, originalMaxPositionEmbeddings: 4096)
        let raw = llama2.rawCorrectionRange(rotaryDim: 128, base: 10_000)
        #expect(abs(raw.low - 20.9445) < 5e-5 && abs(raw.high - 45.0269) < 5e-5)
        #expect(llama2.correctionRange(rotaryDim: 128, base: 10_000) == (20, 46))

        let qwen = YaRNScaling(factor: 4, originalMaxPositionEmbeddings: 32768)
        let q = qwen.rawCorrectionRange(rotaryDim: 128, base: 1_000_000)
        #expect(abs(q.low - 23.5959) < 5e-5 && abs(q.high - 39.6509) < 5e-5)
        #expect(qwen.correctionRange(rotaryDim: 128, base: 1_000_000) == (23, 40))

        let gptOSS = YaRNScaling(factor: 32, originalMaxPositionEmbeddings: 4096, truncate: false)
        let g = gptOSS.correctionRange(rotaryDim: 64, base: 150_000)
        #expect(abs(g.low - 8.0928) < 5e-5 && abs(g.high - 17.3980) < 5e-5, "untruncated: \(g)")
        var rounded = gptOSS
        rounded.truncate = true
        #expect(rounded.correctionRange(rotaryDim: 64, base: 150_000) == (8, 18))
    }

    @Test("mscale 0.1 ln s + 1 (ROPE-NOTES §4)", arguments: [
        (2.0, 1.0693147), (4, 1.1386294), (8, 1.2079442), (16, 1.2772589), (32, 1.3465736), (40, 1.3688879),
        (64, 1.4158883), (1, 1), (0.5, 1),
    ])
    func mscale(factor: Double, published: Double) {
        #expect(abs(YaRNScaling.mscale(factor) - published) < 5e-8)
    }

    @Test func longRoPEAttentionFactor() {
        let longrope = LongRoPEScaling(shortFactor: [], longFactor: [], factor: 32, originalMaxPositionEmbeddings: 4096)
        #expect(abs(longrope.resolvedAttentionFactor - 1.1902381) < 5e-8)
    }

    @Test func llama31Bands() {
        let llama3 = Llama3Scaling(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192)
        let bands = Frequencies.wavelengths(Frequencies.inverse(rotaryDim: 128, base: 500_000)).map(llama3.band)
        #expect(bands.filter { $0 == .unchanged }.count == 29)
        #expect(bands.filter { $0 == .smoothed }.count == 6)
        #expect(bands.filter { $0 == .divided }.count == 29)
        #expect(bands[29...34].allSatisfy { $0 == .smoothed }, "smoothed pairs are i = 29…34")
    }
}
