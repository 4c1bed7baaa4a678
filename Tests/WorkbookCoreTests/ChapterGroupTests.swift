import Foundation
import Testing
@testable import WorkbookCore

/// Chapters compiled together (`ChapterGroup`) stay what they are alone: their own scope, their own outputs, their
/// own errors at their own lines.
@Suite(.serialized) struct ChapterGroupTests {
    /// Two chapters declare the same names; a third has a local type reading a chapter variable (legal at top
    /// level, not inside a function: the group fails on it and it compiles alone); a fourth extends a type (never
    /// grouped). All four record what they print.
    @Test func groupedChaptersKeepTheirOwnScopeAndOutputs() throws {
        let book = try TestBook([
            "01-a.md": chapter([("a", "let x = 1\nstruct P { var v = 10 }\nprint(x + P().v)")]),
            "02-b.md": chapter([("b", "let x = 2\nstruct P { var v = 20 }\nprint(x + P().v)")]),
            "03-c.md": chapter([("c", "let base = 3\nstruct Q { func f() -> Int { base * 10 } }\nprint(Q().f())")]),
            "04-d.md": chapter([("d", "extension Int { var twice: Int { self * 2 } }\nprint(4.twice)")]),
            "05-e.md": chapter([("e", "let x = 5\nprint(x)")]),
        ])
        defer { book.remove() }
        let fixed = book.run(.fix, jobs: 2)
        #expect(fixed.errors.isEmpty, "\(fixed.errors)")
        for (file, expected) in [("01-a", "11"), ("02-b", "22"), ("03-c", "30"), ("04-d", "8"), ("05-e", "5")] {
            #expect(try book.read("Chapters/\(file).md").contains("```text\n\(expected)\n```"), "\(file)")
        }
        let folders = try FileManager.default.contentsOfDirectory(atPath: book.url(".workbook-cache/build").path)
        #expect(folders.contains { $0.hasPrefix("group-") }, "some chapters were compiled together: \(folders)")
        #expect(folders.contains("03-c") && folders.contains("04-d"), "the chapters that cannot be grouped compiled alone: \(folders)")
        #expect(book.run(.check, force: true).errors.isEmpty)
    }

    /// A compile error in one chapter of a group is reported at that chapter's line, as alone; the group's other
    /// chapters still run and are checked.
    @Test func aCompileErrorInAGroupIsItsChaptersAlone() throws {
        let book = try TestBook([
            "01-a.md": chapter([("a", "print(\"a\")")]) + "<!-- output: a -->\n```text\nwrong\n```\n<!-- end output -->\n",
            "02-b.md": chapter([("b", "let y: Int = \"not a number\"")]),
            "03-c.md": chapter([("c", "print(\"c\")")]),
        ])
        defer { book.remove() }
        let report = book.run(.check, jobs: 1)    // one group for all three: its compile fails on chapter b
        #expect(report.errors.contains { $0.stage == .compile && $0.file == "Chapters/02-b.md" && $0.line == 4 }, "\(report.errors)")
        #expect(report.errors.contains { $0.stage == .check && $0.file == "Chapters/01-a.md" }, "chapter a ran and drifted: \(report.errors)")
        #expect(report.errors.contains { $0.stage == .check && $0.file == "Chapters/03-c.md" }, "chapter c ran too: \(report.errors)")
        #expect(report.errors.count == 3, "\(report.errors)")
    }

    /// A trap in a grouped chapter is reported at its own line; the other chapter of the group runs to its end.
    @Test func aTrapInAGroupedChapterNamesItsLine() throws {
        let book = try TestBook([
            "01-a.md": chapter([("a", "let xs = [1, 2]\nprint(\"before\")\nprint(xs[5])")]),
            "02-b.md": chapter([("b", "print(\"b\")")]) + "<!-- output: b -->\n```text\nb\n```\n<!-- end output -->\n",
        ])
        defer { book.remove() }
        let report = book.run(.check, jobs: 1)    // one group for both
        #expect(report.errors.count == 1, "\(report.errors)")
        #expect(report.errors.first.map { $0.stage == .run && $0.file == "Chapters/01-a.md" && $0.line == 6 } == true, "\(report.errors)")
        #expect(report.errors.first?.message.contains("Index out of range") == true)
        let folders = try FileManager.default.contentsOfDirectory(atPath: book.url(".workbook-cache/build").path)
        #expect(folders.contains { $0.hasPrefix("group-") }, "the two chapters were compiled together: \(folders)")
    }

    @Test func whatKeepsAChapterOutOfAGroup() {
        func chapterOf(_ code: String) -> Chapter { ChapterParser().parse(path: "Chapters/x.md", text: chapter([("s", code)])).0! }
        #expect(ProgramGenerator.runsInsideAFunction(chapterOf("let a = 1\nstruct S { static let k = 2 }\nfunc f() -> Int { a }")))
        for code in ["extension Int {}", "  protocol P {}", "import Glibc", "@MainActor func f() {}", "private let a = 1",
                     "struct C { static func * (a: C, b: C) -> C { a } }", "infix operator ⊕"] {
            #expect(!ProgramGenerator.runsInsideAFunction(chapterOf(code)), "\(code)")
        }
    }
}
