import Foundation

/// Which channels of a head a model rotates, and where it writes the result: the four layouts transformers' model
/// code uses (r = rotary_dim, d = head_dim, θ_i the frequency of pair i, s the attention factor):
///
/// - `half`: `rotate_half` on the leading r channels (Llama, Qwen, Gemma, OLMo, Mistral): pair i is (i, i + r/2);
///   channels past r (a partial-rotary tail) pass through.
/// - `interleavedComplex`: `view_as_complex` (Llama 4, DeepSeek-V2): pair i is (2i, 2i + 1), rotated in place.
/// - `deepseekInterleave`: DeepSeek-V3's `apply_rotary_pos_emb_interleave` (`rope_interleave: true`): reads pair
///   (2i, 2i + 1) and writes the rotated pair de-interleaved, to (i, i + r/2) — the output is in half-split order.
/// - `interleavedTrailing`: DeepSeek-V4: pairs (o + 2i, o + 2i + 1) of the trailing r channels, o = d − r, in place;
///   the leading d − r channels pass through.
///
/// Every layout turns pair i by the same angle p·θ_i; they differ only in which channels form the pair.
public enum ChannelLayout: String, Sendable, CaseIterable {
    case half
    case interleavedComplex = "interleaved_complex"
    case deepseekInterleave = "deepseek_interleave"
    case interleavedTrailing = "interleaved_trailing"

    /// The (input, input) channels of pair i and the (output, output) channels its rotation is written to.
    public func channels(ofPair i: Int, rotaryDim r: Int, headDim d: Int) -> (input: (Int, Int), output: (Int, Int)) {
        switch self {
        case .half: return ((i, i + r / 2), (i, i + r / 2))
        case .interleavedComplex: return ((2 * i, 2 * i + 1), (2 * i, 2 * i + 1))
        case .deepseekInterleave: return ((2 * i, 2 * i + 1), (i, i + r / 2))
        case .interleavedTrailing:
            let o = d - r
            return ((o + 2 * i, o + 2 * i + 1), (o + 2 * i, o + 2 * i + 1))
        }
    }

    /// Rotates one head vector: pair i by `angles[i]`, cos and sin multiplied by `attentionFactor`,
    ///
    ///     out[a'] = s·(x[a] cos φ − x[b] sin φ),   out[b'] = s·(x[b] cos φ + x[a] sin φ)
    ///
    /// with (a, b) the input channels of the pair and (a', b') its output channels. Channels no pair touches are
    /// copied unchanged and unscaled, as transformers passes them through.
    public func rotate(_ x: [Double], angles: [Double], attentionFactor: Double = 1, rotaryDim r: Int) -> [Double] {
        precondition(r == 2 * angles.count, "one angle per pair: \(angles.count) angles for rotary_dim \(r)")
        precondition(x.count >= r, "vector has \(x.count) channels, the rotary block needs \(r)")
        var out = x
        for (i, phi) in angles.enumerated() {
            let ((a, b), (a2, b2)) = channels(ofPair: i, rotaryDim: r, headDim: x.count)
            let c = cos(phi) * attentionFactor, s = sin(phi) * attentionFactor
            out[a2] = x[a] * c - x[b] * s
            out[b2] = x[b] * c + x[a] * s
        }
        return out
    }
}
