import Foundation

/// Compiles a chapter program without a `swiftc` driver process per chapter.
///
/// `swiftc` is a driver: it plans the jobs (swift-frontend, swift-autolink-extract, clang for the link), runs
/// them and waits. The driver stays resident (≈ 82 MB) for the whole compile, so two chapters compiling at once
/// cost ≈ 165 MB of the build's peak memory for nothing, and ≈ 0.05 s of CPU each. The plan is the same for every
/// chapter of a build but for the file names, so it is asked once (`swiftc -###`, a dry run) with placeholder
/// paths, and every chapter runs the planned jobs itself with its own paths. Anything unexpected in the plan (a
/// job we do not know, a placeholder missing, an argument we cannot parse) falls back to plain `swiftc`.
extension Toolchain {
    /// Compiles like `Subprocess.run(swiftc, compileArguments(…))`: the same diagnostics on stderr and status.
    /// `sources` share one folder (a chapter's `main.swift`, or a group's files). WORKBOOK_SWIFTC_DRIVER=1 uses the
    /// driver (for before/after measurements).
    func compile(sources: [URL], output: URL, moduleCache: URL, extraArguments: [String] = [], in directory: URL,
                 timeout: Double) throws -> Subprocess.Result {
        let arguments = extraArguments + compileArguments(sources: sources, output: output, moduleCache: moduleCache)
        let placeholders = sources.map { DirectCompile.sourceFolderPlaceholder.appendingPathComponent($0.lastPathComponent) }
        guard ProcessInfo.processInfo.environment["WORKBOOK_SWIFTC_DRIVER"] == nil,
              let folder = sources.first?.deletingLastPathComponent(),
              let plan = DirectCompile.plan(swiftc: swiftc, arguments: extraArguments
                + compileArguments(sources: placeholders, output: DirectCompile.outputPlaceholder, moduleCache: moduleCache, linksAt: output),
                                            keptIn: runtimeDirectory.appendingPathComponent("chapter-compile-plans")) else {
            return try Subprocess.run(swiftc, arguments, in: directory, timeout: timeout)
        }
        let scratch = output.deletingLastPathComponent()
        let deadline = Date().addingTimeInterval(timeout)
        var stderr = Data()
        var stdout = Data()
        for job in plan {
            let resolved = job.arguments.map { DirectCompile.resolve($0, sourceFolder: folder, output: output, scratch: scratch) }
            let run = try Subprocess.run(job.executable, resolved, in: directory, timeout: max(1, deadline.timeIntervalSinceNow))
            stderr.append(run.stderr)
            stdout.append(run.stdout)
            if run.status != 0 || run.timedOut || run.crashed {
                return Subprocess.Result(status: run.status == 0 ? 1 : run.status, crashed: run.crashed, signal: run.signal,
                                         timedOut: run.timedOut, outputLimitExceeded: run.outputLimitExceeded,
                                         stdout: stdout, stderr: stderr, extra: Data())
            }
        }
        return Subprocess.Result(status: 0, crashed: false, signal: nil, timedOut: false, outputLimitExceeded: false,
                                 stdout: stdout, stderr: stderr, extra: Data())
    }
}

enum DirectCompile {
    struct Job: Sendable, Codable { var executable: String; var arguments: [String] }

    static let sourceFolderPlaceholder = URL(fileURLWithPath: "/WORKBOOK-SOURCE-DIR")
    static let outputPlaceholder = URL(fileURLWithPath: "/WORKBOOK-OUTPUT-DIR/chapter")
    static let known: Set<String> = ["swift-frontend", "swift-autolink-extract", "clang", "clang++"]

    private static let lock = NSLock()
    nonisolated(unsafe) private static var plans: [[String]: [Job]?] = [:]

    /// The jobs `swiftc` would run for these arguments (with placeholder paths): asked once per process, and
    /// kept in `folder` between builds (the dry run costs ≈ 0.1 s, a tenth of an edit's rebuild), keyed by the
    /// arguments and the compiler's file (a new compiler at the same path is asked again).
    static func plan(swiftc: String, arguments: [String], keptIn folder: URL? = nil) -> [Job]? {
        let key = [swiftc] + arguments
        lock.lock()
        defer { lock.unlock() }
        if let known = plans[key] { return known }
        let attributes = try? FileManager.default.attributesOfItem(atPath: URL(fileURLWithPath: swiftc).resolvingSymlinksInPath().path)
        let identity = "\(attributes?[.size] ?? "?") \((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        let file = folder?.appendingPathComponent(ContentHash.of(identity, key.joined(separator: "\u{0}")) + ".json")
        if let file, let data = try? Data(contentsOf: file), let kept = try? JSONDecoder().decode([Job].self, from: data) {
            plans[key] = .some(kept)
            return kept
        }
        let found = makePlan(swiftc: swiftc, arguments: arguments)
        plans[key] = .some(found)
        if let file, let found, let data = try? JSONEncoder().encode(found) {
            try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? AtomicFile.write(String(decoding: data, as: UTF8.self), to: file)
        }
        return found
    }

