import Foundation

/// How a chapter program tells `workbook` where each snippet's output starts, what is Markdown, what a chart is,
/// which checks failed and that it ran to its end — on a channel of its own, never on stdout.
///
/// `workbook` runs the program with stdout redirected to a file and with one more file open as descriptor
/// `WORKBOOK_CONTROL_FD`. Each control record is one line on that descriptor: the byte offset stdout had reached
/// (after a flush) when the record was written, a word, and the word's arguments:
///
///     1234 snippet 3
///
/// So whatever a snippet prints — `\u{1E}snippet 1`, `<!-- end output -->`, a half line without its newline —
/// is data at a known offset, never protocol: stdout cannot forge or hide a record.
public enum OutputProtocol {
    /// The environment variable that names the control descriptor.
    public static let controlDescriptorVariable = "WORKBOOK_CONTROL_FD"
    /// The environment variable that hands the program its run's secret (read once, then erased: `ControlChannel`).
    public static let tokenVariable = "WORKBOOK_RUN_TOKEN"
    /// `snippet N TOKEN`: snippet N (0-based, in chapter order) starts here. TOKEN is the run's secret: not in the
    /// generated source or the binary (a snippet could read those), only in this module's memory.
    public static let snippet = "snippet"
    /// `markdown-begin` … `markdown-end`: the stdout bytes between are Markdown (a table), injected verbatim.
    public static let markdownBegin = "markdown-begin"
    public static let markdownEnd = "markdown-end"
    /// `figure JSON` … `figure-end`: a chart's data (for the SVG figure of the HTML page); the stdout bytes between
    /// are its ASCII rendering (for the chapter text).
    public static let figure = "figure"
    public static let figureEnd = "figure-end"
    /// `value-begin N TOKEN` … `value-end`: the stdout bytes between are inline value N's text (0-based, in
    /// chapter order). Like `snippet`, it carries the run's secret: a snippet cannot forge a value.
    public static let valueBegin = "value-begin"
    public static let valueEnd = "value-end"
    /// `check-failed LINE MESSAGE`: a `check` failed at LINE of the chapter.
    public static let checkFailed = "check-failed"
    /// `completed TOKEN`: the last statement of the program ran. Without it the chapter did not run to its end
    /// (`exit(0)` in a snippet, a crash of the runtime), and nothing after that point was verified.
    public static let completed = "completed"
}

/// The program's end of the control channel.
enum ControlChannel {
    /// The descriptor `workbook` opened for us, or nil when the program runs by hand.
    /// Close-on-exec, so that processes a snippet starts cannot write records.
    static let descriptor: Int32? = {
        guard let value = getenv(OutputProtocol.controlDescriptorVariable), let fd = Int32(String(cString: value)),
              fcntl(fd, F_GETFD) >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        unsetenv(OutputProtocol.controlDescriptorVariable)
        return fd
    }()

    /// The run's secret, from `WORKBOOK_RUN_TOKEN`, handed out once (to the generated program, before the first
    /// snippet runs), then erased from the environment — also from the process's original environment block, which `/proc/self/environ` shows and
    /// `unsetenv` leaves in place — so snippet code (and what it starts) cannot read it there.
    static func takeToken() -> String {
        tokenLock.lock(); defer { tokenLock.unlock() }
        guard !tokenTaken, let value = getenv(OutputProtocol.tokenVariable) else { return "" }
        tokenTaken = true
        endWithTheTool()
        let token = String(cString: value)
        memset(value, 0, strlen(value))
        unsetenv(OutputProtocol.tokenVariable)
        return token
    }
    /// A chapter program dies with the `workbook` that started it (`PR_SET_PDEATHSIG`), even one killed with
    /// SIGKILL, which cannot end anything itself; if it is gone already, the program stops here.
    static func endWithTheTool() {
        guard let parent = getenv("WORKBOOK_PARENT").flatMap({ pid_t(String(cString: $0)) }),
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return }
        let prctl = unsafeBitCast(symbol, to: (@convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32).self)
        _ = prctl(1 /* PR_SET_PDEATHSIG */, UInt(SIGKILL), 0, 0, 0)
        if getppid() != parent { _exit(137) }
    }
    private static let tokenLock = NSLock()
    nonisolated(unsafe) private static var tokenTaken = false

    /// Flushes every C stream (`fflush(NULL)`; Swift 6 forbids naming the global `stdout`), so that the offset is
    /// exact and everything a snippet printed before a later trap has reached the file, then writes one record.
    static func write(_ word: String) {
        fflush(nil)
        guard let fd = descriptor else { return }
        let offset = lseek(1, 0, SEEK_CUR)
        let record = Array("\(offset) \(word.replacingOccurrences(of: "\n", with: " "))\n".utf8)
        var written = 0
        while written < record.count {
            let n = record[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            written += n
        }
    }
}
