/// A failure the author must see, printed compiler-style so editors can jump to it:
/// `Chapters/04-decay.md:37:5: error: [run] …`.
public struct WorkbookError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Stage: String, Sendable {
        case load, parse, runtime, compile, run, check, fix, weave, render, publish, setup
    }

    public enum Severity: String, Sendable { case error, warning }

    public var stage: Stage
    /// A warning is printed but does not fail the build (e.g. a stale translated section).
    public var severity: Severity
    /// Path relative to the book root, when the error belongs to a file.
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var message: String

    public init(_ stage: Stage, file: String? = nil, line: Int? = nil, column: Int? = nil, severity: Severity = .error,
                _ message: String) {
        self.stage = stage
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// The same problem, reported as a warning (preview shows drift without failing).
    public var asWarning: WorkbookError {
        var warning = self
        warning.severity = .warning
        return warning
    }

    public var description: String {
        var location = ""
        if let file {
            location = file
            if let line { location += ":\(line)" + (column.map { ":\($0)" } ?? "") }
            location += ": "
        }
        return "\(location)\(severity.rawValue): [\(stage.rawValue)] \(Self.printable(message))"
    }

    /// A message as text for a terminal: control characters other than newline and tab (an escape sequence in a
    /// check's message could move the cursor, recolour or retitle the author's terminal) shown as `\u{1B}`.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control && scalar != "\n" && scalar != "\t" {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Several errors at once: every chapter runs before the build fails.
public struct WorkbookErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [WorkbookError]
    public init(_ errors: [WorkbookError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
