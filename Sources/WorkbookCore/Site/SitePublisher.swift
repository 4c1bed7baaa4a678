import Foundation

/// Writes the site: every edition's rendered pages dressed by the theme's page template (`PageComposer`), its
/// assets and its search index, into a staging folder that replaces the site folder whole, so that a reader never
/// sees half a site and a failed build leaves the last good one.
public struct SitePublisher: Sendable {
    public var theme: Theme
    public var outputDirectory: URL
    /// The book's own footer HTML (book.toml), shown on the landing pages too.
    public var footer: String?
    /// Set when each edition also gets an EPUB (`book.epub` in its folder).
    var epub: EpubWriter?
    /// book.toml's `repository` and `edit-url`, linked from every page's footer.
    var repository: String?
    var editURL: String?

    public init(theme: Theme, outputDirectory: URL, footer: String? = nil) {
        self.theme = theme
        self.outputDirectory = outputDirectory
        self.footer = footer
    }

    public func publish(_ editions: [SiteEdition], rendered: SiteRenderer.RenderedSite) throws {
        let composer = PageComposer(template: PageTemplate(try theme.read("page.html")), editions: editions,
                                    repository: repository, editURL: editURL)
        let staging = try StagingFolder(replacing: outputDirectory)
        defer { staging.discard() }
        for edition in editions {
            let folder = edition.path.isEmpty ? staging.url : staging.url.appendingPathComponent(edition.path)
            try write(edition, into: folder, composer: composer, rendered: rendered)
            try epub?.write(edition, to: folder.appendingPathComponent(EpubWriter.fileName))
        }
        try staging.swapIn()
    }

    /// One edition into `folder`: its pages, its own copy of the assets and its own search index.
    func write(_ edition: SiteEdition, into folder: URL, composer: PageComposer, rendered: SiteRenderer.RenderedSite) throws {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: folder.appendingPathComponent("assets"), withIntermediateDirectories: true)
            for asset in theme.assets() {
                try theme.copyAsset(asset.url, to: folder.appendingPathComponent("assets/\(asset.name)"))
            }
        } catch let error as WorkbookError {
            throw error
        } catch {
            throw WorkbookError(.render, file: folder.path, "cannot copy the theme's assets: \(error.localizedDescription)")
        }
        var searchEntries: [SearchIndex.Entry] = []
        var chapters: [(name: String, html: String)] = []    // for the print edition
        for (index, page) in edition.pages.enumerated() {
            let body = try self.body(of: page, in: edition, rendered: rendered)
            chapters.append((page.name, body.html))
            let html = composer.page(edition: edition, title: page.title, body: body.html, current: page.name, footer: page.footer,
                                     previous: index > 0 ? edition.pages[index - 1] : nil,
                                     next: index + 1 < edition.pages.count ? edition.pages[index + 1] : nil)
            try write(html, to: folder.appendingPathComponent("\(page.name).html"))
            searchEntries += SearchIndex.entries(page: pageURL(page.name), title: page.title, sections: body.sections)
        }
        try write(SearchIndex.script(searchEntries), to: folder.appendingPathComponent("assets/search-index.js"))
        try write(composer.page(edition: edition, title: edition.title, body: PrintEdition.body(chapters: chapters),
                                current: "print", footer: page(footerOf: edition), previous: nil, next: nil),
                  to: folder.appendingPathComponent(PrintEdition.fileName))
        let landing = try body(of: edition.landing, in: edition, rendered: rendered)
        try write(composer.page(edition: edition, title: edition.title, body: landing.html, current: "index",
                                footer: page(footerOf: edition),
                                previous: nil, next: edition.pages.first),
                  to: folder.appendingPathComponent("index.html"))
    }

    /// The footer of the pages that are not one chapter's (the landing page, the print edition).
    func page(footerOf edition: SiteEdition) -> String {
        edition.strings.landingFooter + (footer.map { " " + $0 } ?? "")
    }

    func body(of page: SitePage, in edition: SiteEdition, rendered: SiteRenderer.RenderedSite) throws -> RenderedPage {
        guard let body = rendered.page(edition, page.name) else {
            throw WorkbookError(.render, file: "\(edition.chaptersFolder)/\(page.name).md", "the page was not rendered; build again")
        }
        return body
    }

    func write(_ text: String, to url: URL) throws {
        do { try PlainFile.write(text, to: url.path) } catch {
            throw WorkbookError(.render, file: url.path, "cannot write: \(error.localizedDescription)")
        }
    }
}
