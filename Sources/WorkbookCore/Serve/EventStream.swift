import Foundation

/// Server-Sent Events to every open page: each subscriber first gets the current state, then every new one.
/// A page compares the state's generation with the one it was served with and reloads when they differ.
///
/// Each open page is a connection thread blocked in `serve`, which looks every quarter second whether the page
/// went away (`isOpen`) and writes a comment line every `heartbeat` seconds (a broken connection fails the write):
/// a closed page frees its descriptor at once, not at the next rebuild (34 000 connect-and-close cycles once
/// exhausted the server's descriptors). At most `maxClients` streams are open at once; a new one ends the oldest (a reader has a
/// few tabs, not hundreds).
final class EventBroadcaster: @unchecked Sendable {
    static let maxClients = 64
    private let condition = NSCondition()
    private var generation: String
    /// Bumped at every publish; a client sends the state when it sees a new one.
    private var version = 0
    private var clients: [UUID] = []
    private var closed = false
    private let heartbeat: Double

    init(generation: String, heartbeat: Double = 5) {
        self.generation = generation
        self.heartbeat = heartbeat
    }

    /// How many streams are open (for tests).
    var openStreams: Int { condition.withLock { clients.count } }

    /// Serves one page's stream on the calling thread until the page goes away (`write` fails), a newer page
    /// takes its place among the last `maxClients`, or the server closes. `retry` makes a page whose server went
    /// away try again after a second.
    func serve(write: (Data) -> Bool, isOpen: () -> Bool = { true }) {
        let id = UUID()
        condition.lock()
        guard !closed else { condition.unlock(); return }
        clients.append(id)
        if clients.count > Self.maxClients { clients.removeFirst() }
        condition.broadcast()
        var seen = version
        var message = Data("retry: 1000\n\n".utf8) + Self.event(generation)
        defer { condition.withLock { clients.removeAll { $0 == id } } }
        while true {
            condition.unlock()
            guard write(message) else { return }
            condition.lock()
            // Wake at each publish, and every quarter second to see whether the page went away.
            let deadline = Date().addingTimeInterval(heartbeat)
            while version == seen && !closed && clients.contains(id) && Date() < deadline {
                _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.25)))
                if version == seen && !isOpen() { condition.unlock(); return }
            }
            if closed || !clients.contains(id) { condition.unlock(); return }
            message = version == seen ? Data(": alive\n\n".utf8) : Self.event(generation)
            seen = version
        }
    }

    /// Sends a new generation to every page (only after the site it names is in place).
    func publish(_ generation: String) {
        condition.withLock {
            self.generation = generation
            version += 1
            condition.broadcast()
        }
    }

    /// Ends every stream (the server is stopping) and refuses new subscribers.
    func close() {
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }

    static func event(_ generation: String) -> Data {
        Data("event: state\ndata: \(generation)\n\n".utf8)
    }
}
