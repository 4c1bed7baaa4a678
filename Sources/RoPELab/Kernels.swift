import Foundation

/// The scalar the lab computes in: Float for training and evaluation (fast), Double for the gradient checks.
public protocol LabFloat: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
    /// e^x lane by lane for the softmax's x = s − max s ≤ 0 (down to where e^x is below the smallest normal).
    static func exponentials(_ x: SIMD8<Self>) -> SIMD8<Self>
    /// The larger of a and b, lane by lane. (A requirement, so that each type uses its own vector compare: the
    /// standard library's generic comparisons of SIMD lanes compile to one lane at a time.)
    static func lanewiseMax(_ a: SIMD8<Self>, _ b: SIMD8<Self>) -> SIMD8<Self>
}

extension Float: LabFloat {
    @inlinable public static func exponential(_ x: Float) -> Float { expf(x) }
    @inlinable public static func logarithm(_ x: Float) -> Float { logf(x) }

    /// Cephes' expf, eight lanes at once with adds and multiplies only (so the same bits on every x86-64, with or
    /// without AVX2): x = n·ln 2 + r with n = round(x / ln 2), |r| ≤ ln 2 / 2, ln 2 split in two constants so that r
    /// keeps its low bits; e^r ≈ 1 + r + r²·P(r) with Cephes' degree-5 P (within 2 ulp of e^r on that interval); then
    /// 2ⁿ is made by writing n + 127 into the exponent bits. x is first clamped to [−87.3, 88.3], where n stays
    /// within the normal exponents (e^−87.3 ≈ 1.2·10⁻³⁸ stands in for anything smaller).
    @inlinable public static func lanewiseMax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        a.replacing(with: b, where: b .> a)
    }

    @inlinable public static func exponentials(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var x = x
        x.replace(with: -87.3, where: x .< -87.3)
        x.replace(with: 88.3, where: x .> 88.3)
        // Adding 1.5·2²³ rounds x/ln 2 to an integer (ties to even) and leaves it in the low mantissa bits.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        let r = x - n * 0.693_359_375 - n * -2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let er = p * (r * r) + r + 1
        let bits = (unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return er * unsafeBitCast(bits, to: SIMD8<Float>.self)
    }
}

extension Double: LabFloat {
    @inlinable public static func exponential(_ x: Double) -> Double { exp(x) }
    @inlinable public static func logarithm(_ x: Double) -> Double { log(x) }
    @inlinable public static func lanewiseMax(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> {
        a.replacing(with: b, where: b .> a)
    }
    /// libm's exp, lane by lane (Double is for the gradient checks, where speed does not matter).
    public static func exponentials(_ x: SIMD8<Double>) -> SIMD8<Double> {
        var out = x
        for i in 0..<8 { out[i] = exp(x[i]) }
        return out
    }
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

/// max of x[0..<count] (count ≥ 1), eight lanes at a time (a max does not depend on the order it is taken in).
@inline(__always)
func rowMax<R: LabFloat>(_ x: UnsafePointer<R>, _ count: Int) -> R {
    let full = count / 8 * 8
    var lanes = SIMD8<R>(repeating: -R.infinity), i = 0
    while i < full { lanes = R.lanewiseMax(lanes, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<R>.self)); i += 8 }
    var best = lanes[0]
    for lane in 1..<8 { best = max(best, lanes[lane]) }
    for j in full..<count { best = max(best, x[j]) }
    return best
}

/// out[i] = e^(x[i] − shift) for i < count (`LabFloat.exponentials`), out[count ..< count rounded up to 8] = 0;
/// returns Σ out as eight running totals added lane 0 + … + lane 7. x is read in whole blocks of eight, so it needs
/// room up to count rounded up to 8 (what is there is ignored); `out` may be `x`. The softmax's and the loss's exp.
@inline(__always)
func shiftedExponentials<R: LabFloat>(_ x: UnsafePointer<R>, minus shift: R, count: Int,
                                      into out: UnsafeMutablePointer<R>) -> R {
    let top = SIMD8<R>(repeating: shift)
    var totals = SIMD8<R>(), i = 0
    while i < count {
        let e = R.exponentials(UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<R>.self) - top)
        UnsafeMutableRawPointer(out + i).storeBytes(of: e, as: SIMD8<R>.self)
        for j in count..<max(count, i + 8) { out[j] = 0 }
        totals += UnsafeRawPointer(out + i).loadUnaligned(as: SIMD8<R>.self)
        i += 8
    }
    return totals.sum()
}
