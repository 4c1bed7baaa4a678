import Foundation
import TOMLKit

/// A book's settings, read from `book.toml` at its root (mdBook's convention). Every key is optional: a package
/// with a `Chapters/` folder builds with no file at all.
///
///     [book]
///     title = "Geometry"         # default: the landing page's first heading, else the package's name
///     language = "en"            # the pages' lang attribute
///     chapters = "Chapters"      # the Markdown chapters (and index.md, SUMMARY.md)
///     output = "site/out"        # where the site is written
///     theme = "theme"            # files here replace the built-in theme's files of the same name
///     footer = "…"               # HTML added to every page's footer
///
///     [snippets]
///     imports = ["Geometry"]     # modules every snippet imports (default: the package's library products)
///     timeout = 60               # seconds a chapter program may run
///
///     [translations.zh-Hans]     # one table per translation; the key is its language tag
///     title = "…"                # the edition's title (default: its landing page's first heading)
///     chapters = "Chapters/zh-Hans"   # default: the chapters folder + "/" + the language tag
///     path = "zh"                # where the edition goes inside the output folder (default: the language tag)
public struct BookConfig: Sendable, Equatable {
    /// A translated edition: its prose lives in its own folder, its snippets and outputs are the source's.
    public struct Translation: Sendable, Equatable {
        public var language: String
        public var title: String?
        public var chaptersFolder: String
        public var sitePath: String
    }

    public static let fileName = "book.toml"

    public var title: String?
    public var language = "en"
    public var chaptersFolder = "Chapters"
    public var outputFolder = "site/out"
    public var themeFolder: String?
    public var footer: String?
    /// The book's repository (a web address) and the address that edits a file there, with `{path}` for the
    /// chapter's path from the book root: every page's footer links to both.
    public var repository: String?
    public var editURL: String?
    /// What `build` writes besides the HTML site: `["html", "epub"]` adds an EPUB of each edition.
    public var formats: Set<OutputFormat> = [.html]
    /// nil: every library product of the package.
    public var imports: [String]?
    public var timeout: Double?
    public var translations: [Translation] = []

    public init() {}

