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
        let theme = book.theme(resources: resources)
        var publisher = SitePublisher(theme: theme, outputDirectory: site, footer: book.config.footer)
        publisher.repository = book.config.repository
        publisher.editURL = book.config.editURL
        if build.writesEpub(book) {
            publisher.epub = EpubWriter(pandoc: try SiteRenderer.locatePandoc(), renderer: theme.url(EpubWriter.theme),
                                        textRules: theme.url(SiteRenderer.textRules), typedBlocks: theme.url(SiteRenderer.typedBlocks),
                                        stylesheet: theme.url(EpubWriter.stylesheet),
                                        scratch: book.cacheDirectory.appendingPathComponent("epub"))
        }
        let written = try publisher.publish(build.site, rendered: rendered, keyFile: book.cacheDirectory.appendingPathComponent("published-site"))
        build.report.sitePath = site.appendingPathComponent("index.html").path
        return written ? site.path : "\(site.path) (as published: nothing changed)"
    }
}
