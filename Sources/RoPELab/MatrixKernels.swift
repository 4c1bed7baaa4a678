// The lab's matrix products, eight lanes at a time: one 256-bit register where the package is built with AVX2
// (Package.swift), two 128-bit halves on the x86-64 baseline. Both give the same bits: the lanes are columns of the
// result, never terms of one sum, and Swift neither fuses a multiply with an add nor reorders additions.
//
// Every result element adds its terms in a fixed order (stated with each kernel), so training is the same bits run
// after run. Offsets inside the inner loops use wrapping arithmetic (&*, &+): they are bounded by buffers sized when
// the workspace was made, and a checked multiply costs a multiply and a branch per term.

typealias Lanes<R: LabFloat> = SIMD8<R>

@inline(__always)
func load8<R: LabFloat>(_ p: UnsafePointer<R>) -> Lanes<R> { UnsafeRawPointer(p).loadUnaligned(as: Lanes<R>.self) }

@inline(__always)
func store8<R: LabFloat>(_ v: Lanes<R>, _ p: UnsafeMutablePointer<R>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes<R>.self)
}

@inline(__always)
func splat<R: LabFloat>(_ x: R) -> Lanes<R> { Lanes(repeating: x) }

/// Y[rows × n] = X[rows × k] · W[k × n]   (or Y += X·W when `accumulate`)
///
/// Four rows × sixteen columns live in eight registers over the whole k loop, so each load of W serves four rows and
/// Y is read and written once. Every element adds its products in order j = 0, 1, …, k−1 onto its start value (0,
/// or Y). Past the last row, the block repeats the last row: the copies compute the same values from the same
/// loads and store them to the same place.
func matmul<R: LabFloat>(_ x: UnsafePointer<R>, _ w: UnsafePointer<R>, _ y: UnsafeMutablePointer<R>,
                         rows: Int, k: Int, n: Int, accumulate: Bool = false) {
    var t = 0
    while t < rows {
        let x0 = x + t * k, x1 = x + min(t + 1, rows - 1) * k, x2 = x + min(t + 2, rows - 1) * k, x3 = x + min(t + 3, rows - 1) * k
        let y0 = y + t * n, y1 = y + min(t + 1, rows - 1) * n, y2 = y + min(t + 2, rows - 1) * n, y3 = y + min(t + 3, rows - 1) * n
        var c = 0
        while c + 16 <= n {
            var a0 = Lanes<R>(), a1 = a0, b0 = a0, b1 = a0, d0 = a0, d1 = a0, e0 = a0, e1 = a0
            if accumulate {
                a0 = load8(y0 + c); a1 = load8(y0 + c + 8); b0 = load8(y1 + c); b1 = load8(y1 + c + 8)
                d0 = load8(y2 + c); d1 = load8(y2 + c + 8); e0 = load8(y3 + c); e1 = load8(y3 + c + 8)
            }
            for j in 0..<k {
                let wr = w + (j &* n &+ c), w0 = load8(wr), w1 = load8(wr + 8)
                var s = splat(x0[j]); a0 += s * w0; a1 += s * w1
                s = splat(x1[j]); b0 += s * w0; b1 += s * w1
                s = splat(x2[j]); d0 += s * w0; d1 += s * w1
                s = splat(x3[j]); e0 += s * w0; e1 += s * w1
            }
            store8(a0, y0 + c); store8(a1, y0 + c + 8); store8(b0, y1 + c); store8(b1, y1 + c + 8)
            store8(d0, y2 + c); store8(d1, y2 + c + 8); store8(e0, y3 + c); store8(e1, y3 + c + 8)
            c += 16
        }
        if c + 8 <= n {
            var a = accumulate ? load8(y0 + c) : Lanes<R>(), b = accumulate ? load8(y1 + c) : Lanes<R>()
            var d = accumulate ? load8(y2 + c) : Lanes<R>(), e = accumulate ? load8(y3 + c) : Lanes<R>()
            for j in 0..<k {
                let wv = load8(w + (j &* n &+ c))
                a += splat(x0[j]) * wv; b += splat(x1[j]) * wv; d += splat(x2[j]) * wv; e += splat(x3[j]) * wv
            }
            store8(a, y0 + c); store8(b, y1 + c); store8(d, y2 + c); store8(e, y3 + c)
            c += 8
        }
        while c < n {
            var a = accumulate ? y0[c] : 0, b = accumulate ? y1[c] : 0, d = accumulate ? y2[c] : 0, e = accumulate ? y3[c] : 0
            for j in 0..<k {
                let wj = w[j &* n &+ c]
                a += x0[j] * wj; b += x1[j] * wj; d += x2[j] * wj; e += x3[j] * wj
            }
            y0[c] = a; y1[c] = b; y2[c] = d; y3[c] = e
            c += 1
        }
        t += 4
    }
}

