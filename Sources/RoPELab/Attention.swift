// Causal softmax attention, forward: for each head and query m,
//     s_mn = (q_m · k_n) · 1/√d_h  (n ≤ m),   p_mn = exp(s_mn − max_n s) / Σ_n exp(s_mn − max_n s),   o_m = Σ_n p_mn v_n.
//
// Keys are stored coordinate by coordinate (kᵀ), so the scores of two queries against sixteen keys are, for each
// coordinate i, two broadcasts and four loads into eight running sums; o_m runs over the keys with the sixteen
// coordinates of two queries in registers. Each score still sums its products in order i = 0, 1, … and each o_m
// its terms in order n = 0, 1, …; the max and the normaliser are scalar loops over n in order. So the numbers are the
// ones the one-query-at-a-time loop computes, bit for bit.

extension Transformer {
    /// Causal softmax attention of every head, queries firstQuery..<t. `relative`: scores by relative distance
    /// (ReRoPE maps, tables from `reverseRelativeTable`), with q and k left unrotated; else q and k are rotated.
    func attention(layer l: Int, length t: Int, firstQuery: Int, relative: Bool) {
        let d = shape.dModel, dh = shape.headDim, ts = Self.keyStride(t)
        let scale = 1 / R(dh).squareRoot()
        transposeHeads(k[l].pointer, into: keysT[l].pointer, length: t)
        transposeHeads(v[l].pointer, into: valuesT[l].pointer, length: t)
        let qp = q[l].pointer, vp = v[l].pointer, op = attended[l].pointer
        for h in 0..<shape.heads {
            let kT = keysT[l].pointer + h * dh * ts, rows = probs[l].pointer + h * t * ts
            var m = firstQuery
            while m < t {
                let m1 = min(m + 1, t - 1)
                let r0 = rows + m * ts, r1 = rows + m1 * ts
                if relative {
                    relativeScores(query: qp + m * d + h * dh, keysT: kT, m: m, length: t, scale: scale, into: r0)
                    if m1 != m { relativeScores(query: qp + m1 * d + h * dh, keysT: kT, m: m1, length: t, scale: scale, into: r1) }
                } else {
                    scores(qp + m * d + h * dh, qp + m1 * d + h * dh, keysT: kT, stride: ts, keys: m1 + 1,
                           scale: scale, into: r0, r1)
                }
                softmax(r0, through: m)
                if m1 != m { softmax(r1, through: m1) }
                weightedRows(r0, r1, through: m, m1, rows: vp + h * dh, stride: d, into: op + m * d + h * dh, op + m1 * d + h * dh)
                m += 2
            }
        }
    }

    /// out[h][i][n] = x[n][h·d_h + i] for n < t, zero from t to the row's end.
    func transposeHeads(_ x: UnsafePointer<R>, into out: UnsafeMutablePointer<R>, length t: Int) {
        let d = shape.dModel, ts = Self.keyStride(t)
        for c in 0..<d {
            let o = out + c * ts
            for n in 0..<t { o[n] = x[n * d + c] }
            (o + t).update(repeating: 0, count: ts - t)
        }
    }

    /// r0[n] = (a · k_n) · scale and r1[n] = (b · k_n) · scale for n < keys (rounded up to 16; the extra entries are
    /// never read as probabilities). Each dot product sums i = 0, 1, … in order, as the one-key loop did.
    func scores(_ a: UnsafePointer<R>, _ b: UnsafePointer<R>, keysT: UnsafePointer<R>, stride ts: Int, keys: Int,
                scale: R, into r0: UnsafeMutablePointer<R>, _ r1: UnsafeMutablePointer<R>) {
        let dh = shape.headDim, sc = splat(scale)
        var n = 0
        while n < keys {
            let kb = keysT + n
            var s = splat(a[0]), u = splat(b[0])
            var k0 = load4(kb), k1 = load4(kb + 4), k2 = load4(kb + 8), k3 = load4(kb + 12)
            var a0 = s * k0, a1 = s * k1, a2 = s * k2, a3 = s * k3
            var b0 = u * k0, b1 = u * k1, b2 = u * k2, b3 = u * k3
            for i in 1..<dh {
                let kr = kb + i &* ts
                s = splat(a[i]); u = splat(b[i])
                k0 = load4(kr); k1 = load4(kr + 4); k2 = load4(kr + 8); k3 = load4(kr + 12)
                a0 += s * k0; a1 += s * k1; a2 += s * k2; a3 += s * k3
                b0 += u * k0; b1 += u * k1; b2 += u * k2; b3 += u * k3
            }
            store4(a0 * sc, r0 + n); store4(a1 * sc, r0 + n + 4); store4(a2 * sc, r0 + n + 8); store4(a3 * sc, r0 + n + 12)
            store4(b0 * sc, r1 + n); store4(b1 * sc, r1 + n + 4); store4(b2 * sc, r1 + n + 8); store4(b3 * sc, r1 + n + 12)
            n += 16
        }
    }

