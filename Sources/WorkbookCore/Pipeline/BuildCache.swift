import Foundation

/// The per-chapter result cache (`.workbook-cache/`, git-ignored): a chapter whose snippets, options, runtime
/// library, compiler and tool are unchanged is neither compiled nor run again. Only runs without any failure are
/// stored, so a broken chapter is always rebuilt.
public struct BuildCache: Sendable {
    public var directory: URL

    public init(directory: URL) { self.directory = directory }

    struct Entry: Codable {
        var key: String
        var outputs: [SnippetOutput]
        /// When the chapter program ran (seconds since 1970): the page footer says when its numbers were computed.
        var computedAt: Double
    }

    public static func key(for chapter: Chapter, toolchain: Toolchain, root: URL) -> String {
        ContentHash.of(ProgramGenerator.contentKey(for: chapter), toolchain.fingerprint, WorkbookVersion.current,
                       dataFingerprint(for: chapter, root: root))
    }

    /// Files a chapter reads are part of its key, or editing `Configs/x.json` would leave a stale cached output
    /// (Quarto's `freeze` has exactly this hole, quarto-cli #6793). A snippet names its data in string literals:
    /// every literal that is the path of a file under the book root counts with its contents, and one that names a
    /// folder — or starts a path, as in "Configs/\(name).json" — counts with every file in that folder.
    static func dataFingerprint(for chapter: Chapter, root: URL) -> String {
        var hash = ContentHash()
        let fileManager = FileManager.default
        for path in dataPaths(for: chapter) {
            var isDirectory: ObjCBool = false
            let url = root.appendingPathComponent(path)
            if fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                hash.update(path)
                hash.update((try? String(contentsOf: url, encoding: .utf8)) ?? "unreadable")
                continue
            }
            // A folder, or the folder part of an interpolated path.
            let folder = isDirectory.boolValue ? url : url.deletingLastPathComponent()
            guard let names = try? fileManager.contentsOfDirectory(atPath: folder.path) else { continue }
            for name in names.sorted() where !name.hasPrefix(".") {
                let file = folder.appendingPathComponent(name)
                hash.update(file.path.replacingOccurrences(of: root.path, with: ""))
                hash.update((try? String(contentsOf: file, encoding: .utf8)) ?? "")
            }
        }
        return hash.hex
    }

    /// The string literals of a chapter's snippets that look like paths inside the book (`"Configs/x.json"`,
    /// `"Configs/"`), sorted: the data the chapter may read (`workbook serve` watches them too).
    static func dataPaths(for chapter: Chapter) -> [String] {
        let literal = try! NSRegularExpression(pattern: #""([^"\\\n]*)"#)
        var paths = Set<String>()
        for snippet in chapter.snippets {
            let source = snippet.source
            for match in literal.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                guard let range = Range(match.range(at: 1), in: source) else { continue }
                let text = String(source[range])
                guard text.contains("/"), !text.hasPrefix("/"), !text.contains(".."), !text.contains(" ") else { continue }
                paths.insert(text)
            }
        }
        return paths.sorted()
    }

    func url(for chapter: Chapter) -> URL { directory.appendingPathComponent("runs/\(chapter.name).json") }

    public func outputs(for chapter: Chapter, key: String) -> (outputs: [SnippetOutput], computedAt: Date)? {
        guard let data = try? Data(contentsOf: url(for: chapter)),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.key == key, entry.outputs.count == chapter.snippets.count else { return nil }
        return (entry.outputs, Date(timeIntervalSince1970: entry.computedAt))
    }

    public func store(_ outputs: [SnippetOutput], for chapter: Chapter, key: String, computedAt: Date) {
        let entry = Entry(key: key, outputs: outputs, computedAt: computedAt.timeIntervalSince1970)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? FileManager.default.createDirectory(at: url(for: chapter).deletingLastPathComponent(), withIntermediateDirectories: true)
        try? AtomicFile.write(String(decoding: data, as: UTF8.self), to: url(for: chapter))
    }
}
