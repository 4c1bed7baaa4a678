import Foundation

/// `workbook init`: makes a book in the root of a Swift package — `book.toml`, `Chapters/index.md` and a first
/// chapter whose snippet calls the package's library — without touching any file that is already there.
public enum BookInitializer {
    /// What `initialize` wrote: the files (relative to the root) and the module the first chapter is about.
    public struct Initialized: Sendable {
        public var files: [String]
        public var module: String
    }

    /// Writes the files; its problems say `[setup]`.
    public static func initialize(root: URL) throws -> Initialized {
        try WorkbookError.Stage.setup.run { try writeFiles(root: root) }
    }

    static func writeFiles(root: URL) throws -> Initialized {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: root.appendingPathComponent("Package.swift").path) else {
            throw WorkbookError(file: root.path, "has no Package.swift; run `workbook init` in the root of a Swift package "
                + "(`swift package init --type library` makes one)")
        }
        guard !fileManager.fileExists(atPath: root.appendingPathComponent(BookConfig.fileName).path) else {
            throw WorkbookError(file: BookConfig.fileName, "already exists: this package has a book; run `workbook build`")
        }
        let package = try PackageDescription.describe(root: root, swift: Toolchain.swiftDriver(beside: try Toolchain.locateCompiler()),
                                                     scratch: root.appendingPathComponent(".workbook-cache/runtime/.describe"))
        guard let library = package.libraries.first(where: { !$0.modules.isEmpty }) else {
            let target = package.swiftTargets.first ?? package.name
            throw WorkbookError(file: "Package.swift", "declares no library product with Swift code; add one "
                + "(`.library(name: \"\(target)\", targets: [\"\(target)\"])`) so snippets have something to import"
                + (package.swiftTargets.count > 1 ? " (its Swift targets: \(package.swiftTargets.joined(separator: ", ")))" : ""))
        }
        // The first module whose sources offer something to call; else the first module, imported only.
        let samples = package.defaultImports.lazy.compactMap { module in
            sampleSnippet(module: module, sources: RuntimeBuilder.files(under: root.appendingPathComponent(package.moduleFolders[module] ?? "Sources/\(module)")))
                .map { (module, $0) }
        }
        let (module, sample) = samples.first ?? (library.modules[0], importOnlySnippet(module: library.modules[0]))
        let chapterFolder = BookConfig().chaptersFolder
        let files: [(String, String)] = [
            (BookConfig.fileName, BookConfig.template(title: "\(package.name), by example", imports: package.defaultImports)),
            ("\(chapterFolder)/index.md", landingPage(package: package.name)),
            (firstChapterPath, firstChapter(module: module, snippet: sample)),
        ]
        for (path, _) in files where fileManager.fileExists(atPath: root.appendingPathComponent(path).path) {
            throw WorkbookError(file: path, "already exists; move it away or write book.toml by hand (see the README)")
        }
        try fileManager.createDirectory(at: root.appendingPathComponent(chapterFolder), withIntermediateDirectories: true)
        for (path, text) in files { try AtomicFile.write(text, to: root.appendingPathComponent(path)) }
        try addToGitignore(root: root)
        return Initialized(files: files.map(\.0), module: module)
    }

    static var firstChapterPath: String { "\(BookConfig().chaptersFolder)/01-first-steps.md" }

    /// Records the first chapter's outputs (`workbook fix`). The sample call is a guess read off the sources; when
    /// it does not compile, run or pass its check, the chapter is rewritten with a snippet that only shows the
    /// imported module and recorded again, so `init` never hands a new user a failing book. Errors that are not
    /// the sample's (the package does not build, say) are returned as they are.
    public static func recordFirstChapter(root: URL, module: String, progress: Bool = true, log: (String) -> Void) -> BuildReport {
        var options = BuildOptions(root: root, mode: .fix)
        options.showProgress = progress
        let report = Workbook.run(options)
        let inSample = report.errors.filter { $0.file == firstChapterPath && [.compile, .run, .check].contains($0.stage) }
        let chapter = root.appendingPathComponent(firstChapterPath)
        guard !inSample.isEmpty, inSample.count == report.errors.count else { return report }
        log("the first chapter's sample call did not work (\(inSample[0].message.prefix(200))); "
            + "wrote one that shows the imported module instead")
        guard (try? AtomicFile.write(firstChapter(module: module, snippet: importOnlySnippet(module: module)), to: chapter)) != nil else {
            return report
        }
        return Workbook.run(options)
    }

    /// A first snippet that really calls the library: a public function without parameters when there is one at
    /// file scope, else a public non-generic type's name; nil when the sources offer neither.
    static func sampleSnippet(module: String, sources: [URL]) -> String? {
        let text = sources.filter { $0.pathExtension == "swift" }.compactMap { try? String(contentsOf: $0, encoding: .utf8) }
            .joined(separator: "\n")
        if let match = firstMatch(#"(?m)^public func ([A-Za-z_][A-Za-z0-9_]*)\(\)\s*(throws\s*)?->"#, in: text) {
            let call = (match.count > 2 && !match[2].isEmpty ? "try " : "") + "\(match[1])()"
            return """
            let value = \(call)
            show(value)
            check(!"\\(value)".isEmpty, "\(match[1])() gives a value to show")
            """
        }
        // A generic type's name alone does not compile (`Deque.self`: "generic parameter could not be inferred").
        if let match = firstMatch(#"(?m)^public (?:final )?(?:struct|enum|class|actor) ([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_]*\s*<)"#, in: text) {
            return """
            let name = String(reflecting: \(match[1]).self)
            show(name)
            check(name == "\(module).\(match[1])", "\(match[1]) is \(module)'s own type")
            """
        }
        return nil
    }

    /// A snippet that compiles whenever the book's modules import: the fallback when the sample does not.
    static func importOnlySnippet(module: String) -> String {
        """
        show("\(module) is imported in every snippet")
        """
    }

    static func firstMatch(_ pattern: String, in text: String) -> [String]? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return (0..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
        }
    }

    static func landingPage(package: String) -> String {
        """
        # \(package), by example

        A book about \(package) in which every example is compiled and run against the library when the book is
        built, and every output you read is the one it printed.

        """
    }

    static func firstChapter(module: String, snippet: String) -> String {
        """
        # First steps

        Every snippet of this book imports `\(module)` (book.toml lists the modules) and the helpers `show`, `check`,
        `Table` and `Chart`. `workbook fix` records what a snippet prints right below it; `workbook check` fails
        when the library starts printing something else.

        ```swift {#first-call}
        \(snippet)
        ```

        """
    }

    /// The cache and the site are build products.
    static func addToGitignore(root: URL) throws {
        let url = root.appendingPathComponent(".gitignore")
        var text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let wanted = ["/.workbook-cache/", "/site/out/"].filter { !text.split(separator: "\n").contains(Substring($0)) }
        guard !wanted.isEmpty else { return }
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        text += wanted.joined(separator: "\n") + "\n"
        try AtomicFile.write(text, to: url)
    }
}
