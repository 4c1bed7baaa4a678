import Foundation
import RoPE

/// The size of the lab's model: a decoder-only transformer with RoPE on q and k, pre-norm (RMSNorm) blocks of
/// causal multi-head attention and a ReLU MLP, no other position signal, and an untied output head.
public struct ModelShape: Sendable, Equatable {
    public var vocabulary: Int
    public var dModel: Int
    public var heads: Int
    public var layers: Int
    public var hidden: Int
    /// RoPE base of the trained model.
    public var base: Double

    public init(vocabulary: Int, dModel: Int, heads: Int, layers: Int, hidden: Int, base: Double = 10_000) {
        precondition(dModel % heads == 0 && (dModel / heads) % 2 == 0, "each head needs an even number of coordinates")
        self.vocabulary = vocabulary
        self.dModel = dModel
        self.heads = heads
        self.layers = layers
        self.hidden = hidden
        self.base = base
    }

    public var headDim: Int { dModel / heads }
    public var pairs: Int { headDim / 2 }

    /// Where each tensor lives in the flat parameter vector.
    struct Layout {
        let embed: Int, finalGain: Int, output: Int, count: Int
        let gain1: [Int], wq: [Int], wk: [Int], wv: [Int], wo: [Int], gain2: [Int], w1: [Int], w2: [Int]
    }

    var layout: Layout {
        let d = dModel, v = vocabulary, f = hidden
        var offset = v * d
        var g1 = [Int](), q = [Int](), k = [Int](), vv = [Int](), o = [Int](), g2 = [Int](), a = [Int](), b = [Int]()
        for _ in 0..<layers {
            g1.append(offset); offset += d
            q.append(offset); offset += d * d
            k.append(offset); offset += d * d
            vv.append(offset); offset += d * d
            o.append(offset); offset += d * d
            g2.append(offset); offset += d
            a.append(offset); offset += d * f
            b.append(offset); offset += f * d
        }
        let gf = offset; offset += d
        let out = offset; offset += d * v
        return Layout(embed: 0, finalGain: gf, output: out, count: offset,
                      gain1: g1, wq: q, wk: k, wv: vv, wo: o, gain2: g2, w1: a, w2: b)
    }

    public var parameterCount: Int { layout.count }

    /// Seeded initialisation: embeddings N(0, 1), gains 1, weights N(0, 1/fan_in), residual outputs scaled by
    /// 1/√(2·layers).
    public func initialParameters<R: LabFloat>(seed: UInt64, as: R.Type = R.self) -> [R] {
        var rng = SplitMix64(seed: seed)
        let l = layout, d = dModel, f = hidden
        var p = [R](repeating: 0, count: l.count)
        func fill(_ offset: Int, _ count: Int, _ std: Double) {
            for i in 0..<count { p[offset + i] = R(rng.gaussian() * std) }
        }
        fill(l.embed, vocabulary * d, 1)
        let residual = 1 / (2 * Double(layers)).squareRoot()
        for i in 0..<layers {
            for j in 0..<d { p[l.gain1[i] + j] = 1; p[l.gain2[i] + j] = 1 }
            fill(l.wq[i], d * d, 1 / Double(d).squareRoot())
            fill(l.wk[i], d * d, 1 / Double(d).squareRoot())
            fill(l.wv[i], d * d, 1 / Double(d).squareRoot())
            fill(l.wo[i], d * d, residual / Double(d).squareRoot())
            fill(l.w1[i], d * f, 1 / Double(d).squareRoot())
            fill(l.w2[i], f * d, residual / Double(f).squareRoot())
        }
        for j in 0..<d { p[l.finalGain + j] = 1 }
        fill(l.output, d * vocabulary, 1 / Double(d).squareRoot())
        return p
    }
}
