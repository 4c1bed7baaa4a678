import FlyingSocks
import Foundation

/// Server-Sent Events to every open page: each subscriber first gets the current state, then every new one.
/// A page compares the state's generation with the one it was served with and reloads when they differ.
///
/// A closed connection is only noticed when something is written to it, so every stream gets a comment line
/// every `heartbeat` seconds: a page that went away frees its descriptor within that time, not at the next
/// rebuild (34 000 connect-and-close cycles once exhausted the server's descriptors). And at most `maxClients`
/// streams are open at once; a new one ends the oldest (a reader has a few tabs, not hundreds).
final class EventBroadcaster: @unchecked Sendable {
    static let maxClients = 64
    private let lock = NSLock()
    private var clients: [UUID: AsyncStream<Data>.Continuation] = [:]
    private var order: [UUID] = []
    private var generation: String
    private var closed = false
    private let timer: DispatchSourceTimer

    init(generation: String, heartbeat: Double = 5) {
        self.generation = generation
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + heartbeat, repeating: heartbeat)
        timer.setEventHandler { [weak self] in self?.send(Data(": alive\n\n".utf8)) }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// How many streams are open (for tests).
    var openStreams: Int { lock.withLock { clients.count } }

    private func send(_ data: Data) {
        lock.lock(); defer { lock.unlock() }
        for client in clients.values { client.yield(data) }
    }

    /// One page's stream of event bytes. `retry` makes a page whose server went away try again after a second.
    func subscribe() -> AsyncStream<Data> {
        let (stream, continuation) = AsyncStream<Data>.makeStream(bufferingPolicy: .bufferingNewest(16))
        let id = UUID()
        lock.lock()
        if closed {
            lock.unlock()
            continuation.finish()
            return stream
        }
        clients[id] = continuation
        order.append(id)
        var evicted: AsyncStream<Data>.Continuation?
        if order.count > Self.maxClients { evicted = clients.removeValue(forKey: order.removeFirst()) }
        continuation.yield(Data("retry: 1000\n\n".utf8) + Self.event(generation))
        lock.unlock()
        evicted?.finish()
        continuation.onTermination = { [weak self] _ in self?.remove(id) }
        return stream
    }

    /// Sends a new generation to every page (only after the site it names is in place).
    func publish(_ generation: String) {
        lock.lock(); defer { lock.unlock() }
        self.generation = generation
        for client in clients.values { client.yield(Self.event(generation)) }
    }

    /// Ends every stream (the server is stopping) and refuses new subscribers.
    func close() {
        lock.lock()
        closed = true
        let all = Array(clients.values)
        clients = [:]
        order = []
        lock.unlock()
        timer.cancel()
        for client in all { client.finish() }
    }

    private func remove(_ id: UUID) {
        lock.lock(); clients[id] = nil; order.removeAll { $0 == id }; lock.unlock()
    }

    static func event(_ generation: String) -> Data {
        Data("event: state\ndata: \(generation)\n\n".utf8)
    }
}

/// An `AsyncStream<Data>` as the byte sequence FlyingFox streams a response body from (chunked, open until the
/// stream ends): how the event stream stays open.
struct StreamedBody: AsyncBufferedSequence {
    typealias Element = UInt8
    let stream: AsyncStream<Data>

    func makeAsyncIterator() -> Iterator { Iterator(base: stream.makeAsyncIterator()) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        var base: AsyncStream<Data>.Iterator
        var pending: [UInt8] = []

        mutating func next() async -> UInt8? {
            guard let buffer = await nextBuffer(suggested: 1) else { return nil }
            return buffer.first
        }

        mutating func nextBuffer(suggested count: Int) async -> [UInt8]? {
            while pending.isEmpty {
                guard let data = await base.next() else { return nil }
                pending = Array(data)
            }
            let buffer = Array(pending.prefix(Swift.max(1, count)))
            pending.removeFirst(buffer.count)
            return buffer
        }
    }
}
