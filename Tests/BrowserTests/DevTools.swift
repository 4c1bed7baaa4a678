import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven over the DevTools protocol through `--remote-debugging-pipe`: the browser reads
/// commands on descriptor 3 and writes replies and events on descriptor 4, each a JSON object ended by a NUL byte.
/// No port, no WebSocket: two pipes. Enough for a test that keeps one page open while something else changes
/// the site, and watches what the page does by itself.
final class DevTools: @unchecked Sendable {
    private let pid: pid_t
    private let commands: Int32
    private let replies: Int32
    private var buffer = Data()
    private var nextID = 0
    /// Every event the browser sent, in order (`method` and `params`).
    private(set) var events: [[String: Any]] = []
    private let profile: URL

    init(chromium: String) throws {
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-devtools-\(UUID().uuidString)")
        var toBrowser: [Int32] = [0, 0], fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw DevToolsError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toBrowser[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fromBrowser[1], 4)
        let null = Glibc.open("/dev/null", O_WRONLY)
        posix_spawn_file_actions_adddup2(&actions, null, 1)
        posix_spawn_file_actions_adddup2(&actions, null, 2)
        let arguments = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                         "--disable-background-networking", "--disable-sync", "--disable-component-update",
                         "--user-data-dir=\(profile.path)", "--remote-debugging-pipe", "about:blank"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, chromium, &actions, nil, argv, environ)
        close(null)
        close(toBrowser[0])
        close(fromBrowser[1])
        guard status == 0 else { throw DevToolsError("cannot start \(chromium): \(String(cString: strerror(status)))") }
        pid = child
        commands = toBrowser[1]
        replies = fromBrowser[0]
    }

    deinit {
        close(commands)
        close(replies)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        try? FileManager.default.removeItem(at: profile)
    }

    /// Sends a command (to a page's session when `session` is set) and returns its `result`.
    @discardableResult
    func send(_ method: String, _ params: [String: Any] = [:], session: String? = nil, timeout: Double = 60) throws -> [String: Any] {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": params]
        if let session { message["sessionId"] = session }
        var data = try JSONSerialization.data(withJSONObject: message)
        data.append(0)
        try data.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let written = write(commands, bytes.baseAddress! + sent, bytes.count - sent)
                guard written > 0 else { throw DevToolsError("the browser closed its command pipe") }
                sent += written
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let reply = try nextMessage(deadline: deadline)
            if reply["id"] as? Int == nextID {
                if let error = reply["error"] as? [String: Any] { throw DevToolsError("\(method): \(error)") }
                return reply["result"] as? [String: Any] ?? [:]
            }
            if reply["method"] != nil { events.append(reply) }
        }
    }

    /// Opens `url` in a new tab and returns the session to talk to it, with console and log events enabled.
    func open(_ url: String) throws -> String {
        let target = try send("Target.createTarget", ["url": "about:blank"])
        guard let id = target["targetId"] as? String else { throw DevToolsError("no target id in \(target)") }
        let attached = try send("Target.attachToTarget", ["targetId": id, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw DevToolsError("no session in \(attached)") }
        try send("Runtime.enable", session: session)
        try send("Log.enable", session: session)
        try send("Page.enable", session: session)
        try send("Page.navigate", ["url": url], session: session)
        return session
    }

    /// Evaluates a JavaScript expression in the page and returns its value (JSON-compatible values only).
    @discardableResult
    func evaluate(_ expression: String, session: String) throws -> Any? {
        let result = try send("Runtime.evaluate", ["expression": expression, "returnByValue": true], session: session)
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Waits until `expression` is true in the page, reading events meanwhile; false when `timeout` passes first.
    func wait(until expression: String, session: String, timeout: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if (try? evaluate(expression, session: session)) as? Bool == true { return true }
            usleep(200_000)
        }
        return false
    }

    /// Console messages and log entries (CSP violations arrive as `Log.entryAdded` from the "security" source).
    var consoleAndLog: [String] {
        events.compactMap { event in
            let params = event["params"] as? [String: Any]
            switch event["method"] as? String {
            case "Runtime.consoleAPICalled"?:
                let args = params?["args"] as? [[String: Any]] ?? []
                return "console: " + args.map { "\($0["value"] ?? $0["description"] ?? "")" }.joined(separator: " ")
            case "Runtime.exceptionThrown"?:
                return "exception: \(((params?["exceptionDetails"] as? [String: Any])?["text"]) ?? "")"
            case "Log.entryAdded"?:
                let entry = params?["entry"] as? [String: Any]
                return "log (\(entry?["source"] ?? "")): \(entry?["text"] ?? "") \(entry?["url"] ?? "")"
            default: return nil
            }
        }
    }

    private func nextMessage(deadline: Date) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = buffer[buffer.startIndex..<end]
                buffer = Data(buffer[(end + 1)...])
                guard let object = try JSONSerialization.jsonObject(with: message) as? [String: Any] else {
                    throw DevToolsError("not a JSON object from the browser")
                }
                return object
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw DevToolsError("no reply from the browser in time") }
            var poller = pollfd(fd: replies, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(remaining, 1) * 1000)) >= 0 else { throw DevToolsError("poll failed") }
            guard poller.revents != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(replies, &chunk, chunk.count)
            guard count > 0 else { throw DevToolsError("the browser closed its reply pipe") }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }
}

struct DevToolsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
