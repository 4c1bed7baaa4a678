import Foundation

/// How many compiler processes a build runs side by side: at most one per job (core), at most as many as fit in
/// the memory the system has available, and no more than save a second each.
///
/// A compiler process (swift-frontend, compiling a group of chapters, `ChapterGroup`) has a fixed cost before it
/// reads a line of the chapters — start-up and loading Foundation and the runtime's modules: ≈ 0.6 s of CPU and
/// ≈ 150 MB — and then costs ≈ 14 µs of CPU per byte of snippet code (measured 2026-12-06 on the peer course,
/// 12 chapters, 24 KB of snippets, AMD EPYC: one process 0.93 s of CPU and 158 MB at its peak; two processes
/// 1.61 s of CPU, 153 MB each, 326 MB for the build's tree against 183 MB). With n processes side by side the
/// compile takes ≈ fixed + code · 14 µs / n, so each added process saves less; one is added only while it
/// shortens the compile by at least `minimumSavedSeconds`, since it costs ≈ 150 MB more at the build's peak. The
/// peer course at 48 chapters (96 KB) compiles in one process: a second would save ≈ 0.7 s for ≈ 150 MB (its build
/// peaked at 356 MB with two, 1.6× Jupyter Book's); the RoPE course (162 KB) in two (≈ 1.1 s saved).
struct CompileScheduler {
    static let fixedSeconds = 0.6
    static let secondsPerByte = 14e-6
    static let processMegabytes = 150.0
    static let megabytesPerKilobyte = 0.4
    static let minimumSavedSeconds = 1.0

    /// Cores to use (`--jobs`).
    var jobs: Int
    /// Memory the compilers may use: half of what the system reports available (`MemAvailable`), or
    /// `WORKBOOK_COMPILE_MEMORY_MB` when set; nil when unknown (then only cores and code decide).
    var memoryMegabytes: Double?

    init(jobs: Int, memoryMegabytes: Double? = CompileScheduler.defaultMemory()) {
        self.jobs = max(1, jobs)
        self.memoryMegabytes = memoryMegabytes
    }

    /// The number of compiler processes for `codeBytes` of snippet code split evenly among them.
    func processes(codeBytes: Int) -> Int {
        var count = 1
        while count < jobs && Self.seconds(codeBytes: codeBytes, processes: count) - Self.seconds(codeBytes: codeBytes, processes: count + 1)
                >= Self.minimumSavedSeconds {
            count += 1
        }
        if let memoryMegabytes {
            while count > 1 && Double(count) * Self.megabytes(codeBytes: codeBytes / count) > memoryMegabytes { count -= 1 }
        }
        return count
    }

    /// The expected wall time of compiling `codeBytes` in `processes` processes side by side.
    static func seconds(codeBytes: Int, processes: Int) -> Double {
        fixedSeconds + Double(codeBytes) * secondsPerByte / Double(processes)
    }

    /// The expected peak of one compiler process compiling `codeBytes` of snippets.
    static func megabytes(codeBytes: Int) -> Double { processMegabytes + Double(codeBytes) / 1024 * megabytesPerKilobyte }

    static func defaultMemory() -> Double? {
        if let chosen = ProcessInfo.processInfo.environment["WORKBOOK_COMPILE_MEMORY_MB"].flatMap(Double.init) { return chosen }
        guard let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return nil }
        return kilobytes / 1024 / 2
    }
}
