import Foundation
@testable import WorkbookCore

/// A throw-away book in a temp folder: chapters given as text, driven through `Workbook.run` like the command does.
struct TestBook {
    let root: URL
    /// A copy of the built-in theme in `site/theme`: files of the author's own that no build may delete.
    static let theme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Resources/theme")

    init(_ chapters: [String: String], name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        for (file, text) in chapters { try write(text, to: "Chapters/\(file)") }
        try FileManager.default.createDirectory(at: url("site"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.theme, to: url("site/theme"))
    }

    func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(at: url(path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url(path))
    }

    func read(_ path: String) throws -> String { try String(contentsOf: url(path), encoding: .utf8) }

    func run(_ mode: BuildOptions.Mode, timeout: Double = 20, force: Bool = false, output: URL? = nil, jobs: Int? = nil) -> BuildReport {
        var options = BuildOptions(root: root, mode: mode)
        if let jobs { options.jobs = jobs }
        options.showProgress = false
        options.timeout = timeout
        options.force = force
        options.outputDirectory = output
        options.runtimeDirectory = TestRuntime.directory
        return Workbook.run(options)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// A chapter with the given snippets, each `(id, code)`, in order.
func chapter(_ snippets: [(String, String)]) -> String {
    "# T\n\n" + snippets.map { "```swift {#\($0.0)}\n\($0.1)\n```\n" }.joined(separator: "\n")
}
