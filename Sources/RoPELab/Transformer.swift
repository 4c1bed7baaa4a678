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

/// Forward and backward passes for one sequence at a time, written out, over preallocated buffers.
///
/// Every activation the backward pass needs is kept in the workspace, so after `forward` the attention
/// probabilities of every layer and head can be read (heat maps, entropy).
public final class Transformer<R: LabFloat> {
    public let shape: ModelShape
    public let maxLength: Int
    let layout: ModelShape.Layout
    static var epsilon: R { R(1e-5) }

    // Per layer activations (T × …).
    let xin: [Buffer<R>], inv1: [Buffer<R>], a1: [Buffer<R>], q: [Buffer<R>], k: [Buffer<R>], v: [Buffer<R>]
    let probs: [Buffer<R>], attended: [Buffer<R>], xmid: [Buffer<R>], inv2: [Buffer<R>], a2: [Buffer<R>]
    let hpre: [Buffer<R>], u: [Buffer<R>]
    let xout: Buffer<R>, invf: Buffer<R>, af: Buffer<R>, logits: Buffer<R>
    // Backward scratch.
    let dx: Buffer<R>, dxmid: Buffer<R>, da: Buffer<R>, dq: Buffer<R>, dk: Buffer<R>, dv: Buffer<R>, dAttended: Buffer<R>
    let dh: Buffer<R>, dlogits: Buffer<R>, drow: Buffer<R>

    public init(shape: ModelShape, maxLength: Int) {
        self.shape = shape
        self.maxLength = maxLength
        layout = shape.layout
        let t = maxLength, d = shape.dModel, f = shape.hidden, h = shape.heads, n = shape.layers
        func many(_ size: Int) -> [Buffer<R>] { (0..<n).map { _ in Buffer<R>(size) } }
        xin = many(t * d); inv1 = many(t); a1 = many(t * d); q = many(t * d); k = many(t * d); v = many(t * d)
        probs = many(h * t * t); attended = many(t * d); xmid = many(t * d); inv2 = many(t); a2 = many(t * d)
        hpre = many(t * f); u = many(t * f)
        xout = Buffer(t * d); invf = Buffer(t); af = Buffer(t * d); logits = Buffer(t * shape.vocabulary)
        dx = Buffer(t * d); dxmid = Buffer(t * d); da = Buffer(t * d); dq = Buffer(t * d); dk = Buffer(t * d)
        dv = Buffer(t * d); dAttended = Buffer(t * d); dh = Buffer(t * f); dlogits = Buffer(t * shape.vocabulary)
        drow = Buffer(t)
    }

    // MARK: - Forward

    /// Runs the model on `tokens` and leaves logits (rows `firstOutput..<T`) and every activation in the workspace.
    /// With `firstOutput > 0` the last layer computes attention, MLP and logits only for those rows (evaluation).
    public func forward(tokens: [Int], parameters: UnsafePointer<R>, scheme: PositionScheme, firstOutput: Int = 0) {
        let t = tokens.count, d = shape.dModel, f = shape.hidden
        precondition(t <= maxLength, "sequence of \(t) tokens, workspace holds \(maxLength)")
        let lay = layout
        let x0 = xin[0].pointer
        for (i, token) in tokens.enumerated() {
            precondition(token >= 0 && token < shape.vocabulary, "token \(token) outside the vocabulary")
            (x0 + i * d).update(from: parameters + lay.embed + token * d, count: d)
        }
        let table = RotationTable<R>(scheme: scheme, rows: t, map: scheme.relativeMap.map { m in { m.map(Double($0)) } } ?? { Double($0) })
        for l in 0..<shape.layers {
            let last = l == shape.layers - 1
            let first = last ? firstOutput : 0
            let rows = t - first
            rmsNorm(xin[l].pointer, gain: parameters + lay.gain1[l], out: a1[l].pointer, inv: inv1[l].pointer, rows: t)
            matmul(a1[l].pointer, parameters + lay.wq[l], q[l].pointer, rows: t, k: d, n: d)
            matmul(a1[l].pointer, parameters + lay.wk[l], k[l].pointer, rows: t, k: d, n: d)
            matmul(a1[l].pointer, parameters + lay.wv[l], v[l].pointer, rows: t, k: d, n: d)
            ablate(q[l].pointer, rows: t, pairs: scheme.ablatedPairs)
            if scheme.relativeMap == nil {
                rotate(q[l].pointer, rows: t, table: table, inverse: false)
                rotate(k[l].pointer, rows: t, table: table, inverse: false)
            }
            attention(layer: l, length: t, firstQuery: first, table: scheme.relativeMap == nil ? nil : table)
            let xm = xmid[l].pointer + first * d
            (xm).update(from: xin[l].pointer + first * d, count: rows * d)
            matmul(attended[l].pointer + first * d, parameters + lay.wo[l], xm, rows: rows, k: d, n: d, accumulate: true)
            rmsNorm(xm, gain: parameters + lay.gain2[l], out: a2[l].pointer + first * d, inv: inv2[l].pointer + first, rows: rows)
            matmul(a2[l].pointer + first * d, parameters + lay.w1[l], hpre[l].pointer + first * f, rows: rows, k: d, n: f)
            let hp = hpre[l].pointer + first * f, up = u[l].pointer + first * f
            for i in 0..<(rows * f) { up[i] = max(hp[i], 0) }
            let next = last ? xout.pointer : xin[l + 1].pointer
            (next + first * d).update(from: xm, count: rows * d)
            matmul(up, parameters + lay.w2[l], next + first * d, rows: rows, k: f, n: d, accumulate: true)
        }
        let rows = t - firstOutput
        rmsNorm(xout.pointer + firstOutput * d, gain: parameters + lay.finalGain, out: af.pointer + firstOutput * d,
                inv: invf.pointer + firstOutput, rows: rows)
        matmul(af.pointer + firstOutput * d, parameters + lay.output, logits.pointer + firstOutput * shape.vocabulary,
               rows: rows, k: d, n: shape.vocabulary)
    }

