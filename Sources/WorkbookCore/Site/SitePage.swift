import Foundation

/// One page of the book as Markdown, ready for pandoc: a chapter with its fresh outputs and figures woven in, or
/// an edition's landing page.
public struct SitePage: Sendable {
    public var name: String
    public var title: String
    public var summary: String
    public var markdown: String
    /// HTML for the page footer (how and when its numbers were computed).
    public var footer: String
    /// False for a page that is not a chapter (a translation's own glossary): listed after the chapters, without a
    /// number, and not counted in "Chapter 5 of 22".
    public var isChapter = true

    public init(name: String, title: String, summary: String, markdown: String, footer: String = "") {
        self.name = name
        self.title = title
        self.summary = summary
        self.markdown = markdown
        self.footer = footer
    }
}

/// One edition of the book: the source language's pages, or a translation's, written under `path` of the site
/// ("" for the source edition, e.g. "zh" for a translation).
public struct SiteEdition: Sendable {
    public var language: String
    public var path: String
    public var title: String
    /// The chapters, in reading order.
    public var pages: [SitePage]
    /// The landing page (`index.html`): the edition's `index.md` followed by the list of chapters.
    public var landing: SitePage
    public var strings: UIStrings
    /// Where the edition's Markdown lives, for error messages.
    public var chaptersFolder: String

    public init(language: String, path: String, title: String, pages: [SitePage], landing: SitePage, strings: UIStrings,
                chaptersFolder: String) {
        self.language = language
        self.path = path
        self.title = title
        self.pages = pages
        self.landing = landing
        self.strings = strings
        self.chaptersFolder = chaptersFolder
    }

    /// Every page pandoc renders for this edition: its chapters and its landing page.
    var allPages: [SitePage] { pages + [landing] }
}
