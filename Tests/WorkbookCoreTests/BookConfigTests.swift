import Foundation
import Testing
@testable import WorkbookCore

@Suite struct BookConfigTests {
    @Test func everyKeyIsRead() throws {
        let config = try BookConfig.parse("""
        [book]
        title = "Geometry, by example"
        language = "zh-Hans"
        chapters = "./docs/chapters"
        output = "public"
        theme = "theme"
        footer = "© the authors"
        [snippets]
        imports = ["Geometry", "GeometryExtras"]
        timeout = 30
        """)
        #expect(config.title == "Geometry, by example" && config.language == "zh-Hans")
        #expect(config.chaptersFolder == "docs/chapters" && config.outputFolder == "public" && config.themeFolder == "theme")
        #expect(config.footer == "© the authors" && config.imports == ["Geometry", "GeometryExtras"] && config.timeout == 30)
    }

    @Test func noFileMeansDefaults() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-book-toml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try BookConfig.load(root: folder) == BookConfig())
        #expect(BookConfig().chaptersFolder == "Chapters" && BookConfig().outputFolder == "site/out")
    }

    @Test func formatsAreKnownNames() throws {
        #expect(try BookConfig.parse("[book]\nformats = [\"html\", \"epub\"]").formats == [.html, .epub])
        #expect(try BookConfig.parse("[book]\nformats = [\"epub\"]").formats == [.html, .epub], "the site is always built")
        do { _ = try BookConfig.parse("[book]\nformats = [\"pdf\"]"); Issue.record("pdf accepted") } catch {
            #expect("\(error)".contains("book.formats must be a list of formats, from \"html\", \"epub\""), "\(error)")
        }
    }

    @Test func mistakesNameTheKey() {
        func message(_ text: String) -> String {
            do { _ = try BookConfig.parse(text); return "no error" } catch { return "\(error)" }
        }
        #expect(message("[book]\ntittle = \"x\"").contains("unknown key book.tittle; [book] takes chapters, edit-url, footer, formats, language, output, repository, theme, title"))
        #expect(message("[bok]\ntitle = \"x\"").contains("unknown section [bok]"))
        #expect(message("[book]\ntitle = 3").contains("book.title must be a string"))
        #expect(message("[book]\noutput = \"../elsewhere\"").contains("give a folder inside the book"))
        #expect(message("[book]\noutput = \"/tmp/site\"").contains("give a folder inside the book"))
        #expect(message("[snippets]\nimports = [\"not a module\"]").contains("snippets.imports must be a list of Swift module names"))
        #expect(message("[snippets]\ntimeout = -1").contains("snippets.timeout must be a positive number"))
        let syntax = message("[book]\ntitle = \"unterminated\n")
        #expect(syntax.hasPrefix("book.toml:2:") && syntax.contains("not valid TOML"), "\(syntax)")
    }

    @Test func translationsAreTablesByLanguage() throws {
        let config = try BookConfig.parse("""
        [book]
        chapters = "Chapters"
        [translations.zh-Hans]
        path = "zh"
        [translations.fr]
        title = "RoPE, calculé"
        """)
        #expect(config.translations == [
            BookConfig.Translation(language: "fr", title: "RoPE, calculé", chaptersFolder: "Chapters/fr", sitePath: "fr"),
            BookConfig.Translation(language: "zh-Hans", title: nil, chaptersFolder: "Chapters/zh-Hans", sitePath: "zh"),
        ])
        func message(_ text: String) -> String {
            do { _ = try BookConfig.parse(text); return "no error" } catch { return "\(error)" }
        }
        #expect(message("[translations.zh-Hans]\nfolder = \"x\"").contains("unknown key translations.zh-Hans.folder; [translations.zh-Hans] takes chapters, path, title"))
        #expect(message("[translations.zh-Hans]\npath = \"../zh\"").contains("translations.zh-Hans.path = \"../zh\": give a folder inside the book"))
        #expect(message("[translations.en]\npath = \"en\"").contains("other than book.language"))
    }

    @Test func initTemplateReadsBack() throws {
        let config = try BookConfig.parse(BookConfig.template(title: "A \"quoted\" title", imports: ["Geometry"]))
        #expect(config.title == "A \"quoted\" title" && config.imports == ["Geometry"])
    }

    @Test func themeOverridesFileByFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("assets"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "body { color: red }".write(to: folder.appendingPathComponent("assets/style.css"), atomically: true, encoding: .utf8)
        try "extra".write(to: folder.appendingPathComponent("assets/extra.js"), atomically: true, encoding: .utf8)
        let builtIn = try ToolResources.locate().theme
        let theme = Theme(builtIn: builtIn, override: folder)
        #expect(theme.url("page.html") == builtIn.appendingPathComponent("page.html"))
        let assets = Dictionary(uniqueKeysWithValues: theme.assets().map { ($0.name, $0.url) })
        #expect(assets["style.css"] == folder.appendingPathComponent("assets/style.css"))
        #expect(assets["extra.js"] != nil && assets["search.js"] == builtIn.appendingPathComponent("assets/search.js"))
    }
}

@Suite struct SummaryTests {
    @Test func aSummaryEndingInAColonStopsAtItsLastSentence() {
        #expect(ChapterParser.summary(["Pairs need a layout.", "Two answers ship, and they differ:"]) == "Pairs need a layout.")
        #expect(ChapterParser.summary(["实际代码给出两种答案。二者不能互换："]) == "实际代码给出两种答案。")
        #expect(ChapterParser.summary(["The base changes $b$:"]) == "The base changes $b$…")
        #expect(ChapterParser.summary(["Math $m\\theta_i$ and a [link](02-b.md) stay Markdown."]) == "Math $m\\theta_i$ and a [link](02-b.md) stay Markdown.")
    }
}
