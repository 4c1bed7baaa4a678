import ArgumentParser
import Dispatch
import Foundation
import WorkbookCore

/// `workbook serve`: a live preview. A thin front over `ServeSession`; this file owns only the terminal side —
/// options, the browser, and Ctrl-C.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build, serve the site on this machine and rebuild on every change; open pages reload by themselves.",
        discussion: """
            Watches the chapters, book.toml, the theme folder and the package's sources. Build errors show in the \
            page over the last good build; outputs that differ from the recorded ones show marked "not yet \
            recorded" (--fix records them as you go). Ctrl-C stops.
            """)
    @Option(help: "The book's root folder (holding book.toml or Chapters/).") var root: String = "."
    @Option(help: "The port to listen on (0: any free port).") var port: Int = 3000
    @Option(help: "The address to listen on. The default, 127.0.0.1, is this machine only; another address shows the book to the network.")
    var host: String = "127.0.0.1"
    @Flag(help: "Open the book in the browser once it is served.") var open = false
    @Flag(help: "Record fresh outputs into the chapters at every build (workbook fix, then the preview).") var fix = false
    @Option(help: "Chapters compiled in parallel.") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Time limit per chapter program, in seconds (default: book.toml's snippets.timeout, else 60).") var timeout: Double?
    @Option(help: "Where the snippet runtime is built and kept (default: ROOT/.workbook-cache/runtime).") var runtimeDir: String?
    @Option(help: "Where the site goes (default: book.toml's book.output, else ROOT/site/out).") var output: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        if let timeout { guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") } }
        var v4 = in_addr(), v6 = in6_addr()
        guard host == "localhost" || inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1 else {
            throw ValidationError("--host takes an IP address of this machine (127.0.0.1, ::1, 0.0.0.0 for every interface, "
                + "or one interface's address), not '\(host)'")
        }
    }

    func run() throws {
        var build = BuildOptions(root: URL(fileURLWithPath: root).standardizedFileURL, mode: .preview)
        build.jobs = jobs
        build.timeout = timeout
        build.runtimeDirectory = runtimeDir.map { URL(fileURLWithPath: $0) }
        build.outputDirectory = output.map { URL(fileURLWithPath: $0).standardizedFileURL }
        var options = ServeOptions(build: build)
        options.host = host == "localhost" ? "127.0.0.1" : host
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            FileHandle.standardError.write(Data("note: listening on \(host): other machines that reach this address can read the book\n".utf8))
        }
        options.port = UInt16(port)
        options.fix = fix
        let session = ServeSession(options: options)

        // Ctrl-C and SIGTERM end the session cleanly instead of killing the process mid-build — also during the
        // first build, which can take minutes: the main thread waits for whichever comes first.
        let wake = DispatchSemaphore(value: 0)
        let stopRequested = SignalFlag()
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stopRequested.set(); wake.signal() }
            source.resume()
            sources.append(source)
        }

        let starting = Blocking.start { try await session.start() } whenDone: { wake.signal() }
        wake.wait()
        guard !stopRequested.isSet else {
            FileHandle.standardError.write(Data("stopping during the first build …\n".utf8))
            _ = Blocking.await { await session.stop(killingChildren: true) }
            FileHandle.standardOutput.write(Data("stopped\n".utf8))
            throw ExitCode(130)
        }
        let url: URL
        switch starting.result! {
        case .failure(let error):
            let exit = failure(error)
            _ = Blocking.await { await session.stop(killingChildren: true) }
            throw exit
        case .success(let served):
            url = served
        }
        // Written unbuffered: scripts (make bench) read this line to know the server is up.
        FileHandle.standardOutput.write(Data("serving \(url.absoluteString) — edit a chapter and the page reloads; Ctrl-C stops\n".utf8))
        if open { openInBrowser(url) }

        while !stopRequested.isSet { wake.wait() }
        FileHandle.standardError.write(Data("stopping …\n".utf8))
        _ = Blocking.await { await session.stop(killingChildren: true) }
        FileHandle.standardOutput.write(Data("stopped\n".utf8))
        _ = sources
    }

    func openInBrowser(_ url: URL) {
        #if os(macOS)
        let opener = "open"
        #else
        let opener = "xdg-open"
        #endif
        guard let path = Subprocess.which(opener) else {
            FileHandle.standardError.write(Data("--open: \(opener) not found; open \(url.absoluteString) yourself\n".utf8))
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = [url.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }
}

/// Runs async work from this synchronous command and waits for it (the main thread just waits; the work runs on
/// Swift's concurrency threads).
enum Blocking {
    static func await<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let done = DispatchSemaphore(value: 0)
        let box = start(work) { done.signal() }
        done.wait()
        return box.result!
    }

    /// Starts the work; `whenDone` is called once its result is in the box.
    static func start<T: Sendable>(_ work: @escaping @Sendable () async throws -> T, whenDone: @escaping @Sendable () -> Void) -> Box<T> {
        let box = Box<T>()
        Task {
            do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
            whenDone()
        }
        return box
    }

    final class Box<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }
}

/// A flag set from a signal handler's queue and read from the main thread.
final class SignalFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
