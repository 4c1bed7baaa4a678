import Foundation

/// The files that make and dress a page: `render-pages.lua` (pandoc's page renderer: HTML, table of contents,
/// search sections), `page-text.lua` (how a page's Markdown is read, and its prose rules), `page-blocks.lua` (the
/// weave's typed blocks, read for both renderers), `chapter-links.lua` (`.md` links → `.html`), `render-epub.lua`
/// (an edition as one EPUB), `page.html` (the page template, `{{slot}}`s)
/// and `assets/` (CSS, scripts). A book's theme folder overrides the built-in theme
/// file by file, as mdBook's `theme/` does: an author changes `assets/style.css` without copying the rest.
public struct Theme: Sendable {
    public var builtIn: URL
    public var override: URL?

    public init(builtIn: URL, override: URL?) {
        self.builtIn = builtIn
        self.override = override
    }

    /// Where the named file comes from: the override when it has the file, else the built-in theme.
    public func url(_ name: String) -> URL {
        if let override, FileManager.default.fileExists(atPath: override.appendingPathComponent(name).path) {
            return override.appendingPathComponent(name)
        }
        return builtIn.appendingPathComponent(name)
    }

    public func read(_ name: String) throws -> String {
        let url = url(name)
        try Self.refuseLinkOut(url, within: url.path.hasPrefix(builtIn.path + "/") ? builtIn : (override ?? builtIn))
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw WorkbookError(file: url.path, "cannot read the theme file", underlying: error)
        }
    }

    /// Copies an asset into the site: its contents, never a symbolic link (a link in the site would point a reader,
    /// or a server, at whatever it names). A link that leads out of the theme folder is an error.
    public func copyAsset(_ source: URL, to destination: URL) throws {
        let folder = source.path.hasPrefix(builtIn.path + "/") ? builtIn : (override ?? builtIn)
        try Self.refuseLinkOut(source, within: folder)
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory)
        guard isDirectory.boolValue else {
            try FileManager.default.copyItem(at: source.resolvingSymlinksInPath(), to: destination)
            return
        }
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where !name.hasPrefix(".") {
            try copyAsset(source.appendingPathComponent(name), to: destination.appendingPathComponent(name))
        }
    }

    /// Throws when `url` (or a folder on its way) is a symbolic link that resolves outside `folder`.
    static func refuseLinkOut(_ url: URL, within folder: URL) throws {
        let inside = folder.resolvingSymlinksInPath().path + "/"
        let resolved = url.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(inside) else {
            throw WorkbookError(file: url.path, "is a symbolic link to \(resolved), outside the theme folder; "
                + "the site would publish that file. Copy the file into the theme instead")
        }
    }

    /// Every asset by name, the override's replacing the built-in ones of the same name.
    public func assets() -> [(name: String, url: URL)] {
        var found: [String: URL] = [:]
        for folder in [builtIn, override].compactMap({ $0?.appendingPathComponent("assets") }) {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where !name.hasPrefix(".") {
                found[name] = folder.appendingPathComponent(name)
            }
        }
        return found.keys.sorted().map { ($0, found[$0]!) }
    }
}
