/// Which coordinates of a head form the 2-D planes that RoPE rotates.
///
/// - `interleaved`: pairs (2i, 2i+1). Meta's reference code, GPT-J, llama.cpp's NORM mode.
/// - `halfSplit`: pairs (i, i + dim/2). GPT-NeoX, Hugging Face `rotate_half`, llama.cpp's NEOX mode.
///
/// Both rotate pair i by the same angle; they differ only in which coordinates they pair up.
public enum PairLayout: String, Sendable, CaseIterable {
    case interleaved
    case halfSplit = "half"

    /// The two coordinates of pair `i` in a rotary block of `rotaryDim` coordinates.
    @inlinable
    public func coordinates(ofPair i: Int, rotaryDim: Int) -> (Int, Int) {
        switch self {
        case .interleaved: return (2 * i, 2 * i + 1)
        case .halfSplit: return (i, i + rotaryDim / 2)
        }
    }
}
