/// A 128-bit content hash for cache keys: two FNV-1a 64 streams with different offsets. Not cryptographic — the
/// cache only needs to notice changes an author makes, not resist an adversary.
public struct ContentHash: Sendable {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init() {}

    public mutating func update(_ string: String) {
        for byte in string.utf8 { mix(byte) }
        mix(0xff)    // a separator, so ("ab", "c") and ("a", "bc") differ
    }

    private mutating func mix(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* Self.prime
        b = (b ^ UInt64(byte ^ 0x5a)) &* Self.prime
    }

    public var hex: String {
        func pad(_ v: UInt64) -> String { let s = String(v, radix: 16); return String(repeating: "0", count: 16 - s.count) + s }
        return pad(a) + pad(b)
    }

    public static func of(_ parts: String...) -> String {
        var h = ContentHash()
        for part in parts { h.update(part) }
        return h.hex
    }
}
