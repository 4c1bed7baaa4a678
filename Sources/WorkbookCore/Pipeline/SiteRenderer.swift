import Foundation

/// One page of the course, ready to render.
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

/// Stage `render`: pandoc turns each page's Markdown into an HTML fragment (its TOC and body); the fragment is
/// cached by content, so unchanged pages cost no pandoc run; the theme's page template wraps it with the sidebar,
/// prev/next links and footer. The site is assembled in a staging folder and swapped in whole.
public struct SiteRenderer: Sendable {
    public var pandoc: String
    public var themeDirectory: URL
    public var outputDirectory: URL
    public var cacheDirectory: URL
    public var jobs: Int
    public var bookTitle: String
    /// The page's scripts carry this nonce and the Content-Security-Policy allows only scripts that do: a
    /// `<script src="file:///…">` that reached a page through a snippet's output or a chapter's prose does not run.
    /// New for every build, so no chapter can know it.
    var scriptNonce = UUID().uuidString.replacingOccurrences(of: "-", with: "")

    public static let pandocArguments = ["-f", "gfm+tex_math_dollars", "-t", "html5", "--mathml", "--toc",
                                         "--toc-depth=3", "-s", "--metadata", "title=page"]

    public init(pandoc: String, themeDirectory: URL, outputDirectory: URL, cacheDirectory: URL, jobs: Int,
                bookTitle: String) {
        self.pandoc = pandoc
        self.themeDirectory = themeDirectory
        self.outputDirectory = outputDirectory
        self.cacheDirectory = cacheDirectory
        self.jobs = jobs
        self.bookTitle = bookTitle
    }

    public struct Report: Sendable { public var rendered = 0; public var reused = 0 }

    /// Renders the chapter pages and the landing page (`landing`: the Markdown of Chapters/index.md, if any).
    public func render(pages: [SitePage], landing: String?) throws -> Report {
        let fileManager = FileManager.default
        let template = try readTheme("page.html")
        let fragmentTemplate = themeDirectory.appendingPathComponent("fragment.html")
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
        for asset in (try? fileManager.contentsOfDirectory(atPath: themeDirectory.appendingPathComponent("assets").path)) ?? [] {
            try fileManager.copyItem(at: themeDirectory.appendingPathComponent("assets/\(asset)"),
                                     to: staging.appendingPathComponent("assets/\(asset)"))
        }

        // Fragments, in parallel: the cache answers for unchanged pages.
        let allPages = pages + (landing.map { [SitePage(name: "index", title: bookTitle, summary: "", markdown: $0, figures: [])] } ?? [])
        let fragmentKeyBase = ContentHash.of(try readTheme("fragment.html"), Self.pandocArguments.joined(separator: " "), WorkbookVersion.current)
        let results = ConcurrentMap.map(allPages, jobs: jobs) { page -> Swift.Result<(Fragment, Bool), WorkbookError> in
            let key = ContentHash.of(fragmentKeyBase, page.markdown)
            let cached = cacheDirectory.appendingPathComponent("\(page.name).\(key).html")
            if let html = try? String(contentsOf: cached, encoding: .utf8) { return .success((Fragment(html), true)) }
            do {
                let run = try Subprocess.run(pandoc, Self.pandocArguments + ["--template", fragmentTemplate.path],
                                             timeout: 120, input: Data(page.markdown.utf8))
                guard run.status == 0 else {
                    return .failure(WorkbookError(.render, file: "Chapters/\(page.name).md", "pandoc failed: \(run.stderrText.prefix(500))"))
                }
                // Replace older fragments of this page, then store this one.
                for old in (try? FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path)) ?? []
                where old.hasPrefix("\(page.name).") && old.hasSuffix(".html") {
                    try? FileManager.default.removeItem(at: cacheDirectory.appendingPathComponent(old))
                }
                try? AtomicFile.write(run.stdoutText, to: cached)
                return .success((Fragment(run.stdoutText), false))
            } catch {
                return .failure(WorkbookError(.render, "cannot run pandoc at \(pandoc): \(error.localizedDescription)"))
            }
        }
        var report = Report()
        var fragments: [String: Fragment] = [:]
        for (page, result) in zip(allPages, results) {
            switch result {
            case .failure(let error): throw error
            case .success(let (fragment, reused)):
                fragments[page.name] = fragment
                if reused { report.reused += 1 } else { report.rendered += 1 }
            }
        }

