import Foundation

/// A factor some models multiply queries by, growing with the token's position p (0-based), so that attention
/// logits sharpen as the context lengthens (Nakanishi 2025, "Scalable-Softmax": the softmax over n keys flattens
/// as n grows unless the logits grow like log n).
///
/// - `llama4Temperature` (Llama 4, `attn_temperature_tuning`; transformers `Llama4TextAttention`), on the layers
///   without RoPE only:
///
///       scale(p) = 1 + attn_scale · ln(1 + ⌊(p + 1) / floor_scale⌋)
///
/// - `llama4Scaling` (Ministral 3, `llama_4_scaling_beta`; transformers `get_llama_4_attn_scale`), on every layer:
///
///       scale(p) = 1 + β · ln(1 + ⌊p / L⌋),   L = rope_parameters.original_max_position_embeddings
///
/// Both are 1 for the whole first window (p + 1 < floor_scale, resp. p < L) and step up by a logarithm after.
public enum QueryScale: Sendable, Equatable {
    case llama4Temperature(floorScale: Double, attnScale: Double)
    case llama4Scaling(beta: Double, originalContext: Int)

    public func value(at position: Double) -> Double {
        switch self {
        case let .llama4Temperature(floorScale, attnScale):
            return 1 + attnScale * log1p(((position + 1) / floorScale).rounded(.down))
        case let .llama4Scaling(beta, context):
            return 1 + beta * log1p((position / Double(context)).rounded(.down))
        }
    }

    /// The window after which the scale first steps up (floor_scale, resp. L).
    public var period: Double {
        switch self {
        case .llama4Temperature(let floorScale, _): floorScale
        case .llama4Scaling(_, let context): Double(context)
        }
    }

    /// The config key the scale comes from.
    public var name: String {
        switch self {
        case .llama4Temperature: "attn_temperature_tuning"
        case .llama4Scaling: "llama_4_scaling_beta"
        }
    }

    /// Positions worth printing when the user names none: the first window's edges, then doublings.
    public var samplePositions: [Double] {
        let l = period
        return [0, l - 2, l - 1, l, 2 * l, 4 * l, 16 * l, 64 * l].filter { $0 >= 0 }
    }
}
