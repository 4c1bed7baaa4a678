// The lab's matrix products, four lanes at a time (the x86-64 baseline the package is compiled for has 16 SSE
// registers of four Floats and no FMA).
//
// Every kernel keeps, for every output element, the summation order of the per-row loop it replaced, and only skips
// terms that are exact zeros; so training and evaluation give the same bits as before, and the same bits run after
// run. What changes is how many registers hold partial results and how often memory is touched.
//
// Offsets inside the inner loops use wrapping arithmetic (&*, &+): they are bounded by buffers sized when the
// workspace was made, and a checked multiply costs a multiply and a branch per term.

@inline(__always)
func load4<R: LabFloat>(_ p: UnsafePointer<R>) -> SIMD4<R> { UnsafeRawPointer(p).loadUnaligned(as: SIMD4<R>.self) }

@inline(__always)
func store4<R: LabFloat>(_ v: SIMD4<R>, _ p: UnsafeMutablePointer<R>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<R>.self)
}

@inline(__always)
func splat<R: LabFloat>(_ x: R) -> SIMD4<R> { SIMD4(repeating: x) }

/// Y[rows × n] = X[rows × k] · W[k × n]   (or Y += X·W when `accumulate`)
///
/// Two rows × sixteen columns live in eight registers over the whole k loop, so each load of W serves two rows and
/// Y is read and written once. Every element adds its products in order j = 0, 1, …, k−1 onto its start value
/// (0, or Y), exactly as the plain loop. An odd last row is paired with itself (both copies compute the same sums).
func matmul<R: LabFloat>(_ x: UnsafePointer<R>, _ w: UnsafePointer<R>, _ y: UnsafeMutablePointer<R>,
                         rows: Int, k: Int, n: Int, accumulate: Bool = false) {
    var t = 0
    while t < rows {
        let x0 = x + t * k, x1 = t + 1 < rows ? x0 + k : x0
        let y0 = y + t * n, y1 = t + 1 < rows ? y0 + n : y0
        var c = 0
        while c + 16 <= n {
            var a0 = SIMD4<R>(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
            if accumulate {
                a0 = load4(y0 + c); a1 = load4(y0 + c + 4); a2 = load4(y0 + c + 8); a3 = load4(y0 + c + 12)
                b0 = load4(y1 + c); b1 = load4(y1 + c + 4); b2 = load4(y1 + c + 8); b3 = load4(y1 + c + 12)
            }
            for j in 0..<k {
                let wr = w + (j &* n &+ c)
                let w0 = load4(wr), w1 = load4(wr + 4), w2 = load4(wr + 8), w3 = load4(wr + 12)
                let s = splat(x0[j]), u = splat(x1[j])
                a0 += s * w0; a1 += s * w1; a2 += s * w2; a3 += s * w3
                b0 += u * w0; b1 += u * w1; b2 += u * w2; b3 += u * w3
            }
            store4(a0, y0 + c); store4(a1, y0 + c + 4); store4(a2, y0 + c + 8); store4(a3, y0 + c + 12)
            store4(b0, y1 + c); store4(b1, y1 + c + 4); store4(b2, y1 + c + 8); store4(b3, y1 + c + 12)
            c += 16
        }
        while c + 4 <= n {
            var a = accumulate ? load4(y0 + c) : SIMD4<R>(), b = accumulate ? load4(y1 + c) : SIMD4<R>()
            for j in 0..<k {
                let wv = load4(w + (j &* n &+ c))
                a += splat(x0[j]) * wv; b += splat(x1[j]) * wv
            }
            store4(a, y0 + c); store4(b, y1 + c)
            c += 4
        }
        while c < n {
            var a = accumulate ? y0[c] : 0, b = accumulate ? y1[c] : 0
            for j in 0..<k { a += x0[j] * w[j * n + c]; b += x1[j] * w[j * n + c] }
            y0[c] = a; y1[c] = b
            c += 1
        }
        t += 2
    }
}

/// Y += X·W for an X with many exact zeros (ReLU outputs): each row's non-zero inputs are listed first, without
/// branches, and only their rows of W are read. The skipped terms are exact zeros, so every non-zero result equals
/// the dense loop's, bit for bit, with the same order j = 0, 1, ….
func matmulSkippingZeros<R: LabFloat>(_ x: UnsafePointer<R>, _ w: UnsafePointer<R>, _ y: UnsafeMutablePointer<R>,
                                      rows: Int, k: Int, n: Int, index: UnsafeMutablePointer<Int>) {
    for t in 0..<rows {
        let xr = x + t * k, yr = y + t * n
        var count = 0
        for j in 0..<k { index[count] = j; count += xr[j] != 0 ? 1 : 0 }
        var c = 0
        while c + 32 <= n {
            var a0 = load4(yr + c), a1 = load4(yr + c + 4), a2 = load4(yr + c + 8), a3 = load4(yr + c + 12)
            var a4 = load4(yr + c + 16), a5 = load4(yr + c + 20), a6 = load4(yr + c + 24), a7 = load4(yr + c + 28)
            for e in 0..<count {
                let j = index[e], s = splat(xr[j]), wr = w + (j &* n &+ c)
                a0 += s * load4(wr); a1 += s * load4(wr + 4); a2 += s * load4(wr + 8); a3 += s * load4(wr + 12)
                a4 += s * load4(wr + 16); a5 += s * load4(wr + 20); a6 += s * load4(wr + 24); a7 += s * load4(wr + 28)
            }
            store4(a0, yr + c); store4(a1, yr + c + 4); store4(a2, yr + c + 8); store4(a3, yr + c + 12)
            store4(a4, yr + c + 16); store4(a5, yr + c + 20); store4(a6, yr + c + 24); store4(a7, yr + c + 28)
            c += 32
        }
        while c + 4 <= n {
            var a = load4(yr + c)
            for e in 0..<count { let j = index[e]; a += splat(xr[j]) * load4(w + j * n + c) }
            store4(a, yr + c)
            c += 4
        }
        while c < n {
            var a = yr[c]
            for e in 0..<count { let j = index[e]; a += xr[j] * w[j * n + c] }
            yr[c] = a
            c += 1
        }
    }
}

/// dX[rows × k] (+)= dY[rows × n] · Wᵀ, reading `wt` = Wᵀ [n × k] (transposed once per step) row by row.
///
/// Each result is the dot product dY[t, :]·W[j, :] summed the way `dot` sums it: eight lanes c ≡ 0 … 7 (mod 8)
/// accumulated separately over c < 8⌊n/8⌋, then lane 0 + lane 1 + … + lane 7, then the remaining c in order; then
/// added to dX when `accumulate`. Here sixteen results j are computed at once per lane, so W is read contiguously
/// and no horizontal sums are needed, with the same additions in the same order.
func matmulTransposedWeights<R: LabFloat>(_ dy: UnsafePointer<R>, _ wt: UnsafePointer<R>, _ dx: UnsafeMutablePointer<R>,
                                          rows: Int, k: Int, n: Int, accumulate: Bool) {
    let full = n / 8 * 8
    // Two rows × eight results per pass: twelve registers, and two independent chains of additions per lane.
    var t = 0
    while t < rows {
        let y0 = dy + t * n, y1 = t + 1 < rows ? y0 + n : y0
        let o0 = dx + t * k, o1 = t + 1 < rows ? o0 + k : o0
        var j = 0
        while j + 8 <= k {
            var s0 = SIMD4<R>(), s1 = s0, u0 = s0, u1 = s0
            for lane in 0..<(full > 0 ? 8 : 0) {
                var c = lane
                var wr = wt + (c &* k &+ j), w0 = load4(wr), w1 = load4(wr + 4)
                var d = splat(y0[c]), e = splat(y1[c])
                var a0 = d * w0, a1 = d * w1, b0 = e * w0, b1 = e * w1
                c += 8
                while c < full {
                    wr = wt + (c &* k &+ j); w0 = load4(wr); w1 = load4(wr + 4)
                    d = splat(y0[c]); e = splat(y1[c])
                    a0 += d * w0; a1 += d * w1; b0 += e * w0; b1 += e * w1
                    c += 8
                }
                if lane == 0 { s0 = a0; s1 = a1; u0 = b0; u1 = b1 } else { s0 += a0; s1 += a1; u0 += b0; u1 += b1 }
            }
            for c in full..<n {
                let wr = wt + (c &* k &+ j), w0 = load4(wr), w1 = load4(wr + 4), d = splat(y0[c]), e = splat(y1[c])
                s0 += d * w0; s1 += d * w1; u0 += e * w0; u1 += e * w1
            }
            if accumulate {
                s0 = load4(o0 + j) + s0; s1 = load4(o0 + j + 4) + s1
                u0 = load4(o1 + j) + u0; u1 = load4(o1 + j + 4) + u1
            }
            store4(s0, o0 + j); store4(s1, o0 + j + 4); store4(u0, o1 + j); store4(u1, o1 + j + 4)
            j += 8
        }
        while j < k {
            let a = laneOrderDot(y0, wt + j, stride: k, n), b = laneOrderDot(y1, wt + j, stride: k, n)
            let p0 = o0[j], p1 = o1[j]  // both read before either is written: o1 is o0 for an odd last row
            o0[j] = accumulate ? p0 + a : a
            o1[j] = accumulate ? p1 + b : b
            j += 1
        }
        t += 2
    }
}

/// Σ_c x[c]·y[c·stride] in `dot`'s order (eight lanes, then lane 0 + … + lane 7, then the tail).
@inline(__always)
func laneOrderDot<R: LabFloat>(_ x: UnsafePointer<R>, _ y: UnsafePointer<R>, stride: Int, _ n: Int) -> R {
    var lanes = SIMD8<R>()
    var c = 0
    while c + 8 <= n {
        for lane in 0..<8 { lanes[lane] += x[c + lane] * y[(c + lane) * stride] }
        c += 8
    }
    var s = lanes.sum()
    while c < n { s += x[c] * y[c * stride]; c += 1 }
    return s
}

/// dW[k × n] += Xᵀ[k × rows] · dY[rows × n]
///
/// Each row j of dW is updated 32 columns at a time in registers over all rows; every element adds its products in
/// order t = 0, 1, …. With `sparse` (X a ReLU output), the rows t with X[t, j] = 0 are listed out first (exact zero
/// terms; listing them out beats a branch that mispredicts half the time). n should be a multiple of 16 (the output
/// layer's gradient is accumulated transposed, see `accumulateTransposedWeightGradient`).
func accumulateWeightGradient<R: LabFloat>(_ x: UnsafePointer<R>, _ dy: UnsafePointer<R>, _ dw: UnsafeMutablePointer<R>,
                                           rows: Int, k: Int, n: Int, sparse: Bool, index: UnsafeMutablePointer<Int>) {
    for j in 0..<k {
        var count = rows
        if sparse {
            count = 0
            for t in 0..<rows { index[count] = t; count += x[t * k + j] != 0 ? 1 : 0 }
        }
        @inline(__always) func row(_ e: Int) -> Int { sparse ? index[e] : e }
        let dwr = dw + j * n
        var c = 0
        while c + 32 <= n {
            var a0 = load4(dwr + c), a1 = load4(dwr + c + 4), a2 = load4(dwr + c + 8), a3 = load4(dwr + c + 12)
            var a4 = load4(dwr + c + 16), a5 = load4(dwr + c + 20), a6 = load4(dwr + c + 24), a7 = load4(dwr + c + 28)
            for e in 0..<count {
                let t = row(e), s = splat(x[t &* k &+ j]), d = dy + (t &* n &+ c)
                a0 += s * load4(d); a1 += s * load4(d + 4); a2 += s * load4(d + 8); a3 += s * load4(d + 12)
                a4 += s * load4(d + 16); a5 += s * load4(d + 20); a6 += s * load4(d + 24); a7 += s * load4(d + 28)
            }
            store4(a0, dwr + c); store4(a1, dwr + c + 4); store4(a2, dwr + c + 8); store4(a3, dwr + c + 12)
            store4(a4, dwr + c + 16); store4(a5, dwr + c + 20); store4(a6, dwr + c + 24); store4(a7, dwr + c + 28)
            c += 32
        }
        while c + 16 <= n {
            var a0 = load4(dwr + c), a1 = load4(dwr + c + 4), a2 = load4(dwr + c + 8), a3 = load4(dwr + c + 12)
            for e in 0..<count {
                let t = row(e), s = splat(x[t &* k &+ j]), d = dy + (t &* n &+ c)
                a0 += s * load4(d); a1 += s * load4(d + 4); a2 += s * load4(d + 8); a3 += s * load4(d + 12)
            }
            store4(a0, dwr + c); store4(a1, dwr + c + 4); store4(a2, dwr + c + 8); store4(a3, dwr + c + 12)
            c += 16
        }
        while c < n {
            var a = dwr[c]
            for e in 0..<count { let t = row(e); a += x[t * k + j] * dy[t * n + c] }
            dwr[c] = a
            c += 1
        }
    }
}

/// dW[k × n] += Xᵀ · dY computed as dWᵀ[n × k] += dYᵀ · X (for an n such as the vocabulary, 29, that does not fill
/// SIMD registers while k does): the same products added to each element in the same order t = 0, 1, …, via a
/// transposed copy of dW in `scratch` (n × k).
func accumulateTransposedWeightGradient<R: LabFloat>(_ x: UnsafePointer<R>, _ dy: UnsafePointer<R>, _ dw: UnsafeMutablePointer<R>,
                                                     rows: Int, k: Int, n: Int, scratch: UnsafeMutablePointer<R>,
                                                     index: UnsafeMutablePointer<Int>) {
    transpose(dw, into: scratch, rows: k, columns: n)
    accumulateWeightGradient(dy, x, scratch, rows: rows, k: n, n: k, sparse: false, index: index)
    transpose(scratch, into: dw, rows: n, columns: k)
}

/// out[n × k] = inᵀ for in [k × n].
func transpose<R: LabFloat>(_ a: UnsafePointer<R>, into out: UnsafeMutablePointer<R>, rows k: Int, columns n: Int) {
    for j in 0..<k {
        for c in 0..<n { out[c * k + j] = a[j * n + c] }
    }
}
