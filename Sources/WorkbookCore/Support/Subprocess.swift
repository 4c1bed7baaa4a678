import Foundation

/// Runs a program to completion with a time limit and an output limit.
///
/// Why not Foundation's `Process` (or swift-subprocess): a chapter program must (1) inherit one extra descriptor,
/// the control channel of `OutputProtocol`, which `Process` closes in the child; (2) run in a process group of its
/// own, so that a time-out, an output overflow or Ctrl-C ends everything a snippet started, not only the direct
/// child; (3) never make the tool wait for a pipe a grandchild still holds. So this spawns with `posix_spawn`,
/// sends stdout, stderr and the extra channel to anonymous temporary files (not pipes: nothing to drain, nothing
/// to wait for once the child has exited, and the chapter program can tell its stdout offset), and polls the
/// child's exit status and the files' sizes.
public struct Subprocess: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        /// True when the process was killed by a signal (a trap: SIGILL / SIGTRAP / SIGSEGV …).
        public var crashed: Bool
        /// The signal that ended the process, when `crashed`.
        public var signal: Int32?
        public var timedOut: Bool
        /// True when stdout or stderr grew past `outputLimit` and the process group was killed.
        public var outputLimitExceeded: Bool
        public var stdout: Data
        public var stderr: Data
        /// What the child wrote on the extra descriptor (`extraDescriptor`), if one was asked for.
        public var extra: Data
        /// On a time-out: the command lines of the processes it had started that were still running.
        public var othersAtTimeOut: [String] = []
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// - Parameters:
    ///   - extraDescriptor: open one more capture file in the child at this descriptor number (e.g. 3).
    ///   - outputLimit: kill the process group when stdout, stderr or the extra descriptor exceeds this many bytes
    ///     (a chart's records travel on the extra one: unbounded, 600 MB of them once took 2.5 GB and 72 s).
    public static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil,
                           environment: [String: String]? = nil, timeout: Double? = nil,
                           input: Data? = nil, extraDescriptor: Int32? = nil, outputLimit: Int? = nil) throws -> Result {
        let stdin = try CaptureFile()
        if let input { try stdin.write(input) }
        let stdout = try CaptureFile(), stderr = try CaptureFile()
        let extra = try extraDescriptor.map { _ in try CaptureFile() }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin.descriptor, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout.descriptor, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr.descriptor, 2)
        if let extra, let number = extraDescriptor { posix_spawn_file_actions_adddup2(&actions, extra.descriptor, number) }
        var executable = executable, arguments = arguments
        if let directory {
            if let addChdir = addChdir {
                _ = addChdir(&actions, directory.path)
            } else {
                // glibc before 2.29: let a shell change folder, then replace itself with the program.
                arguments = ["-c", "cd -- \"$0\" && exec \"$@\"", directory.path, executable] + arguments
                executable = "/bin/sh"
            }
        }

        // A new session (and process group, both with the child's pid as id), default signal handling and an empty
        // mask: the tool ignores SIGINT/SIGTERM itself (see `Interruption`), and ignored signals would otherwise stay
        // ignored in the child. A session, not just a group: Foundation's `Process` puts each child it starts in a
        // group of its own, so only the session still holds everything a snippet started.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(Self.spawnSetSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGQUIT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        let pid = try RunningPrograms.shared.spawn { pid in
            posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        }
        defer { RunningPrograms.shared.remove(pid) }

        let deadline = timeout.map { Date().addingTimeInterval($0) }
        var timedOut = false, overflowed = false
        var stillRunning: [String] = []
        var status: Int32 = 0
        var pause: useconds_t = 500
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR {
                status = 255 << 8    // the status is lost (ECHILD): never report success for it
                break
            }
            if !timedOut && !overflowed {
                if let deadline, Date() >= deadline {
                    timedOut = true
                    stillRunning = ProcessTree.others(in: pid)
                    ProcessTree.kill(session: pid)
                } else if let outputLimit, stdout.size > outputLimit || stderr.size > outputLimit || (extra?.size ?? 0) > outputLimit {
                    overflowed = true
                    ProcessTree.kill(session: pid)
                }
            }
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
        // Whatever the program left running (a `sleep` in the background) ends with it. The session id cannot be
        // reused while any member lives, so this reaches only our processes.
        ProcessTree.kill(session: pid)

        let signal = status & 0x7f
        let crashed = signal != 0 && signal != 0x7f
        return Result(status: crashed ? 128 + signal : (status >> 8) & 0xff, crashed: crashed,
                      signal: crashed ? signal : nil, timedOut: timedOut, outputLimitExceeded: overflowed,
                      stdout: stdout.contents(limit: outputLimit), stderr: stderr.contents(limit: outputLimit),
                      extra: extra?.contents(limit: outputLimit) ?? Data(), othersAtTimeOut: stillRunning)
    }

    /// glibc's POSIX_SPAWN_SETSID (2.26+), which Swift's Glibc module does not import.
    static let spawnSetSID: Int32 = 0x80

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which Swift's Glibc module does not declare.
    private static let addChdir: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
    }()

    /// The absolute path of a program on PATH, or nil.
    public static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A temporary file that has no name (unlinked as soon as it is open), so a killed tool leaves nothing behind.
/// Close-on-exec in the tool, so that chapters spawned concurrently never inherit each other's files.
final class CaptureFile {
    let descriptor: Int32

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/workbook-capture-XXXXXX").utf8CString)
        // mkstemp, then close-on-exec, under the spawn lock: no child can be spawned in between and inherit it.
        let fd = RunningPrograms.shared.whileNoSpawn {
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return fd
        }
        guard fd >= 0 else {
            throw WorkbookError("cannot create a temporary file in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        descriptor = fd
    }

    deinit { close(descriptor) }

    var size: Int {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
    }

    func write(_ data: Data) throws {
        try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: data)
        lseek(descriptor, 0, SEEK_SET)
    }

    /// The file's bytes, at most `limit` of them (the first ones).
    func contents(limit: Int?) -> Data {
        let count = min(size, limit ?? Int.max)
        var data = Data(count: count)
        var read = 0
        data.withUnsafeMutableBytes { buffer in
            while read < count {
                let n = pread(descriptor, buffer.baseAddress! + read, count - read, off_t(read))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                read += n
            }
        }
        return data.prefix(read)
    }
}
