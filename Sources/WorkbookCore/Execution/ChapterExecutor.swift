import Foundation
import Presentation

/// One chapter for the `run` stage (`RunStage`): generate the program, compile it with swiftc, run it with a time
/// limit and split what it printed by snippet. Every failure comes back as a `WorkbookError` at a chapter line.
public struct ChapterExecutor: Sendable {
    public struct Run: Sendable {
        public var outputs: [SnippetOutput]
        public var errors: [WorkbookError]
        /// False when the program did not compile or did not finish (trap, time-out): outputs are then partial.
        public var completed: Bool
        public var compileSeconds: Double
        public var runSeconds: Double
    }

    public var toolchain: Toolchain
    public var bookRoot: URL
    public var workDirectory: URL
    public var timeout: Double
    var moduleCache: URL { toolchain.moduleCache }
    /// Where a chapter program writes its control records (the first descriptor after stdin, stdout, stderr).
    static let controlDescriptor: Int32 = 3

    public init(toolchain: Toolchain, bookRoot: URL, workDirectory: URL, timeout: Double) {
        self.toolchain = toolchain
        self.bookRoot = bookRoot
        self.workDirectory = workDirectory
        self.timeout = timeout
    }

    /// A compiled program that runs one chapter: its own, or a group's with the chapter chosen by environment.
    struct Program: Sendable {
        var binary: URL
        var token: String
        /// `WORKBOOK_CHAPTER` for a group's program.
        var selector: String?
    }

    /// A chapter after compiling: a program to run, or the run it already is (prose only, or a compile error).
    enum Compiled: Sendable {
        case program(Program, compileSeconds: Double)
        case finished(Run)
    }

    /// Compiles and runs one chapter on its own.
    public func execute(_ chapter: Chapter) -> Run { run(chapter, compile(chapter)) }

    /// Runs what `compile` made (or passes on its failure). The run stage's two steps are run here, so this is
    /// where their problems are told apart: `[compile]` from compiling, `[run]` from running.
    func run(_ chapter: Chapter, _ compiled: Compiled) -> Run {
        var run: Run
        switch compiled {
        case .finished(let finished):
            run = finished
            run.errors = run.errors.during(.compile)
        case .program(let program, let seconds):
            run = self.run(chapter, program: program, compileSeconds: seconds)
            run.errors = run.errors.during(.run)
        }
        return run
    }

