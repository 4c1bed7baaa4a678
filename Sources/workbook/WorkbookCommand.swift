import ArgumentParser
import Foundation
import WorkbookCore

/// `workbook`: verify and render the course. A thin front over WorkbookCore.
@main
struct WorkbookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workbook",
        abstract: "Compile and run every Swift snippet of a book's chapters against its package, check their outputs, render the site.",
        version: WorkbookVersion.description,
        subcommands: [Build.self, Check.self, Fix.self, Serve.self, Clean.self, Init.self, Translations.self, Runtime.self],
        defaultSubcommand: Build.self)
}

struct CommonOptions: ParsableArguments {
    @Argument(help: "Chapters to work on (e.g. 04-decay); all when omitted.") var chapters: [String] = []
    @Option(help: "The book's root folder (holding book.toml or Chapters/).") var root: String = "."
    @Flag(help: "Ignore the cache: compile and run the chosen chapters again.") var force = false
    // `.unconditional`: `--jobs -1` is a bad number (said by validate()), not a missing value followed by a flag.
    @Option(parsing: .unconditional, help: "Chapters compiled in parallel.") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(parsing: .unconditional, help: "Time limit per chapter program, in seconds (default: book.toml's snippets.timeout, else 60).")
    var timeout: Double?
    @Option(help: "Where the snippet runtime is built and kept (default: ROOT/.workbook-cache/runtime).") var runtimeDir: String?
    @Option(help: "Where the site goes (default: book.toml's book.output, else ROOT/site/out).") var output: String?
    @Option(help: "Also write a JUnit XML report here: a test suite per chapter, a test case per snippet.") var junit: String?

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
        if let timeout {
            guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds (got \(timeout))") }
        }
    }

    func options(_ mode: BuildOptions.Mode) -> BuildOptions {
        var options = BuildOptions(root: URL(fileURLWithPath: root).standardizedFileURL, mode: mode)
        options.chapters = chapters
        options.force = force
        options.jobs = jobs
        options.timeout = timeout
        options.runtimeDirectory = runtimeDir.map { URL(fileURLWithPath: $0) }
        options.outputDirectory = output.map { URL(fileURLWithPath: $0).standardizedFileURL }
        options.printsStages = true
        return options
    }
}

/// Prints errors compiler-style and the summary — on GitHub Actions also as workflow commands, which annotate the
/// chapter lines of the diff —, writes the JUnit report when asked; exits 1 when anything failed.
func finish(_ report: BuildReport, junit: String? = nil) throws {
    for warning in report.warnings { FileHandle.standardError.write(Data((warning.description + "\n").utf8)) }
    for error in report.errors { FileHandle.standardError.write(Data((error.description + "\n").utf8)) }
    if ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" {
        for line in CIReport.githubAnnotations(report) { print(line) }
    }
    if let junit {
        do { try AtomicFile.write(CIReport.junit(report), to: URL(fileURLWithPath: junit)) } catch {
            FileHandle.standardError.write(Data("error: cannot write the JUnit report to \(junit): \(WorkbookError.describe(error))\n".utf8))
            throw ExitCode(1)
        }
    }
    print(report.summary)
    if !report.succeeded { throw ExitCode(1) }
}

