import Foundation

/// The scalar the lab computes in: Float for training and evaluation (fast), Double for the gradient checks.
public protocol LabFloat: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
}

extension Float: LabFloat {
    @inlinable public static func exponential(_ x: Float) -> Float { expf(x) }
    @inlinable public static func logarithm(_ x: Float) -> Float { logf(x) }
}

extension Double: LabFloat {
    @inlinable public static func exponential(_ x: Double) -> Double { exp(x) }
    @inlinable public static func logarithm(_ x: Double) -> Double { log(x) }
}

/// A fixed-size scratch buffer, allocated once and reused for every sequence (no allocation in the inner loops).
final class Buffer<R: LabFloat> {
    let pointer: UnsafeMutablePointer<R>
    let count: Int
    init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }
    deinit { pointer.deallocate() }
    func zero() { pointer.update(repeating: 0, count: count) }
    subscript(i: Int) -> R {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }
}

// MARK: - Vector kernels (eight lanes at a time; every loop order is fixed, so results are bit-reproducible)

/// y[0..<n] += a · x[0..<n]
@inline(__always)
func axpy<R: LabFloat>(_ a: R, _ x: UnsafePointer<R>, _ y: UnsafeMutablePointer<R>, _ n: Int) {
    var i = 0
    let av = SIMD8<R>(repeating: a)
    while i + 8 <= n {
        let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<R>.self)
        let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<R>.self)
        UnsafeMutableRawPointer(y + i).storeBytes(of: yv + av * xv, as: SIMD8<R>.self)
        i += 8
    }
    while i < n { y[i] += a * x[i]; i += 1 }
}

/// Σ x[i] y[i] for the lab's head size (16) in one SIMD16 product, else eight lanes at a time.
@inline(__always)
func headDot<R: LabFloat>(_ x: UnsafePointer<R>, _ y: UnsafePointer<R>, _ n: Int) -> R {
    if n == 16 {
        return (UnsafeRawPointer(x).loadUnaligned(as: SIMD16<R>.self) * UnsafeRawPointer(y).loadUnaligned(as: SIMD16<R>.self)).sum()
    }
    return dot(x, y, n)
}

/// y += a·x for the lab's head size (16) in one SIMD16 update, else eight lanes at a time.
@inline(__always)
func headAxpy<R: LabFloat>(_ a: R, _ x: UnsafePointer<R>, _ y: UnsafeMutablePointer<R>, _ n: Int) {
    if n == 16 {
        let xv = UnsafeRawPointer(x).loadUnaligned(as: SIMD16<R>.self), yv = UnsafeRawPointer(y).loadUnaligned(as: SIMD16<R>.self)
        UnsafeMutableRawPointer(y).storeBytes(of: yv + SIMD16<R>(repeating: a) * xv, as: SIMD16<R>.self)
        return
    }
    axpy(a, x, y, n)
}

/// Σ x[i] y[i]
@inline(__always)
func dot<R: LabFloat>(_ x: UnsafePointer<R>, _ y: UnsafePointer<R>, _ n: Int) -> R {
    var acc = SIMD8<R>(repeating: 0)
    var i = 0
    while i + 8 <= n {
        acc += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<R>.self)
            * UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<R>.self)
        i += 8
    }
    var s = acc.sum()
    while i < n { s += x[i] * y[i]; i += 1 }
    return s
}

@inline(__always)
func load8<R: LabFloat>(_ p: UnsafePointer<R>) -> SIMD8<R> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<R>.self) }

@inline(__always)
func store8<R: LabFloat>(_ v: SIMD8<R>, _ p: UnsafeMutablePointer<R>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<R>.self) }