        // Pages, and the search index over their sections.
        var searchEntries: [SearchIndex.Entry] = []
        for (index, page) in pages.enumerated() {
            let fragment = fragments[page.name]!
            let body = Self.insertingTOC(fragment.toc, into: Self.insertingFigures(page.figures, into: fragment.body))
            let html = compose(template, title: page.title, body: body, current: page.name, pages: pages, footer: page.footer,
                               previous: index > 0 ? pages[index - 1] : nil, next: index + 1 < pages.count ? pages[index + 1] : nil)
            try write(html, to: staging.appendingPathComponent("\(page.name).html"))
            searchEntries += SearchIndex.entries(page: pageURL(page.name), title: page.title, body: fragment.body)
        }
        try write(SearchIndex.script(searchEntries), to: staging.appendingPathComponent("assets/search-index.js"))
        let landingBody = fragments["index"]?.body ?? "<h1>\(escape(bookTitle))</h1>"
        let list = "<ol class=\"chapter-list\">\n" + pages.map {
            "<li><a href=\"\(escape(pageURL($0.name)))\">\(escape($0.title))</a><p>\(escape($0.summary))</p></li>"
        }.joined(separator: "\n") + "\n</ol>"
        try write(compose(template, title: bookTitle, body: landingBody + "\n<h2 id=\"chapters\">Chapters</h2>\n" + list,
                          current: "index", pages: pages,
                          footer: "Built by workbook \(WorkbookVersion.current) from the Markdown chapters; each page says when its numbers were computed.",
                          previous: nil, next: pages.first),
                  to: staging.appendingPathComponent("index.html"))

        try swapIn(staging)
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
            guard trimmed.hasPrefix("<ul>\n<li>"), let inner = trimmed.range(of: "\n<ul>"), trimmed.hasSuffix("</ul></li>\n</ul>") else {
                return trimmed
            }
            let start = inner.lowerBound
            let end = trimmed.index(trimmed.endIndex, offsetBy: -"</li>\n</ul>".count)
            return String(trimmed[start..<end]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Puts the page's table of contents right after its title.
    static func insertingTOC(_ toc: String, into body: String) -> String {
        guard !toc.isEmpty, let end = body.range(of: "</h1>") else { return body }
        return String(body[..<end.upperBound]) + "\n<nav class=\"toc\" aria-label=\"On this page\">\n\(toc)\n</nav>" + body[end.upperBound...]
    }

    /// Replaces each `<!-- WORKBOOK-FIGURE-N -->` placeholder by figure N, in one pass over the page.
    static func insertingFigures(_ figures: [String], into body: String) -> String {
        let marker = "<!-- \(Weaver.figurePlaceholderPrefix)"
        var parts = body.components(separatedBy: marker)
        guard parts.count > 1 else { return body }
        for index in 1..<parts.count {
            let part = parts[index]
            guard let close = part.range(of: " -->"), let number = Int(part[..<close.lowerBound]),
                  number >= 1, number <= figures.count else { parts[index] = marker + part; continue }
            parts[index] = FigureRenderer.html(json: figures[number - 1], number: number) + part[close.upperBound...]
        }
        return parts.joined()
    }

    func compose(_ template: String, title: String, body: String, current: String, pages: [SitePage], footer: String,
                 previous: SitePage?, next: SitePage?) -> String {
        let position = pages.firstIndex { $0.name == current }
        let sidebar = "<ol>\n" + pages.enumerated().map { index, page in
            let state = page.name == current ? " class=\"current\" aria-current=\"page\"" : ""
            return "<li\(state)><a href=\"\(escape(pageURL(page.name)))\"><span class=\"number\">\(index + 1)</span> \(escape(page.title))</a></li>"
        }.joined(separator: "\n") + "\n</ol>"
        let progress = position.map { "Chapter \($0 + 1) of \(pages.count)" } ?? "\(pages.count) chapters"
        let navigation = [
            previous.map { "<a class=\"prev\" rel=\"prev\" href=\"\(escape(pageURL($0.name)))\">← \(escape($0.title))</a>" } ?? "<span></span>",
            next.map { "<a class=\"next\" rel=\"next\" href=\"\(escape(pageURL($0.name)))\">\(escape($0.title)) →</a>" } ?? "<span></span>",
        ].joined(separator: "\n")
        let values = [
            "title": escape(title), "book_title": escape(bookTitle), "sidebar": sidebar, "body": body,
            "navigation": navigation, "progress": progress, "footer": footer, "page": escape(current), "script_nonce": scriptNonce,
            "progress_percent": position.map { String(Int((Double($0 + 1) / Double(max(pages.count, 1)) * 100).rounded())) } ?? "0",
        ]
        return PageTemplate(template).render(values)
    }

    func readTheme(_ name: String) throws -> String {
        do { return try String(contentsOf: themeDirectory.appendingPathComponent(name), encoding: .utf8) } catch {
            throw WorkbookError(.render, file: themeDirectory.appendingPathComponent(name).path, "cannot read the theme file: \(error.localizedDescription)")
        }
    }

    func write(_ text: String, to url: URL) throws {
        do { try Data(text.utf8).write(to: url) } catch {
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
