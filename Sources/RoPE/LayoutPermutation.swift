/// The row permutation that checkpoint converters apply to q and k projection weights so that the half-split
/// (`rotate_half`) code computes what Meta's interleaved code computed.
///
/// transformers' `convert_llama_weights_to_hf.py` does `w.view(n_heads, dim/2, 2, in).transpose(1, 2)`: inside each
/// head, old row 2a+b (pair a, member b ∈ {0, 1}) becomes new row b·(dim/2) + a. On a vector:
///
///     y[a] = x[2a],   y[dim/2 + a] = x[2a + 1]
///
/// and then `halfSplit.rotate(y) == permute(interleaved.rotate(x))`, so q·k is the same number in both codes.
/// Only the rotary block is permuted; a partial-rotary tail stays where it is.
public enum LayoutPermutation {
    /// Interleaved order → half-split order (what the converter does to q/k rows).
    public static func interleavedToHalfSplit<T>(_ x: [T], rotaryDim: Int) -> [T] {
        precondition(rotaryDim % 2 == 0 && rotaryDim <= x.count)
        var y = x
        for a in 0..<rotaryDim / 2 {
            y[a] = x[2 * a]
            y[rotaryDim / 2 + a] = x[2 * a + 1]
        }
        return y
    }

    /// Half-split order → interleaved order (what llama.cpp's converter does to undo it).
    public static func halfSplitToInterleaved<T>(_ y: [T], rotaryDim: Int) -> [T] {
        precondition(rotaryDim % 2 == 0 && rotaryDim <= y.count)
        var x = y
        for a in 0..<rotaryDim / 2 {
            x[2 * a] = y[a]
            x[2 * a + 1] = y[rotaryDim / 2 + a]
        }
        return x
    }
}
