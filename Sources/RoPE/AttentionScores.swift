import Foundation

/// Attention logits after rotation.
///
/// With R(p) the block-diagonal rotation of RoPE, ⟨R(m)q, R(n)k⟩ = ⟨q, R(n−m)k⟩ = ⟨R(m−n)q, k⟩: the score depends on
/// the positions only through m − n. That identity is the whole point of RoPE.
public enum AttentionScores {
    /// The dot product Σ a_i b_i.
    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "dot product of vectors with \(a.count) and \(b.count) coordinates")
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    /// ⟨R(m)q, R(n)k⟩, unscaled (no 1/√d).
    public static func score(query q: [Double], at m: Double, key k: [Double], at n: Double,
                             rope: RotaryEmbedding) -> Double {
        dot(rope.rotate(q, at: m), rope.rotate(k, at: n))
    }

    /// Softmax of the scaled logits of one query over its keys: exp(s_j/√d) / Σ exp(s_k/√d).
    public static func softmax(_ logits: [Double]) -> [Double] {
        guard let top = logits.max() else { return [] }
        let e = logits.map { exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// The L2 norm √Σ x_i².
    public static func norm(_ x: [Double]) -> Double { sqrt(dot(x, x)) }
}
