import Foundation

/// One page of the book, ready to render.
public struct SitePage: Sendable {
    public var name: String
    public var title: String
    public var summary: String
    public var markdown: String
    /// Chart JSON for the page's figure placeholders, in order.
    public var figures: [String]
    /// HTML for the page footer (how and when its numbers were computed).
    public var footer: String

    public init(name: String, title: String, summary: String, markdown: String, figures: [String], footer: String = "") {
        self.name = name
        self.title = title
        self.summary = summary
        self.markdown = markdown
        self.figures = figures
        self.footer = footer
    }
}

/// One edition of the book: the source language's pages, or a translation's, written under `path` of the site
/// ("" for the source edition, e.g. "zh" for a translation).
public struct SiteEdition: Sendable {
    public var language: String
    public var path: String
    public var title: String
    public var pages: [SitePage]
    /// The landing page's Markdown (`index.md`), if the edition has one.
    public var landing: String?
    public var strings: UIStrings
    /// Where the edition's Markdown lives, for error messages.
    public var chaptersFolder: String

    public init(language: String, path: String, title: String, pages: [SitePage], landing: String?, strings: UIStrings,
                chaptersFolder: String) {
        self.language = language
        self.path = path
        self.title = title
        self.pages = pages
        self.landing = landing
        self.strings = strings
        self.chaptersFolder = chaptersFolder
    }
}

/// Stage `render`: pandoc turns each page's Markdown into an HTML fragment (its TOC and body); the fragment is
/// cached by content, so unchanged pages cost no pandoc run; the theme's page template wraps it with the sidebar,
/// prev/next links, language links and footer. Every edition is assembled in one staging folder, which is
/// swapped in whole.
public struct SiteRenderer: Sendable {
    public var pandoc: String
    public var theme: Theme
    public var outputDirectory: URL
    public var cacheDirectory: URL
    public var jobs: Int
    /// The book's own footer HTML (book.toml), shown on the landing pages too.
    public var footer: String?
    /// The page's scripts carry this nonce and the Content-Security-Policy allows only scripts that do: a
    /// `<script src="file:///…">` that reached a page through a snippet's output or a chapter's prose does not run.
    /// New for every build, so no chapter can know it.
    var scriptNonce = UUID().uuidString.replacingOccurrences(of: "-", with: "")

    public static let pandocArguments = ["-f", "gfm+tex_math_dollars+attributes", "-t", "html5", "--mathml", "--toc",
                                         "--toc-depth=3", "-s", "--metadata", "title=page"]

    public init(pandoc: String, theme: Theme, outputDirectory: URL, cacheDirectory: URL, jobs: Int, footer: String? = nil) {
        self.pandoc = pandoc
        self.theme = theme
        self.footer = footer
        self.outputDirectory = outputDirectory
        self.cacheDirectory = cacheDirectory
        self.jobs = jobs
    }

    public struct Report: Sendable { public var rendered = 0; public var reused = 0 }