/// Y[rows × n] = X[rows × k] · W[k × n]   (or += when `accumulate`)
///
/// Each output row is built 32 columns at a time in four SIMD8 registers over the whole k loop, so y is loaded and
/// stored once instead of k times. Every element still sums its k products in order j = 0, 1, …, so the result is
/// the same, bit for bit, as the plain loop.
func matmul<R: LabFloat>(_ x: UnsafePointer<R>, _ w: UnsafePointer<R>, _ y: UnsafeMutablePointer<R>,
                         rows: Int, k: Int, n: Int, accumulate: Bool = false) {
    guard n % 8 == 0 else {
        for t in 0..<rows {
            let yr = y + t * n
            if !accumulate { yr.update(repeating: 0, count: n) }
            let xr = x + t * k
            for j in 0..<k { axpy(xr[j], w + j * n, yr, n) }
        }
        return
    }
    for t in 0..<rows {
        let xr = x + t * k, yr = y + t * n
        var c = 0
        while c + 32 <= n {
            var a0 = SIMD8<R>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
            if accumulate { a0 = load8(yr + c); a1 = load8(yr + c + 8); a2 = load8(yr + c + 16); a3 = load8(yr + c + 24) }
            for j in 0..<k {
                let s = SIMD8<R>(repeating: xr[j]), wr = w + j * n + c
                a0 += s * load8(wr); a1 += s * load8(wr + 8); a2 += s * load8(wr + 16); a3 += s * load8(wr + 24)
            }
            store8(a0, yr + c); store8(a1, yr + c + 8); store8(a2, yr + c + 16); store8(a3, yr + c + 24)
            c += 32
        }
        while c < n {
            var a0 = accumulate ? load8(yr + c) : SIMD8<R>(repeating: 0)
            for j in 0..<k { a0 += SIMD8<R>(repeating: xr[j]) * load8(w + j * n + c) }
            store8(a0, yr + c)
            c += 8
        }
    }
}

/// dX[rows × k] (+)= dY[rows × n] · Wᵀ   (W is k × n)
func matmulTransposedWeights<R: LabFloat>(_ dy: UnsafePointer<R>, _ w: UnsafePointer<R>, _ dx: UnsafeMutablePointer<R>,
                                          rows: Int, k: Int, n: Int, accumulate: Bool) {
    for t in 0..<rows {
        let dyr = dy + t * n, dxr = dx + t * k
        for j in 0..<k {
            let v = dot(dyr, w + j * n, n)
            dxr[j] = accumulate ? dxr[j] + v : v
        }
    }
}

/// dW[k × n] += Xᵀ[k × rows] · dY[rows × n]
///
/// Each row of dW is updated 32 columns at a time in registers over all rows; every element adds its products in
/// order t = 0, 1, …, skipping zero inputs (ReLU), exactly as the plain loop does.
func accumulateWeightGradient<R: LabFloat>(_ x: UnsafePointer<R>, _ dy: UnsafePointer<R>, _ dw: UnsafeMutablePointer<R>,
                                           rows: Int, k: Int, n: Int) {
    guard n % 8 == 0 else {
        for t in 0..<rows {
            let xr = x + t * k, dyr = dy + t * n
            for j in 0..<k where xr[j] != 0 { axpy(xr[j], dyr, dw + j * n, n) }
        }
        return
    }
    for j in 0..<k {
        let dwr = dw + j * n
        var c = 0
        while c + 32 <= n {
            var a0 = load8(dwr + c), a1 = load8(dwr + c + 8), a2 = load8(dwr + c + 16), a3 = load8(dwr + c + 24)
            for t in 0..<rows {
                let xv = x[t * k + j]
                if xv == 0 { continue }
                let s = SIMD8<R>(repeating: xv), d = dy + t * n + c
                a0 += s * load8(d); a1 += s * load8(d + 8); a2 += s * load8(d + 16); a3 += s * load8(d + 24)
            }
            store8(a0, dwr + c); store8(a1, dwr + c + 8); store8(a2, dwr + c + 16); store8(a3, dwr + c + 24)
            c += 32
        }
        while c < n {
            var a0 = load8(dwr + c)
            for t in 0..<rows {
                let xv = x[t * k + j]
                if xv != 0 { a0 += SIMD8<R>(repeating: xv) * load8(dy + t * n + c) }
            }
            store8(a0, dwr + c)
            c += 8
        }
    }
}
