import Foundation

/// A book: its root folder (a Swift package, usually) and its settings, with the folders they resolve to.
public struct Book: Sendable {
    public var root: URL
    public var config: BookConfig

    public init(root: URL, config: BookConfig) {
        self.root = root
        self.config = config
    }

    /// Reads `book.toml` (defaults without one) and checks that the chapters folder exists.
    public static func open(root: URL) throws -> Book {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WorkbookError(file: root.path, "is not a folder; pass the book's root folder (the one holding book.toml or Chapters/)")
        }
        return Book(root: root, config: try BookConfig.load(root: root))
    }

    /// `.workbook-cache/` in the book, or `WORKBOOK_CACHE_DIR` (the SwiftPM plugin keeps a book's cache in its
    /// own work folder, so `swift package workbook check` writes nothing in the package).
    public var cacheDirectory: URL {
        ProcessInfo.processInfo.environment["WORKBOOK_CACHE_DIR"].map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent(".workbook-cache")
    }
    public var siteDirectory: URL { root.appendingPathComponent(config.outputFolder) }
    public var loader: BookLoader {
        var loader = BookLoader(root: root)
        loader.chaptersFolder = config.chaptersFolder
        return loader
    }

    /// What the book is made of and no build may replace: the chapters of every edition, the theme, book.toml,
    /// the package's manifest and sources. The site folder must hold none of them.
    public var sources: [URL] {
        ([config.chaptersFolder] + config.translations.map(\.chaptersFolder) + [config.themeFolder, BookConfig.fileName,
          "Package.swift", "Sources"].compactMap { $0 }).map { root.appendingPathComponent($0) }
    }

    public func theme(resources: ToolResources) -> Theme {
        Theme(builtIn: resources.theme, override: config.themeFolder.map { root.appendingPathComponent($0) })
    }

    /// The configured title, else the landing page's first heading, else the folder's name.
    public func title(landing: String?) -> String {
        config.title ?? landing.flatMap(Self.heading) ?? root.lastPathComponent
    }

    /// A page's first `#` heading, if it has one.
    static func heading(of markdown: String) -> String? {
        MarkdownBlocks.parse(markdown).headings.first { $0.level == 1 }?.text
    }
}