    func rmsNorm(_ x: UnsafePointer<R>, gain: UnsafePointer<R>, out: UnsafeMutablePointer<R>,
                 inv: UnsafeMutablePointer<R>, rows: Int) {
        let d = shape.dModel
        for t in 0..<rows {
            let xr = x + t * d, o = out + t * d
            let s = 1 / (dot(xr, xr, d) / R(d) + Self.epsilon).squareRoot()
            inv[t] = s
            for j in 0..<d { o[j] = xr[j] * s * gain[j] }
        }
    }

    func ablate(_ x: UnsafeMutablePointer<R>, rows: Int, pairs: Set<Int>) {
        guard !pairs.isEmpty else { return }
        let d = shape.dModel, dh = shape.headDim, half = shape.pairs
        for t in 0..<rows {
            for h in 0..<shape.heads {
                for i in pairs {
                    x[t * d + h * dh + i] = 0
                    x[t * d + h * dh + i + half] = 0
                }
            }
        }
    }

    /// Half-split rotation of every head of rows 0..<rows by its position's angles (or back, for gradients).
    func rotate(_ x: UnsafeMutablePointer<R>, rows: Int, table: RotationTable<R>, inverse: Bool) {
        let d = shape.dModel, dh = shape.headDim, half = shape.pairs
        table.cos.withUnsafeBufferPointer { cp in
            table.sin.withUnsafeBufferPointer { sp in
                for t in 0..<rows {
                    let c = cp.baseAddress! + t * half, s = sp.baseAddress! + t * half
                    for h in 0..<shape.heads {
                        let a = x + t * d + h * dh, b = a + half
                        for i in 0..<half {
                            let xa = a[i], xb = b[i], si = inverse ? -s[i] : s[i]
                            a[i] = xa * c[i] - xb * si
                            b[i] = xa * si + xb * c[i]
                        }
                    }
                }
            }
        }
    }

    /// Causal softmax attention of every head. `relative`: a table by relative distance (ReRoPE maps), with q and k
    /// left unrotated; nil: q and k already rotated to their positions.
    func attention(layer l: Int, length t: Int, firstQuery: Int, table relative: RotationTable<R>?) {
        let d = shape.dModel, dh = shape.headDim, half = shape.pairs
        let scale = 1 / R(dh).squareRoot()
        let qp = q[l].pointer, kp = k[l].pointer, vp = v[l].pointer, pp = probs[l].pointer, op = attended[l].pointer
        for h in 0..<shape.heads {
            for m in firstQuery..<t {
                let row = pp + (h * t + m) * t
                let qm = qp + m * d + h * dh
                var best = -R.infinity
                if let rel = relative {
                    rel.cos.withUnsafeBufferPointer { cp in
                        rel.sin.withUnsafeBufferPointer { sp in
                            for n in 0...m {
                                let kn = kp + n * d + h * dh
                                let c = cp.baseAddress! + (m - n) * half, s = sp.baseAddress! + (m - n) * half
                                var acc: R = 0
                                for i in 0..<half {
                                    let qa = qm[i], qb = qm[i + half], ka = kn[i], kb = kn[i + half]
                                    acc += (qa * ka + qb * kb) * c[i] + (qa * kb - qb * ka) * s[i]
                                }
                                row[n] = acc * scale
                                best = max(best, row[n])
                            }
                        }
                    }
                } else {
                    for n in 0...m {
                        row[n] = headDot(qm, kp + n * d + h * dh, dh) * scale
                        best = max(best, row[n])
                    }
                }
                var total: R = 0
                for n in 0...m {
                    let e = R.exponential(row[n] - best)
                    row[n] = e
                    total += e
                }
                let norm = 1 / total
                let om = op + m * d + h * dh
                om.update(repeating: 0, count: dh)
                for n in 0...m {
                    row[n] *= norm
                    headAxpy(row[n], vp + n * d + h * dh, om, dh)
                }
            }
        }
    }

