import Foundation
import RoPE

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
    let attended: [Buffer<R>], xmid: [Buffer<R>], inv2: [Buffer<R>], a2: [Buffer<R>]
    let hpre: [Buffer<R>], u: [Buffer<R>]
    /// Keys and values of each head coordinate by coordinate ([head][i][n], rows of `keyStride(T)`), and the
    /// attention probabilities ([head][query][key], rows of `keyStride(T)`).
    let keysT: [Buffer<R>], valuesT: [Buffer<R>], probs: [Buffer<R>]
    let xout: Buffer<R>, invf: Buffer<R>, af: Buffer<R>, logits: Buffer<R>
    // Backward scratch.
    let dx: Buffer<R>, dxmid: Buffer<R>, da: Buffer<R>, dq: Buffer<R>, dk: Buffer<R>, dv: Buffer<R>, dAttended: Buffer<R>
    let dh: Buffer<R>, dlogits: Buffer<R>, dScores: Buffer<R>, dRows: Buffer<R>
    /// One row's e^(logit − max), eight lanes at a time.
    let logitScratch: Buffer<R>
    /// ReRoPE-style tables by relative distance, reversed ([pair][T − 1 − distance]) so keys n, n+1, … read them in order.
    let relativeCos: Buffer<R>, relativeSin: Buffer<R>
    /// Every weight matrix transposed, at its offset in the parameter layout: the backward pass reads Wᵀ row by row.
    let transposed: Buffer<R>
    /// The output head's gradient, transposed (vocabulary × d_model), while a sequence adds to it.
    let outputGradientT: Buffer<R>

    public init(shape: ModelShape, maxLength: Int) {
        self.shape = shape
        self.maxLength = maxLength
        layout = shape.layout
        let t = maxLength, d = shape.dModel, f = shape.hidden, h = shape.heads, n = shape.layers
        let ts = Self.keyStride(t)
        func many(_ size: Int) -> [Buffer<R>] { (0..<n).map { _ in Buffer<R>(size) } }
        xin = many(t * d); inv1 = many(t); a1 = many(t * d); q = many(t * d); k = many(t * d); v = many(t * d)
        attended = many(t * d); xmid = many(t * d); inv2 = many(t); a2 = many(t * d)
        hpre = many(t * f); u = many(t * f)
        keysT = many(d * ts); valuesT = many(d * ts); probs = many(h * t * ts)
        xout = Buffer(t * d); invf = Buffer(t); af = Buffer(t * d)
        // Eight spare entries: the loss reads the last row eight logits at a time.
        logits = Buffer(t * shape.vocabulary + 8); logitScratch = Buffer(shape.vocabulary + 8)
        dx = Buffer(t * d); dxmid = Buffer(t * d); da = Buffer(t * d); dq = Buffer(t * d); dk = Buffer(t * d)
        dv = Buffer(t * d); dAttended = Buffer(t * d); dh = Buffer(t * f); dlogits = Buffer(t * shape.vocabulary)
        dScores = Buffer(t * ts); dRows = Buffer(4 * ts)
        relativeCos = Buffer(shape.pairs * (ts + 16)); relativeSin = Buffer(shape.pairs * (ts + 16))
        transposed = Buffer(shape.parameterCount)
        outputGradientT = Buffer(shape.vocabulary * d)
    }

    /// Row length of the key-major buffers: T rounded up to whole blocks of 16 keys.
    static func keyStride(_ t: Int) -> Int { (t + 15) / 16 * 16 }

    /// The cos/sin table `forward` needs for `scheme` at `rows` tokens: by position, or by relative distance through
    /// the scheme's map (ReRoPE). Build it once and pass it to every sequence of that length.
    func positions(_ scheme: PositionScheme, rows: Int) -> RotationTable<R> {
        RotationTable<R>(scheme: scheme, rows: rows)
    }

    // MARK: - Forward

    /// Runs the model on `tokens` and leaves logits (rows `firstOutput..<T`) and every activation in the workspace.
    /// With `firstOutput > 0` the last layer computes attention, MLP and logits only for those rows (evaluation).
    public func forward(tokens: [Int], parameters: UnsafePointer<R>, scheme: PositionScheme, firstOutput: Int = 0) {
        forward(tokens: tokens, parameters: parameters, scheme: scheme, table: positions(scheme, rows: tokens.count),
                firstOutput: firstOutput)
    }

    /// `forward` with the table of `positions(scheme, rows: tokens.count)` (or longer) already built.
    func forward(tokens: [Int], parameters: UnsafePointer<R>, scheme: PositionScheme, table: RotationTable<R>,
                 firstOutput: Int = 0) {
        let t = tokens.count, d = shape.dModel, f = shape.hidden
        precondition(t <= maxLength, "sequence of \(t) tokens, workspace holds \(maxLength)")
        let lay = layout
        let x0 = xin[0].pointer
        for (i, token) in tokens.enumerated() {
            precondition(token >= 0 && token < shape.vocabulary, "token \(token) outside the vocabulary")
            (x0 + i * d).update(from: parameters + lay.embed + token * d, count: d)
        }
        if scheme.relativeMap != nil { reverseRelativeTable(table, length: t) }
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
            scaleQueries(q[l].pointer, rows: t, scheme: scheme)
            attention(layer: l, length: t, firstQuery: first, relative: scheme.relativeMap != nil)
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

    /// Su's log-n scaling: row m of q (every head) times max(1, ln(m + 1)/ln L_train); nothing without it. The
    /// backward pass applies the same factors to ∂L/∂q (the map is linear, one scalar per row).
    func scaleQueries(_ x: UnsafeMutablePointer<R>, rows: Int, scheme: PositionScheme) {
        guard scheme.logNTrainingLength != nil else { return }
        let d = shape.dModel
        for t in 0..<rows {
            let g = R(scheme.queryScale(at: t))
            if g != 1 { for j in 0..<d { x[t * d + j] *= g } }
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

    /// relativeCos[i][T − 1 − δ] = table.cos[δ][i] (and sin), zero past T − 1, for the relative attention path.
    func reverseRelativeTable(_ table: RotationTable<R>, length t: Int) {
        let half = shape.pairs, stride = Self.keyStride(t) + 16
        relativeCos.zero()
        relativeSin.zero()
        for i in 0..<half {
            for j in 0..<t {
                relativeCos[i * stride + j] = table.cos[(t - 1 - j) * half + i]
                relativeSin[i * stride + j] = table.sin[(t - 1 - j) * half + i]
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
        let row = probs[layer].pointer + (head * t + m) * Self.keyStride(t)
        return (0...m).map { Double(row[$0]) }
    }
}
