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