    /// Renders every edition's chapter pages and landing page, then swaps the new site in.
    public func render(editions: [SiteEdition]) throws -> Report {
        let fileManager = FileManager.default
        let template = PageTemplate(try theme.read("page.html"))
        let parent = outputDirectory.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".staging-\(getpid())")
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fileManager.removeItem(at: staging)
            OutputFolder.removeLeftovers(besides: outputDirectory)
            try fileManager.createDirectory(at: staging.appendingPathComponent("assets"), withIntermediateDirectories: true)
            try OutputFolder.mark(staging)
            try fileManager.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        } catch {
            throw WorkbookError(.render, file: outputDirectory.path, "cannot write the site: \(error.localizedDescription); check that the folder is writable")
        }
        defer { try? fileManager.removeItem(at: staging) }
        var report = Report()
        let rendered = try renderFragments(of: editions)
        for edition in editions {
            let folder = edition.path.isEmpty ? staging : staging.appendingPathComponent(edition.path)
            let others = editions.filter { $0.path != edition.path }
            let counts = try renderEdition(edition, others: others, into: folder, template: template, rendered: rendered)
            report.rendered += counts.rendered
            report.reused += counts.reused
        }
        try swapIn(staging)
        return report
    }

    /// One edition into `folder` (its own copy of the assets and its own search index).
    func renderEdition(_ edition: SiteEdition, others: [SiteEdition], into folder: URL, template: PageTemplate,
                       rendered: [String: String]) throws -> Report {
        let fileManager = FileManager.default
        let pages = edition.pages
        let strings = edition.strings
        try fileManager.createDirectory(at: folder.appendingPathComponent("assets"), withIntermediateDirectories: true)
        for asset in theme.assets() {
            try fileManager.copyItem(at: asset.url, to: folder.appendingPathComponent("assets/\(asset.name)"))
        }

        let (fragments, report) = try cachedFragments(edition, rendered: rendered)

        // Pages, and the search index over their sections.
        var searchEntries: [SearchIndex.Entry] = []
        let searchCache = SearchIndexCache(file: fragmentCacheDirectory(edition).appendingPathComponent("search-entries.json"))
        for (index, page) in pages.enumerated() {
            let fragment = fragments[page.name]!
            let body = Self.insertingTOC(fragment.toc, label: strings.onThisPage,
                                         into: Self.insertingFigures(page.figures, word: strings.figure, into: fragment.body))
            let html = compose(template, edition: edition, others: others, title: page.title, body: body, current: page.name,
                               footer: page.footer,
                               previous: index > 0 ? pages[index - 1] : nil, next: index + 1 < pages.count ? pages[index + 1] : nil)
            try write(html, to: folder.appendingPathComponent("\(page.name).html"))
            searchEntries += searchCache.entries(page: pageURL(page.name), title: page.title, body: fragment.body)
        }
        searchCache.save()
        try write(SearchIndex.script(searchEntries), to: folder.appendingPathComponent("assets/search-index.js"))
        try write(compose(template, edition: edition, others: others, title: edition.title, body: fragments["index"]!.body,
                          current: "index", footer: strings.landingFooter + (footer.map { " " + $0 } ?? ""),
                          previous: nil, next: pages.first),
                  to: folder.appendingPathComponent("index.html"))
        return report
    }

    struct Fragment: Sendable {
        var toc: String
        var body: String
        init(_ html: String) {
            let parts = html.components(separatedBy: "<!--WORKBOOK-BODY-->")
            toc = Self.withoutTitleLevel(parts.first ?? "")
            body = parts.count > 1 ? parts[1] : html
        }

        /// pandoc's TOC starts at the page's h1; the page already shows it, so keep only what is nested inside.
        static func withoutTitleLevel(_ toc: String) -> String {
            let trimmed = toc.trimmingCharacters(in: .whitespacesAndNewlines)
            // A page with no sections: its TOC would only repeat the title.
            if trimmed.hasPrefix("<ul>\n<li>"), !trimmed.dropFirst(4).contains("<ul>") { return "" }
            guard trimmed.hasPrefix("<ul>\n<li>"), let inner = trimmed.range(of: "\n<ul>"), trimmed.hasSuffix("</ul></li>\n</ul>") else {
                return trimmed
            }
            let start = inner.lowerBound
            let end = trimmed.index(trimmed.endIndex, offsetBy: -"</li>\n</ul>".count)
            return String(trimmed[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The landing page's list of chapters, as Markdown: each title links to its page, its summary below it.
    static func chapterList(_ pages: [SitePage], heading: String) -> String {
        var lines = ["## \(heading) {#chapters}", "", "<div class=\"chapter-list\">", ""]
        for (index, page) in pages.enumerated() {
            lines.append("\(index + 1). [\(page.title)](\(pageURL(page.name)))")
            if !page.summary.isEmpty { lines += ["", "    " + page.summary] }
            lines.append("")
        }
        return (lines + ["</div>", ""]).joined(separator: "\n")
    }

    /// Puts the page's table of contents right after its title.
    static func insertingTOC(_ toc: String, label: String = UIStrings.english.onThisPage, into body: String) -> String {
        guard !toc.isEmpty, let end = body.range(of: "</h1>") else { return body }
        return String(body[..<end.upperBound]) + "\n<nav class=\"toc\" aria-label=\"\(escape(label))\">\n\(toc)\n</nav>" + body[end.upperBound...]
    }

    /// Replaces each `<!-- WORKBOOK-FIGURE-N -->` placeholder by figure N, in one pass over the page.
    static func insertingFigures(_ figures: [String], word: String = UIStrings.english.figure, into body: String) -> String {
        let marker = "<!-- \(Weaver.figurePlaceholderPrefix)"
        var parts = body.components(separatedBy: marker)
        guard parts.count > 1 else { return body }
        for index in 1..<parts.count {
            let part = parts[index]
            guard let close = part.range(of: " -->"), let number = Int(part[..<close.lowerBound]),
                  number >= 1, number <= figures.count else { parts[index] = marker + part; continue }
            parts[index] = FigureRenderer.html(json: figures[number - 1], number: number, word: word) + part[close.upperBound...]
        }
        return parts.joined()
    }

    func compose(_ template: PageTemplate, edition: SiteEdition, others: [SiteEdition], title: String, body: String, current: String,
                 footer: String, previous: SitePage?, next: SitePage?) -> String {
        let pages = edition.pages
        let strings = edition.strings
        let position = pages.firstIndex { $0.name == current }
        let sidebar = "<ol>\n" + pages.enumerated().map { index, page in
            let state = page.name == current ? " class=\"current\" aria-current=\"page\"" : ""
            return "<li\(state)><a href=\"\(escape(pageURL(page.name)))\"><span class=\"number\">\(index + 1)</span> \(escape(page.title))</a></li>"
        }.joined(separator: "\n") + "\n</ol>"
        let progress = position.map { strings.chapterOf($0 + 1, pages.count) } ?? strings.chapterCount(pages.count)
        let navigation = [
            previous.map { "<a class=\"prev\" rel=\"prev\" href=\"\(escape(pageURL($0.name)))\">← \(escape($0.title))</a>" } ?? "<span></span>",
            next.map { "<a class=\"next\" rel=\"next\" href=\"\(escape(pageURL($0.name)))\">\(escape($0.title)) →</a>" } ?? "<span></span>",
        ].joined(separator: "\n")
        // The same page in the other editions: <link rel=alternate hreflang> for machines, a switch for readers.
        let counterparts = others.filter { other in current == "index" || other.pages.contains { $0.name == current } }.map { other in
            (other, Self.relativePath(from: edition.path, to: other.path) + pageURL(current))
        }
        let alternates = counterparts.map { "<link rel=\"alternate\" hreflang=\"\(escape($0.0.language))\" href=\"\(escape($0.1))\">" }
            .joined(separator: "\n")
        let switcher = counterparts.map {
            "<a class=\"language-switch\" hreflang=\"\(escape($0.0.language))\" lang=\"\(escape($0.0.language))\" href=\"\(escape($0.1))\">\(escape($0.0.strings.languageName))</a>"
        }.joined(separator: "\n")
        let values = [
            "title": escape(title), "book_title": escape(edition.title), "sidebar": sidebar, "body": body,
            "language": escape(edition.language), "book_id": escape(String(ContentHash.of(edition.title).prefix(12))),
            "navigation": navigation, "progress": escape(progress), "footer": footer, "page": escape(current),
            "script_nonce": scriptNonce, "alternates": alternates, "language_switch": switcher,
            "ui_skip": escape(strings.skipToContent), "ui_chapters": escape(strings.chapters), "ui_search_label": escape(strings.searchLabel),
            "ui_search_placeholder": escape(strings.searchPlaceholder), "ui_search_none": escape(strings.searchNone),
            "ui_pager": escape(strings.previousAndNext),
            "progress_percent": position.map { String(Int((Double($0 + 1) / Double(max(pages.count, 1)) * 100).rounded())) } ?? "0",
        ]
        return template.render(values)
    }

    /// The relative path from one edition's folder to another's ("" is the site's root).
    static func relativePath(from: String, to: String) -> String {
        let up = from.split(separator: "/").map { _ in "../" }.joined()
        return up + (to.isEmpty ? "" : to + "/")
    }

    func write(_ text: String, to url: URL) throws {
        do { try PlainFile.write(text, to: url.path) } catch {
            throw WorkbookError(.render, file: url.path, "cannot write: \(error.localizedDescription)")
        }
    }

    /// Replaces the output folder by the staging folder with two renames; the old site stays whole until then.
    func swapIn(_ staging: URL) throws {
        let fileManager = FileManager.default
        let retired = outputDirectory.deletingLastPathComponent().appendingPathComponent(".retired-\(getpid())")
        try? fileManager.removeItem(at: retired)
        if fileManager.fileExists(atPath: outputDirectory.path) {
            guard OutputFolder.isOurs(outputDirectory) else {
                throw WorkbookError(.render, file: outputDirectory.path, "not replaced: workbook did not write this folder (it has no \(OutputFolder.markerName))")
            }
            guard rename(outputDirectory.path, retired.path) == 0 else {
                throw WorkbookError(.render, file: outputDirectory.path, "cannot replace the site: \(String(cString: strerror(errno)))")
            }
        }
        guard rename(staging.path, outputDirectory.path) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = rename(retired.path, outputDirectory.path)
            throw WorkbookError(.render, file: outputDirectory.path, "cannot move the new site in place: \(reason)")
        }
        try? fileManager.removeItem(at: retired)
    }
}

/// A page's link: its file name percent-encoded, so that `#`, `%` or `"` in a chapter's name cannot cut the URL.
func pageURL(_ name: String) -> String {
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
    return (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name) + ".html"
}

/// Computed text put into HTML (titles, summaries, names): never markup.
func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}

/// A page template with `{{key}}` slots, split once so that filling it is one concatenation (repeated
/// `replacingOccurrences` over 100 kB pages of MathML cost most of a warm rebuild).
struct PageTemplate {
    enum Piece { case text(String), slot(String) }
    let pieces: [Piece]

    init(_ template: String) {
        var pieces: [Piece] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            pieces.append(.text(String(rest[..<open.lowerBound])))
            pieces.append(.slot(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        pieces.append(.text(String(rest)))
        self.pieces = pieces
    }

    /// Unknown slots render empty.
    func render(_ values: [String: String]) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .slot(let key): out += values[key] ?? ""
            }
        }
        return out
    }
}