    static func makePlan(swiftc: String, arguments: [String]) -> [Job]? {
        guard let dry = try? Subprocess.run(swiftc, ["-###"] + arguments, timeout: 60), dry.status == 0 else { return nil }
        var jobs: [Job] = []
        for line in dry.stdoutText.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let words = split(String(line)), let executable = words.first,
                  known.contains(URL(fileURLWithPath: executable).lastPathComponent) else { return nil }
            jobs.append(Job(executable: executable, arguments: withoutOutputFileMap(Array(words.dropFirst()))))
        }
        let all = jobs.flatMap(\.arguments).joined(separator: " ")
        guard jobs.count >= 2, jobs.first.map({ URL(fileURLWithPath: $0.executable).lastPathComponent }) == "swift-frontend",
              all.contains(sourceFolderPlaceholder.path + "/"), all.contains(outputPlaceholder.path) else { return nil }
        // Every temporary file the driver would make must be one we can place in the chapter's folder.
        for argument in jobs.flatMap(\.arguments) where argument.contains("/TemporaryDirectory.") {
            guard temporaryName(argument) != nil, argument.hasPrefix("/") || argument.hasPrefix("@/") else { return nil }
        }
        return jobs
    }

    /// A compile of several files names a map of their supplementary outputs, a file the driver writes before the
    /// frontend starts. No such output is asked for here, so the frontend goes without the map.
    static func withoutOutputFileMap(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var skipNext = false
        for argument in arguments {
            if skipNext { skipNext = false; continue }
            if argument == "-supplementary-output-file-map" { skipNext = true; continue }
            kept.append(argument)
        }
        return kept
    }

    /// `/tmp/TemporaryDirectory.AbC123/main-1.o` (or `@…`) → `main-1.o`.
    static func temporaryName(_ argument: String) -> String? {
        guard let range = argument.range(of: "/TemporaryDirectory.") else { return nil }
        let rest = argument[range.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let name = rest[rest.index(after: slash)...]
        return name.isEmpty || name.contains("/") ? nil : String(name)
    }

    static func resolve(_ argument: String, sourceFolder: URL, output: URL, scratch: URL) -> String {
        if argument.contains("/TemporaryDirectory."), let name = temporaryName(argument) {
            // The driver's temporary folder becomes the chapter's folder; "@" (a response file) stays.
            return (argument.hasPrefix("@") ? "@" : "") + scratch.appendingPathComponent("driver-" + name).path
        }
        return argument.replacingOccurrences(of: sourceFolderPlaceholder.path + "/", with: sourceFolder.path + "/")
            .replacingOccurrences(of: outputPlaceholder.path, with: output.path)
    }

    /// Splits one `-###` line into words as a POSIX shell would: spaces separate, '…' quotes literally (the driver
    /// writes `'/a b'` and `'x'\''y'`), "…" quotes with backslash escapes, a backslash outside quotes escapes. nil on
    /// an unbalanced quote.
    static func split(_ line: String) -> [String]? {
        enum Quote { case none, single, double }
        var words: [String] = []
        var current = ""
        var inWord = false, escaped = false
        var quote = Quote.none
        for character in line {
            if escaped { current.append(character); escaped = false; inWord = true; continue }
            switch (quote, character) {
            case (.single, "'"): quote = .none
            case (.single, _): current.append(character)
            case (.double, "\\"): escaped = true
            case (.double, "\""): quote = .none
            case (.double, _): current.append(character)
            case (.none, "\\"): escaped = true
            case (.none, "'"): quote = .single; inWord = true
            case (.none, "\""): quote = .double; inWord = true
            case (.none, " "), (.none, "\t"):
                if inWord { words.append(current); current = ""; inWord = false }
            case (.none, _): current.append(character); inWord = true
            }
        }
        guard quote == .none, !escaped else { return nil }
        if inWord { words.append(current) }
        return words
    }
}
