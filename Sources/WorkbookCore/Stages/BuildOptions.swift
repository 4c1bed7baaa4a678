import Foundation

/// What one `workbook` run should do.
public struct BuildOptions: Sendable {
    public enum Mode: String, Sendable {
        case build, check, fix
        /// `build` for a live preview (`workbook serve`): a snippet whose fresh output differs from the recorded one
        /// is a warning, and its page shows the fresh output marked "not yet recorded" instead of failing the build.
        case preview

        /// Modes that render the site (and so run every chapter).
        var renders: Bool { self == .build || self == .preview }
    }

    public var root: URL
    public var mode: Mode
    /// Chapter names (`04-decay`) or paths; empty means all. `build` still renders every chapter (from the cache
    /// where it can), but `--force` and `fix` apply only to these.
    public var chapters: [String] = []
    public var force = false
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Seconds per chapter program; nil: book.toml's `snippets.timeout`, else 60.
    public var timeout: Double?
    /// Where the snippet runtime is built and kept (default: the book's `.workbook-cache/runtime`). Books that
    /// are not packages can share one.
    public var runtimeDirectory: URL?
    /// Where the site goes; nil: book.toml's `book.output`.
    public var outputDirectory: URL?
    public var showProgress = isatty(2) == 1
    /// Print each stage's line (`[4/8] run 5.31s — 12 chapters …`) on stderr as it ends (the command does).
    public var printsStages = false
    /// `build --fix`: write fresh outputs into the chosen chapters (as `fix` does) instead of failing on drift,
    /// then render: one command, one compile of a changed chapter, from an edit to the updated site.
    public var fixOutputs = false

    /// Formats asked for on the command line (`--format html,epub`), besides book.toml's `formats`.
    public var formats: Set<OutputFormat> = []

    public init(root: URL, mode: Mode) {
        self.root = root
        self.mode = mode
    }
}

/// What a build writes: the HTML site always; an EPUB of each edition when asked.
public enum OutputFormat: String, Sendable, CaseIterable, Hashable {
    case html, epub
}
