import Foundation

/// A tiny HTTP/1.1 client over a POSIX socket to 127.0.0.1. Raw on purpose: it sends request paths exactly as
/// written (`/../x`, `%2e%2e`), which URLSession would normalise away. Blocking I/O runs off Swift's concurrency
/// threads. Timeouts are long: in a full `swift test` other suites run blocking builds on those threads (two on
/// a 2-core machine), and the in-process server waits its turn behind them.
enum RawHTTP {
    struct Response { var status: Int; var headers: String; var body: String }

    static func get(port: UInt16, _ path: String, timeout: Double = 240) async throws -> Response {
        try await offThread {
            let fd = try connect(port: port)
            defer { close(fd) }
            try send(fd, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
            let text = try readAll(fd, deadline: Date().addingTimeInterval(timeout))
            return try parse(text)
        }
    }

    /// Opens the event stream; `next` returns the data of the next `state` event.
    final class EventStream: @unchecked Sendable {
        private let fd: Int32
        private var buffer = ""

        init(port: UInt16, path: String = "/__workbook/events") throws {
            fd = try RawHTTP.connect(port: port)
            try RawHTTP.send(fd, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n")
        }

        deinit { close(fd) }

        func next(timeout: Double = 240) async throws -> String {
            try await RawHTTP.offThread { [self] in
                let deadline = Date().addingTimeInterval(timeout)
                while true {
                    if let range = buffer.range(of: "event: state\ndata: "), let end = buffer[range.upperBound...].firstIndex(of: "\n") {
                        let data = String(buffer[range.upperBound..<end])
                        buffer = String(buffer[end...])
                        return data
                    }
                    guard let chunk = try RawHTTP.readSome(fd, deadline: deadline) else { throw Failure("event stream closed") }
                    buffer += chunk
                }
            }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func offThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    static func connect(port: UInt16) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw Failure("connect to port \(port): errno \(errno)") }
        return fd
    }

    static func send(_ fd: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure("send: errno \(errno)") }
            sent += n
        }
    }

    /// Some bytes, or nil at end of stream.
    static func readSome(_ fd: Int32, deadline: Date) throws -> String? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure("timed out reading from the server") }
            if poll(&poller, 1, Int32(min(left, 1) * 1000)) > 0 { break }
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n >= 0 else { throw Failure("recv: errno \(errno)") }
        return n == 0 ? nil : String(decoding: chunk[0..<n], as: UTF8.self)
    }

    static func readAll(_ fd: Int32, deadline: Date) throws -> String {
        var text = ""
        while let chunk = try readSome(fd, deadline: deadline) { text += chunk }
        return text
    }

    static func parse(_ text: String) throws -> Response {
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure("no complete response: \(text.prefix(200))") }
        let head = String(text[..<split.lowerBound])
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure("bad status line: \(statusLine)") }
        var body = String(text[split.upperBound...])
        if head.lowercased().contains("transfer-encoding: chunked") { body = dechunk(body) }
        return Response(status: status, headers: head, body: body)
    }

    static func dechunk(_ body: String) -> String {
        var bytes = Substring(body)
        var out = ""
        while let line = bytes.range(of: "\r\n"), let size = Int(bytes[..<line.lowerBound], radix: 16), size > 0 {
            let start = line.upperBound
            let utf8 = bytes.utf8
            let end = utf8.index(start, offsetBy: size)
            out += String(bytes[start..<end])
            bytes = bytes[end...].dropFirst(2)
        }
        return out
    }
}
