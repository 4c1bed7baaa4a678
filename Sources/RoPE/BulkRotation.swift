import Foundation

/// The Float32 path for bulk work: rotate a `[tokens × heads × headDim]` buffer in place.
///
/// Per token it computes cos and sin once (in Double, then rounded to Float, as transformers keeps its cos/sin
/// cache in float32; see `PhaseTable` for how) and reuses them for every head, which is what llama.cpp does per row: the transcendental work
/// is tokens × dim/2, the multiply-adds tokens × heads × dim. Each pair is rotated exactly as `RotaryEmbedding`
/// does; the tail past the rotary block is left alone.
public struct BulkRotation: Sendable {
    public let inverseFrequencies: [Double]
    public let attentionFactor: Double
    public let layout: PairLayout

    public init(inverseFrequencies: [Double], attentionFactor: Double = 1, layout: PairLayout) {
        self.inverseFrequencies = inverseFrequencies
        self.attentionFactor = attentionFactor
        self.layout = layout
    }

    public init(_ embedding: RotaryEmbedding) {
        self.init(inverseFrequencies: embedding.inverseFrequencies, attentionFactor: embedding.attentionFactor,
                  layout: embedding.layout)
    }

    public var rotaryDim: Int { 2 * inverseFrequencies.count }

    /// Rotates `buffer` (row-major `[tokens][heads][headDim]`) in place; token t sits at `positions[t]`.
    public func apply(to buffer: UnsafeMutableBufferPointer<Float>, heads: Int, headDim: Int, positions: [Double]) {
        let tokens = positions.count
        precondition(headDim >= rotaryDim, "headDim \(headDim) is smaller than the rotary block \(rotaryDim)")
        precondition(buffer.count == tokens * heads * headDim, "buffer holds \(buffer.count) floats, expected \(tokens * heads * headDim)")
        let half = rotaryDim / 2
        guard half > 0, let base = buffer.baseAddress else { return }
        // Per token: cos and sin once, as `rotaryDim` floats laid out so that the inner loop reads them in step
        // with the coordinates it updates.
        let cosines = UnsafeMutablePointer<Float>.allocate(capacity: rotaryDim)
        let signedSines = UnsafeMutablePointer<Float>.allocate(capacity: rotaryDim)
        defer { cosines.deallocate(); signedSines.deallocate() }
        var phases = PhaseTable(inverseFrequencies: inverseFrequencies)
        for t in 0..<tokens {
            phases.move(to: positions[t])
            fillTables(phases, cosines: cosines, signedSines: signedSines)
            for h in 0..<heads {
                let row = base + (t * heads + h) * headDim
                switch layout {
                case .halfSplit: Self.rotateHalfSplit(row, half: half, cos: cosines, sin: signedSines + half)
                case .interleaved: Self.rotateInterleaved(row, count: rotaryDim, cos: cosines, signedSin: signedSines)
                }
            }
        }
    }

    public func apply(to buffer: inout [Float], heads: Int, headDim: Int, positions: [Double]) {
        buffer.withUnsafeMutableBufferPointer { apply(to: $0, heads: heads, headDim: headDim, positions: positions) }
    }

    /// Half-split: cosines[0..<half] = cos φ_i, sin[0..<half] = sin φ_i (signedSines' upper half).
    /// Interleaved: cosines = [c₀, c₀, c₁, c₁, …], signedSines = [−s₀, s₀, −s₁, s₁, …].
    private func fillTables(_ phases: PhaseTable, cosines: UnsafeMutablePointer<Float>, signedSines: UnsafeMutablePointer<Float>) {
        let half = rotaryDim / 2
        for i in 0..<half {
            let c = Float(phases.cos[i] * attentionFactor), s = Float(phases.sin[i] * attentionFactor)
            switch layout {
            case .halfSplit:
                cosines[i] = c
                signedSines[half + i] = s
            case .interleaved:
                cosines[2 * i] = c; cosines[2 * i + 1] = c
                signedSines[2 * i] = -s; signedSines[2 * i + 1] = s
            }
        }
    }

