import Foundation

/// Page fragments (pandoc's TOC and body of each page), cached by content: every page that changed, in every
/// edition, is rendered by ONE pandoc process (`PandocBatch`); an older pandoc falls back to one process a page.
extension SiteRenderer {
    /// The theme's pandoc filter that turns `NN-name.md` links into `NN-name.html` (Link nodes only).
    static let linkFilter = "chapter-links.lua"

    struct PendingPage: Sendable {
        var id: String
        var markdown: String
        var cached: URL
        var name: String
        var file: String
    }

    /// The pages an edition renders: its chapters and its landing page (`index`). The landing page's chapter list
    /// is Markdown too, so pandoc renders the summaries' math and links like any other text.
    func fragmentPages(_ edition: SiteEdition) -> [SitePage] {
        let landing = (edition.landing ?? "# \(edition.title)\n") + "\n\n" + Self.chapterList(edition.pages, heading: edition.strings.chapters)
        return edition.pages + [SitePage(name: "index", title: edition.title, summary: "", markdown: landing, figures: [])]
    }

    func fragmentCacheDirectory(_ edition: SiteEdition) -> URL {
        edition.path.isEmpty ? cacheDirectory : cacheDirectory.appendingPathComponent(edition.path)
    }

    func fragmentKeyBase() throws -> String {
        ContentHash.of(try theme.read("fragment.html"), try theme.read(Self.linkFilter), Self.pandocArguments.joined(separator: " "),
                       WorkbookVersion.current)
    }

    static func fragmentID(_ edition: SiteEdition, _ page: SitePage) -> String { edition.path + "/" + page.name }

    /// Renders the fragments the cache lacks and stores them; returns those rendered now, by id (`edition/page`).
    func renderFragments(of editions: [SiteEdition]) throws -> [String: String] {
        let base = try fragmentKeyBase()
        var pending: [PendingPage] = []
        for edition in editions {
            let folder = fragmentCacheDirectory(edition)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for page in fragmentPages(edition) {
                let cached = folder.appendingPathComponent("\(page.name).\(ContentHash.of(base, page.markdown)).html")
                if FileManager.default.fileExists(atPath: cached.path) { continue }
                pending.append(PendingPage(id: Self.fragmentID(edition, page), markdown: page.markdown, cached: cached,
                                           name: page.name, file: "\(edition.chaptersFolder)/\(page.name).md"))
            }
        }
        guard !pending.isEmpty else { return [:] }
        // WORKBOOK_PANDOC_PER_PAGE=1: the old way, one process a page (for before/after measurements).
        if ProcessInfo.processInfo.environment["WORKBOOK_PANDOC_PER_PAGE"] != nil { return try renderOneByOne(pending) }
        let batch = PandocBatch(pandoc: pandoc, fragmentTemplate: theme.url("fragment.html"), linkFilter: theme.url(Self.linkFilter),
                                scratch: cacheDirectory.appendingPathComponent(".batch"))
        let outcome: PandocBatch.Outcome?
        do { outcome = try batch.render(pending.map(\.markdown)) } catch {
            throw WorkbookError(.render, "cannot run pandoc at \(pandoc): \(error.localizedDescription)")
        }
        switch outcome {
        case .rendered(let fragments):
            for (page, html) in zip(pending, fragments) { store(html, for: page) }
            return Dictionary(uniqueKeysWithValues: zip(pending.map(\.id), fragments))
        case .failed(let index, let message):
            throw WorkbookError(.render, file: pending[index].file, "pandoc failed: \(message)")
        case nil:
            return try renderOneByOne(pending)
        }
    }

    /// One pandoc process a page, in parallel (pandoc without the Lua API the batch needs).
    func renderOneByOne(_ pending: [PendingPage]) throws -> [String: String] {
        let arguments = Self.pandocArguments + ["--template", theme.url("fragment.html").path, "--lua-filter", theme.url(Self.linkFilter).path]
        let pandoc = self.pandoc
        let results = ConcurrentMap.map(pending, jobs: jobs) { page -> Swift.Result<String, WorkbookError> in
            do {
                let run = try Subprocess.run(pandoc, arguments, timeout: 120, input: Data(page.markdown.utf8))
                guard run.status == 0 else { return .failure(WorkbookError(.render, file: page.file, "pandoc failed: \(run.stderrText.prefix(500))")) }
                store(run.stdoutText, for: page)
                return .success(run.stdoutText)
            } catch {
                return .failure(WorkbookError(.render, "cannot run pandoc at \(pandoc): \(error.localizedDescription)"))
            }
        }
        var fragments: [String: String] = [:]
        for (page, result) in zip(pending, results) { fragments[page.id] = try result.get() }
        return fragments
    }

    /// Replaces older fragments of the page, then stores this one.
    func store(_ html: String, for page: PendingPage) {
        let folder = page.cached.deletingLastPathComponent()
        for old in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where old.hasPrefix("\(page.name).") && old.hasSuffix(".html") {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(old))
        }
        try? AtomicFile.write(html, to: page.cached)
    }

    /// Every page's fragment of one edition, from the cache `renderFragments` filled.
    func cachedFragments(_ edition: SiteEdition, rendered: [String: String]) throws -> ([String: Fragment], Report) {
        let base = try fragmentKeyBase()
        let folder = fragmentCacheDirectory(edition)
        var fragments: [String: Fragment] = [:]
        var report = Report()
        for page in fragmentPages(edition) {
            if let html = rendered[Self.fragmentID(edition, page)] {
                fragments[page.name] = Fragment(html)
                report.rendered += 1
                continue
            }
            let cached = folder.appendingPathComponent("\(page.name).\(ContentHash.of(base, page.markdown)).html")
            guard let html = try? String(contentsOf: cached, encoding: .utf8) else {
                throw WorkbookError(.render, file: cached.path, "the rendered page vanished from the cache; build again")
            }
            fragments[page.name] = Fragment(html)
            report.reused += 1
        }
        return (fragments, report)
    }
}