    /// One chapter as a program of its own: its snippets as top-level code of `main.swift`.
    func compile(_ chapter: Chapter) -> Compiled {
        var run = Run(outputs: [], errors: [], completed: false, compileSeconds: 0, runSeconds: 0)
        // A chapter of prose only has nothing to compile.
        guard !chapter.snippets.isEmpty else {
            run.completed = true
            return .finished(run)
        }
        let token = Self.newToken()
        let folder = workDirectory.appendingPathComponent(chapter.name)
        let source = folder.appendingPathComponent("main.swift")
        let binary = folder.appendingPathComponent("chapter")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try ProgramGenerator.source(for: chapter, imports: toolchain.imports).write(to: source, atomically: true, encoding: .utf8)
        } catch {
            run.errors.append(WorkbookError(file: chapter.path, "cannot write the generated program to \(folder.path)", underlying: error))
            return .finished(run)
        }
        let compileStart = Date()
        let compiled: Subprocess.Result
        do {
            compiled = try toolchain.compile(sources: [source], output: binary, moduleCache: moduleCache, in: bookRoot, timeout: max(timeout, 120))
        } catch {
            run.errors.append(WorkbookError(file: chapter.path, "cannot start swiftc", underlying: error))
            return .finished(run)
        }
        run.compileSeconds = Date().timeIntervalSince(compileStart)
        guard compiled.status == 0, !compiled.timedOut else {
            let diagnostics = CompilerDiagnostics.errors(in: compiled.stderrText, chapterPath: chapter.path)
            run.errors += diagnostics.isEmpty
                ? [WorkbookError(file: chapter.path, "swiftc failed:\n" + compiled.stderrText.suffix(2000))]
                : diagnostics
            return .finished(run)
        }
        return .program(Program(binary: binary, token: token, selector: nil), compileSeconds: run.compileSeconds)
    }

    /// Several chapters compiled by ONE compiler process into one program (`ChapterGroup`); each is then run in
    /// its own process, as alone. The compiler's start-up, the imports and the link are paid once for the group.
    /// If the group does not compile, the chapters the errors point into are compiled alone (so that every error
    /// is the one its chapter alone gives) and the others try again as a group.
    func compile(group chapters: [Chapter]) -> [Compiled] {
        guard chapters.count > 1, let group = try? ChapterGroup.write(chapters, imports: toolchain.imports, in: workDirectory) else {
            return chapters.map(compile)
        }
        let start = Date()
        guard let compiled = try? toolchain.compile(sources: group.sources, output: group.binary, moduleCache: moduleCache,
                                                    extraArguments: ["-wmo"], in: bookRoot, timeout: max(timeout, 120)),
              !compiled.timedOut else {
            return chapters.map(compile)
        }
        guard compiled.status == 0 else {
            let culprits = Set(CompilerDiagnostics.files(in: compiled.stderrText))
            let rest = chapters.filter { !culprits.contains($0.path) }
            guard !rest.isEmpty, rest.count < chapters.count else { return chapters.map(compile) }
            let retried = Dictionary(uniqueKeysWithValues: zip(rest.map(\.path), compile(group: rest)))
            return chapters.map { retried[$0.path] ?? compile($0) }
        }
        // Each chapter is charged its share of the one compile.
        let share = Date().timeIntervalSince(start) / Double(chapters.count)
        return group.programs.map {
            .program(Program(binary: group.binary, token: $0.token, selector: $0.selector), compileSeconds: share)
        }
    }

    static func newToken() -> String { String(UInt64.random(in: 0...UInt64.max), radix: 36) }    // a run's secret (OutputProtocol)

    /// Runs a compiled chapter and turns what it printed into outputs and errors at chapter lines.
    func run(_ chapter: Chapter, program: Program, compileSeconds: Double) -> Run {
        var run = Run(outputs: [], errors: [], completed: false, compileSeconds: compileSeconds, runSeconds: 0)
        let token = program.token
        // Control records go to their own descriptor (OutputProtocol), so stdout is only what snippets printed.
        let runStart = Date()
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"    // a one-line fatal error, not a page of registers
        environment[OutputProtocol.controlDescriptorVariable] = String(Self.controlDescriptor)
        environment[ChapterGroup.selectorVariable] = program.selector
        environment[OutputProtocol.tokenVariable] = token
        environment[ProcessTree.parentVariable] = String(getpid())
        let result: Subprocess.Result
        do {
            result = try Subprocess.run(program.binary.path, [], in: bookRoot, environment: environment, timeout: timeout,
                                        extraDescriptor: Self.controlDescriptor, outputLimit: OutputLimits.perProgram)
        } catch {
            run.errors.append(WorkbookError(file: chapter.path, "cannot start the chapter program", underlying: error))
            return run
        }
        run.runSeconds = Date().timeIntervalSince(runStart)
        let split = OutputSplitter.split(stdout: result.stdout, control: result.extra, snippetCount: chapter.snippets.count,
                                         runOrder: chapter.snippets.indices.filter { chapter.snippets[$0].runs }, token: token)
        run.outputs = split.outputs
        for (index, output) in split.outputs.enumerated() {
            for failure in output.checkFailures {
                run.errors.append(WorkbookError(file: chapter.path, line: failure.line,
                                                "check failed in snippet '\(chapter.snippets[index].id)': \(failure.message)"))
            }
        }
        let oversized = result.outputLimitExceeded ? [] : zip(chapter.snippets, split.bytes).filter { $0.1 > OutputLimits.perSnippet }
        for (snippet, _) in oversized {
            run.errors.append(WorkbookError(file: chapter.path, line: snippet.fenceStart,
                "snippet '\(snippet.id)' printed more than \(OutputLimits.describe(OutputLimits.perSnippet)); a chapter records "
                + "what a reader can read: print a summary (a few rows, a chart) instead"))
        }
        let culprit = split.lastStarted.map { chapter.snippets[$0] }
        let inSnippet = culprit.map { " in snippet '\($0.id)'" } ?? " before the first snippet"
        if result.timedOut {
            run.errors.append(WorkbookError(file: chapter.path, line: culprit?.fenceStart,
                "time limit of \(OutputLimits.seconds(timeout)) exceeded" + (culprit.map { " in snippet '\($0.id)'" } ?? "")
                + (result.othersAtTimeOut.isEmpty ? "; make it faster or raise --timeout"
                   : "; it was waiting while a process it started still ran (\(result.othersAtTimeOut.prefix(3).map { "`\($0.prefix(80))`" }.joined(separator: ", "))): "
                     + "end or detach that process, or raise --timeout")))
        } else if result.outputLimitExceeded {
            run.errors.append(WorkbookError(file: chapter.path, line: culprit?.fenceStart,
                "stopped\(inSnippet): the chapter program printed more than \(OutputLimits.describe(OutputLimits.perProgram)); "
                + "print a summary instead"))
        } else if result.crashed || result.status != 0 {
            let message = Self.fatalMessage(result.stderrText, signal: result.signal)
            // A trap in snippet code names the Markdown line (#sourceLocation); one inside a library names its
            // own file, and then the snippet that was running is the best we know.
            let location = Self.chapterLine(in: result.stderrText, chapterPath: chapter.path).map { ($0, nil as Int?) }
                ?? (result.crashed ? locateTrap(chapter) : nil)
            run.errors.append(WorkbookError(file: chapter.path, line: location?.0 ?? culprit?.fenceStart, column: location?.1,
                (result.crashed ? "trapped" : "exited with status \(result.status)") + inSnippet
                + (message.isEmpty ? "" : ": \(message)")))
        } else if let first = split.outOfOrder.first {
            let afterTheEnd = first.hasSuffix("after the end")
            run.errors.append(WorkbookError(file: chapter.path, line: culprit?.fenceStart, afterTheEnd
                ? "the chapter program wrote \(first.dropLast(" after the end".count)) after its last snippet ended: a top-level "
                    + "`defer` runs then, and so may a thread a snippet started. Put that code inside a snippet (and wait for "
                    + "threads before it ends); the chapter's outputs are not trusted"
                : "the chapter program's records are out of order (\(first))\(inSnippet): a snippet must not call "
                    + "__workbookSnippet, __workbookValue or __workbookCompleted; its outputs are not trusted"))
        } else if let snippet = chapter.valueCounts.indices.first(where: { split.outputs[$0].values.count != chapter.valueCounts[$0] }) {
            run.errors.append(WorkbookError(file: chapter.path, line: chapter.snippets[snippet].fenceStart,
                "the chapter program recorded \(split.outputs[snippet].values.count) inline values after snippet "
                + "'\(chapter.snippets[snippet].id)' where the chapter has \(chapter.valueCounts[snippet]); its outputs are not trusted"))
        } else if !split.completed {
            // Status 0 but no `completed` record: something ended the program early and nothing after it ran.
            run.errors.append(WorkbookError(file: chapter.path, line: culprit?.fenceStart,
                "did not run to its end: the program stopped\(inSnippet) (exit(0) in snippet \(culprit.map { "'\($0.id)'" } ?? "code")?); "
                + "the snippets after it were never run or checked"))
        } else if oversized.isEmpty {
            run.completed = true
        }
        return run
    }

    /// Finds the chapter line of a trap that happened inside library code, which the fatal-error message does
    /// not name. Only on failure: compile the chapter alone with debug info (-g costs ~0.1 s a chapter, so the
    /// normal path goes without), rerun it with Swift's backtracer, and take the first frame in the chapter.
    func locateTrap(_ chapter: Chapter) -> (Int, Int?)? {
        let folder = workDirectory.appendingPathComponent(chapter.name)
        let source = folder.appendingPathComponent("main-debug.swift")
        let binary = folder.appendingPathComponent("chapter-debug")
        guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
              (try? ProgramGenerator.source(for: chapter, imports: toolchain.imports)
                .write(to: source, atomically: true, encoding: .utf8)) != nil else { return nil }
        let arguments = ["-g"] + toolchain.compileArguments(sources: [source], output: binary, moduleCache: moduleCache)
        guard let compiled = try? Subprocess.run(toolchain.swiftc, arguments, in: bookRoot, timeout: max(timeout, 120)),
              compiled.status == 0 else { return nil }
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,registers=none,images=none,limit=16"
        guard let rerun = try? Subprocess.run(binary.path, [], in: bookRoot, environment: environment, timeout: timeout) else { return nil }
        // `  3 [ra] 0x… main + 292 in chapter-debug at Chapters/03-runtime.md:10:9`
        for line in rerun.stderrText.split(separator: "\n") {
            guard let range = line.range(of: " at \(chapter.path):") else { continue }
            let numbers = line[range.upperBound...].split(separator: ":").compactMap { Int($0.prefix { $0.isNumber }) }
            if let first = numbers.first { return (first, numbers.count > 1 ? numbers[1] : nil) }
        }
        return nil
    }

    /// The "Fatal error: …" line of a Swift trap, or the last non-empty stderr line, or what the signal means.
    static func fatalMessage(_ stderr: String, signal: Int32? = nil) -> String {
        let lines = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let fatal = lines.first(where: { $0.contains("Fatal error") }) ?? lines.last { return fatal }
        switch signal {
        case SIGSEGV?, SIGBUS?: return "crashed with \(signal == SIGSEGV ? "SIGSEGV" : "SIGBUS") (a stack overflow from deep or endless recursion, or a bad memory access)"
        case let signal?: return "killed by signal \(signal) (\(String(cString: strsignal(signal))))"
        case nil: return ""
        }
    }

    /// `Chapters/x.md:42` (or `x.md:42`, the #fileID form) in a trap message → 42.
    static func chapterLine(in stderr: String, chapterPath: String) -> Int? {
        let file = chapterPath.split(separator: "/").last.map(String.init) ?? chapterPath
        for line in stderr.split(separator: "\n") where line.contains("Fatal error") {
            guard let range = line.range(of: file + ":") else { continue }
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            if let number = Int(digits) { return number }
        }
        return nil
    }
}