    /// (x_i, x_{i+h}) ← (x_i c − x_{i+h} s, x_{i+h} c + x_i s): two contiguous halves, eight lanes at a time.
    @inline(__always)
    private static func rotateHalfSplit(_ x: UnsafeMutablePointer<Float>, half: Int,
                                        cos: UnsafePointer<Float>, sin: UnsafePointer<Float>) {
        let upper = x + half
        var i = 0
        while i + 8 <= half {
            let a = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            let b = UnsafeRawPointer(upper + i).loadUnaligned(as: SIMD8<Float>.self)
            let c = UnsafeRawPointer(cos + i).loadUnaligned(as: SIMD8<Float>.self)
            let s = UnsafeRawPointer(sin + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: a * c - b * s, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(upper + i).storeBytes(of: b * c + a * s, as: SIMD8<Float>.self)
            i += 8
        }
        while i < half {
            let a = x[i], b = upper[i], c = cos[i], s = sin[i]
            x[i] = a * c - b * s
            upper[i] = b * c + a * s
            i += 1
        }
    }

    /// (x_{2i}, x_{2i+1}) ← (x_{2i} c − x_{2i+1} s, x_{2i+1} c + x_{2i} s), eight lanes at a time:
    /// x ⊙ [c₀,c₀,…] + swap_pairs(x) ⊙ [−s₀,s₀,…].
    @inline(__always)
    private static func rotateInterleaved(_ x: UnsafeMutablePointer<Float>, count: Int,
                                          cos: UnsafePointer<Float>, signedSin: UnsafePointer<Float>) {
        var j = 0
        while j + 8 <= count {
            let v = UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
            let swapped = SIMD8<Float>(v[1], v[0], v[3], v[2], v[5], v[4], v[7], v[6])
            let c = UnsafeRawPointer(cos + j).loadUnaligned(as: SIMD8<Float>.self)
            let s = UnsafeRawPointer(signedSin + j).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(x + j).storeBytes(of: v * c + swapped * s, as: SIMD8<Float>.self)
            j += 8
        }
        while j < count {
            let a = x[j], b = x[j + 1]
            x[j] = a * cos[j] + b * signedSin[j]
            x[j + 1] = b * cos[j + 1] + a * signedSin[j + 1]
            j += 2
        }
    }
}

/// cos(pθ_i) and sin(pθ_i) for the current position p, in Double.
///
/// Evaluating cos and sin for every pair of every token costs more than rotating the whole buffer (~17 ns a pair
/// against ~0.1 ns a float). Consecutive positions — the common case — need only one complex multiplication per pair,
/// e^{i(p+1)θ} = e^{ipθ} · e^{iθ}; each step adds ~1e-16 relative error, so the phases are recomputed exactly every
/// `anchorInterval` steps and whenever positions do not advance by one, keeping the error near 1e-15, far below
/// Float32 resolution.
struct PhaseTable {
    static let anchorInterval = 32
    let inverseFrequencies: [Double]
    let stepCos: [Double], stepSin: [Double]
    var cos: [Double], sin: [Double]
    var position = Double.nan
    var stepsSinceAnchor = 0

    init(inverseFrequencies: [Double]) {
        self.inverseFrequencies = inverseFrequencies
        stepCos = inverseFrequencies.map { Foundation.cos($0) }
        stepSin = inverseFrequencies.map { Foundation.sin($0) }
        cos = [Double](repeating: 1, count: inverseFrequencies.count)
        sin = [Double](repeating: 0, count: inverseFrequencies.count)
    }

    mutating func move(to p: Double) {
        if p == position + 1 && stepsSinceAnchor < Self.anchorInterval {
            for i in cos.indices {
                let c = cos[i], s = sin[i]
                cos[i] = c * stepCos[i] - s * stepSin[i]
                sin[i] = s * stepCos[i] + c * stepSin[i]
            }
            stepsSinceAnchor += 1
        } else if p != position {
            for i in cos.indices {
                cos[i] = Foundation.cos(p * inverseFrequencies[i])
                sin[i] = Foundation.sin(p * inverseFrequencies[i])
            }
            stepsSinceAnchor = 0
        }
        position = p
    }
}
