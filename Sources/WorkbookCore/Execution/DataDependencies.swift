import Foundation

/// The files a chapter's snippets read, found in their string literals, so that editing a data file reruns the
/// chapter. (Quarto's `freeze` has exactly this hole, quarto-cli #6793.)
///
/// - A literal that names a file or folder under the book root counts with its contents: `"Configs/x.json"`,
///   `"data.json"` (no folder), `"My Data/x.csv"` (a space).
/// - A literal that only starts a path — interpolated (`"Configs/\(name).json"`) or concatenated
///   (`"Configs/" + name`) — counts with every file of the folder it names.
/// - When the chapter reads files (`contentsOf`, `FileHandle`, `fopen`, …) and a path is built from a part that
///   names no folder (`"\(name).json"`, `name + ".json"`), or names a path outside the book (`"/data/x.csv"`,
///   `"../y.json"`), the dependency cannot be followed: the chapter is then not cached at all and runs on every
///   build. Slower, never stale.
/// - A file one chapter writes and another reads is seen by `RunStage`, which fingerprints again after running.
enum DataDependencies {
    enum Fingerprint: Equatable {
        case known(String)
        /// Why the chapter cannot be cached.
        case unknowable(String)
    }

    /// Folders bigger than this are not fingerprinted.
    static let maxFiles = 2_000
    static let maxBytes = 64_000_000

    static let literal = try! NSRegularExpression(pattern: #"(\+\s*)?"((?:[^"\\\n]|\\.)*)"(\s*\+)?"#)
    static let readsFiles = try! NSRegularExpression(pattern: #"contentsOf|FileHandle|fopen|FileManager|InputStream|open\("#)

    /// What a chapter's snippets name: files and folders under the book root (relative paths), and the path
    /// pieces whose folder cannot be seen. `workbook serve` watches the first two.
    struct Named {
        var files = Set<String>(), folders = Set<String>()
        var unresolved: [String] = []
        /// Paths outside the book (`"/data/x.csv"`, `"../shared/y.json"`): not fingerprinted.
        var outside: [String] = []
    }

    static func named(in chapter: Chapter, root: URL) -> Named {
        var named = Named()
        // A path under the root exists only if its first component does: most literals ("B(\(n)) = ", " %") are
        // ruled out by one listing of the root instead of a file-system lookup each.
        let topLevel = Set((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
        func existsUnderRoot(_ path: String, isDirectory: inout ObjCBool) -> Bool {
            let first = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? path
            if first != "." && !first.isEmpty && !topLevel.contains(first) { return false }
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory)
        }
        for snippet in chapter.snippets {
            let source = snippet.source
            for match in literal.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                guard let range = Range(match.range(at: 2), in: source) else { continue }
                let text = String(source[range])
                let concatenated = match.range(at: 1).location != NSNotFound || match.range(at: 3).location != NSNotFound
                let interpolation = text.range(of: "\\(")
                let isPart = concatenated || interpolation != nil
                let fixedPart = String(text[..<(interpolation?.lowerBound ?? text.endIndex)])
                if fixedPart.hasPrefix("/") || fixedPart.hasPrefix("../") || fixedPart.contains("/../") || fixedPart == ".." {
                    if fixedPart.count > 1 && looksLikePathPart(text) { named.outside.append("\"\(text)\"") }
                    continue
                }
                var isDirectory: ObjCBool = false
                let exists = !fixedPart.isEmpty && fixedPart != "." && existsUnderRoot(fixedPart, isDirectory: &isDirectory)
                if exists && !isPart && !isDirectory.boolValue { named.files.insert(fixedPart); continue }
                if exists && isDirectory.boolValue { named.folders.insert(fixedPart); continue }
                guard isPart else { continue }
                // "Configs/\(name).json" or "Configs/x" + suffix: the folder part.
                if let slash = fixedPart.lastIndex(of: "/") {
                    let folder = String(fixedPart[..<slash])
                    if existsUnderRoot(folder, isDirectory: &isDirectory), isDirectory.boolValue { named.folders.insert(folder); continue }
                }
                if looksLikePathPart(text) { named.unresolved.append("\"\(text)\"") }
            }
        }
        return named
    }

    static func fingerprint(for chapter: Chapter, root: URL) -> Fingerprint {
        let named = named(in: chapter, root: root)
        let reads = chapter.snippets.contains { readsFiles.firstMatch(in: $0.source, range: NSRange($0.source.startIndex..., in: $0.source)) != nil }

        var hash = ContentHash()
        for path in named.files.sorted() {
            hash.update(path)
            hash.update(contents(root.appendingPathComponent(path)))
        }
        var budget = (files: maxFiles, bytes: maxBytes)
        for folder in named.folders.sorted() {
            hash.update(folder + "/")
            guard hashFolder(root.appendingPathComponent(folder), root: root, into: &hash, budget: &budget) else {
                if reads { return .unknowable("the folder '\(folder)' is too big to fingerprint") }
                continue
            }
        }
        if reads, let first = named.outside.first {
            return .unknowable("it reads files and names \(first), outside the book, which the cache does not follow")
        }
        if reads, let first = named.unresolved.first {
            return .unknowable("it reads files and builds a path from \(first), whose folder cannot be known before it runs")
        }
        return .known(hash.hex)
    }

    static let interpolation = try! NSRegularExpression(pattern: #"\\\([^)]*\)"#)
    static let dataExtensions: Set<String> = ["json", "csv", "tsv", "txt", "md", "yaml", "yml", "xml", "plist", "bin", "dat",
                                             "npy", "npz", "safetensors", "gguf", "pt", "onnx", "png", "parquet"]

    /// `"\(name).json"`, `".csv"`, `"data/"`: a piece of a file path. `" %"`, `"B(\(n)) = "` or a dictionary key
    /// like `"apply.\(layout).gbps"` is not.
    static func looksLikePathPart(_ text: String) -> Bool {
        let fixed = interpolation.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "")
        guard !fixed.isEmpty, !fixed.contains(where: { $0 == " " || $0 == "=" || $0 == ":" }) else { return false }
        if fixed.contains("/") { return true }
        return fixed.split(separator: ".").last.map { fixed.contains(".") && dataExtensions.contains($0.lowercased()) } ?? false
    }

    static func contents(_ url: URL) -> String {
        (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) } ?? "unreadable"
    }

    /// Every file under `folder` (hidden ones excepted), path and contents; false when over budget.
    static func hashFolder(_ folder: URL, root: URL, into hash: inout ContentHash, budget: inout (files: Int, bytes: Int)) -> Bool {
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey],
                                                              options: [.skipsHiddenFiles]) else { return true }
        var entries: [(String, URL)] = []
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true else { continue }
            budget.files -= 1
            budget.bytes -= values?.fileSize ?? 0
            if budget.files < 0 || budget.bytes < 0 { return false }
            entries.append((String(url.path.dropFirst(folder.path.count)), url))
        }
        for (relative, url) in entries.sorted(by: { $0.0 < $1.0 }) {
            hash.update(relative)
            hash.update(contents(url))
        }
        return true
    }
}
