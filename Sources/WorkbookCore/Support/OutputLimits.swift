/// How much a chapter may print. A chapter records what a reader can read; without a limit, one runaway loop
/// filled memory, the cache and the chapter file with hundreds of megabytes.
enum OutputLimits {
    /// Per snippet, checked after the run: the error names the snippet.
    static let perSnippet = 1_000_000
    /// Per chapter program (stdout, and stderr separately), enforced while it runs: the process group is killed.
    static let perProgram = 8_000_000

    static func describe(_ bytes: Int) -> String { "\(bytes / 1_000_000) MB" }

    /// "2 s", "0.5 s", "0.001 s": a time limit as given, never rounded to "0 s".
    static func seconds(_ value: Double) -> String {
        value == value.rounded() && value < 1e15 ? "\(Int(value)) s" : "\(value) s"
    }
}
