/// Multimodal RoPE (Qwen2-VL, Wang et al. 2024): each token has three positions — temporal, height, width — and
/// each rotary pair turns by one of them. `mrope_section` says how many pairs each axis gets; transformers lays them
/// out in one of two ways:
///
/// - contiguous (Qwen2-VL, Qwen2.5-VL, `recomposition_frequencies` splitting by section): the first section[0]
///   pairs follow t, the next section[1] follow h, then section[2] follow w — the fastest pairs all see time, the
///   slowest all see width;
/// - interleaved (Qwen3-VL, Qwen3.5): pair i follows h when i mod 3 = 1 and i < 3·section[1], w when i mod 3 = 2
///   and i < 3·section[2], t otherwise — every axis gets fast and slow pairs.
///
/// For text tokens t = h = w = the token index, and both layouts reduce to ordinary RoPE.
public struct MRoPE: Sendable, Equatable {
    public enum Axis: String, Sendable, CaseIterable { case t, h, w }

    public var section: [Int]
    public var interleaved: Bool
    /// The axis each rotary pair turns by, one per pair.
    public var pairAxis: [Axis]

    /// Builds the pair → axis map for `pairs` rotary pairs, or explains why the section does not fit them.
    public init(section: [Int], interleaved: Bool, pairs: Int) throws(MRoPEError) {
        guard section.allSatisfy({ $0 >= 0 }) else { throw MRoPEError("has a negative entry: \(section)") }
        self.section = section
        self.interleaved = interleaved
        if interleaved {
            // transformers reads section[1] and section[2] and gives every other pair to t.
            guard section.count == 3 else { throw MRoPEError("has \(section.count) entries; interleaved M-RoPE reads three (t, h, w)") }
            pairAxis = (0..<pairs).map { i in
                if i % 3 == 1 && i < 3 * section[1] { return .h }
                if i % 3 == 2 && i < 3 * section[2] { return .w }
                return .t
            }
        } else {
            // torch.split(freq, section) must cover the pairs exactly; chunk k follows axis k mod 3.
            guard section.reduce(0, +) == pairs else {
                throw MRoPEError("sums to \(section.reduce(0, +)); contiguous M-RoPE needs it to equal the \(pairs) rotary pairs")
            }
            pairAxis = section.enumerated().flatMap { k, n in Array(repeating: Axis.allCases[k % 3], count: n) }
        }
    }

    /// How many pairs follow each axis.
    public func count(of axis: Axis) -> Int { pairAxis.filter { $0 == axis }.count }
}

/// A token's position: one number for text-only RoPE, or (t, h, w) for M-RoPE.
public struct RoPEPosition: Sendable, Equatable, CustomStringConvertible {
    public var t: Double
    public var h: Double
    public var w: Double

    public init(t: Double, h: Double, w: Double) { (self.t, self.h, self.w) = (t, h, w) }
    /// A text token: the same index on every axis.
    public init(_ p: Double) { self.init(t: p, h: p, w: p) }

    public var isText: Bool { t == h && h == w }

    public func value(_ axis: MRoPE.Axis) -> Double {
        switch axis { case .t: t; case .h: h; case .w: w }
    }

    public var description: String {
        isText ? JSONValue.format(t) : "\(JSONValue.format(t)):\(JSONValue.format(h)):\(JSONValue.format(w))"
    }
}

public struct MRoPEError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}
