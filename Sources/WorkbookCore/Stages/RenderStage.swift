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
        let rendered = try renderer.render(build.site)
        build.rendered = rendered
        build.report.pagesRendered = rendered.rendered
        build.report.pagesReused = rendered.reused
        // No page may show Markdown or TeX source as text (`RawSourceCheck`), in any edition.
        for edition in build.site {
            for page in [edition.landing] + edition.pages {
                guard let html = rendered.page(edition, page.name)?.html else { continue }
                let candidates = ["\(edition.chaptersFolder)/\(page.name).md", "\(book.config.chaptersFolder)/\(page.name).md"]
                let file = candidates.first { FileManager.default.fileExists(atPath: book.root.appendingPathComponent($0).path) } ?? candidates[0]
                let source = try? String(contentsOf: book.root.appendingPathComponent(file), encoding: .utf8)
                build.report.errors += RawSourceCheck.problems(inBody: html, markdownFile: file, source: source)
            }
        }
        return "\(rendered.rendered) pages rendered, \(rendered.reused) from the cache"
    }
}
