import Foundation

/// The second renderer of the woven pages, beside the HTML site: an EPUB 3 of each edition, written by pandoc
/// from the same format-neutral Markdown the site renders (the theme's `render-epub.lua` joins the pages into one
/// document, keeps their anchors and links apart and gives the weave's typed blocks the EPUB's markup), with
/// MathML, the SVG figures, a table of contents and the edition's language.
struct EpubWriter {
    var pandoc: String
    var renderer: URL
    /// The reader and prose rules the site uses too (`page-text.lua`).
    var textRules: URL
    /// The reader of the weave's typed blocks the site uses too (`page-blocks.lua`).
    var typedBlocks: URL
    /// The EPUB's own stylesheet (`epub.css`): the site's rules for the same markup, for e-readers.
    var stylesheet: URL
    /// Where the page list is written, and finished EPUBs are kept by content: a build whose pages did not
    /// change copies the last one instead of running pandoc again.
    var scratch: URL

    static let fileName = "book.epub"
    static let theme = "render-epub.lua"
    static let stylesheet = "epub.css"

    /// Writes `edition` as an EPUB at `url`, from the cache when its pages are those of an earlier build.
    func write(_ edition: SiteEdition, to url: URL) throws {
        var hash = ContentHash()
        hash.update(edition.title)
        hash.update(edition.language)
        hash.update((try? String(contentsOf: renderer, encoding: .utf8)) ?? "")
        hash.update((try? String(contentsOf: textRules, encoding: .utf8)) ?? "")
        hash.update((try? String(contentsOf: typedBlocks, encoding: .utf8)) ?? "")
        hash.update((try? String(contentsOf: stylesheet, encoding: .utf8)) ?? "")
        for page in edition.pages { hash.update(page.name); hash.update(page.markdown) }
        let prefix = "\(edition.language)."
        let cached = scratch.appendingPathComponent("\(prefix)\(hash.hex.prefix(24)).epub")
        if !FileManager.default.fileExists(atPath: cached.path) {
            let fresh = scratch.appendingPathComponent("new-\(getpid())-\(UUID().uuidString.prefix(8)).epub")
            try render(edition, to: fresh)
            // The edition's older EPUBs go; the new one takes their place whole.
            for old in (try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? [] where old.hasPrefix(prefix) {
                try? FileManager.default.removeItem(at: scratch.appendingPathComponent(old))
            }
            try FileManager.default.moveItem(at: fresh, to: cached)
        }
        try FileManager.default.copyItem(at: cached, to: url)
    }

    func render(_ edition: SiteEdition, to url: URL) throws {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let list = scratch.appendingPathComponent("epub-\(getpid())-\(UUID().uuidString.prefix(8)).txt")
        var data = Data()
        for page in edition.pages { data.append(PandocPages.record(page.name)); data.append(PandocPages.record(page.markdown)) }
        try data.write(to: list)
        defer { try? FileManager.default.removeItem(at: list) }
        let arguments = ["-f", "markdown", "-t", "epub3", "--lua-filter", renderer.path, "-M", "workbook-pages=\(list.path)", "-M", "workbook-text=\(textRules.path)",
                         "-M", "workbook-blocks=\(typedBlocks.path)",
                         "--toc", "--toc-depth=2", "--mathml", "--epub-chapter-level=1", "--css", stylesheet.path,
                         "-M", "title=\(edition.title)", "-M", "lang=\(edition.language)", "-o", url.path, "/dev/null"]
        let run = try Subprocess.run(pandoc, arguments, timeout: 120 + 10 * Double(edition.pages.count), input: Data())
        guard !run.timedOut, run.status == 0 else {
            let stderr = run.stderrText
            // `workbook-page NAME: message` names the page pandoc could not read.
            let page = stderr.range(of: "workbook-page ").map { String(stderr[$0.upperBound...].prefix { $0 != ":" }) }
            throw WorkbookError(file: page.map { "\(edition.chaptersFolder)/\($0).md" },
                                "pandoc could not write the EPUB of the \(edition.language) edition"
                                    + (run.timedOut ? ": it ran past its time limit" : ": \(stderr.prefix(500))"))
        }
    }
}