    /// Reads `book.toml` under `root`; defaults when there is none. Errors name the file and the key.
    public static func load(root: URL) throws -> BookConfig {
        let url = root.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return BookConfig() }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw WorkbookError(file: fileName, "cannot read the book configuration as UTF-8 text")
        }
        return try parse(text)
    }

    public static func parse(_ text: String) throws -> BookConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw WorkbookError(file: fileName, line: error.source.begin.line, column: error.source.begin.column,
                                "not valid TOML", underlying: error)
        } catch {
            throw WorkbookError(file: fileName, "not valid TOML", underlying: error)
        }
        var config = BookConfig()
        var reader = KeyReader(table: table)
        config.title = try reader.string("book", "title")
        config.language = try reader.string("book", "language") ?? config.language
        config.chaptersFolder = try reader.relativePath("book", "chapters") ?? config.chaptersFolder
        config.outputFolder = try reader.relativePath("book", "output") ?? config.outputFolder
        config.themeFolder = try reader.relativePath("book", "theme")
        config.footer = try reader.string("book", "footer")
        config.formats = try reader.formats("book", "formats") ?? config.formats
        config.repository = try reader.webAddress("book", "repository")
        config.editURL = try reader.webAddress("book", "edit-url")
        if let edit = config.editURL, !edit.contains("{path}") {
            throw WorkbookError(file: fileName, "book.edit-url = \"\(edit)\" has no {path}; write where a chapter is edited, "
                + "e.g. \"https://github.com/OWNER/REPO/edit/main/{path}\"")
        }
        config.imports = try reader.moduleNames("snippets", "imports")
        config.timeout = try reader.positiveNumber("snippets", "timeout")
        config.translations = try reader.translations(chaptersFolder: config.chaptersFolder, sourceLanguage: config.language)
        try reader.rejectUnknownKeys()
        return config
    }

    /// The file `workbook init` writes: every key, commented where the default applies.
    public static func template(title: String, imports: [String]) -> String {
        """
        # The book's settings (workbook). Every key is optional; the commented values are the defaults.
        [book]
        title = \(quoted(title))
        # language = "en"
        # chapters = "Chapters"
        # output = "site/out"
        # theme = "theme"        # files in this folder replace the built-in theme's files of the same name
        # footer = ""            # HTML added to every page's footer
        # formats = ["html"]     # add "epub" for an EPUB of each edition, linked from its landing page
        # repository = "https://github.com/OWNER/REPO"                 # linked from every page
        # edit-url = "https://github.com/OWNER/REPO/edit/main/{path}"  # "Edit this page" on every page

        [snippets]
        # Modules every snippet imports, besides the helpers (show, check, Table, Chart). Default: the package's
        # library products.
        imports = [\(imports.map(quoted).joined(separator: ", "))]
        # timeout = 60           # seconds a chapter program may run

        """
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// Reads typed values out of the TOML table and remembers which keys it was asked for, so that a misspelt key
/// (`tittle`) is an error naming it instead of a silently ignored setting.
private struct KeyReader {
    let table: TOMLTable
    var known: [String: Set<String>] = [:]

    init(table: TOMLTable) { self.table = table }

    mutating func value(_ section: String, _ key: String) throws -> TOMLValueConvertible? {
        known[section, default: []].insert(key)
        guard let entry = table[section] else { return nil }
        guard let sectionTable = entry.table else {
            throw WorkbookError(file: BookConfig.fileName, "[\(section)] must be a table, e.g. a line `[\(section)]` above its keys")
        }
        return sectionTable[key]
    }

    mutating func string(_ section: String, _ key: String) throws -> String? {
        guard let value = try value(section, key) else { return nil }
        guard let text = value.string else { throw typeError(section, key, "a string in double quotes") }
        return text
    }

    /// A folder inside the book: relative, no `..`, so the tool never reads or writes outside the book root.
    mutating func relativePath(_ section: String, _ key: String) throws -> String? {
        try string(section, key).map { try Self.folderInsideBook($0, key: "\(section).\(key)") }
    }

    /// `text` as a folder relative to book.toml, normalised (`./a/b` → `a/b`); absolute paths and `..` refused.
    static func folderInsideBook(_ text: String, key: String) throws -> String {
        let parts = text.split(separator: "/")
        guard !text.hasPrefix("/"), !parts.isEmpty, !parts.contains(".."), !text.contains("\\") else {
            throw WorkbookError(file: BookConfig.fileName,
                                "\(key) = \"\(text)\": give a folder inside the book, relative to book.toml (no leading /, no ..)")
        }
        return parts.filter { $0 != "." }.joined(separator: "/")
    }

    mutating func moduleNames(_ section: String, _ key: String) throws -> [String]? {
        guard let value = try value(section, key) else { return nil }
        guard let array = value.array else { throw typeError(section, key, "a list of module names, e.g. [\"MyLibrary\"]") }
        return try array.map { element in
            guard let name = element.string, !name.isEmpty,
                  name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !name.first!.isNumber else {
                throw typeError(section, key, "a list of Swift module names (letters, digits, _)")
            }
            return name
        }
    }

    mutating func formats(_ section: String, _ key: String) throws -> Set<OutputFormat>? {
        guard let value = try value(section, key) else { return nil }
        let known = OutputFormat.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let array = value.array else { throw typeError(section, key, "a list of formats, from \(known)") }
        return Set(try array.map { element in
            guard let name = element.string, let format = OutputFormat(rawValue: name) else {
                throw typeError(section, key, "a list of formats, from \(known)")
            }
            return format
        }).union([.html])
    }

    /// An http(s) address: pages link to it.
    mutating func webAddress(_ section: String, _ key: String) throws -> String? {
        guard let text = try string(section, key) else { return nil }
        guard text.hasPrefix("https://") || text.hasPrefix("http://"), !text.contains(where: \.isWhitespace) else {
            throw typeError(section, key, "a web address starting with https://")
        }
        return text
    }

    mutating func positiveNumber(_ section: String, _ key: String) throws -> Double? {
        guard let value = try value(section, key) else { return nil }
        let number = value.double ?? value.int.map(Double.init)
        guard let number, number > 0, number.isFinite else { throw typeError(section, key, "a positive number") }
        return number
    }

    func typeError(_ section: String, _ key: String, _ expected: String) -> WorkbookError {
        WorkbookError(file: BookConfig.fileName, "\(section).\(key) must be \(expected)")
    }

    /// `[translations.LANG]` tables, each with optional title, chapters and path.
    mutating func translations(chaptersFolder: String, sourceLanguage: String) throws -> [BookConfig.Translation] {
        known["translations"] = []
        guard let entry = table["translations"] else { return [] }
        guard let languages = entry.table else {
            throw WorkbookError(file: BookConfig.fileName, "[translations] must hold one table per language, e.g. [translations.zh-Hans]")
        }
        var result: [BookConfig.Translation] = []
        for language in languages.keys.sorted() {
            known["translations"]!.insert(language)
            let name = "translations.\(language)"
            guard language.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }), language != sourceLanguage else {
                throw WorkbookError(file: BookConfig.fileName, "[\(name)]: the key must be a language tag such as zh-Hans, other than book.language")
            }
            guard let settings = languages[language]?.table else {
                throw WorkbookError(file: BookConfig.fileName, "[\(name)] must be a table (title, chapters, path)")
            }
            for key in settings.keys where !["title", "chapters", "path"].contains(key) {
                throw WorkbookError(file: BookConfig.fileName, "unknown key \(name).\(key); [\(name)] takes chapters, path, title")
            }
            var reader = KeyReader(table: settings)
            reader.prefix = name
            let translation = BookConfig.Translation(
                language: language, title: try reader.plainString("title"),
                chaptersFolder: try reader.plainRelativePath("chapters") ?? "\(chaptersFolder)/\(language)",
                sitePath: try reader.plainRelativePath("path") ?? language)
            // The edition's folder is a folder of its own inside the site; its chapters are not the source's.
            let path = translation.sitePath.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
            guard !path.isEmpty else {
                throw WorkbookError(file: BookConfig.fileName, "\(name).path = \"\(translation.sitePath)\" would put the edition over "
                    + "the source's pages; give it a folder of its own, e.g. path = \"\(language.lowercased())\"")
            }
            if let other = result.first(where: { $0.sitePath.split(separator: "/").filter { $0 != "." }.joined(separator: "/") == path }) {
                throw WorkbookError(file: BookConfig.fileName, "\(name).path and translations.\(other.language).path are both "
                    + "\"\(path)\"; each edition needs a folder of its own")
            }
            let folder = translation.chaptersFolder.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
            let source = chaptersFolder.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
            guard folder != source else {
                throw WorkbookError(file: BookConfig.fileName, "\(name).chapters = \"\(translation.chaptersFolder)\" is the source's own "
                    + "chapters folder; a translation lives in a folder of its own, e.g. \"\(chaptersFolder)/\(language)\"")
            }
            result.append(translation)
        }
        return result
    }

    /// For nested tables (`[translations.zh-Hans]`): keys read straight from `table`, named `prefix.key` in errors.
    var prefix = ""

    mutating func plainString(_ key: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else {
            throw WorkbookError(file: BookConfig.fileName, "\(prefix).\(key) must be a string in double quotes")
        }
        return text
    }

    mutating func plainRelativePath(_ key: String) throws -> String? {
        try plainString(key).map { try Self.folderInsideBook($0, key: "\(prefix).\(key)") }
    }

    func rejectUnknownKeys() throws {
        for section in table.keys where section != "translations" {
            guard let keys = known[section] else {
                throw WorkbookError(file: BookConfig.fileName,
                                    "unknown section [\(section)]; the sections are " + known.keys.sorted().map { "[\($0)]" }.joined(separator: ", "))
            }
            for key in table[section]?.table?.keys ?? [] where !keys.contains(key) {
                throw WorkbookError(file: BookConfig.fileName,
                                    "unknown key \(section).\(key); [\(section)] takes " + keys.sorted().joined(separator: ", "))
            }
        }
    }
}
