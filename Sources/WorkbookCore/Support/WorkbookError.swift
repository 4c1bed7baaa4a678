import Foundation

/// A problem the author must see — an error, or a warning that does not fail the build —, printed compiler-style
/// so editors can jump to it: `Chapters/04-decay.md:37:5: error: [run] …`.
public struct WorkbookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step that was running: a pipeline stage, one of the `run` stage's two steps (`compile`, `run`), or what
    /// a command outside the pipeline does (`setup`: `init`, `clean`, `serve`'s listening).
    public enum Stage: String, Sendable {
        case load, parse, runtime, compile, run, check, fix, weave, render, publish, setup
    }

    public enum Severity: String, Sendable { case error, warning }

    /// Set by the runner of the step, never where the problem is raised (`Stage.run`, `during`): a helper two
    /// stages call reports the one that called it. Nil until a runner has seen the problem.
    public var stage: Stage?
    /// A warning is printed but does not fail the build (e.g. a stale translated section).
    public var severity: Severity
    /// Path relative to the book root, when the error belongs to a file.
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var message: String
    /// The error this one was made from (a Foundation, POSIX or decoding error), kept for code that looks into it;
    /// its description is shown after the message unless the message already says it (`text`).
    public var underlying: (any Error)?

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, severity: Severity = .error, _ message: String,
                underlying: (any Error)? = nil) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.underlying = underlying
    }

    /// The same problem, reported as a warning (preview shows drift without failing).
    public var asWarning: WorkbookError {
        var warning = self
        warning.severity = .warning
        return warning
    }

    /// The same problem, as the runner of `stage` reports it: a stage that a runner nearer to the problem set (the
    /// executor's `compile` inside the `run` stage) is kept.
    public func during(_ stage: Stage) -> WorkbookError {
        var stamped = self
        stamped.stage = self.stage ?? stage
        return stamped
    }

    /// The message with the underlying error's description after it, unless the message already says it.
    public var text: String {
        guard let underlying else { return message }
        let reason = Self.describe(underlying)
        return message.contains(reason) ? message : "\(message): \(reason)"
    }

    public var description: String {
        var location = ""
        if let file {
            location = file
            if let line { location += ":\(line)" + (column.map { ":\($0)" } ?? "") }
            location += ": "
        }
        return "\(location)\(severity.rawValue): " + (stage.map { "[\($0.rawValue)] " } ?? "") + Self.printable(text)
    }

    /// Equal when they print the same: the underlying errors are compared by their descriptions.
    public static func == (a: WorkbookError, b: WorkbookError) -> Bool {
        a.stage == b.stage && a.severity == b.severity && a.file == b.file && a.line == b.line && a.column == b.column
            && a.message == b.message && a.underlying.map(describe) == b.underlying.map(describe)
    }

    /// An error as a sentence: Foundation's and POSIX errors by their localized description (their `description`
    /// is a dump of the NSError), any other by its `description`.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? WorkbookError { return error.text }
        if error is any CustomNSError || type(of: error) is NSError.Type { return error.localizedDescription }
        return String(describing: error)
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
