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

    /// Returns false when the site already in place was published from the same inputs (`key`, kept in
    /// `keyFile`): nothing is written then, so a build where nothing changed costs the same at 12 chapters as at
    /// 48, and a deployed or served site is left as it is.
    @discardableResult
    public func publish(_ editions: [SiteEdition], rendered: SiteRenderer.RenderedSite, keyFile: URL? = nil) throws -> Bool {
        let key = keyFile == nil ? nil : self.key(editions, rendered: rendered)
        if let keyFile, let key, (try? String(contentsOf: keyFile, encoding: .utf8)) == key, isInPlace(editions) { return false }
        try write(editions, rendered: rendered)
        if let keyFile, let key { try? AtomicFile.write(key, to: keyFile) }
        return true
    }

    func write(_ editions: [SiteEdition], rendered: SiteRenderer.RenderedSite) throws {
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

    /// Everything a publish writes is made of: the tool, the theme's files, the book's settings, each edition's
    /// pages (titles, summaries, footers, and the rendered bodies by their cache keys, which hash what pandoc was
    /// given: no kept page is read to decide) and where the site goes.
    func key(_ editions: [SiteEdition], rendered: SiteRenderer.RenderedSite) -> String {
        var hash = ContentHash()
        for part in [WorkbookVersion.current, outputDirectory.path, footer ?? "", repository ?? "", editURL ?? "", epub == nil ? "html" : "html+epub"] {
            hash.update(part)
        }
        for folder in [theme.builtIn, theme.override].compactMap({ $0 }) {
            for file in RuntimeBuilder.files(under: folder) {
                hash.update(file.path)
                hash.update(String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self))
            }
        }
        for edition in editions {
            for part in [edition.language, edition.path, edition.title, edition.chaptersFolder] { hash.update(part) }
            for page in edition.allPages {
                for part in [page.name, page.title, page.summary, page.footer, page.isChapter ? "chapter" : "page"] { hash.update(part) }
                hash.update(rendered.key(edition, page.name) ?? "")
            }
        }
        return hash.hex
    }

    /// The site folder is the tool's and holds every page (a folder removed or emptied by hand is written again).
    func isInPlace(_ editions: [SiteEdition]) -> Bool {
        guard OutputFolder.isOurs(outputDirectory) else { return false }
        return editions.allSatisfy { edition in
            let folder = edition.path.isEmpty ? outputDirectory : outputDirectory.appendingPathComponent(edition.path)
            return (edition.pages.map { "\($0.name).html" } + ["index.html", PrintEdition.fileName, "assets/search-index.js"]
                    + (epub == nil ? [] : [EpubWriter.fileName])).allSatisfy {
                FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
            }
        }
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
            throw WorkbookError(file: folder.path, "cannot copy the theme's assets", underlying: error)
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
            throw WorkbookError(file: "\(edition.chaptersFolder)/\(page.name).md", "the page was not rendered; build again")
        }
        return body
    }

    func write(_ text: String, to url: URL) throws {
        do { try PlainFile.write(text, to: url.path) } catch {
            throw WorkbookError(file: url.path, "cannot write", underlying: error)
        }
    }
}
