import Foundation

/// Rendered pages kept between builds (`.workbook-cache/pages/[EDITION/]NAME.KEY.json`), keyed by everything
/// pandoc is given: the page's Markdown and TOC label, the theme's renderer, link filter, prose rules and typed
/// blocks, the tool's version.
/// An unchanged page costs no pandoc run; a page's older versions are removed when a new one is stored.
struct PageCache: Sendable {
    var directory: URL
    /// The part of every key that does not depend on the page (theme files, tool version).
    var base: String

    init(directory: URL, theme: Theme) throws {
        self.directory = directory
        base = ContentHash.of(try theme.read(SiteRenderer.pageRenderer), try theme.read(SiteRenderer.linkFilter),
                              try theme.read(SiteRenderer.textRules), try theme.read(SiteRenderer.typedBlocks), WorkbookVersion.current)
    }

    func url(edition: String, name: String, source: PageSource) -> URL {
        let folder = edition.isEmpty ? directory : directory.appendingPathComponent(edition)
        return folder.appendingPathComponent("\(name).\(ContentHash.of(base, source.tocLabel, source.markdown, source.glossary)).json")
    }

    /// A kept page (`url`). It is read only when the page is published: a build whose site is already published
    /// reads none. An unreadable file is removed, so that the next build renders the page again.
    static func read(_ file: URL) -> RenderedPage? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        guard let page = try? JSONDecoder().decode(RenderedPage.self, from: data) else {
            try? FileManager.default.removeItem(at: file)
            return nil
        }
        return page
    }

    func store(_ page: RenderedPage, edition: String, name: String, source: PageSource) {
        let file = url(edition: edition, name: name, source: source)
        let folder = file.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for old in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where old.hasPrefix("\(name).") && old.hasSuffix(".json") && old != file.lastPathComponent {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(old))
        }
        guard let data = try? JSONEncoder().encode(page) else { return }
        try? AtomicFile.write(String(decoding: data, as: UTF8.self), to: file)
    }
}
