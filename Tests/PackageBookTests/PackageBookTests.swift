import Foundation
import Testing

/// Real, widely used packages made into books as a new user would: each package's own source tree (cloned from the
/// copies this machine's SwiftPM resolves), `workbook init` in it, a chapter that calls the package's API, `fix`,
/// `check`, then a change to the library that `check` must catch at the chapter's line.
///
/// Each package's runtime is a release build of the package (swift-case-paths brings swift-syntax: about ten
/// minutes on two cores), so these run in `make test-packages` (CI runs it after `make test`), not in `make test`.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["WORKBOOK_PACKAGE_TESTS"] != nil,
                             "real-package books: run with make test-packages"))
struct PackageBookTests {
    static let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    static var workbook: String { binDirectory.appendingPathComponent("workbook").path }

    /// One package: where it comes from, a chapter calling its API with what that chapter must print, and a change
    /// to one of its sources that moves that output.
    struct Case: CustomTestStringConvertible, Sendable {
        var repository: String
        var version: String
        var snippet: String
        var expected: [String]
        var mutation: (file: String, from: String, to: String)
        var testDescription: String { repository }
    }

    static let cases: [Case] = [
        // A C module target in the package (CSystem).
        Case(repository: "apple/swift-system", version: "1.8.1", snippet: """
            let path: FilePath = "/usr/local/bin/../lib/swift"
            print("components:", path.components.count)
            print("normal:", path.lexicallyNormalized().string)
            print("other read:", String(FilePermissions.otherRead.rawValue, radix: 8))
            """, expected: ["components: 6", "normal: /usr/local/lib/swift", "other read: 4"],
            mutation: ("Sources/System/FilePermissions.swift", "FilePermissions { .init(rawValue: 0o4) }",
                       "FilePermissions { .init(rawValue: 0o6) }")),
        // A C module (_NumericsShims) under every module of the package; three library products.
        Case(repository: "apple/swift-numerics", version: "1.1.1", snippet: """
            let z = Complex(3.0, 4.0)
            print("length:", z.length)
            print("exp(1):", Double.exp(1))
            """, expected: ["length: 5.0", "exp(1): 2.718281828459045"],
            mutation: ("Sources/ComplexModule/Polar.swift", "x*x + y*y\n", "x*x + y*y + 1\n")),
        // A C module in a dependency (swift-numerics' shims, through RealModule).
        Case(repository: "apple/swift-algorithms", version: "1.2.1", snippet: """
            print("chunks:", Array((1...5).chunks(ofCount: 2)).map(Array.init))
            print("windows:", (1...4).windows(ofCount: 3).count)
            """, expected: ["chunks: [[1, 2], [3, 4], [5]]", "windows: 2"],
            mutation: ("Sources/Algorithms/Chunked.swift", "_chunkCount: count)", "_chunkCount: count + 1)")),
        // Many library products, generic types (the first chapter `init` writes must still compile).
        Case(repository: "apple/swift-collections", version: "1.6.0", snippet: """
            var deque: Deque = [1, 2, 3]
            deque.prepend(0)
            print("deque:", deque)
            var set: OrderedSet = ["b", "a", "b", "c"]
            set.append("a")
            print("ordered set:", Array(set))
            """, expected: ["deque: [0, 1, 2, 3]", "ordered set: [\"b\", \"a\", \"c\"]"],
            mutation: ("Sources/DequeModule/Deque/Deque+Descriptions.swift", "    _arrayDescription(for: self)",
                       "    \"Deque\" + _arrayDescription(for: self)")),
        // Swift macros (@CasePathable, through swift-syntax) used in a snippet.
        Case(repository: "pointfreeco/swift-case-paths", version: "1.10.0", snippet: """
            @CasePathable
            enum Action { case tapped(Int), closed }
            let action = Action.tapped(3)
            print("tapped:", action[case: \\.tapped] as Any)
            print("is closed:", action.is(\\.closed))
            """, expected: ["tapped: Optional(3)", "is closed: false"],
            mutation: ("Sources/CasePathsCore/CasePathable.swift", "    self[case: keyPath] != nil\n", "    self[case: keyPath] == nil\n")),
    ]

    /// `WORKBOOK_PACKAGE_TESTS=1` runs every package; a list (`swift-collections,swift-system`) runs those.
    static var selected: [Case] {
        let chosen = (ProcessInfo.processInfo.environment["WORKBOOK_PACKAGE_TESTS"] ?? "").split(separator: ",").map(String.init)
        let named = cases.filter { chosen.contains(String($0.repository.split(separator: "/").last!)) }
        return named.isEmpty ? cases : named
    }

    @Test(arguments: selected) func aPackageBecomesABook(_ package: Case) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-package-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let clone = try Self.run("/usr/bin/git", ["clone", "-q", "--depth", "1", "-b", package.version,
                                                 "https://github.com/\(package.repository)", root.path])
        try #require(clone.status == 0, "cannot clone \(package.repository) \(package.version): \(clone.all)")

        let initialized = try Self.run(Self.workbook, ["init"], in: root)
        #expect(initialized.status == 0, "workbook init left a failing book:\n\(initialized.all.suffix(3000))")
        #expect(!initialized.all.contains(".workbook-cache/build"), "an error points into generated code:\n\(initialized.all)")

        let chapter = root.appendingPathComponent("Chapters/02-api.md")
        try "# The API\n\nWhat the package computes, recorded by `workbook fix`.\n\n```swift {#api}\n\(package.snippet)\n```\n"
            .write(to: chapter, atomically: true, encoding: .utf8)
        let fixed = try Self.run(Self.workbook, ["fix"], in: root)
        try #require(fixed.status == 0, "workbook fix failed:\n\(fixed.all.suffix(3000))")
        let recorded = try String(contentsOf: chapter, encoding: .utf8)
        for line in package.expected { #expect(recorded.contains("\n" + line + "\n"), "the chapter did not record \(line):\n\(recorded)") }
        let checked = try Self.run(Self.workbook, ["check"], in: root)
        #expect(checked.status == 0, "workbook check failed on the recorded book:\n\(checked.all.suffix(3000))")

        // The library changes: `check` must fail, at the chapter's snippet.
        let source = root.appendingPathComponent(package.mutation.file)
        let text = try String(contentsOf: source, encoding: .utf8)
        try #require(text.contains(package.mutation.from), "the mutation's text is not in \(package.mutation.file)")
        try text.replacingOccurrences(of: package.mutation.from, with: package.mutation.to).write(to: source, atomically: true, encoding: .utf8)
        let broken = try Self.run(Self.workbook, ["check"], in: root)
        #expect(broken.status != 0, "workbook check passed after the library changed")
        #expect(broken.all.contains("Chapters/02-api.md:"), "the failure does not name the chapter:\n\(broken.all.suffix(3000))")
    }

    struct Result { var status: Int32; var all: String }

    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("package-test-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, all: try String(contentsOf: log, encoding: .utf8))
    }
}
