import Foundation
import Testing
@testable import WorkbookCore

/// Prose links to the figures and tables snippets make, by label; the tool writes and checks their numbers.
@Suite(.serialized) struct CrossReferenceTests {
    static let chapter = """
        # Shapes

        As [](#fig-growth) shows and [Table 9](#tbl-rates) lists, growth is steady; see also [Figure 1](#fig-growth).

        ```swift {#rates}
        var table = Table(["n", "square"])
        for n in 1...3 { table.append(["\\(n)", "\\(n * n)"]) }
        show(table)
        ```

        ```swift {#growth}
        show(AsciiChart.bar(labels: ["a", "b"], values: [1, 2], title: "Growth"))
        show(AsciiChart.bar(labels: ["c"], values: [3], title: "More"))
        ```

        Inside code `[Figure 7](#fig-growth)` is code, and so is a fence:

        ```text
        [Figure 8](#fig-growth)
        ```

        """

    @Test func theParserFindsReferencesInProseOnly() throws {
        let parsed = try #require(ChapterParser().parse(path: "Chapters/s.md", text: Self.chapter).0)
        #expect(parsed.references.map(\.label) == ["fig-growth", "tbl-rates", "fig-growth"])
        #expect(parsed.references.map(\.text) == ["", "Table 9", "Figure 1"])
        #expect(parsed.references[1].line == 3 && parsed.references[1].column == 31)
    }

    @Test func checkWantsTheNumbersFixWritesThemAndThePageLinksToTheTargets() throws {
        let book = try TestBook(["01-shapes.md": Self.chapter])
        defer { book.remove() }
        let check = book.run(.check)
        let messages = check.errors.map(\.description)
        #expect(messages.contains("Chapters/01-shapes.md:3:5: error: [check] the link to '#fig-growth' reads '' but that is Figure 1; run `workbook fix` to write it"), "\(messages)")
        #expect(messages.contains("Chapters/01-shapes.md:3:31: error: [check] the link to '#tbl-rates' reads 'Table 9' but that is Table 1; run `workbook fix` to write it"), "\(messages)")
        #expect(book.run(.fix).errors.isEmpty)
        let fixed = try book.read("Chapters/01-shapes.md")
        #expect(fixed.contains("As [Figure 1](#fig-growth) shows and [Table 1](#tbl-rates) lists"))
        #expect(fixed.contains("```text\n[Figure 8](#fig-growth)\n```") && fixed.contains("`[Figure 7](#fig-growth)`"), "code is never rewritten")
        #expect(book.run(.build).errors.isEmpty)
        let page = try book.read("site/out/01-shapes.html")
        #expect(page.contains("<figure class=\"chart\" id=\"fig-growth\">") && page.contains("<figure class=\"chart\" id=\"fig-growth-2\">"))
        #expect(page.contains("<a href=\"#fig-growth\">Figure 1</a>") && page.contains("<a href=\"#tbl-rates\">Table 1</a>"), "\(page)")
        #expect(page.contains("<p class=\"table-caption\" id=\"tbl-rates\">"))
    }