    /// Scores of query m with the rotation taken by relative distance (q and k unrotated):
    /// s_mn = scale · Σ_i [(qa ka + qb kb) cos φ_i(m−n) + (qa kb − qb ka) sin φ_i(m−n)], i in order.
    func relativeScores(query qm: UnsafePointer<R>, keysT: UnsafePointer<R>, m: Int, length t: Int, scale: R,
                        into row: UnsafeMutablePointer<R>) {
        let half = shape.pairs, ts = Self.keyStride(t), stride = ts + 16, sc = splat(scale)
        var n = 0
        while n <= m {
            var a0 = SIMD4<R>(), a1 = a0, a2 = a0, a3 = a0
            for i in 0..<half {
                let qa = splat(qm[i]), qb = splat(qm[i + half])
                let ka = keysT + i * ts + n, kb = keysT + (i + half) * ts + n
                let c = relativeCos.pointer + i * stride + (t - 1 - m + n), s = relativeSin.pointer + i * stride + (t - 1 - m + n)
                func term(_ o: Int) -> SIMD4<R> {
                    let x = load4(ka + o), y = load4(kb + o)
                    return (qa * x + qb * y) * load4(c + o) + (qa * y - qb * x) * load4(s + o)
                }
                a0 += term(0); a1 += term(4); a2 += term(8); a3 += term(12)
            }
            store4(a0 * sc, row + n); store4(a1 * sc, row + n + 4); store4(a2 * sc, row + n + 8); store4(a3 * sc, row + n + 12)
            n += 16
        }
    }

    /// row[0...m] ← softmax(row[0...m]): max, then exp and the running total in order n = 0, 1, …, then × 1/total.
    /// The max does not depend on the order it is taken in, so it runs four lanes at a time.
    func softmax(_ row: UnsafeMutablePointer<R>, through m: Int) {
        var lanes = SIMD4<R>(repeating: -R.infinity), n = 0
        while n + 4 <= m + 1 { lanes = pointwiseMax(lanes, load4(row + n)); n += 4 }
        var best = lanes.max()
        while n <= m { best = max(best, row[n]); n += 1 }
        var total: R = 0
        for n in 0...m {
            let e = R.exponential(row[n] - best)
            row[n] = e
            total += e
        }
        let norm = 1 / total
        for n in 0...m { row[n] *= norm }
    }

    /// o0 = Σ_{n ≤ m0} w0[n] x_n and o1 = Σ_{n ≤ m1} w1[n] x_n (m0 ≤ m1 ≤ m0 + 1; x_n = rows + n·stride, one head's
    /// d_h coordinates), each sum in order n = 0, 1, … from zero. When m1 = m0 the two are the same query.
    func weightedRows(_ w0: UnsafePointer<R>, _ w1: UnsafePointer<R>, through m0: Int, _ m1: Int, rows x: UnsafePointer<R>,
                      stride: Int, into o0: UnsafeMutablePointer<R>, _ o1: UnsafeMutablePointer<R>) {
        let dh = shape.headDim
        guard dh == 16 else {
            for c in 0..<dh {
                var s0: R = 0, s1: R = 0
                for n in 0...m0 { s0 += w0[n] * x[n * stride + c]; s1 += w1[n] * x[n * stride + c] }
                if m1 > m0 { s1 += w1[m1] * x[m1 * stride + c] }
                o0[c] = s0
                o1[c] = s1
            }
            return
        }
        var a0 = SIMD4<R>(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
        for n in 0...m0 {
            let xr = x + n &* stride, s = splat(w0[n]), u = splat(w1[n])
            let x0 = load4(xr), x1 = load4(xr + 4), x2 = load4(xr + 8), x3 = load4(xr + 12)
            a0 += s * x0; a1 += s * x1; a2 += s * x2; a3 += s * x3
            b0 += u * x0; b1 += u * x1; b2 += u * x2; b3 += u * x3
        }
        if m1 > m0 {
            let xr = x + m1 * stride, u = splat(w1[m1])
            b0 += u * load4(xr); b1 += u * load4(xr + 4); b2 += u * load4(xr + 8); b3 += u * load4(xr + 12)
        }
        store4(a0, o0); store4(a1, o0 + 4); store4(a2, o0 + 8); store4(a3, o0 + 12)
        store4(b0, o1); store4(b1, o1 + 4); store4(b2, o1 + 8); store4(b3, o1 + 12)
    }
}
