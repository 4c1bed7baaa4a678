import Foundation

/// Runs builds one at a time on a thread of its own. A request while a build runs queues exactly one more build,
/// however many requests arrive (an editor's save is often several writes), so the last edit is always built and
/// two builds never overlap — they share the cache, the runtime and the site folder.
final class RebuildQueue: @unchecked Sendable {
    private let build: @Sendable () -> Void
    private let lock = NSCondition()
    private var pending = false
    private var stopping = false
    private var finished = false
    /// Requests made so far, and how many of them a finished build covers (a build covers every request made
    /// before it started).
    private var requested = 0
    private var covered = 0

    init(build: @escaping @Sendable () -> Void) {
        self.build = build
        let thread = Thread { [self] in run() }
        thread.name = "workbook rebuild"
        thread.start()
    }

    /// Asks for a build; returns at once.
    @discardableResult
    func request() -> Int {
        lock.lock(); defer { lock.unlock() }
        guard !stopping else { return requested }
        requested += 1
        pending = true
        lock.broadcast()
        return requested
    }

    /// Asks for a build and waits until one that started after this call has finished.
    func requestAndWait() async {
        let ticket = request()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [self] in
                lock.lock()
                while covered < ticket && !finished { lock.wait() }
                lock.unlock()
                continuation.resume()
            }
        }
    }

    /// True when every request made so far is covered by a finished build: nothing runs, nothing is queued.
    var isIdle: Bool {
        lock.lock(); defer { lock.unlock() }
        return !pending && covered == requested
    }

    /// Takes no more requests, drops a queued one, and waits for the running build to end. `whileWaiting` is
    /// called every 0.1 s until it does (the server uses it to end the build's child processes on Ctrl-C).
    func stop(whileWaiting: () -> Void = {}) {
        lock.lock()
        stopping = true
        pending = false
        lock.broadcast()
        while !finished {
            lock.unlock()
            whileWaiting()
            lock.lock()
            _ = lock.wait(until: Date(timeIntervalSinceNow: 0.1))
        }
        lock.unlock()
    }

    private func run() {
        lock.lock()
        while true {
            while !pending && !stopping { lock.wait() }
            if stopping { break }
            pending = false
            let covering = requested
            lock.unlock()
            build()
            lock.lock()
            covered = covering
            lock.broadcast()
        }
        finished = true
        lock.broadcast()
        lock.unlock()
    }
}
