import Foundation

/// Maps a request path to a file of the site folder, or nil (the server answers 404).
///
/// The server must never answer with a file outside the site folder, whatever the path. So every segment is
/// percent-decoded once and refused when it is `.` or `..`, starts with a dot, or decodes to something holding a
/// slash, a backslash or NUL (`%2e%2e`, `%2f`, `%5c`, `%00`); and the file's real path — symlinks resolved — must
/// lie inside the site folder's real path, so a symlink in the site that points elsewhere is refused too.
struct SiteFileResolver: Sendable {
    /// The site folder (swapped whole by every build, so its real path is read at each request).
    var root: URL

    /// `rawPath`: the request target's path as sent, still percent-encoded (`/01-intro.html`, `/`).
    func file(forRawPath rawPath: String) -> URL? {
        guard rawPath.hasPrefix("/") else { return nil }
        var segments: [String] = []
        for raw in rawPath.split(separator: "/") {
            guard let segment = String(raw).removingPercentEncoding, !segment.isEmpty, !segment.hasPrefix("."),
                  !segment.contains("/"), !segment.contains("\\"), !segment.contains("\0") else { return nil }
            segments.append(segment)
        }
        var candidate = segments.reduce(root) { $0.appendingPathComponent($1) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
            candidate.appendPathComponent("index.html")
        }
        guard let realRoot = Self.realPath(root.path), let real = Self.realPath(candidate.path),
              real.hasPrefix(realRoot.hasSuffix("/") ? realRoot : realRoot + "/") else { return nil }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: real),
              attributes[.type] as? FileAttributeType == .typeRegular else { return nil }
        return URL(fileURLWithPath: real)
    }

    /// The path with every symlink and `..` resolved (realpath(3)), or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
