import Foundation

/// What pandoc made of one page: its HTML body (table of contents placed, links rewritten, math as MathML) and the
/// sections the offline search indexes. Produced by the theme's `render-pages.lua`, kept in `PageCache`.
struct RenderedPage: Sendable, Codable, Equatable {
    struct Section: Sendable, Codable, Equatable {
        /// The heading's id ("" for the text before the first h2/h3).
        var anchor: String
        var heading: String
        /// The section's words: math as its TeX, no raw HTML, no source code.
        var text: String
    }

    var html: String
    var sections: [Section]
}

/// One page as pandoc is given it.
struct PageSource: Sendable, Hashable {
    var markdown: String
    /// The label of the page's table of contents, in the page's language.
    var tocLabel: String
    /// The edition's glossary terms whose first use the page links ("TERM\tHREF" lines; `Glossary`).
    var glossary: String = ""
}
