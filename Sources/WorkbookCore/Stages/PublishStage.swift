import Foundation

/// `publish`: the rendered pages dressed by the theme, with assets and search index, swapped in as the new site
/// (`SitePublisher`).
struct PublishStage: BuildStage {
    var name: WorkbookError.Stage { .publish }
    var runsAfterErrors: Bool { false }

    func run(_ build: inout BuildState) throws -> String {
        let book = try build.required(build.book, from: .load)
        let resources = try build.required(build.resources, from: .runtime)
        let rendered = try build.required(build.rendered, from: .render)
        let site = build.options.outputDirectory ?? book.siteDirectory
        try SitePublisher(theme: book.theme(resources: resources), outputDirectory: site, footer: book.config.footer)
            .publish(build.site, rendered: rendered)
        build.report.sitePath = site.appendingPathComponent("index.html").path
        return site.path
    }
}
