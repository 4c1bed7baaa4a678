// Causal softmax attention, forward: for each head and query m,
//     s_mn = (q_m · k_n) · 1/√d_h  (n ≤ m),   p_mn = exp(s_mn − max_n s) / Σ_n exp(s_mn − max_n s),   o_m = Σ_n p_mn v_n.
//
// Queries go four at a time. Keys are stored coordinate by coordinate (kᵀ), so the scores of four queries against
// sixteen keys are, for each coordinate i, four broadcasts and two loads into eight running sums; each score sums
// its products in order i = 0, 1, …. After the softmax a row holds exact zeros from key m + 1 to the block's end,
// so o_m can run over the block's keys 0 ..< m₀ + 4 with the other three queries: the extra terms are zeros.

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
                let block = QueryBlock(first: m, length: t), keys = block.keys
                if relative {
                    for i in 0..<block.count {
                        relativeScores(query: qp + block[i] * d + h * dh, keysT: kT, m: block[i], length: t, scale: scale,
                                       into: rows + block[i] * ts)
                    }
                } else {
                    scores(block.map { UnsafePointer(qp + $0 * d + h * dh) }, keysT: kT, stride: ts, keys: keys, scale: scale,
                           into: block.map { rows + $0 * ts })
                }
                for i in 0..<block.count { softmax(rows + block[i] * ts, through: block[i], zeroingTo: block.span) }
                weightedRows(block.map { UnsafePointer(rows + $0 * ts) }, keys: keys, rows: vp + h * dh, stride: d,
                             into: block.map { op + $0 * d + h * dh })
                m += 4
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

    /// rows[j][n] = (queries[j] · k_n) · scale for n < keys (rounded up to 16: the extra entries are scores of the
    /// zero keys past t, or of keys past a query, which the softmax overwrites). Each dot product sums i = 0, 1, ….
    func scores(_ queries: Four<UnsafePointer<R>>, keysT: UnsafePointer<R>, stride ts: Int, keys: Int, scale: R,
                into rows: Four<UnsafeMutablePointer<R>>) {
        let dh = shape.headDim, sc = splat(scale)
        let (q0, q1, q2, q3) = (queries[0], queries[1], queries[2], queries[3])
        var n = 0
        while n < keys {
            var a0 = Lanes<R>(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, e0 = a0, e1 = a0
            for i in 0..<dh {
                let kr = keysT + (i &* ts &+ n), k0 = load8(kr), k1 = load8(kr + 8)
                var s = splat(q0[i]); a0 += s * k0; a1 += s * k1
                s = splat(q1[i]); b0 += s * k0; b1 += s * k1
                s = splat(q2[i]); c0 += s * k0; c1 += s * k1
                s = splat(q3[i]); e0 += s * k0; e1 += s * k1
            }
            store8(a0 * sc, rows[0] + n); store8(a1 * sc, rows[0] + n + 8)
            store8(b0 * sc, rows[1] + n); store8(b1 * sc, rows[1] + n + 8)
            store8(c0 * sc, rows[2] + n); store8(c1 * sc, rows[2] + n + 8)
            store8(e0 * sc, rows[3] + n); store8(e1 * sc, rows[3] + n + 8)
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
            var a0 = Lanes<R>(), a1 = a0
            for i in 0..<half {
                let qa = splat(qm[i]), qb = splat(qm[i + half])
                let ka = keysT + i * ts + n, kb = keysT + (i + half) * ts + n
                let c = relativeCos.pointer + i * stride + (t - 1 - m + n), s = relativeSin.pointer + i * stride + (t - 1 - m + n)
                func term(_ o: Int) -> Lanes<R> {
                    let x = load8(ka + o), y = load8(kb + o)
                    return (qa * x + qb * y) * load8(c + o) + (qa * y - qb * x) * load8(s + o)
                }
                a0 += term(0); a1 += term(8)
            }
            store8(a0 * sc, row + n); store8(a1 * sc, row + n + 8)
            n += 16
        }
    }

    /// row[0...m] ← softmax(row[0...m]), and row[m+1 ..< end] ← 0: the max, e^(s − max) with its total
    /// (`shiftedExponentials`, which zeroes the last block's lanes past m), then × 1/total, eight keys at a time.
    func softmax(_ row: UnsafeMutablePointer<R>, through m: Int, zeroingTo end: Int) {
        let count = m + 1
        let norm = splat(1 / shiftedExponentials(row, minus: rowMax(row, count), count: count, into: row))
        var n = 0
        while n < count { store8(load8(row + n) * norm, row + n); n += 8 }
        if n < end { (row + n).update(repeating: 0, count: end - n) }
    }

    /// outputs[j] = Σ_{n < keys} weights[j][n] · x_n (x_n = x + n·stride, one head's d_h coordinates), each sum in
    /// order n = 0, 1, … from zero. Repeated entries of a block (past its last query) compute and store the same.
    func weightedRows(_ weights: Four<UnsafePointer<R>>, keys: Int, rows x: UnsafePointer<R>, stride: Int,
                      into outputs: Four<UnsafeMutablePointer<R>>) {
        let dh = shape.headDim
        guard dh == 16 else {
            for j in 0..<4 {
                for c in 0..<dh {
                    var s: R = 0
                    for n in 0..<keys { s += weights[j][n] * x[n * stride + c] }
                    outputs[j][c] = s
                }
            }
            return
        }
        let (w0, w1, w2, w3) = (weights[0], weights[1], weights[2], weights[3])
        var a0 = Lanes<R>(), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, e0 = a0, e1 = a0
        for n in 0..<keys {
            let xr = x + n &* stride, x0 = load8(xr), x1 = load8(xr + 8)
            var s = splat(w0[n]); a0 += s * x0; a1 += s * x1
            s = splat(w1[n]); b0 += s * x0; b1 += s * x1
            s = splat(w2[n]); c0 += s * x0; c1 += s * x1
            s = splat(w3[n]); e0 += s * x0; e1 += s * x1
        }
        store8(a0, outputs[0]); store8(a1, outputs[0] + 8); store8(b0, outputs[1]); store8(b1, outputs[1] + 8)
        store8(c0, outputs[2]); store8(c1, outputs[2] + 8); store8(e0, outputs[3]); store8(e1, outputs[3] + 8)
    }
}

/// Four queries m₀ … m₀+3 of a sequence of `length` tokens; past the last token the block repeats it (`count` says
/// how many are distinct).
struct QueryBlock {
    let queries: Four<Int>
    let count: Int
    /// Keys any query of the block sees: 0 ..< keys.
    let keys: Int

    init(first m: Int, length t: Int) {
        queries = Four { min(m + $0, t - 1) }
        count = min(4, t - m)
        keys = min(m + 4, t)
    }

    subscript(i: Int) -> Int { queries[i] }
    /// Entries of a probability row that are valid after the softmax: keys rounded up to whole blocks of eight.
    var span: Int { (keys + 7) / 8 * 8 }
    func map<T>(_ f: (Int) -> T) -> Four<T> { Four { f(queries[$0]) } }
}

/// Four values, without an array's allocation.
struct Four<T> {
    private let a: T, b: T, c: T, d: T
    init(_ make: (Int) -> T) { a = make(0); b = make(1); c = make(2); d = make(3) }
    subscript(i: Int) -> T {
        switch i { case 0: a; case 1: b; case 2: c; default: d }
    }
}
