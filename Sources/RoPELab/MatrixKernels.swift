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
/// With `xTransposed`, `x` holds Xᵀ [k × rows] instead: a weight gradient dW = Aᵀ·dY passes the activations A as
/// they are. Four rows × sixteen columns live in eight registers over the whole k loop, so each load of W serves
/// four rows and Y is read and written once. Every element adds its products in order j = 0, 1, …, k−1 onto its
/// start value (0, or Y). Past the last row, the block repeats the last row: the copies compute the same values
/// from the same loads and store them to the same place.
func matmul<R: LabFloat>(_ x: UnsafePointer<R>, _ w: UnsafePointer<R>, _ y: UnsafeMutablePointer<R>,
                         rows: Int, k: Int, n: Int, accumulate: Bool = false, xTransposed: Bool = false) {
    // X[r][j] = x[r · rowStep + j · step]
    let rowStep = xTransposed ? 1 : k, step = xTransposed ? rows : 1
    var t = 0
    while t < rows {
        let x0 = x + t * rowStep, x1 = x + min(t + 1, rows - 1) * rowStep
        let x2 = x + min(t + 2, rows - 1) * rowStep, x3 = x + min(t + 3, rows - 1) * rowStep
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
                var s = splat(x0[j &* step]); a0 += s * w0; a1 += s * w1
                s = splat(x1[j &* step]); b0 += s * w0; b1 += s * w1
                s = splat(x2[j &* step]); d0 += s * w0; d1 += s * w1
                s = splat(x3[j &* step]); e0 += s * w0; e1 += s * w1
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
                a += splat(x0[j &* step]) * wv; b += splat(x1[j &* step]) * wv; d += splat(x2[j &* step]) * wv; e += splat(x3[j &* step]) * wv
            }
            store8(a, y0 + c); store8(b, y1 + c); store8(d, y2 + c); store8(e, y3 + c)
            c += 8
        }
        while c < n {
            var a = accumulate ? y0[c] : 0, b = accumulate ? y1[c] : 0, d = accumulate ? y2[c] : 0, e = accumulate ? y3[c] : 0
            for j in 0..<k {
                let wj = w[j &* n &+ c]
                a += x0[j &* step] * wj; b += x1[j &* step] * wj; d += x2[j &* step] * wj; e += x3[j &* step] * wj
            }
            y0[c] = a; y1[c] = b; y2[c] = d; y3[c] = e
            c += 1
        }
        t += 4
    }
}

/// out[n × k] = inᵀ for in [k × n].
func transpose<R: LabFloat>(_ a: UnsafePointer<R>, into out: UnsafeMutablePointer<R>, rows k: Int, columns n: Int) {
    for j in 0..<k {
        let row = a + j &* n
        for c in 0..<n { out[c &* k &+ j] = row[c] }
    }
}
