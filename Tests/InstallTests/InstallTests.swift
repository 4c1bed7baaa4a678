import Foundation
import Testing
import WorkbookCore

/// `workbook` as a user installs and runs it: scripts/install.sh puts the binary built for these tests under a
/// temporary PREFIX, and the installed binary makes and builds a book in a package that has nothing to do with
/// RoPE. Also the Makefile's test for installed Debian packages.
@Suite(.serialized) struct InstallTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    /// The helpers-only snippet runtime the other test targets' fixture books share (WorkbookCoreTests' TestRuntime):
    /// built once per checkout, so a book without a package costs no runtime build here.
    static let sharedRuntime = FileManager.default.temporaryDirectory.appendingPathComponent(
        "workbook-tests-runtime-\(getuid())-\(ContentHash.of(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path).prefix(8))")

    struct Result { var status: Int32; var stdout: String; var stderr: String; var all: String { stdout + stderr } }

    @discardableResult
    func run(_ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("install-test-\(UUID().uuidString)")
        let err = out.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// Writes each file (path relative to `folder` → contents), making the folders on its way.
    func write(_ files: [String: String], in folder: URL) throws {
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A package of its own: a small geometry library.
    func makeGeometryPackage(at root: URL, rightAngle: String) throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Sources/Geometry"), withIntermediateDirectories: true)
        try """
        // swift-tools-version:6.0
        import PackageDescription
        let package = Package(name: "Geometry",
            products: [.library(name: "Geometry", targets: ["Geometry"])],
            targets: [.target(name: "Geometry")])
        """.write(to: root.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try geometrySource(rightAngle: rightAngle).write(to: root.appendingPathComponent("Sources/Geometry/Geometry.swift"),
                                                       atomically: true, encoding: .utf8)
    }

    func geometrySource(rightAngle: String) -> String {
        """
        /// The angle of a corner, in degrees.
        public func rightAngle() -> Double { \(rightAngle) }
        public struct Polygon {
            public var sides: Int
            public init(sides: Int) { self.sides = sides }
            /// Sum of the interior angles: (n − 2) · 180°.
            public var interiorAngleSum: Double { Double(sides - 2) * 2 * rightAngle() }
        }
        """
    }

    @Test func installedWorkbookMakesBuildsAndChecksABookInAnyPackage() throws {
        let prefix = try temporaryFolder("prefix")
        let package = try temporaryFolder("geometry")
        defer { try? FileManager.default.removeItem(at: prefix); try? FileManager.default.removeItem(at: package) }
        let install = try run(Self.root.appendingPathComponent("scripts/install.sh").path, [Self.binDirectory.path, prefix.path])
        try #require(install.status == 0, "\(install.all)")
        let workbook = prefix.appendingPathComponent("bin/workbook").path
        #expect(FileManager.default.isExecutableFile(atPath: prefix.appendingPathComponent("bin/rope").path))
        // A versioned tool (with the commit it was built from) and completions for bash, zsh and fish.
        let version = try run(workbook, ["--version"])
        #expect(version.stdout.hasPrefix(WorkbookVersion.current) && version.stdout.contains("(commit "), "\(version.all)")
        #expect(try run(prefix.appendingPathComponent("bin/rope").path, ["--version"]).stdout.hasPrefix(WorkbookVersion.current))
        let completion = prefix.appendingPathComponent("share/bash-completion/completions/workbook").path
        let completed = try run("/bin/bash", ["-c", "source '\(completion)'; COMP_WORDS=(workbook b); COMP_CWORD=1; COMP_LINE='workbook b'; "
            + "COMP_POINT=10; _workbook workbook b workbook; echo \"${COMPREPLY[@]}\""])
        #expect(completed.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } == ["build"], "\(completed.all)")
        for file in ["share/zsh/site-functions/_workbook", "share/fish/vendor_completions.d/workbook.fish", "share/fish/vendor_completions.d/rope.fish"] {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(file).path), "no \(file)")
        }
        // The helpers runtime was built beside the tool: a book without a package (a fresh clone, an empty user
        // cache) builds against it and compiles no runtime of its own.
        let prebuilt = prefix.appendingPathComponent("lib/workbook/runtime")
        #expect(try FileManager.default.contentsOfDirectory(atPath: prebuilt.path).count == 1, "\(install.all)")
        let notes = try temporaryFolder("notes")
        let userCache = try temporaryFolder("user-runtimes")
        defer { try? FileManager.default.removeItem(at: notes); try? FileManager.default.removeItem(at: userCache) }
        try write(["Chapters/01-sums.md": "# Sums\n\n```swift {#sum}\nshow((1...10).reduce(0, +))\n```\n"], in: notes)
        let fixed = try run(workbook, ["fix", "--root", notes.path], environment: ["WORKBOOK_RUNTIME_CACHE": userCache.path])
        #expect(fixed.status == 0 && !fixed.all.contains("building the snippet runtime"), "\(fixed.all)")
        #expect(try String(contentsOf: notes.appendingPathComponent("Chapters/01-sums.md"), encoding: .utf8).contains("```text\n55\n```"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: userCache.path).isEmpty, "the installed runtime is used in place")

        // Mark the installed theme: the pages must come from PREFIX/share, not from this repository.
        let installedTemplate = prefix.appendingPathComponent("share/workbook/theme/page.html")
        try (try String(contentsOf: installedTemplate, encoding: .utf8) + "<!-- installed theme -->\n")
            .write(to: installedTemplate, atomically: true, encoding: .utf8)

        try makeGeometryPackage(at: package, rightAngle: "90")
        let initialized = try run(workbook, ["init"], in: package)
        try #require(initialized.status == 0, "\(initialized.all)")
        for file in ["book.toml", "Chapters/index.md", "Chapters/01-first-steps.md", "site/out/index.html", "site/out/01-first-steps.html"] {
            #expect(FileManager.default.fileExists(atPath: package.appendingPathComponent(file).path), "init made no \(file)")
        }
        let first = try String(contentsOf: package.appendingPathComponent("Chapters/01-first-steps.md"), encoding: .utf8)
        #expect(first.contains("rightAngle()") && first.contains("<!-- output: first-call -->\n```text\n90.0\n```"), "\(first)")
        #expect(try String(contentsOf: package.appendingPathComponent("site/out/index.html"), encoding: .utf8).contains("<!-- installed theme -->"))

        // A chapter of the author's own, with no output recorded yet.
        try """
        # Polygons

        ```swift {#sums}
        var table = Table(["sides", "interior angles (°)"])
        for n in 3...5 { table.append(["\\(n)", fmt(Polygon(sides: n).interiorAngleSum, 0)]) }
        show(table)
        check(Polygon(sides: 4).interiorAngleSum == 360, "a square's angles make a full turn")
        ```
        """.write(to: package.appendingPathComponent("Chapters/02-polygons.md"), atomically: true, encoding: .utf8)
        let unrecorded = try run(workbook, ["check"], in: package)
        #expect(unrecorded.status == 1 && unrecorded.stderr.contains("Chapters/02-polygons.md:"), "\(unrecorded.all)")
        #expect(try run(workbook, ["fix"], in: package).status == 0)
        let polygons = try String(contentsOf: package.appendingPathComponent("Chapters/02-polygons.md"), encoding: .utf8)
        #expect(polygons.contains("| 4     |                 360 |"), "\(polygons)")
        let build = try run(workbook, ["build"], in: package)
        #expect(build.status == 0 && build.stdout.contains("site: "), "\(build.all)")
        #expect(try run(workbook, ["check"], in: package).status == 0)

        // The library changes: check fails at the chapter line whose output moved, without any flag.
        try geometrySource(rightAngle: "91").write(to: package.appendingPathComponent("Sources/Geometry/Geometry.swift"),
                                                   atomically: true, encoding: .utf8)
        let changed = try run(workbook, ["check"], in: package)
        #expect(changed.status == 1, "\(changed.all)")
        #expect(changed.stderr.contains("Chapters/01-first-steps.md:") && changed.stderr.contains("output of snippet 'first-call' changed"), "\(changed.stderr)")
        #expect(changed.stderr.contains("Chapters/02-polygons.md:"), "the polygon sums moved too: \(changed.stderr)")
    }

    /// `init` guesses its first snippet from the sources. A guess that traps must not leave a failing book: the
    /// chapter falls back to one that only shows the import. The package's library also depends on a C target,
    /// which chapter programs must see (its module map, its headers) as SwiftPM's own build of it did.
    @Test func initLeavesAPassingBookWhenItsGuessFailsAndSeesCModules() throws {
        let package = try temporaryFolder("c-target")
        defer { try? FileManager.default.removeItem(at: package) }
        let files = [
            "Package.swift": """
                // swift-tools-version:6.0
                import PackageDescription
                let package = Package(name: "Shouty",
                    products: [.library(name: "Shouty", targets: ["Shouty"])],
                    targets: [.target(name: "CShout"),
                              .target(name: "Shouty", dependencies: ["CShout"], resources: [.copy("greeting.txt")])])
                """,
            "Sources/Shouty/greeting.txt": "hello from a resource",
            "Sources/CShout/include/shout.h": "int shout_volume(int level);\n",
            "Sources/CShout/shout.c": "#include \"shout.h\"\nint shout_volume(int level) { return level * 11; }\n",
            "Sources/Shouty/Shouty.swift": """
                import CShout
                import Foundation
                /// Not callable without a trap: init's guess at a first snippet.
                public func explode() -> Int { fatalError("no first call here") }
                public func volume(_ level: Int) -> Int { Int(shout_volume(Int32(level))) }
                public func greeting() -> String {
                    try! String(contentsOf: Bundle.module.url(forResource: "greeting", withExtension: "txt")!, encoding: .utf8)
                }
                """,
        ]
        try write(files, in: package)
        let workbook = Self.binDirectory.appendingPathComponent("workbook").path
        let initialized = try run(workbook, ["init"], in: package)
        #expect(initialized.status == 0, "init left a failing book: \(initialized.all)")
        #expect(initialized.all.contains("wrote one that shows the imported module instead"), "\(initialized.all)")
        let first = try String(contentsOf: package.appendingPathComponent("Chapters/01-first-steps.md"), encoding: .utf8)
        #expect(!first.contains("explode()") && first.contains("Shouty is imported in every snippet\n```"), "\(first)")

        // A snippet that uses the C module the library imports: the chapter program must find it.
        try "# Volume\n\n```swift {#volume}\nimport CShout\nprint(volume(3), shout_volume(2))\nprint(greeting())\n```\n"
            .write(to: package.appendingPathComponent("Chapters/02-volume.md"), atomically: true, encoding: .utf8)
        let fixed = try run(workbook, ["fix"], in: package)
        #expect(fixed.status == 0, "\(fixed.all)")
        #expect(!fixed.all.contains(".workbook-cache/"), "an error points into generated code: \(fixed.all)")
        let volume = try String(contentsOf: package.appendingPathComponent("Chapters/02-volume.md"), encoding: .utf8)
        #expect(volume.contains("```text\n33 22\nhello from a resource\n```"), "a C module and a resource (Bundle.module): \(volume)")
    }

    /// What the runtime is built from reaches beyond the package's own source folders: a package it depends on by
    /// path, and a source file that is a symbolic link to a file elsewhere. Editing either must make `check` fail
    /// where the output moved (both passed silently, "runtime up to date").
    @Test func checkSeesEditsInPathDependenciesAndLinkedSources() throws {
        let folder = try temporaryFolder("path-dependency")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = [
            "lib/Package.swift": """
                // swift-tools-version:6.0
                import PackageDescription
                let package = Package(name: "Lib", products: [.library(name: "Lib", targets: ["Lib"])], targets: [.target(name: "Lib")])
                """,
            "lib/Sources/Lib/Lib.swift": "public func base() -> Int { 20 }\n",
            "shared/Linked.swift": "public func linked() -> Int { 5 }\n",
            "book/Package.swift": """
                // swift-tools-version:6.0
                import PackageDescription
                let package = Package(name: "Book", products: [.library(name: "Book", targets: ["Book"])],
                    dependencies: [.package(path: "../lib")],
                    targets: [.target(name: "Book", dependencies: [.product(name: "Lib", package: "lib")])])
                """,
            "book/Sources/Book/Book.swift": "import Lib\npublic func answer() -> Int { base() * 2 + 2 }\n",
            "book/Chapters/01-answer.md": "# Answer\n\n```swift {#answer}\nprint(answer(), linked())\n```\n",
        ]
        try write(files, in: folder)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("book/Sources/Book/Linked.swift").path,
                                                   withDestinationPath: "../../../shared/Linked.swift")
        let book = folder.appendingPathComponent("book")
        let workbook = Self.binDirectory.appendingPathComponent("workbook").path
        let fixed = try run(workbook, ["fix"], in: book)
        try #require(fixed.status == 0, "\(fixed.all)")
        #expect(try String(contentsOf: book.appendingPathComponent("Chapters/01-answer.md"), encoding: .utf8).contains("```text\n42 5\n```"))
        #expect(try run(workbook, ["check"], in: book).status == 0)

        try "public func base() -> Int { 21 }\n".write(to: folder.appendingPathComponent("lib/Sources/Lib/Lib.swift"), atomically: true, encoding: .utf8)
        let dependencyEdited = try run(workbook, ["check"], in: book)
        #expect(dependencyEdited.status == 1 && dependencyEdited.stderr.contains("Chapters/01-answer.md:"),
                "an edit in a path dependency went unseen: \(dependencyEdited.all)")
        try "public func base() -> Int { 20 }\n".write(to: folder.appendingPathComponent("lib/Sources/Lib/Lib.swift"), atomically: true, encoding: .utf8)
        #expect(try run(workbook, ["check"], in: book).status == 0)

        try "public func linked() -> Int { 6 }\n".write(to: folder.appendingPathComponent("shared/Linked.swift"), atomically: true, encoding: .utf8)
        let linkEdited = try run(workbook, ["check"], in: book)
        #expect(linkEdited.status == 1 && linkEdited.stderr.contains("Chapters/01-answer.md:"),
                "an edit behind a linked source file went unseen: \(linkEdited.all)")
        try "public func linked() -> Int { 5 }\n".write(to: folder.appendingPathComponent("shared/Linked.swift"), atomically: true, encoding: .utf8)

        // A new file in the path dependency, used by an edited one: SwiftPM's kept build plan did not know the file,
        // and the runtime failed with "cannot find 'extra' in scope".
        try "public func extra() -> Int { 1 }\n".write(to: folder.appendingPathComponent("lib/Sources/Lib/Extra.swift"), atomically: true, encoding: .utf8)
        try "public func base() -> Int { 19 + extra() }\n".write(to: folder.appendingPathComponent("lib/Sources/Lib/Lib.swift"), atomically: true, encoding: .utf8)
        let fileAdded = try run(workbook, ["check"], in: book)
        #expect(fileAdded.status == 0, "a file added to a path dependency broke the runtime: \(fileAdded.all)")
    }

    /// Issue 23 B13: Ctrl-C during serve's first build (here a snippet that sleeps 30 s) stops it at once, with the
    /// chapter program, instead of being ignored until the build ends.
    @Test func serveStopsOnInterruptDuringItsFirstBuild() throws {
        let book = try temporaryFolder("serve-interrupt")
        defer { try? FileManager.default.removeItem(at: book) }
        try FileManager.default.createDirectory(at: book.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        let marker = "workbook-interrupt-\(UUID().uuidString.prefix(8))"
        try "# Slow\n\n```swift {#slow}\nlet marker = \"\(marker)\"\nsleep(30)\n```\n"
            .write(to: book.appendingPathComponent("Chapters/01-slow.md"), atomically: true, encoding: .utf8)
        let runtime = Self.sharedRuntime
        let process = Process()
        process.executableURL = Self.binDirectory.appendingPathComponent("workbook")
        process.arguments = ["serve", "--port", "0", "--runtime-dir", runtime.path, "--root", book.path]
        let log = book.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = process.standardOutput
        try process.run()
        // Wait until the chapter program sleeps (its binary runs from the book's build folder).
        let deadline = Date().addingTimeInterval(180)
        func sleeperRuns() -> Bool { !Self.chapterPrograms(of: book).isEmpty }
        while !sleeperRuns() && Date() < deadline { usleep(100_000) }
        let started = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try #require(sleeperRuns(), "the chapter program never started: \(started)")
        let interrupted = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(interrupted)
        #expect(seconds < 10, "serve took \(seconds) s to stop after Ctrl-C")
        #expect(process.terminationStatus == 130)
        #expect(!sleeperRuns(), "the chapter program outlived serve")
    }

    /// Processes whose command line holds `text` (from /proc).
    /// The running chapter programs of the book at `root`: processes whose program (not any argument: the compiler
    /// names the same folder while it compiles) is a chapter binary in the book's build folder.
    static func chapterPrograms(of root: URL) -> [pid_t] {
        let folder = root.appendingPathComponent(".workbook-cache/build").path + "/"
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name in
            guard let pid = pid_t(name), let command = FileManager.default.contents(atPath: "/proc/\(name)/cmdline"),
                  let program = command.split(separator: 0).first.map({ String(decoding: $0, as: UTF8.self) }),
                  program.hasPrefix(folder), ["chapter", "chapters"].contains(URL(fileURLWithPath: program).lastPathComponent) else { return nil }
            return pid
        }
    }

    static func processes(containing text: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name in
            guard let pid = pid_t(name), pid != getpid(),
                  let command = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
            return String(decoding: command.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text) ? pid : nil
        }
    }

    /// Issue 23 B10: a process a snippet starts in a session of its own (`setsid`) ends with the chapter, and a
    /// chapter program ends when `workbook` is killed with SIGKILL.
    @Test func whatSnippetsStartDoesNotOutliveTheTool() throws {
        let book = try temporaryFolder("escape")
        defer { try? FileManager.default.removeItem(at: book) }
        try FileManager.default.createDirectory(at: book.appendingPathComponent("Chapters"), withIntermediateDirectories: true)
        let escaping = "1002.\(Int.random(in: 10...99))"
        try """
            # Escape

            ```swift {#escape noout}
            import Foundation
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", "setsid sleep \(escaping) &"]
            try! shell.run()
            usleep(300_000)    // the shell has started the sleep and exited; the sleep is in a session of its own
            ```

            """.write(to: book.appendingPathComponent("Chapters/01-escape.md"), atomically: true, encoding: .utf8)
        let runtime = Self.sharedRuntime
        let workbook = Self.binDirectory.appendingPathComponent("workbook").path
        let checked = try run(workbook, ["check", "--runtime-dir", runtime.path, "--root", book.path])
        #expect(checked.status == 0, "\(checked.all)")
        usleep(300_000)
        let survivors = Self.processes(containing: "sleep \(escaping)")
        #expect(survivors.isEmpty, "a setsid'd process outlived workbook: \(survivors)")
        survivors.forEach { kill($0, SIGKILL) }

        // SIGKILL to workbook while a chapter program sleeps: the program must not live on.
        let slow = "\(Int.random(in: 100...999)).5"
        try "# Slow\n\n```swift {#slow noout}\nimport Foundation\nlet seconds = \(slow)\nsleep(UInt32(seconds))\n```\n"
            .write(to: book.appendingPathComponent("Chapters/01-escape.md"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: workbook)
        process.arguments = ["check", "--runtime-dir", runtime.path, "--root", book.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Self.chapterPrograms(of: book).isEmpty && Date() < deadline { usleep(100_000) }
        try #require(!Self.chapterPrograms(of: book).isEmpty, "the chapter program never started")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let stopDeadline = Date().addingTimeInterval(5)
        while !Self.chapterPrograms(of: book).isEmpty && Date() < stopDeadline { usleep(100_000) }
        let orphans = Self.chapterPrograms(of: book)
        #expect(orphans.isEmpty, "the chapter program outlived a killed workbook: \(orphans)")
        orphans.forEach { kill($0, SIGKILL) }
    }

    /// A package without a library product is told which of its targets to make one of; a --host that is a name,
    /// not an address, is refused before anything runs.
    @Test func initAndServeNameWhatToDo() throws {
        let package = try temporaryFolder("no-library")
        defer { try? FileManager.default.removeItem(at: package) }
        try write(["Package.swift": "// swift-tools-version:6.0\nimport PackageDescription\nlet package = Package(name: \"NoLib\", targets: [.target(name: \"Core\")])\n",
                   "Sources/Core/Core.swift": "public func f() {}\n"], in: package)
        let workbook = Self.binDirectory.appendingPathComponent("workbook").path
        let initialized = try run(workbook, ["init"], in: package)
        #expect(initialized.status == 1 && initialized.stderr.contains(#".library(name: "Core", targets: ["Core"])"#), "\(initialized.all)")
        let serve = try run(workbook, ["serve", "--host", "example.com"], in: package)
        #expect(serve.status != 0 && serve.stderr.contains("--host takes an IP address"), "\(serve.all)")
    }

    /// Issue 27: `check --junit` writes a report every CI reads (Python's ElementTree parses it: a suite per
    /// chapter, a case per snippet, the failure with its diagnostic), and on GitHub Actions each error is also a
    /// workflow command that annotates the chapter line.
    @Test func checkReportsForCI() throws {
        let book = try temporaryFolder("junit")
        defer { try? FileManager.default.removeItem(at: book) }
        try write([
            "Chapters/01-one.md": "# One\n\n```swift {#fine}\nprint(1)\n```\n<!-- output: fine -->\n```text\n1\n```\n<!-- end output -->\n\n```swift {#wrong}\ncheck(1 + 1 == 3, \"one and one make three\")\n```\n\n```swift {#later norun}\nprint(2)\n```\n",
            "Chapters/02-two.md": "# Two\n\n```swift {#two}\nprint(\"two\")\n```\n<!-- output: two -->\n```text\ntwo\n```\n<!-- end output -->\n",
        ], in: book)
        let runtime = Self.sharedRuntime
        let report = book.appendingPathComponent("r.xml")
        let checked = try run(Self.binDirectory.appendingPathComponent("workbook").path,
                              ["check", "--junit", report.path, "--runtime-dir", runtime.path, "--root", book.path],
                              environment: ["GITHUB_ACTIONS": "true"])
        #expect(checked.status == 1)
        #expect(checked.stdout.contains("::error file=Chapters/01-one.md,line=13,title=workbook [run]::check failed in snippet 'wrong': one and one make three"),
                "\(checked.all)")
        let parsed = try run("/usr/bin/env", ["python3", "-c", """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            print(root.get("tests"), root.get("failures"))
            for suite in root.findall("testsuite"):
                print(suite.get("name"), suite.get("tests"), suite.get("failures"), suite.get("skipped"))
                for case in suite.findall("testcase"):
                    failure = case.find("failure")
                    print(" ", case.get("name"), case.get("line"), "skipped" if case.find("skipped") is not None else "",
                          failure.get("message") if failure is not None else "")
            """, report.path])
        #expect(parsed.status == 0, "\(parsed.all)")
        #expect(parsed.stdout == """
            4 1
            Chapters/01-one.md 3 1 1
              Chapters/01-one.md#fine 3  \("")
              Chapters/01-one.md#wrong 12  check failed in snippet 'wrong': one and one make three
              Chapters/01-one.md#later 16 skipped \("")
            Chapters/02-two.md 1 0 0
              Chapters/02-two.md#two 3  \("")

            """, "\(parsed.all)")
    }

    /// Issue 27: a package that depends on this repository by path gets its book through the SwiftPM command
    /// plugin alone — `init`, `check` (which writes nothing in the package), a library change caught, `build` —
    /// with nothing installed.
    @Test func theSwiftPMPluginMakesChecksAndBuildsABook() throws {
        let package = try temporaryFolder("plugin")
        defer { try? FileManager.default.removeItem(at: package) }
        try FileManager.default.createDirectory(at: package.appendingPathComponent("Sources/Greeter"), withIntermediateDirectories: true)
        try """
            // swift-tools-version:6.0
            import PackageDescription
            let package = Package(name: "Greeter", products: [.library(name: "Greeter", targets: ["Greeter"])],
                dependencies: [.package(path: \(String(reflecting: Self.root.path)))],
                targets: [.target(name: "Greeter")])
            """.write(to: package.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let source = package.appendingPathComponent("Sources/Greeter/Greeter.swift")
        try "public func greeting() -> String { \"hello\" }\n".write(to: source, atomically: true, encoding: .utf8)
        let swift = Toolchain.swiftDriver(beside: try Toolchain.locateCompiler())
        let initialized = try run(swift, ["package", "--allow-writing-to-package-directory", "workbook", "init"], in: package)
        try #require(initialized.status == 0, "\(initialized.all.suffix(3000))")
        #expect(try String(contentsOf: package.appendingPathComponent("Chapters/01-first-steps.md"), encoding: .utf8).contains("```text\nhello\n```"))
        let checked = try run(swift, ["package", "workbook", "check"], in: package)
        #expect(checked.status == 0, "\(checked.all.suffix(3000))")
        #expect(!FileManager.default.fileExists(atPath: package.appendingPathComponent(".workbook-cache").path), "check wrote its cache into the package")
        try "public func greeting() -> String { \"bye\" }\n".write(to: source, atomically: true, encoding: .utf8)
        let broken = try run(swift, ["package", "workbook", "check"], in: package)
        #expect(broken.status != 0 && broken.all.contains("Chapters/01-first-steps.md:12: error: [check] output of snippet 'first-call' changed"),
                "\(broken.all.suffix(3000))")
        let built = try run(swift, ["package", "--allow-writing-to-package-directory", "workbook", "build", "--fix"], in: package)
        #expect(built.status == 0, "\(built.all.suffix(3000))")
        #expect(try String(contentsOf: package.appendingPathComponent("site/out/01-first-steps.html"), encoding: .utf8).contains("bye"))
    }

    @Test func initOutsideAPackageSaysWhatToDo() throws {
        let folder = try temporaryFolder("no-package")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try run(Self.binDirectory.appendingPathComponent("workbook").path, ["init"], in: folder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("has no Package.swift; run `workbook init` in the root of a Swift package"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing written")
    }

    /// `dpkg -s` succeeds for a removed package whose configuration files remain; the Makefile must not take
    /// such a package for installed (it did, and the browser tests were skipped silently).
    @Test func removedPackageWithConfigFilesCountsAsMissing() throws {
        let fake = try temporaryFolder("fake-dpkg")
        defer { try? FileManager.default.removeItem(at: fake) }
        let script = fake.appendingPathComponent("dpkg-query")
        try """
        #!/bin/sh
        # dpkg-query -W -f='${Status}' NAME
        for last; do :; done
        case "$last" in
          pandoc) printf 'install ok installed' ;;
          chromium) printf 'deinstall ok config-files' ;;
          *) echo "dpkg-query: no packages found matching $last" >&2; exit 1 ;;
        esac
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let result = try run(Self.root.appendingPathComponent("scripts/missing-debs.sh").path, ["pandoc", "chromium", "nonexistent"],
                             environment: ["PATH": fake.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        #expect(result.status == 0)
        #expect(result.stdout == "chromium\nnonexistent\n")
    }
}
