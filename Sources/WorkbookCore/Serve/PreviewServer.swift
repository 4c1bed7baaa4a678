import Foundation

/// What `workbook serve` answers (over `HTTPServer`): the site folder's files — pages with the live-reload script
/// added —, that script and its stylesheet, and the event stream that tells open pages to reload. Only GET and
/// HEAD; every path that is not one of the server's own resolves inside the site folder or is a 404
/// (`SiteFileResolver`).
struct PreviewHandler: Sendable {
    let site: SiteFileResolver
    let state: ServeStateStore
    let events: EventBroadcaster
    /// The address the server listens on: decides which `Host` names it answers (`acceptsHost`).
    var listeningHost = "127.0.0.1"

    func handle(_ request: HTTPServer.Request) -> HTTPServer.Response {
        guard Self.acceptsHost(request.headers["host"], listeningOn: listeningHost) else {
            return text("This server serves a book at 127.0.0.1 only; it does not answer for another host name.\n",
                        type: "text/plain; charset=utf-8", status: 403)
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return HTTPServer.Response(status: 405, headers: [("Allow", "GET, HEAD")])
        }
        // HEAD gets the headers a GET would get, Content-Length included; the server sends no body for it.
        return respond(toRawPath: request.path)
    }

    /// A defence against DNS rebinding: a web page the reader has open elsewhere may make its own name resolve to
    /// 127.0.0.1 and read the book through it, but its requests carry that name. A server on loopback answers only
    /// `localhost`, `127.x.y.z` and `[::1]` (any port); on another address, only that address, or any name when it
    /// listens on every interface (`0.0.0.0`, `::`), where the reader chose to be reached by any name. A request
    /// without a Host header (HTTP/1.0 tools) is answered.
    static func acceptsHost(_ header: String?, listeningOn host: String) -> Bool {
        guard let header = header?.trimmingCharacters(in: .whitespaces).lowercased(), !header.isEmpty else { return true }
        let name: String
        if header.hasPrefix("["), let close = header.firstIndex(of: "]") {
            name = String(header[header.index(after: header.startIndex)..<close])
        } else {
            name = String(header.split(separator: ":", maxSplits: 1).first ?? "")
        }
        var address = in_addr()
        let loopback = name == "localhost" || name == "::1" || (inet_pton(AF_INET, name, &address) == 1 && name.hasPrefix("127."))
        switch host {
        case "0.0.0.0", "::": return true
        case "127.0.0.1", "::1", "localhost": return loopback
        default: return loopback || name == host.lowercased()
        }
    }

    func respond(toRawPath rawPath: String) -> HTTPServer.Response {
        switch rawPath {
        case LivePage.eventsPath:
            return HTTPServer.Response(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-store")],
                                       body: .events(events))
        case LivePage.scriptPath:
            return text(LivePage.script, type: "text/javascript; charset=utf-8")
        case LivePage.stylePath:
            return text(LivePage.style, type: "text/css; charset=utf-8")
        default:
            break
        }
        guard let file = site.file(forRawPath: rawPath) else {
            return text(LivePage.notFoundPage(state: state.current), type: "text/html; charset=utf-8", status: 404)
        }
        let type = Self.contentType(file.pathExtension)
        if file.pathExtension == "html", let data = FileManager.default.contents(atPath: file.path) {
            return text(LivePage.inject(into: String(decoding: data, as: UTF8.self), state: state.current), type: type)
        }
        // Any other file is streamed from disk, never read whole: a 400 MB data file costs a buffer, not 400 MB a
        // request. no-cache: the browser asks again after each reload, so a changed stylesheet shows at once.
        guard let size = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? Int else {
            return text(LivePage.notFoundPage(state: state.current), type: "text/html; charset=utf-8", status: 404)
        }
        return HTTPServer.Response(status: 200, headers: [("Content-Type", type), ("Cache-Control", "no-cache")], body: .file(file, size: size))
    }

    func text(_ text: String, type: String, status: Int = 200) -> HTTPServer.Response {
        HTTPServer.Response(status: status, headers: [("Content-Type", type), ("Cache-Control", "no-store")], body: .data(Data(text.utf8)))
    }

    static func contentType(_ pathExtension: String) -> String {
        switch pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "woff": "font/woff"
        case "txt", "md": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