/// swiftc's diagnostics that point into the chapter, as `WorkbookError`s.
enum CompilerDiagnostics {
    /// The files errors point into (`Chapters/x.md:12:5: error: …` → `Chapters/x.md`).
    static func files(in stderr: String) -> [String] {
        stderr.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: ": error: ") else { return nil }
            let location = line[..<range.lowerBound].split(separator: ":")
            return location.count >= 3 ? location.dropLast(2).joined(separator: ":") : nil
        }
    }

    static func errors(in stderr: String, chapterPath: String) -> [WorkbookError] {
        var errors: [WorkbookError] = []
        for line in stderr.split(separator: "\n").map(String.init) {
            // `Chapters/x.md:12:5: error: message`
            guard let errorRange = line.range(of: ": error: ") else { continue }
            let location = line[..<errorRange.lowerBound].split(separator: ":")
            let message = String(line[errorRange.upperBound...])
            if location.count >= 3, let lineNumber = Int(location[location.count - 2]), let column = Int(location[location.count - 1]) {
                let file = location.dropLast(2).joined(separator: ":")
                if file.hasSuffix(chapterPath) || file == chapterPath {
                    errors.append(WorkbookError(file: chapterPath, line: lineNumber, column: column, message))
                } else {
                    // Code the author never wrote (the generated program): the chapter is what they can act on.
                    errors.append(WorkbookError(file: chapterPath,
                                                "\(message) (in the program workbook generated for this chapter, \(URL(fileURLWithPath: file).lastPathComponent):\(lineNumber))"))
                }
            } else {
                errors.append(WorkbookError(file: chapterPath, message))
            }
        }
        return errors
    }
}