    // MARK: - Loss and backward

    /// Mean cross-entropy over the positions with weight > 0 (weights[i] scores the prediction of targets[i] from
    /// tokens[0...i]), divided by `normalizer`; adds its gradient into `gradient` when given. Returns the weighted
    /// sum of losses (not divided).
    @discardableResult
    public func loss(tokens: [Int], targets: [Int], weights: [R], parameters: UnsafePointer<R>, scheme: PositionScheme,
                     gradient: UnsafeMutablePointer<R>?, normalizer: R = 1) -> R {
        forward(tokens: tokens, parameters: parameters, scheme: scheme)
        let t = tokens.count, vsize = shape.vocabulary
        var total: R = 0
        let lg = logits.pointer, dl = dlogits.pointer
        for i in 0..<t {
            let row = lg + i * vsize, drow = dl + i * vsize
            let w = weights[i]
            guard w != 0 else { drow.update(repeating: 0, count: vsize); continue }
            var best = -R.infinity
            for j in 0..<vsize { best = max(best, row[j]) }
            var sum: R = 0
            for j in 0..<vsize { let e = R.exponential(row[j] - best); drow[j] = e; sum += e }
            total += w * (R.logarithm(sum) + best - row[targets[i]])
            let g = w / (sum * normalizer)
            for j in 0..<vsize { drow[j] *= g }
            drow[targets[i]] -= w / normalizer
        }
        if let gradient { backward(tokens: tokens, parameters: parameters, scheme: scheme, gradient: gradient) }
        return total
    }

    func backward(tokens: [Int], parameters: UnsafePointer<R>, scheme: PositionScheme, gradient: UnsafeMutablePointer<R>) {
        precondition(scheme.relativeMap == nil, "relative-position maps are for inference only")
        let t = tokens.count, d = shape.dModel, f = shape.hidden, vsize = shape.vocabulary, lay = layout
        let table = RotationTable<R>(scheme: scheme, rows: t)
        accumulateWeightGradient(af.pointer, dlogits.pointer, gradient + lay.output, rows: t, k: d, n: vsize)
        matmulTransposedWeights(dlogits.pointer, parameters + lay.output, da.pointer, rows: t, k: d, n: vsize, accumulate: false)
        rmsNormBackward(x: xout.pointer, inv: invf.pointer, gain: parameters + lay.finalGain, dOut: da.pointer,
                        dGain: gradient + lay.finalGain, dx: dx.pointer, accumulate: false, rows: t)
        for l in stride(from: shape.layers - 1, through: 0, by: -1) {
            // MLP: x_out = x_mid + relu(a2 W1) W2
            accumulateWeightGradient(u[l].pointer, dx.pointer, gradient + lay.w2[l], rows: t, k: f, n: d)
            matmulTransposedWeights(dx.pointer, parameters + lay.w2[l], dh.pointer, rows: t, k: f, n: d, accumulate: false)
            let hp = hpre[l].pointer, dhp = dh.pointer
            for i in 0..<(t * f) where hp[i] <= 0 { dhp[i] = 0 }
            accumulateWeightGradient(a2[l].pointer, dh.pointer, gradient + lay.w1[l], rows: t, k: d, n: f)
            matmulTransposedWeights(dh.pointer, parameters + lay.w1[l], da.pointer, rows: t, k: d, n: f, accumulate: false)
            dxmid.pointer.update(from: dx.pointer, count: t * d)
            rmsNormBackward(x: xmid[l].pointer, inv: inv2[l].pointer, gain: parameters + lay.gain2[l], dOut: da.pointer,
                            dGain: gradient + lay.gain2[l], dx: dxmid.pointer, accumulate: true, rows: t)
            // Attention: x_mid = x_in + attended Wo
            accumulateWeightGradient(attended[l].pointer, dxmid.pointer, gradient + lay.wo[l], rows: t, k: d, n: d)
            matmulTransposedWeights(dxmid.pointer, parameters + lay.wo[l], dAttended.pointer, rows: t, k: d, n: d, accumulate: false)
            attentionBackward(layer: l, length: t)
            ablate(dq.pointer, rows: t, pairs: scheme.ablatedPairs)
            rotate(dq.pointer, rows: t, table: table, inverse: true)
            rotate(dk.pointer, rows: t, table: table, inverse: true)
            accumulateWeightGradient(a1[l].pointer, dq.pointer, gradient + lay.wq[l], rows: t, k: d, n: d)
            accumulateWeightGradient(a1[l].pointer, dk.pointer, gradient + lay.wk[l], rows: t, k: d, n: d)
            accumulateWeightGradient(a1[l].pointer, dv.pointer, gradient + lay.wv[l], rows: t, k: d, n: d)
            matmulTransposedWeights(dq.pointer, parameters + lay.wq[l], da.pointer, rows: t, k: d, n: d, accumulate: false)
            matmulTransposedWeights(dk.pointer, parameters + lay.wk[l], da.pointer, rows: t, k: d, n: d, accumulate: true)
            matmulTransposedWeights(dv.pointer, parameters + lay.wv[l], da.pointer, rows: t, k: d, n: d, accumulate: true)
            dx.pointer.update(from: dxmid.pointer, count: t * d)
            rmsNormBackward(x: xin[l].pointer, inv: inv1[l].pointer, gain: parameters + lay.gain1[l], dOut: da.pointer,
                            dGain: gradient + lay.gain1[l], dx: dx.pointer, accumulate: true, rows: t)
        }
        for (i, token) in tokens.enumerated() {
            axpy(1, dx.pointer + i * d, gradient + lay.embed + token * d, d)
        }
    }

