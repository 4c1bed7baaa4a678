// Causal softmax attention, backward. With g_m = ∂L/∂o_m (dAttended), for each head:
//     ∂L/∂p_mn = g_m · v_n,   ∂L/∂s_mn = p_mn (∂L/∂p_mn − Σ_n' p_mn' ∂L/∂p_mn') · 1/√d_h   (softmax, then the scale),
//     ∂L/∂q_m = Σ_{n ≤ m} ∂L/∂s_mn k_n,   ∂L/∂k_n = Σ_{m ≥ n} ∂L/∂s_mn q_m,   ∂L/∂v_n = Σ_{m ≥ n} p_mn g_m.
// The q gradients go four queries at a time over the block's keys (p_mn is an exact zero past m, so is ∂L/∂s_mn),
// the k and v gradients two keys at a time over the queries. Every sum has a fixed order.

extension Transformer {
    /// Gradients of the rotated q and k and of v from dAttended, through softmax and the causal mask.
    func attentionBackward(layer l: Int, length t: Int) {
        let d = shape.dModel, dh = shape.headDim, ts = Self.keyStride(t)
        let scale = 1 / R(dh).squareRoot()
        let qp = q[l].pointer, kp = k[l].pointer, dop = dAttended.pointer, ds = dScores.pointer
        for h in 0..<shape.heads {
            let vT = valuesT[l].pointer + h * dh * ts, rows = probs[l].pointer + h * t * ts
            var m = 0
            while m < t {
                let block = QueryBlock(first: m, length: t)
                let dp = Four { dRows.pointer + $0 * ts }
                // ∂L/∂p for four queries at once (scale 1 is exact), then each query's softmax backward.
                scores(block.map { UnsafePointer(dop + $0 * d + h * dh) }, keysT: vT, stride: ts, keys: block.keys, scale: 1, into: dp)
                for i in 0..<block.count {
                    softmaxBackward(rows + block[i] * ts, dp[i], span: block.span, scale: scale, into: ds + block[i] * ts)
                }
                weightedRows(block.map { UnsafePointer(ds + $0 * ts) }, keys: block.keys, rows: kp + h * dh, stride: d,
                             into: block.map { dq.pointer + $0 * d + h * dh })
                m += 4
            }
            var n = 0
            while n < t {
                weightedColumns(n, length: t, rows, ds, stride: ts, dop + h * dh, qp + h * dh, rowStride: d,
                                into: dv.pointer + h * dh, dk.pointer + h * dh)
                n += 2
            }
        }
    }

    /// out[n] = p[n] (dp[n] − Σ_n' p[n'] dp[n']) · scale for n < span, eight at a time, the inner sum in eight lanes
    /// added lane 0 + … + lane 7. Past the query, p is an exact zero, and so is out.
    func softmaxBackward(_ p: UnsafePointer<R>, _ dp: UnsafePointer<R>, span: Int, scale: R,
                         into out: UnsafeMutablePointer<R>) {
        var lanes = Lanes<R>(), n = 0
        while n < span { lanes += load8(p + n) * load8(dp + n); n += 8 }
        let inner = splat(lanes.sum()), sc = splat(scale)
        n = 0
        while n < span { store8(load8(p + n) * (load8(dp + n) - inner) * sc, out + n); n += 8 }
    }

    /// For keys n and n + 1 (if any): a_j = Σ_{m ≥ j} w0[m·stride + j] x_m and b_j = Σ_{m ≥ j} w1[m·stride + j] y_m
    /// (x_m = x + m·rowStride, one head's coordinates), each in order m = j, j+1, … from zero, into row j of `a`
    /// and `b` (rows of `rowStride`).
    func weightedColumns(_ n: Int, length t: Int, _ w0: UnsafePointer<R>, _ w1: UnsafePointer<R>, stride: Int,
                         _ x: UnsafePointer<R>, _ y: UnsafePointer<R>, rowStride: Int,
                         into a: UnsafeMutablePointer<R>, _ b: UnsafeMutablePointer<R>) {
        let dh = shape.headDim
        guard dh == 16, n + 1 < t else {
            for j in n..<min(n + 2, t) {
                for c in 0..<dh {
                    var sa: R = 0, sb: R = 0
                    for m in j..<t {
                        sa += w0[m * stride + j] * x[m * rowStride + c]
                        sb += w1[m * stride + j] * y[m * rowStride + c]
                    }
                    a[j * rowStride + c] = sa
                    b[j * rowStride + c] = sb
                }
            }
            return
        }
        // Key n's first term (m = n), then both keys over m = n + 1 ..< t.
        var xr = x + n &* rowStride, yr = y + n &* rowStride
        var s = splat(w0[n &* stride &+ n]), u = splat(w1[n &* stride &+ n])
        var a0 = s * load8(xr), a1 = s * load8(xr + 8), b0 = u * load8(yr), b1 = u * load8(yr + 8)
        var c0 = Lanes<R>(), c1 = c0, e0 = c0, e1 = c0
        for m in (n + 1)..<t {
            xr = x + m &* rowStride; yr = y + m &* rowStride
            let x0 = load8(xr), x1 = load8(xr + 8), y0 = load8(yr), y1 = load8(yr + 8), wr = m &* stride &+ n
            s = splat(w0[wr]); u = splat(w1[wr])
            a0 += s * x0; a1 += s * x1; b0 += u * y0; b1 += u * y1
            s = splat(w0[wr + 1]); u = splat(w1[wr + 1])
            c0 += s * x0; c1 += s * x1; e0 += u * y0; e1 += u * y1
        }
        let r0 = n * rowStride, r1 = r0 + rowStride
        store8(a0, a + r0); store8(a1, a + r0 + 8); store8(b0, b + r0); store8(b1, b + r0 + 8)
        store8(c0, a + r1); store8(c1, a + r1 + 8); store8(e0, b + r1); store8(e1, b + r1 + 8)
    }
}
