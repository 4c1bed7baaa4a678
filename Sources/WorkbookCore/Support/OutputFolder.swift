import Foundation

/// The site folder belongs to the tool only if the tool made it. `build --output .` once replaced a whole book
/// (chapters, theme, .git) with the site, and `clean --output Chapters` deleted every chapter: now the tool marks
/// every site folder it writes with `.workbook-output`, replaces or deletes only marked folders, and refuses a
/// folder that holds anything else or that contains the book.
public enum OutputFolder {
    public static let markerName = ".workbook-output"

    /// True when the tool wrote this folder: it carries the marker, or it is a site of a workbook from before the
    /// marker (exactly `index.html`, chapter pages and `assets/` with the search index).
    public static func isOurs(_ folder: URL) -> Bool {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: folder.appendingPathComponent(markerName).path) { return true }
        guard let names = try? fileManager.contentsOfDirectory(atPath: folder.path),
              fileManager.fileExists(atPath: folder.appendingPathComponent("assets/search-index.js").path),
              names.contains("index.html") else { return false }
        return names.allSatisfy { $0 == "assets" || $0.hasSuffix(".html") }
    }

    /// Throws unless the site may be written to `folder`: it does not contain the book or any of its `sources`
    /// (chapters, theme, config, package — a site folder the tool once wrote may since have received the chapters),
    /// it stays inside the book when book.toml chose it (`insideBook`: checked on the resolved path, so a symbolic
    /// link cannot lead the site elsewhere), and it is missing, empty, or ours.
    public static func checkWritable(_ folder: URL, bookRoot: URL, sources: [URL] = [], insideBook: Bool = false) throws {
        let site = resolved(folder)
        let root = resolved(bookRoot)
        if root == site || root.hasPrefix(site + "/") {
            throw WorkbookError(file: folder.path, "the output folder contains the book (\(bookRoot.path)); building there would "
                + "replace the book with the site. Choose a folder of its own, e.g. --output site/out")
        }
        for source in sources where FileManager.default.fileExists(atPath: source.path) {
            let path = resolved(source)
            guard path == site || path.hasPrefix(site + "/") else { continue }
            throw WorkbookError(file: BookConfig.fileName, "the output folder \(folder.path) holds \(source.path), part of the "
                + "book; building would replace it with the site. Give book.output a folder of its own, e.g. \"site/out\"")
        }
        if insideBook && !site.hasPrefix(root + "/") {
            throw WorkbookError(file: BookConfig.fileName, "book.output leads outside the book (\(folder.path) is \(site)); "
                + "a symbolic link must not send the site elsewhere. Use --output to build outside the book on purpose")
        }
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder.path) {
            throw WorkbookError(file: folder.path, "is a symbolic link (to \(target)); workbook replaces the site folder as a "
                + "whole and does not replace a link. Name the folder itself as the output (--output \(site))")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else { return }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard isDirectory.boolValue, names.isEmpty || isOurs(folder) else {
            throw WorkbookError(file: folder.path, "the output folder holds files workbook did not write (it has no \(markerName)); "
                + "building would replace them. Choose an empty or new folder, or remove this one yourself")
        }
    }

    /// The path with every symbolic link resolved, also those above a folder that does not exist yet.
    static func resolved(_ url: URL) -> String {
        var existing = url.standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path) && existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing = existing.deletingLastPathComponent()
        }
        let base = existing.resolvingSymlinksInPath().path
        return ([base == "/" ? "" : base] + rest).joined(separator: "/")
    }

    /// Marks a folder as the tool's (called on the staging folder before it is swapped in).
    static func mark(_ folder: URL) throws {
        try Data("This folder was written by workbook, which replaces or deletes it as a whole.\n".utf8)
            .write(to: folder.appendingPathComponent(markerName))
    }

    /// Removes what an interrupted build left next to the site: `.staging-PID` and `.retired-PID` folders of
    /// processes that no longer run, and only if they carry the marker (or are empty).
    static func removeLeftovers(besides folder: URL) {
        let parent = folder.deletingLastPathComponent()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? [] {
            guard let pid = Leftovers.pid(in: name, prefixes: [".staging-", ".retired-"]), !Leftovers.isRunning(pid) else { continue }
            let leftover = parent.appendingPathComponent(name)
            let empty = ((try? FileManager.default.contentsOfDirectory(atPath: leftover.path)) ?? ["?"]).isEmpty
            if empty || isOurs(leftover) { try? FileManager.default.removeItem(at: leftover) }
        }
    }
}

/// Files an interrupted run left behind, recognised by the names the tool gives them.
enum Leftovers {
    /// `.staging-123` → 123 for one of the prefixes.
    static func pid(in name: String, prefixes: [String]) -> pid_t? {
        for prefix in prefixes where name.hasPrefix(prefix) { return pid_t(name.dropFirst(prefix.count)) }
        return nil
    }

    static func isRunning(_ pid: pid_t) -> Bool { pid == getpid() || kill(pid, 0) == 0 || errno == EPERM }

    /// `AtomicFile`'s temporary files (`.NAME.tmp-PID-RANDOM`) whose writer no longer runs, in `folder`.
    static func removeTemporaryFiles(in folder: URL) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasPrefix(".") {
            guard let range = name.range(of: ".tmp-", options: .backwards) else { continue }
            let parts = name[range.upperBound...].split(separator: "-")
            guard parts.count == 2, let pid = pid_t(parts[0]), UInt32(parts[1]) != nil, !isRunning(pid) else { continue }
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}
