import Foundation

/// `weave`: every edition's pages as format-neutral Markdown (`Weaver`, `TypedBlocks`), which the renderers read. Every chapter ran and checked clean, so its
/// fresh outputs are what it records (in preview, but for those the page marks as not yet recorded). Each edition
/// weaves its own text (a translation, or the source with a note where there is none yet) with the same outputs:
/// computed once, shown in every language.
struct WeaveStage: BuildStage {
    var name: WorkbookError.Stage { .weave }
    var runsAfterErrors: Bool { false }

    func run(_ build: inout BuildState) throws -> String {
        let book = try build.required(build.book, from: .load)
        let toolchain = try build.required(build.toolchain, from: .runtime)
        let unrecorded = build.unrecorded
        let epub = build.writesEpub(book)
        // In preview a fresh value the chapter does not record is marked; with `--fix` it is about to be recorded.
        let marksValues = build.options.mode == .preview && !build.options.fixOutputs
        let runs = build.runs
        func page(_ chapter: Chapter, _ run: ChapterRun?, strings: UIStrings, note: String? = nil) -> SitePage {
            let outputs = run?.outputs ?? []
            var markdown = Weaver.markdown(for: chapter, outputs: outputs, strings: strings,
                                           unrecorded: run.flatMap { unrecorded[$0.chapter.path] } ?? [], marksValues: marksValues)
            if let note { markdown = TypedBlocks.div(".untranslated-note", [TypedBlocks.escaped(note)]).joined(separator: "\n") + "\n\n" + markdown }
            let footer = Self.footer(chapter: chapter, computedAt: run?.computedAt ?? Date(), toolchain: toolchain, strings: strings)
                + (book.config.footer.map { " " + $0 } ?? "")
            return SitePage(name: chapter.name, title: chapter.title, summary: chapter.summary, markdown: markdown, footer: footer)
        }
        func edition(language: String, path: String, title: String, landing: String?, chaptersFolder: String,
                     pages: (UIStrings) -> [SitePage]) -> SiteEdition {
            let strings = UIStrings.forLanguage(language)
            let chapters = pages(strings)
            let landingPage = SitePage(name: "index", title: title, summary: "",
                                       markdown: Weaver.landing(landing, title: title, chapters: chapters, heading: strings.chapters,
                                                                editions: [(strings.printEdition, PrintEdition.fileName)]
                                                                    + (epub ? [(strings.epubDownload, EpubWriter.fileName)] : [])))
            return SiteEdition(language: language, path: path, title: title, pages: chapters, landing: landingPage,
                               strings: strings, chaptersFolder: chaptersFolder)
        }

        let landing = book.loader.landing()
        let sourceTitle = book.title(landing: landing)
        var site = [edition(language: book.config.language, path: "", title: sourceTitle, landing: landing,
                              chaptersFolder: book.config.chaptersFolder) { strings in
            runs.map { page($0.chapter, $0, strings: strings) }
        }]
        for translation in build.translations {
            let config = translation.translation
            let title = config.title ?? translation.landing.flatMap(Book.heading) ?? sourceTitle
            site.append(edition(language: config.language, path: config.sitePath, title: title,
                                      landing: translation.landing ?? landing, chaptersFolder: config.chaptersFolder) { strings in
                runs.map { run in
                    translation.chapters[run.chapter.name].map { page($0, run, strings: strings) }
                        ?? page(run.chapter, run, strings: strings, note: strings.untranslated)
                } + translation.extras.map { var extra = page($0, nil, strings: strings); extra.isChapter = false; return extra }
            })
        }
        build.site = site
        let pages = site.reduce(0) { $0 + $1.allPages.count }
        return "\(pages) pages in \(site.count) edition\(site.count == 1 ? "" : "s")"
    }

    /// A chapter page's footer: how many snippets ran, against which libraries and runtime, when, from which file.
    static func footer(chapter: Chapter, computedAt: Date, toolchain: Toolchain, strings: UIStrings = .english) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        let runs = chapter.snippets.filter(\.runs).count
        // The footer is HTML: a file name (`<b>.md`) is text in it.
        return strings.pageFooter(runs, toolchain.imports.map { "<code>\(escape($0))</code>" }.joined(separator: ", "),
                                  String(toolchain.fingerprint.prefix(8)), formatter.string(from: computedAt), escape(chapter.path),
                                  WorkbookVersion.current)
    }
}
