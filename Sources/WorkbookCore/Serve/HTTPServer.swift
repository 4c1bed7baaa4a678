import Foundation

/// The HTTP/1.1 side of `workbook serve`, on POSIX sockets: one thread per connection, one request per connection
/// (`Connection: close`), GET and HEAD only — what a live preview on this machine needs, with every resource bounded.
///
/// Why not a server library: FlyingFox, used before, read a request line without bound and in time quadratic in its
/// length (a 100 KB URL kept a core busy 200 s, a 2 MB one wedged the server; any page open in the same browser can
/// send one to 127.0.0.1). Here the request head is read in blocks, at most `maxRequestLine` bytes for the request
/// line (else 414) and `maxHead` in all (else 431), within `headTimeout` seconds; at most `maxConnections` are open
/// (else 503); writes to a peer that went away fail at once (`MSG_NOSIGNAL`), ending the connection's thread, and
/// an event stream notices a closed peer within a quarter of a second.
final class HTTPServer: @unchecked Sendable {
    struct Request {
        var method: String
        /// The request target as sent, still percent-encoded (`/01-intro.html?x=1`).
        var target: String
        /// Header names lowercased.
        var headers: [String: String]
        var path: String { String(target.prefix { $0 != "?" && $0 != "#" }) }
    }

    struct Response {
        enum Body {
            case data(Data)
            /// A file streamed from disk in blocks, never read whole.
            case file(URL, size: Int)
            /// An open stream of Server-Sent Events, until the client or the server ends it.
            case events(EventBroadcaster)
        }
        var status: Int
        var headers: [(String, String)] = []
        var body: Body = .data(Data())
    }

    static let maxRequestLine = 8 * 1024
    static let maxHead = 32 * 1024
    static let maxConnections = 512
    static let headTimeout = 10.0

    private let listener: Int32
    let host: String
    let port: UInt16
    private let lock = NSLock()
    private var connections: Set<Int32> = []
    private var stopped = false

