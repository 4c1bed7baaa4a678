import Foundation

/// What the tool needs at run time besides its own code: the built-in theme (page template, pandoc fragment
/// template, CSS, scripts) and the helpers' Swift sources (`show`, `check`, `Table`, `Chart`), which are compiled
/// into every book's runtime.
///
/// Installed (`make install PREFIX=…`) they live in `PREFIX/share/workbook/{theme,helpers}`, beside the binary in
/// `PREFIX/bin`, so the installed tool works after the repository is gone. A development build in `.build/` uses
/// the repository's own `Resources/theme` and `Sources/Presentation`.
public struct ToolResources: Sendable {
    public var theme: URL
    public var helpers: URL
    /// Where an installed tool keeps its prebuilt helpers runtimes (`PREFIX/lib/workbook/runtime`, `SharedRuntime`);
    /// nil for a development build.
    public var prebuiltRuntimes: URL?

    public static func locate() throws -> ToolResources {
        var candidates: [ToolResources] = []
        if let folder = ProcessInfo.processInfo.environment["WORKBOOK_RESOURCES"] {
            candidates.append(installed(at: URL(fileURLWithPath: folder)))
        }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(installed(at: executable.deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("share/workbook")))
        }
        candidates.append(sourceTree)
        guard let found = candidates.first(where: \.isComplete) else {
            throw WorkbookError("the tool's theme and helper sources were not found in "
                + candidates.map { $0.theme.deletingLastPathComponent().path }.joined(separator: ", ")
                + "; reinstall workbook with `make install`, or set WORKBOOK_RESOURCES to the folder holding theme/ and helpers/")
        }
        return found
    }

    static func installed(at folder: URL) -> ToolResources {
        ToolResources(theme: folder.appendingPathComponent("theme"), helpers: folder.appendingPathComponent("helpers"),
                      prebuiltRuntimes: folder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lib/workbook/runtime"))
    }

    /// The repository this binary was built from (for `swift build` / `swift test` without installing).
    static var sourceTree: ToolResources {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return ToolResources(theme: repository.appendingPathComponent("Resources/theme"),
                             helpers: repository.appendingPathComponent("Sources/Presentation"))
    }

    var isComplete: Bool {
        FileManager.default.fileExists(atPath: theme.appendingPathComponent("page.html").path)
            && FileManager.default.fileExists(atPath: helpers.appendingPathComponent("Show.swift").path)
    }

    /// The helpers' source files, sorted (their contents are part of the runtime's fingerprint).
    func helperSources() throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: helpers.path).filter { $0.hasSuffix(".swift") }.sorted()
        return names.map { helpers.appendingPathComponent($0) }
    }
}
