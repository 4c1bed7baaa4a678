// Causal softmax attention, backward. With g_m = ∂L/∂o_m (dAttended), for each head:
//     ∂L/∂p_mn = g_m · v_n,   ∂L/∂s_mn = p_mn (∂L/∂p_mn − Σ_n' p_mn' ∂L/∂p_mn') · 1/√d_h   (softmax, then the scale),
//     ∂L/∂q_m = Σ_{n ≤ m} ∂L/∂s_mn k_n,   ∂L/∂k_n = Σ_{m ≥ n} ∂L/∂s_mn q_m,   ∂L/∂v_n = Σ_{m ≥ n} p_mn g_m.
// The q gradients run over keys with two queries in registers, the k and v gradients over queries with one key's
// two sums in registers. Every sum keeps the order of the one-query-at-a-time loop (n ascending for q, m ascending
// for k and v, Σ_n' ascending), so the gradients are the same bits as before.

extension Transformer {
    /// Gradients of the rotated q and k and of v from dAttended, through softmax and the causal mask.
    func attentionBackward(layer l: Int, length t: Int) {
        let d = shape.dModel, dh = shape.headDim, ts = Self.keyStride(t)
        let scale = 1 / R(dh).squareRoot()
        let qp = q[l].pointer, kp = k[l].pointer, dop = dAttended.pointer, ds = dScores.pointer
        let d0 = dRows.pointer, d1 = dRows.pointer + ts
        for h in 0..<shape.heads {
            let vT = valuesT[l].pointer + h * dh * ts, rows = probs[l].pointer + h * t * ts
            var m = 0
            while m < t {
                let m1 = min(m + 1, t - 1)
                // ∂L/∂p for two queries at once (scale 1 is exact), then each query's softmax backward.
                scores(dop + m * d + h * dh, dop + m1 * d + h * dh, keysT: vT, stride: ts, keys: m1 + 1, scale: 1,
                       into: d0, d1)
                softmaxBackward(rows + m * ts, d0, through: m, scale: scale, into: ds + m * ts)
                if m1 != m { softmaxBackward(rows + m1 * ts, d1, through: m1, scale: scale, into: ds + m1 * ts) }
                weightedRows(ds + m * ts, ds + m1 * ts, through: m, m1, rows: kp + h * dh, stride: d,
                             into: dq.pointer + m * d + h * dh, dq.pointer + m1 * d + h * dh)
                m += 2
            }
            for n in 0..<t {
                weightedColumns(n, length: t, rows + n, ds + n, stride: ts, dop + h * dh, qp + h * dh, rowStride: d,
                                into: dv.pointer + n * d + h * dh, dk.pointer + n * d + h * dh)
            }
        }
    }

    /// out[n] = p[n] (dp[n] − Σ_{n' ≤ m} p[n'] dp[n']) · scale for n ≤ m, the inner sum in order n' = 0, 1, ….
    func softmaxBackward(_ p: UnsafePointer<R>, _ dp: UnsafePointer<R>, through m: Int, scale: R,
                         into out: UnsafeMutablePointer<R>) {
        var inner: R = 0
        for n in 0...m { inner += p[n] * dp[n] }
        for n in 0...m { out[n] = p[n] * (dp[n] - inner) * scale }
    }

    /// For key n: a = Σ_{m = n}^{t−1} w0[m·stride] x_m and b = Σ_m w1[m·stride] y_m (x_m = x + m·rowStride, one
    /// head's coordinates), each in order m = n, n+1, … from zero.
    func weightedColumns(_ n: Int, length t: Int, _ w0: UnsafePointer<R>, _ w1: UnsafePointer<R>, stride: Int,
                         _ x: UnsafePointer<R>, _ y: UnsafePointer<R>, rowStride: Int,
                         into a: UnsafeMutablePointer<R>, _ b: UnsafeMutablePointer<R>) {
        let dh = shape.headDim
        guard dh == 16 else {
            for c in 0..<dh {
                var sa: R = 0, sb: R = 0
                for m in n..<t {
                    sa += w0[m * stride] * x[m * rowStride + c]
                    sb += w1[m * stride] * y[m * rowStride + c]
                }
                a[c] = sa
                b[c] = sb
            }
            return
        }
        var a0 = SIMD4<R>(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
        for m in n..<t {
            let xr = x + m &* rowStride, yr = y + m &* rowStride, s = splat(w0[m &* stride]), u = splat(w1[m &* stride])
            a0 += s * load4(xr); a1 += s * load4(xr + 4); a2 += s * load4(xr + 8); a3 += s * load4(xr + 12)
            b0 += u * load4(yr); b1 += u * load4(yr + 4); b2 += u * load4(yr + 8); b3 += u * load4(yr + 12)
        }
        store4(a0, a); store4(a1, a + 4); store4(a2, a + 8); store4(a3, a + 12)
        store4(b0, b); store4(b1, b + 4); store4(b2, b + 8); store4(b3, b + 12)
    }
}
