import Foundation

/// Every page of every edition through pandoc, from the cache where it can: the pages that changed are rendered
/// together (`PandocPages`), the others read back from `PageCache`.
public struct SiteRenderer: Sendable {
    /// The theme's pandoc filter that renders pages (TOC, search sections, HTML).
    static let maxPageBytes = 16_000_000
    static let pageRenderer = "render-pages.lua"
    /// The theme's pandoc filter that turns `NN-name.md` links into `NN-name.html` (Link nodes only).
    static let linkFilter = "chapter-links.lua"
    /// The theme's Markdown reader and prose rules, shared by the site's and the EPUB's renderers.
    static let textRules = "page-text.lua"
    /// The theme's reader of the weave's typed blocks (figures, outputs, captions, notes), shared by both renderers.
    static let typedBlocks = "page-blocks.lua"

    public var pandoc: String
    public var theme: Theme
    public var cacheDirectory: URL
    public var jobs: Int

    /// pandoc on the PATH, or an error that says how to get it.
    static func locatePandoc() throws -> String {
        guard let pandoc = Subprocess.which("pandoc") else {
            throw WorkbookError("pandoc not found on PATH; install it (apt-get install pandoc, or `make site` as root), "
                + "or run `workbook check`, which renders nothing")
        }
        return pandoc
    }

    public init(pandoc: String, theme: Theme, cacheDirectory: URL, jobs: Int) {
        self.pandoc = pandoc
        self.theme = theme
        self.cacheDirectory = cacheDirectory
        self.jobs = jobs
    }

    /// The rendered pages, by edition path and page name: those pandoc rendered now, and for every page its cache
    /// file, from which a page kept from an earlier build is read when the site is published.
    public struct RenderedSite: Sendable {
        var pages: [String: [String: RenderedPage]] = [:]
        var files: [String: [String: URL]] = [:]
        public var rendered = 0
        public var reused = 0
        /// What `check` found on the pages rendered now (those are not cached; cached ones passed before).
        public var problems: [WorkbookError] = []

        func page(_ edition: SiteEdition, _ name: String) -> RenderedPage? {
            pages[edition.path]?[name] ?? files[edition.path]?[name].flatMap(PageCache.read)
        }

        /// The page's cache key (its file's name): a hash of everything pandoc was given, so it changes with the page.
        func key(_ edition: SiteEdition, _ name: String) -> String? { files[edition.path]?[name]?.lastPathComponent }
    }

    /// `check` looks at each page pandoc renders (`RawSourceCheck`); a page with problems is not cached, so the
    /// next build renders and checks it again.
    func render(_ editions: [SiteEdition],
                       check: (SiteEdition, SitePage, RenderedPage) -> [WorkbookError] = { _, _, _ in [] }) throws -> RenderedSite {
        let cache = try PageCache(directory: cacheDirectory, theme: theme)
        var site = RenderedSite()
        var pending: [(edition: SiteEdition, page: SitePage, source: PageSource)] = []
        for edition in editions {
            let glossary = edition.pages.first { $0.name == Glossary.pageName }.map { Glossary(markdown: $0.markdown) }
            let terms = glossary?.rendererList(pageURL: pageURL(Glossary.pageName)) ?? ""
            for page in edition.allPages {
                var source = PageSource(markdown: page.markdown, tocLabel: edition.strings.onThisPage)
                if let glossary {
                    if page.name == Glossary.pageName { source.markdown = glossary.anchoredMarkdown }
                    else if page.name != edition.landing.name { source.glossary = terms }
                }
                let file = cache.url(edition: edition.path, name: page.name, source: source)
                site.files[edition.path, default: [:]][page.name] = file
                if FileManager.default.fileExists(atPath: file.path) {
                    site.reused += 1
                } else {
                    pending.append((edition, page, source))
                }
            }
        }
        guard !pending.isEmpty else { return site }
        // pandoc needs about 175 times a page's Markdown in memory (a 50 MB chapter peaked at 8.8 GB and ran past
        // its time limit): a page that large is refused before pandoc starts, naming its chapter.
        if let huge = pending.first(where: { $0.source.markdown.utf8.count > Self.maxPageBytes }) {
            throw WorkbookError(file: "\(huge.edition.chaptersFolder)/\(huge.page.name).md",
                                "the page is \(OutputLimits.describe(huge.source.markdown.utf8.count)) of Markdown, more than pandoc can "
                                    + "render in reasonable memory (\(OutputLimits.describe(Self.maxPageBytes)) at most); split the chapter")
        }
        let pandocPages = PandocPages(pandoc: pandoc, renderer: theme.url(Self.pageRenderer), linkFilter: theme.url(Self.linkFilter),
                                      textRules: theme.url(Self.textRules), typedBlocks: theme.url(Self.typedBlocks), scratch: cacheDirectory.appendingPathComponent(".batch"), jobs: jobs)
        let result: Result<[RenderedPage], PandocPages.Failure>
        do { result = try pandocPages.render(pending.map(\.source)) } catch {
            throw WorkbookError("cannot run pandoc at \(pandoc)", underlying: error)
        }
        switch result {
        case .success(let rendered):
            for (item, page) in zip(pending, rendered) {
                let problems = check(item.edition, item.page, page)
                site.problems += problems
                if problems.isEmpty { cache.store(page, edition: item.edition.path, name: item.page.name, source: item.source) }
                site.pages[item.edition.path, default: [:]][item.page.name] = page
                site.rendered += 1
            }
            return site
        case .failure(.pages(let failed)):
            // Every page pandoc could not render is named; the build stops before publishing.
            site.problems += failed.map { index, message in
                let item = pending[index]
                return WorkbookError(file: "\(item.edition.chaptersFolder)/\(item.page.name).md", "pandoc failed: \(message)")
            }
            return site
        case .failure(.timedOut(let indices, let seconds)):
            // The biggest page of the batch is the likely cause; every page of it is named.
            let items = indices.map { pending[$0] }.sorted { $0.source.markdown.utf8.count > $1.source.markdown.utf8.count }
            let named = items.map { "\($0.edition.chaptersFolder)/\($0.page.name).md (\(OutputLimits.describe($0.source.markdown.utf8.count)))" }
            throw WorkbookError(file: "\(items[0].edition.chaptersFolder)/\(items[0].page.name).md",
                                "pandoc did not finish rendering in \(Int(seconds)) s: \(named.joined(separator: ", ")); a page that large "
                                    + "is slow to render: shorten its outputs (a summary, a chart) or split the chapter")
        case .failure(.renderer(let message)):
            throw WorkbookError(file: theme.url(Self.pageRenderer).path,
                                "pandoc at \(pandoc) could not run the page renderer (it needs pandoc 2.17 or newer): \(message)")
        }
    }
}