/// Prints every problem an error holds (several at once, or one), compiler-style; the command then fails.
func failure(_ error: any Error) -> ExitCode {
    for problem in WorkbookError.diagnostics(in: error) { FileHandle.standardError.write(Data((problem.description + "\n").utf8)) }
    return ExitCode(1)
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check every chapter, then render the site (the default).")
    @OptionGroup var common: CommonOptions
    @Flag(help: "Write fresh outputs into the chapters (as `fix` does) instead of failing on drift, then render.") var fix = false
    @Option(help: "What to write besides the HTML site, comma-separated: epub (an EPUB of each edition, linked from its landing page).")
    var format: String?
    func validate() throws {
        for name in formatNames where OutputFormat(rawValue: name) == nil {
            throw ValidationError("unknown format '\(name)'; known: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }
    var formatNames: [String] { (format ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    func run() throws {
        Interruption.install()
        var options = common.options(.build)
        options.fixOutputs = fix
        options.formats = Set(formatNames.compactMap(OutputFormat.init))
        try finish(Workbook.run(options), junit: common.junit)
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compile, run and compare outputs with the chapters; render nothing.")
    @OptionGroup var common: CommonOptions
    func run() throws {
        Interruption.install()
        try finish(Workbook.run(common.options(.check)), junit: common.junit)
    }
}

struct Fix: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write fresh outputs into the chapters' output regions.")
    @OptionGroup var common: CommonOptions
    func run() throws {
        Interruption.install()
        try finish(Workbook.run(common.options(.fix)), junit: common.junit)
    }
}

struct Clean: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove the cache and the rendered site.")
    @Option(help: "The book's root folder.") var root: String = "."
    @Option(help: "The site folder (default: book.toml's book.output).") var output: String?
    func run() throws {
        do {
            let removed = try Workbook.clean(root: URL(fileURLWithPath: root), outputDirectory: output.map { URL(fileURLWithPath: $0) })
            print(removed.isEmpty ? "nothing to remove" : "removed " + removed.joined(separator: ", "))
        } catch {
            throw failure(error)
        }
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a book in a Swift package: book.toml, Chapters/index.md and a first chapter; then build it.")
    @Option(help: "The package's root folder.") var root: String = "."
    func run() throws {
        let url = URL(fileURLWithPath: root).standardizedFileURL
        let book: BookInitializer.Initialized
        do {
            book = try BookInitializer.initialize(root: url)
            for path in book.files { print("created \(path)") }
        } catch {
            throw failure(error)
        }
        print("building the book once (the first build compiles the package's library in release mode) …")
        let fixed = BookInitializer.recordFirstChapter(root: url, module: book.module) { print($0) }
        guard fixed.succeeded else { return try finish(fixed) }
        try finish(Workbook.run(BuildOptions(root: url, mode: .build)))
        print("next: write chapters in Chapters/, then `workbook fix` (record outputs) and `workbook build`")
    }
}

struct Translations: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report how much of each translation is current, stale or missing, chapter by chapter.",
        discussion: "After updating a translated chapter, `--accept FILE` marks its sections as translated from the source's current text.")
    @Option(help: "The book's root folder.") var root: String = "."
    @Option(name: .customLong("accept"), help: "A translated chapter file whose sections are now up to date (repeatable).")
    var accept: [String] = []
    func run() throws {
        let result = TranslationReport.run(root: URL(fileURLWithPath: root).standardizedFileURL, accept: accept)
        for path in result.accepted { print("accepted \(path)") }
        if !result.text.isEmpty { print(result.text) }
        for error in result.errors { FileHandle.standardError.write(Data((error.description + "\n").utf8)) }
        if !result.errors.isEmpty { throw ExitCode(1) }
    }
}

struct Runtime: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the helpers runtime that every book without a Package.swift links against.",
        discussion: "Books share it (one per tool version and compiler); the first build of such a book makes it if it is missing. "
            + "`make install` runs `workbook runtime --install PREFIX/lib/workbook/runtime`, so that no book builds it: a user's "
            + "first build copies the installed one into the user's cache (WORKBOOK_RUNTIME_CACHE, else $XDG_CACHE_HOME/workbook/runtime).")
    @Option(help: "Build it in this folder (the tool's lib/workbook/runtime) instead of the user's cache.") var install: String?
    func run() throws {
        do {
            let folder = try Workbook.buildSharedRuntime(in: install.map { URL(fileURLWithPath: $0).standardizedFileURL },
                                                         resources: try ToolResources.locate()) { print($0) }
            print("runtime: \(folder.path)")
        } catch let error as WorkbookError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }
}
