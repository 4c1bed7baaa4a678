import Foundation
import PackagePlugin

/// `swift package workbook …`: this package's `workbook` tool, built by SwiftPM, run on the calling package's root,
/// so a package that depends on this repository needs nothing installed but Swift, pandoc and libcmark-gfm:
///
///     swift package --allow-writing-to-package-directory workbook init
///     swift package workbook check
///     swift package --allow-writing-to-package-directory workbook build      # also fix, clean
///     swift package workbook serve --port 8000
///
/// The arguments after the verb go to the tool unchanged; its output and diagnostics reach the terminal as the
/// tool's do, and a failure fails the command. The plugin declares no permission: `check` and `serve` write nothing
/// in the package (the book's cache goes to the plugin's work folder, `WORKBOOK_CACHE_DIR`; `serve`'s site is only
/// served), while the verbs that write chapters or the site are run with `--allow-writing-to-package-directory`,
/// which grants it where plugins are sandboxed (macOS).
@main
struct WorkbookPlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "workbook")
        let process = Process()
        process.executableURL = tool.url
        process.arguments = arguments
        process.currentDirectoryURL = context.package.directoryURL
        var environment = ProcessInfo.processInfo.environment
        if environment["WORKBOOK_CACHE_DIR"] == nil {
            environment["WORKBOOK_CACHE_DIR"] = context.pluginWorkDirectoryURL.appendingPathComponent("book-cache").path
        }
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw WorkbookFailed(status: process.terminationStatus)    // its diagnostics are already on the terminal
        }
    }
}

struct WorkbookFailed: Error, CustomStringConvertible {
    var status: Int32
    var description: String { "workbook exited with status \(status)" }
}
