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

    /// nil when the chapter cannot be cached: it reads files whose names are only known when it runs
    /// (`DataDependencies`).
    public static func key(for chapter: Chapter, toolchain: Toolchain, root: URL) -> String? {
        guard let data = dataFingerprint(for: chapter, root: root) else { return nil }
        // The imports decide what the snippets compile against (`snippets.imports` can change with no other change).
        return ContentHash.of(ProgramGenerator.contentKey(for: chapter), toolchain.fingerprint, WorkbookVersion.current, data,
                              toolchain.imports.joined(separator: ","), toolchain.moduleArguments.joined(separator: "\u{0}"))
    }

    /// The files a chapter reads are part of its key (`DataDependencies`); nil when they cannot be known.
    static func dataFingerprint(for chapter: Chapter, root: URL) -> String? {
        switch DataDependencies.fingerprint(for: chapter, root: root) {
        case .known(let hash): return hash
        case .unknowable: return nil
        }
    }

    func url(for chapter: Chapter) -> URL { directory.appendingPathComponent("runs/\(chapter.name).json") }

    public func outputs(for chapter: Chapter, key: String) -> (outputs: [SnippetOutput], computedAt: Date)? {
        guard let data = try? Data(contentsOf: url(for: chapter)),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.key == key, entry.outputs.count == chapter.snippets.count,
              entry.outputs.map(\.values.count) == chapter.valueCounts else { return nil }
        return (entry.outputs, Date(timeIntervalSince1970: entry.computedAt))
    }

    public func store(_ outputs: [SnippetOutput], for chapter: Chapter, key: String, computedAt: Date) {
        let entry = Entry(key: key, outputs: outputs, computedAt: computedAt.timeIntervalSince1970)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        try? FileManager.default.createDirectory(at: url(for: chapter).deletingLastPathComponent(), withIntermediateDirectories: true)
        try? AtomicFile.write(String(decoding: data, as: UTF8.self), to: url(for: chapter))
    }
}
