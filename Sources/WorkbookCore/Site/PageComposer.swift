import Foundation

/// Dresses a rendered page body with the theme's page template: the sidebar of chapters, previous/next links, the
/// same page in the other editions (`<link rel=alternate hreflang>` for machines, a switch for readers), the UI
/// strings of the page's language and the footer.
struct PageComposer {
    var template: PageTemplate
    var editions: [SiteEdition]
    /// book.toml's `repository` and `edit-url` (with `{path}`): the footer links to them.
    var repository: String?
    var editURL: String?
    /// Each edition's sidebar entries by page name, escaped once (a page's sidebar differs from the others' only
    /// in the entry it marks current): the chapters numbered, then the other pages.
    private let sidebarEntries: [String: (chapters: [(name: String, link: String)], others: [(name: String, link: String)])]

    init(template: PageTemplate, editions: [SiteEdition], repository: String? = nil, editURL: String? = nil) {
        self.template = template
        self.editions = editions
        self.repository = repository
        self.editURL = editURL
        func link(_ page: SitePage, number: String) -> (name: String, link: String) {
            (page.name, "<a href=\"\(escape(pageURL(page.name)))\"><span class=\"number\">\(number)</span> \(escape(page.title))</a></li>")
        }
        sidebarEntries = Dictionary(editions.map { edition in
            (edition.path, (edition.pages.filter(\.isChapter).enumerated().map { link($1, number: "\($0 + 1)") },
                            edition.pages.filter { !$0.isChapter }.map { link($0, number: "") }))
        }, uniquingKeysWith: { first, _ in first })
    }

    func sidebar(edition: SiteEdition, current: String) -> String {
        guard let entries = sidebarEntries[edition.path] else { return "" }
        func items(_ list: [(name: String, link: String)]) -> String {
            list.map { ($0.name == current ? "<li class=\"current\" aria-current=\"page\">" : "<li>") + $0.link }.joined(separator: "\n")
        }
        return "<ol>\n" + items(entries.chapters) + "\n</ol>"
            + (entries.others.isEmpty ? "" : "\n<ul class=\"appendix\">\n" + items(entries.others) + "\n</ul>")
    }
    /// The page's scripts carry a nonce and its Content-Security-Policy allows only scripts that do: a
    /// `<script src="file:///…">` that reached a page through a snippet's output or a chapter's prose does not run.
    /// The nonce is a hash of everything else on the page, so it changes only when the page does (a rebuild leaves
    /// unchanged pages byte for byte as they were), and no text on the page can know it: that would need a text
    /// containing the hash of itself.
    static func scriptNonce(template: String, values: [String: String]) -> String {
        var hash = ContentHash()
        hash.update(template)
        for key in values.keys.sorted() {
            hash.update(key)
            hash.update(values[key]!)
        }
        return String(hash.hex.prefix(32))
    }

    func page(edition: SiteEdition, title: String, body: String, current: String, footer: String,
              previous: SitePage?, next: SitePage?) -> String {
        let pages = edition.pages
        let strings = edition.strings
        let chapters = pages.filter(\.isChapter)
        let sidebar = sidebar(edition: edition, current: current)
        let chapterPosition = chapters.firstIndex { $0.name == current }
        let progress = chapterPosition.map { strings.chapterOf($0 + 1, chapters.count) } ?? strings.chapterCount(chapters.count)
        let navigation = [
            previous.map { "<a class=\"prev\" rel=\"prev\" href=\"\(escape(pageURL($0.name)))\">← \(escape($0.title))</a>" } ?? "<span></span>",
            next.map { "<a class=\"next\" rel=\"next\" href=\"\(escape(pageURL($0.name)))\">\(escape($0.title)) →</a>" } ?? "<span></span>",
        ].joined(separator: "\n")
        let counterparts = editions.filter { other in
            other.path != edition.path && (current == "index" || other.pages.contains { $0.name == current })
        }.map { other in (other, Self.relativePath(from: edition.path, to: other.path) + pageURL(current)) }
        let alternates = counterparts.map { "<link rel=\"alternate\" hreflang=\"\(escape($0.0.language))\" href=\"\(escape($0.1))\">" }
            .joined(separator: "\n")
        let switcher = counterparts.map {
            "<a class=\"language-switch\" hreflang=\"\(escape($0.0.language))\" lang=\"\(escape($0.0.language))\" href=\"\(escape($0.1))\">\(escape($0.0.strings.languageName))</a>"
        }.joined(separator: "\n")
        let values: [String: String] = [
            "title": escape(title), "book_title": escape(edition.title), "sidebar": sidebar, "body": body,
            "language": escape(edition.language), "book_id": escape(String(ContentHash.of(edition.title).prefix(12))),
            "navigation": navigation, "progress": escape(progress), "footer": footer, "page": escape(current),
            "generator": escape("workbook \(WorkbookVersion.current)"), "alternates": alternates, "language_switch": switcher,
            "ui_skip": escape(strings.skipToContent), "ui_chapters": escape(strings.chapters), "ui_search_label": escape(strings.searchLabel),
            "ui_search_placeholder": escape(strings.searchPlaceholder), "ui_search_none": escape(strings.searchNone),
            "ui_pager": escape(strings.previousAndNext),
            "ui_copy": escape(strings.copy), "ui_copied": escape(strings.copied), "ui_anchor": escape(strings.linkToSection),
            "ui_close": escape(strings.close),
            "source_links": sourceLinks(edition: edition, page: current),
            "progress_percent": chapterPosition.map { String(Int((Double($0 + 1) / Double(max(chapters.count, 1)) * 100).rounded())) } ?? "0",
        ]
        var page = values
        page["script_nonce"] = Self.scriptNonce(template: template.source, values: values)
        return template.render(page)
    }

    /// " · Source · Edit this page": the book's repository and this page's Markdown there, when book.toml names them.
    func sourceLinks(edition: SiteEdition, page: String) -> String {
        var links: [String] = []
        if let repository { links.append("<a class=\"repository\" href=\"\(escape(repository))\">\(escape(edition.strings.repository))</a>") }
        if let editURL, page != "index" {
            let url = editURL.replacingOccurrences(of: "{path}", with: "\(edition.chaptersFolder)/\(page).md")
            links.append("<a class=\"edit-page\" href=\"\(escape(url))\">\(escape(edition.strings.editPage))</a>")
        }
        return links.isEmpty ? "" : "<span class=\"source-links\"> · " + links.joined(separator: " · ") + "</span>"
    }

    /// The relative path from one edition's folder to another's ("" is the site's root).
    static func relativePath(from: String, to: String) -> String {
        let up = from.split(separator: "/").map { _ in "../" }.joined()
        return up + (to.isEmpty ? "" : to + "/")
    }
}
