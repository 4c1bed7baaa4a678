/// ReRoPE and Leaky ReRoPE (Su, 2023, bojone/rerope): cap or compress relative distances beyond a window, so that
/// a model never sees a relative position larger than it was trained on.
///
///     ReRoPE:        r' = r                 for r < w,   r' = w                  otherwise
///     Leaky ReRoPE:  r' = r                 for r < w,   r' = w + (r − w)/k      otherwise
///
/// With k → ∞ Leaky ReRoPE becomes ReRoPE; with k = 1 it is plain RoPE.
public protocol RelativePositionMap: Sendable {
    func map(_ r: Double) -> Double
}

public struct ReRoPE: RelativePositionMap, Equatable {
    public var window: Double
    public init(window: Double) { self.window = window }
    public func map(_ r: Double) -> Double { r < window ? r : window }
}

public struct LeakyReRoPE: RelativePositionMap, Equatable {
    public var window: Double
    /// k: positions beyond the window advance at slope 1/k.
    public var slopeDivisor: Double
    public init(window: Double, slopeDivisor: Double) {
        self.window = window
        self.slopeDivisor = slopeDivisor
    }
    public func map(_ r: Double) -> Double { r < window ? r : window + (r - window) / slopeDivisor }
}

extension RelativePositionMap {
    /// The causal logit matrix s[m][n] = ⟨q_m, R(r'(m−n)) k_n⟩ for n ≤ m (nil above the diagonal).
    ///
    /// A real implementation cannot rotate by r' directly (it depends on the pair of positions), so it computes two
    /// full score passes — ordinary RoPE, and q at a constant position against un-rotated k — and picks per entry by
    /// |m − n| < w. Both give exactly these numbers; this function computes the definition.
    public func causalScores(queries: [[Double]], keys: [[Double]], rope: RotaryEmbedding) -> [[Double?]] {
        precondition(queries.count == keys.count)
        return queries.indices.map { m in
            keys.indices.map { n -> Double? in
                guard n <= m else { return nil }
                let r = map(Double(m - n))
                return AttentionScores.dot(rope.rotate(queries[m], at: r), rope.rotate(keys[n], at: 0))
            }
        }
    }
}