    /// a = x·inv ⊙ g, inv = 1/√(mean x² + ε):  dx = inv·(ĝ − x̂·mean(ĝ ⊙ x̂)), ĝ = da ⊙ g, dg += da ⊙ x̂.
    func rmsNormBackward(x: UnsafePointer<R>, inv: UnsafePointer<R>, gain: UnsafePointer<R>, dOut: UnsafePointer<R>,
                         dGain: UnsafeMutablePointer<R>, dx: UnsafeMutablePointer<R>, accumulate: Bool, rows: Int) {
        let d = shape.dModel
        for t in 0..<rows {
            let xr = x + t * d, g = dOut + t * d, out = dx + t * d, s = inv[t]
            var mean: R = 0
            for j in 0..<d { mean += g[j] * gain[j] * xr[j] * s }
            mean /= R(d)
            for j in 0..<d {
                let xhat = xr[j] * s
                dGain[j] += g[j] * xhat
                let v = s * (g[j] * gain[j] - xhat * mean)
                out[j] = accumulate ? out[j] + v : v
            }
        }
    }

    /// Gradients of the rotated q and k and of v from dAttended, through softmax and the causal mask.
    func attentionBackward(layer l: Int, length t: Int) {
        let d = shape.dModel, dh = shape.headDim
        let scale = 1 / R(dh).squareRoot()
        let qp = q[l].pointer, kp = k[l].pointer, vp = v[l].pointer, pp = probs[l].pointer
        let dqp = dq.pointer, dkp = dk.pointer, dvp = dv.pointer, dop = dAttended.pointer, dp = drow.pointer
        dqp.update(repeating: 0, count: t * d)
        dkp.update(repeating: 0, count: t * d)
        dvp.update(repeating: 0, count: t * d)
        for h in 0..<shape.heads {
            for m in 0..<t {
                let row = pp + (h * t + m) * t
                let dom = dop + m * d + h * dh
                var inner: R = 0
                for n in 0...m {
                    dp[n] = headDot(dom, vp + n * d + h * dh, dh)
                    inner += row[n] * dp[n]
                    headAxpy(row[n], dom, dvp + n * d + h * dh, dh)
                }
                let qm = qp + m * d + h * dh, dqm = dqp + m * d + h * dh
                for n in 0...m {
                    let ds = row[n] * (dp[n] - inner) * scale
                    headAxpy(ds, kp + n * d + h * dh, dqm, dh)
                    headAxpy(ds, qm, dkp + n * d + h * dh, dh)
                }
            }
        }
    }

    // MARK: - Reading the workspace

    /// Log-softmax of row i of the last forward pass, at `token`.
    public func logProbability(row i: Int, token: Int) -> Double {
        let vsize = shape.vocabulary
        let r = logits.pointer + i * vsize
        var best = -R.infinity
        for j in 0..<vsize { best = max(best, r[j]) }
        var sum = 0.0
        for j in 0..<vsize { sum += Double(R.exponential(r[j] - best)) }
        return Double(r[token] - best) - Foundation.log(sum)
    }

    /// argmax of row i's logits.
    public func prediction(row i: Int) -> Int {
        let vsize = shape.vocabulary
        let r = logits.pointer + i * vsize
        var best = 0
        for j in 1..<vsize where r[j] > r[best] { best = j }
        return best
    }

    /// Attention probabilities of (layer, head) for query row m over keys 0...m, from the last forward pass.
    public func attentionRow(layer: Int, head: Int, query m: Int, length t: Int) -> [Double] {
        let row = probs[layer].pointer + (head * t + m) * t
        return (0...m).map { Double(row[$0]) }
    }
}
