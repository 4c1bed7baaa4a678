import Foundation

/// `render`: every page's Markdown through pandoc (`SiteRenderer`): HTML with MathML, the table of contents and
/// the search sections; unchanged pages come from the cache.
struct RenderStage: BuildStage {
    var name: WorkbookError.Stage { .render }
    var runsAfterErrors: Bool { false }

    func run(_ build: inout BuildState) throws -> String {
        let book = try build.required(build.book, from: .load)
        let resources = try build.required(build.resources, from: .runtime)
        let renderer = SiteRenderer(pandoc: try SiteRenderer.locatePandoc(), theme: book.theme(resources: resources),
                                    cacheDirectory: book.cacheDirectory.appendingPathComponent("pages"), jobs: build.options.jobs)
        // No page may show Markdown or TeX source as text (`RawSourceCheck`), in any edition. The chapters' text is
        // what the parse stage read; a page without a chapter of its own (an untranslated chapter shows its
        // source's, the landing page its index.md) falls back to the source's chapter, then to the file.
        let parsed = build.chapters + build.translations.flatMap { Array($0.chapters.values) + $0.extras }
        let texts = Dictionary(parsed.map { ($0.path, $0.text) }, uniquingKeysWith: { first, _ in first })
        let rendered = try renderer.render(build.site) { edition, page, rendered in
            let candidates = ["\(edition.chaptersFolder)/\(page.name).md", "\(book.config.chaptersFolder)/\(page.name).md"]
            let file = candidates.first { texts[$0] != nil } ?? candidates[0]
            let source = texts[file] ?? (try? String(contentsOf: book.root.appendingPathComponent(file), encoding: .utf8))
            // The landing page also shows each chapter's first paragraph.
            let alsoShown = page.name == edition.landing.name ? edition.pages.map(\.markdown).joined(separator: "\n") : ""
            return RawSourceCheck.problems(inBody: rendered.html, markdownFile: file, source: source, alsoShown: alsoShown)
        }
        build.rendered = rendered
        build.report.pagesRendered = rendered.rendered
        build.report.pagesReused = rendered.reused
        build.report.errors += rendered.problems
        return "\(rendered.rendered) pages rendered, \(rendered.reused) from the cache"
    }
}
