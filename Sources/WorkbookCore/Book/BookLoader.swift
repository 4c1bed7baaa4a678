import Foundation

/// For the `load` stage (`LoadStage`): the chapter files of a book, in reading order.
///
/// Order: `Chapters/SUMMARY.md` when present (every `(file.md)` link, in order), else file-name order
/// (`01-…`, `02-…`). `index.md` (the landing page) and `SUMMARY.md` are not chapters.
public struct BookLoader {
    public struct ChapterFile: Sendable, Equatable {
        /// Relative to the book root, e.g. `Chapters/04-decay.md`.
        public var path: String
        public var text: String
    }

    public var root: URL
    public var chaptersFolder = "Chapters"

    public init(root: URL) { self.root = root }

    public func load() throws -> [ChapterFile] {
        let folder = root.appendingPathComponent(chaptersFolder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw WorkbookError(file: chaptersFolder, "no chapter folder here; run workbook from the book's root (the folder holding \(chaptersFolder)/) or pass --root")
        }
        var ordered = names.filter { $0.hasSuffix(".md") && $0 != "SUMMARY.md" && $0 != "index.md" && !$0.hasPrefix(".") }.sorted()
        let summaryURL = folder.appendingPathComponent("SUMMARY.md")
        if let summary = try? String(contentsOf: summaryURL, encoding: .utf8) {
            var listed: [String] = []
            for (number, line) in summary.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                guard let open = line.range(of: "]("), let close = line[open.upperBound...].firstIndex(of: ")") else { continue }
                var target = String(line[open.upperBound..<close])
                guard target.hasSuffix(".md") else { continue }
                if target.hasPrefix("./") { target.removeFirst(2) }    // `./01-x.md` is the same file
                guard !target.contains("/") else {
                    throw WorkbookError(file: "\(chaptersFolder)/SUMMARY.md", line: number + 1, "lists '\(target)', which is not a "
                        + "file of \(chaptersFolder)/ itself; chapters are listed by their file name (e.g. 01-intro.md)")
                }
                if listed.contains(target) {
                    throw WorkbookError(file: "\(chaptersFolder)/SUMMARY.md", line: number + 1, "lists '\(target)' a second time; a chapter is listed once")
                }
                guard ordered.contains(target) else {
                    throw WorkbookError(file: "\(chaptersFolder)/SUMMARY.md", line: number + 1, "lists '\(target)', which is not in \(chaptersFolder)/")
                }
                listed.append(target)
            }
            ordered = listed + ordered.filter { !listed.contains($0) }
        }
        return try ordered.map { name in
            let path = "\(chaptersFolder)/\(name)"
            // A name ends up in generated code, messages and pages: a control character (a newline) would break them.
            if let control = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
                throw WorkbookError(file: "\(chaptersFolder)/\(name.debugDescription.dropFirst().dropLast())",
                    "the file name holds a control character (U+\(String(control.value, radix: 16, uppercase: true))); rename the file")
            }
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else {
                throw WorkbookError(file: path, "cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw WorkbookError(file: path, "is not UTF-8 text")
            }
            return ChapterFile(path: path, text: text)
        }
    }

    /// The landing page's Markdown, if the book has `Chapters/index.md`.
    public func landing() -> String? {
        try? String(contentsOf: root.appendingPathComponent("\(chaptersFolder)/index.md"), encoding: .utf8)
    }
}