    @Test func aDanglingOrDuplicateLabelIsAnErrorAtItsPlace() throws {
        let text = Self.chapter.replacingOccurrences(of: "see also [Figure 1](#fig-growth)", with: "see also [Figure 1](#fig-growht)")
            + "```swift {#growth-2}\nshow(AsciiChart.bar(labels: [\"d\"], values: [4]))\n```\n"
        let book = try TestBook(["01-shapes.md": text])
        defer { book.remove() }
        let messages = book.run(.check).errors.map(\.description)
        #expect(messages.contains { $0.hasPrefix("Chapters/01-shapes.md:3:87: error: [check] '#fig-growht' names no figure or table of this chapter; "
            + "its labels are tbl-rates, fig-growth, fig-growth-2") }, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("Chapters/01-shapes.md:21: error: [check] label 'fig-growth-2' is made twice: by snippet 'growth' (line 11)") },
                "\(messages)")
    }

    @Test func aTranslationGetsTheSameNumbersInItsOwnWords() throws {
        let book = try TestBook(["01-shapes.md": Self.chapter,
                                 "zh-Hans/01-shapes.md": Self.chapter.replacingOccurrences(of: "As [](#fig-growth) shows", with: "如[](#fig-growth)所示")])
        try book.write("[translations.zh-Hans]\npath = \"zh\"\n", to: "book.toml")
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        let translated = try book.read("Chapters/zh-Hans/01-shapes.md")
        #expect(translated.contains("如[图 1](#fig-growth)所示") && translated.contains("[表 1](#tbl-rates)"), "\(translated)")
        #expect(try book.read("Chapters/01-shapes.md").contains("As [Figure 1](#fig-growth) shows"))
        #expect(book.run(.check).errors.isEmpty)
        try book.write(translated.replacingOccurrences(of: "[表 1]", with: "[表 2]"), to: "Chapters/zh-Hans/01-shapes.md")
        #expect(book.run(.check).errors.map(\.description).contains { $0.contains("zh-Hans/01-shapes.md:3:") && $0.contains("but that is 表 1") })
    }
}

/// A link that says a chapter's number keeps saying the right one when a chapter is inserted before it.
@Suite(.serialized) struct ChapterReferenceTests {
    @Test func insertingAChapterRenumbersTheLinksThatSayNumbers() throws {
        let first = "# A\n\nSee [chapter 2](02-b.md) and [Chapter 3](03-c.md#part); [the end](03-c.md) has no number.\n"
        let translated = "# 甲\n\n见[第 2 章](02-b.md)与[第3章](03-c.md#part)。\n"
        let book = try TestBook(["01-a.md": first, "02-b.md": "# B\n", "03-c.md": "# C\n\n## Part\n",
                                 "zh-Hans/01-a.md": translated])
        defer { book.remove() }
        try book.write("[translations.zh-Hans]\npath = \"zh\"\n", to: "book.toml")
        #expect(book.run(.check).errors.isEmpty)
        let parsed = try #require(ChapterParser().parse(path: "Chapters/zh-Hans/01-a.md", text: translated).0)
        #expect(parsed.chapterReferences.map(\.number) == [2, 3] && parsed.chapterReferences.map(\.target) == ["02-b", "03-c"])
        let list = try #require(ChapterParser().parse(path: "Chapters/x.md", text: "# X\n\n(chapters [2](02-b.md), [3](03-c.md); [two](02-b.md))\n").0)
        #expect(list.chapterReferences.map(\.number) == [2, 3], "a number alone as the link text is a chapter number")
        let hashBefore = ProseSection.sections(of: try #require(ChapterParser().parse(path: "Chapters/01-a.md", text: first).0))[0].proseHash

        try book.write("# New\n", to: "Chapters/01b-new.md")
        let check = book.run(.check)
        #expect(check.errors.map(\.description).contains("Chapters/01-a.md:3:14: error: [check] the link to 02-b.md says chapter 2, "
            + "but that chapter is number 3 in the book; run `workbook fix` to write it"), "\(check.errors)")
        #expect(check.errors.contains { $0.file == "Chapters/zh-Hans/01-a.md" && $0.line == 3 })
        #expect(book.run(.fix).errors.isEmpty)
        let fixed = try book.read("Chapters/01-a.md")
        #expect(fixed == first.replacingOccurrences(of: "[chapter 2]", with: "[chapter 3]").replacingOccurrences(of: "[Chapter 3]", with: "[Chapter 4]"))
        #expect(try book.read("Chapters/zh-Hans/01-a.md") == "# 甲\n\n见[第 3 章](02-b.md)与[第4章](03-c.md#part)。\n")
        #expect(book.run(.check).errors.isEmpty)
        // The number is the tool's: renumbering makes no translated section stale.
        let hashAfter = ProseSection.sections(of: try #require(ChapterParser().parse(path: "Chapters/01-a.md", text: fixed).0))[0].proseHash
        #expect(hashAfter == hashBefore)
    }
}
