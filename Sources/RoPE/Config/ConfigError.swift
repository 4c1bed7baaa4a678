/// A model config that cannot be read, with the key at fault and what was expected.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON key path at fault, e.g. `rope_scaling.factor`; empty for the document itself.
    public var key: String
    public var message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { key.isEmpty ? message : "\(key): \(message)" }
}