/// Y += X·W for an X with many exact zeros (ReLU outputs): each row's non-zero inputs are listed first, without
/// branches, and only their rows of W are read. Each element adds its non-zero terms in order j = 0, 1, … in two
/// running sums (even and odd places of the list, so two chains of additions run side by side), then even + odd,
/// then onto Y.
func matmulSkippingZeros<R: LabFloat>(_ x: UnsafePointer<R>, _ w: UnsafePointer<R>, _ y: UnsafeMutablePointer<R>,
                                      rows: Int, k: Int, n: Int, index: UnsafeMutablePointer<Int>) {
    for t in 0..<rows {
        let xr = x + t * k, yr = y + t * n
        var count = 0
        for j in 0..<k { index[count] = j; count += xr[j] != 0 ? 1 : 0 }
        let pairs = count / 2 * 2
        var c = 0
        while c + 32 <= n {
            var a0 = Lanes<R>(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0
            var e = 0
            while e < pairs {
                let j = index[e], s = splat(xr[j]), wr = w + (j &* n &+ c)
                a0 += s * load8(wr); a1 += s * load8(wr + 8); a2 += s * load8(wr + 16); a3 += s * load8(wr + 24)
                let j1 = index[e + 1], u = splat(xr[j1]), wu = w + (j1 &* n &+ c)
                b0 += u * load8(wu); b1 += u * load8(wu + 8); b2 += u * load8(wu + 16); b3 += u * load8(wu + 24)
                e += 2
            }
            if pairs < count {
                let j = index[pairs], s = splat(xr[j]), wr = w + (j &* n &+ c)
                a0 += s * load8(wr); a1 += s * load8(wr + 8); a2 += s * load8(wr + 16); a3 += s * load8(wr + 24)
            }
            store8(load8(yr + c) + (a0 + b0), yr + c); store8(load8(yr + c + 8) + (a1 + b1), yr + c + 8)
            store8(load8(yr + c + 16) + (a2 + b2), yr + c + 16); store8(load8(yr + c + 24) + (a3 + b3), yr + c + 24)
            c += 32
        }
        while c + 8 <= n {
            var a = Lanes<R>(), b = a, e = 0
            while e < pairs {
                a += splat(xr[index[e]]) * load8(w + (index[e] &* n &+ c))
                b += splat(xr[index[e + 1]]) * load8(w + (index[e + 1] &* n &+ c))
                e += 2
            }
            if pairs < count { a += splat(xr[index[pairs]]) * load8(w + (index[pairs] &* n &+ c)) }
            store8(load8(yr + c) + (a + b), yr + c)
            c += 8
        }
        while c < n {
            var a: R = 0, b: R = 0, e = 0
            while e < pairs {
                a += xr[index[e]] * w[index[e] &* n &+ c]
                b += xr[index[e + 1]] * w[index[e + 1] &* n &+ c]
                e += 2
            }
            if pairs < count { a += xr[index[pairs]] * w[index[pairs] &* n &+ c] }
            yr[c] += a + b
            c += 1
        }
    }
}

/// out[n × k] = inᵀ for in [k × n].
func transpose<R: LabFloat>(_ a: UnsafePointer<R>, into out: UnsafeMutablePointer<R>, rows k: Int, columns n: Int) {
    for j in 0..<k {
        for c in 0..<n { out[c * k + j] = a[j * n + c] }
    }
}