    /// Binds and listens on `host` (an IPv4 or IPv6 address) and `port` (0: any free one).
    init(host: String, port: UInt16) throws {
        var v4 = sockaddr_in(), v6 = sockaddr_in6()
        let isV6 = inet_pton(AF_INET6, host, &v6.sin6_addr) == 1
        guard isV6 || inet_pton(AF_INET, host, &v4.sin_addr) == 1 else {
            throw ServeError.address(host, EADDRNOTAVAIL, port: port)
        }
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ServeError.address(host, errno, port: port) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        if isV6 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            bound = withUnsafePointer(to: &v6) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            bound = withUnsafePointer(to: &v4) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw ServeError.address(host, code, port: port)
        }
        var address = sockaddr_in6()
        var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        // sin_port and sin6_port sit at the same offset.
        self.port = UInt16(bigEndian: address.sin6_port)
        self.host = host
        listener = fd
    }

    /// Accepts connections on a thread of its own until `stop`; each request is answered by `handler`.
    func start(_ handler: @escaping @Sendable (Request) -> Response) {
        let thread = Thread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                        if errno == EMFILE || errno == ENFILE { usleep(50_000) }
                        if isStopped { return }
                        continue
                    }
                    return    // the listening socket was shut down: stop
                }
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)    // no chapter program inherits a connection
                guard admit(client) else {
                    Self.write(client, Self.head(status: 503, headers: [("Content-Length", "0")]))
                    Self.drain(client)
                    close(client)
                    continue
                }
                let connection = Thread { [self] in
                    serve(client, handler)
                    dismiss(client)
                }
                connection.stackSize = 256 * 1024
                connection.start()
            }
        }
        thread.name = "workbook serve accept"
        thread.start()
    }

    /// Stops accepting and ends every open connection (their threads finish on their own).
    func stop() {
        lock.lock()
        stopped = true
        let open = connections
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for fd in open { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    var isStopped: Bool { lock.withLock { stopped } }

    private func admit(_ fd: Int32) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard !stopped, connections.count < Self.maxConnections else { return false }
        connections.insert(fd)
        return true
    }

    private func dismiss(_ fd: Int32) {
        lock.lock(); connections.remove(fd); lock.unlock()
        close(fd)
    }

    private func serve(_ fd: Int32, _ handler: (Request) -> Response) {
        var timeout = timeval(tv_sec: Int(Self.headTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request: Request
        switch Self.readHead(fd) {
        case .success(let parsed): request = parsed
        case .failure(let error):
            Self.write(fd, Self.head(status: error.status, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "0")]))
            Self.drain(fd)
            return
        }
        let response = handler(request)
        var headers = response.headers
        switch response.body {
        case .data(let data): headers.append(("Content-Length", String(data.count)))
        case .file(_, let size): headers.append(("Content-Length", String(size)))
        case .events: break
        }
        guard Self.write(fd, Self.head(status: response.status, headers: headers)), request.method != "HEAD" else { return }
        switch response.body {
        case .data(let data): Self.write(fd, data)
        case .file(let url, _): Self.stream(url, to: fd)
        case .events(let broadcaster): broadcaster.serve(write: { Self.write(fd, $0) }, isOpen: { Self.isOpen(fd) })
        }
    }

    /// After refusing a request whose client is still sending: stop writing, read and drop what arrives (at most
    /// 16 MB, 2 s), so that closing does not reset the connection before the client has read the answer.
    static func drain(_ fd: Int32) {
        shutdown(fd, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var block = [UInt8](repeating: 0, count: 65_536)
        var dropped = 0
        let deadline = Date().addingTimeInterval(2)
        while dropped < 16_000_000 && Date() < deadline {
            let count = read(fd, &block, block.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            dropped += count
        }
    }

    /// Reads the request head: `.failure(status)` for one too long (414, 431), malformed or too slow (400).
    static func readHead(_ fd: Int32) -> Result<Request, StatusError> {
        var buffer = [UInt8]()
        var block = [UInt8](repeating: 0, count: 4096)
        var searchFrom = 0
        while true {
            if let end = find([13, 10, 13, 10], in: buffer, from: searchFrom) {
                return parse(Array(buffer[..<end]))
            }
            searchFrom = max(0, buffer.count - 3)
            if !buffer.contains(10) && buffer.count > maxRequestLine { return .failure(StatusError(414)) }
            if buffer.count > maxHead { return .failure(StatusError(buffer.contains(10) ? 431 : 414)) }
            let count = read(fd, &block, block.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return .failure(StatusError(400)) }
            buffer += block[0..<count]
        }
    }

    struct StatusError: Error { var status: Int; init(_ status: Int) { self.status = status } }

    static func parse(_ head: [UInt8]) -> Result<Request, StatusError> {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else { return .failure(StatusError(400)) }
        guard lines[0].utf8.count <= maxRequestLine else { return .failure(StatusError(414)) }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { return .failure(StatusError(400)) }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return .success(Request(method: String(parts[0]), target: String(parts[1]), headers: headers))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }

    static func head(status: Int, headers: [(String, String)]) -> Data {
        var text = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Connection: close\r\n\r\n"
        return Data(text.utf8)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 414: "URI Too Long"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    /// Writes all of `data`; false when the peer is gone (no SIGPIPE: `MSG_NOSIGNAL`).
    @discardableResult
    static func write(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let count = send(fd, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                sent += count
            }
            return true
        }
    }

    /// False once the peer has closed its end (or the connection broke): an event stream ends then, without waiting
    /// for its next write to fail.
    static func isOpen(_ fd: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN) | 0x2000 /* POLLRDHUP */, revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return true }
        return poller.revents & (0x2000 | Int16(POLLHUP) | Int16(POLLERR)) == 0
    }

    static func stream(_ url: URL, to fd: Int32) {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return }
        defer { try? handle.close() }
        while let block = try? handle.read(upToCount: 65_536), !block.isEmpty {
            guard write(fd, block) else { return }
        }
    }
}

/// Why `serve` could not listen, in words an author can act on.
enum ServeError {
    static func address(_ host: String, _ code: Int32, port: UInt16? = nil) -> WorkbookError {
        let address = (host.contains(":") ? "[\(host)]" : host) + (port.map { ":\($0)" } ?? "")
        switch code {
        case EADDRINUSE:
            return WorkbookError("\(address) is already in use (another `workbook serve`?); stop it, or pass --port with "
                + "another number (--port 0 picks a free one)")
        case EADDRNOTAVAIL:
            return WorkbookError("\(host) is not an address of this machine; pass --host 127.0.0.1 (this machine "
                + "only) or the address of one of its network interfaces")
        case EACCES:
            return WorkbookError("not allowed to listen on \(address) (ports below 1024 need root); pass --port 3000 or above")
        default:
            return WorkbookError("cannot listen on \(address): \(String(cString: strerror(code)))")
        }
    }
}
