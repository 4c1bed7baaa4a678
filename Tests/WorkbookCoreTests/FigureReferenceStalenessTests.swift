import Foundation
import Testing
@testable import WorkbookCore

/// A figure or table reference's text (`[Figure 3](#fig-x)`) is the tool's, as an inline value's is: renumbering
/// the source's figures makes no translated section stale, a real change of its words does; marks written before
/// (when the text counted) keep holding, and `fix` renews them.
@Suite(.serialized) struct FigureReferenceStalenessTests {
    static let translated = CrossReferenceTests.chapter.replacingOccurrences(of: "As [](#fig-growth) shows", with: "如[](#fig-growth)所示")

    func sections(_ text: String, path: String = "Chapters/01-shapes.md") throws -> [ProseSection] {
        ProseSection.sections(of: try #require(ChapterParser().parse(path: path, text: text).0))
    }

    @Test func aFigureNumberIsNotProseButAWordIs() throws {
        let numbered = CrossReferenceTests.chapter.replacingOccurrences(of: "As [](#fig-growth)", with: "As [Figure 1](#fig-growth)")
        let renumbered = numbered.replacingOccurrences(of: "[Figure 1](#fig-growth)", with: "[Figure 2](#fig-growth)")
            .replacingOccurrences(of: "[Table 9](#tbl-rates)", with: "[表 1](#tbl-rates)")
        let hash = try sections(numbered)[0].proseHash
        #expect(try sections(renumbered)[0].proseHash == hash)
        #expect(try sections(CrossReferenceTests.chapter)[0].proseHash == hash, "the empty link the author writes first hashes the same")
        #expect(try sections(renumbered.replacingOccurrences(of: "growth is steady", with: "growth is slow"))[0].proseHash != hash)
        // Before, the texts counted: the earlier hash still tells the numbers apart.
        #expect(try sections(renumbered)[0].earlierProseHash != sections(numbered)[0].earlierProseHash)
    }

    @Test func renumberingTheSourcesFiguresLeavesItsTranslationCurrent() throws {
        let book = try TestBook(["01-shapes.md": CrossReferenceTests.chapter, "zh-Hans/01-shapes.md": Self.translated])
        defer { book.remove() }
        try book.write("[translations.zh-Hans]\npath = \"zh\"\n", to: "book.toml")
        #expect(book.run(.fix).errors.isEmpty)
        let accepted = TranslationReport.run(root: book.root, accept: ["Chapters/zh-Hans/01-shapes.md"])
        #expect(accepted.errors.isEmpty && accepted.text.contains("01-shapes: 1/1 sections current"), "\(accepted.errors) \(accepted.text)")

        // A chart shown before the growth chart: Figure 1 becomes Figure 2 in both editions, and nothing is stale.
        try book.write(try book.read("Chapters/01-shapes.md").replacingOccurrences(
            of: "show(table)", with: "show(table)\nshow(AsciiChart.bar(labels: [\"z\"], values: [1]))"), to: "Chapters/01-shapes.md")
        let fix = book.run(.fix)
        #expect(fix.errors.isEmpty && fix.warnings.isEmpty, "\(fix.errors) \(fix.warnings)")
        #expect(try book.read("Chapters/01-shapes.md").contains("As [Figure 2](#fig-growth) shows"))
        #expect(try book.read("Chapters/zh-Hans/01-shapes.md").contains("如[图 2](#fig-growth)所示"))
        #expect(book.run(.check).warnings.isEmpty)

        // A real change of the source's words is.
        try book.write(try book.read("Chapters/01-shapes.md").replacingOccurrences(of: "growth is steady", with: "growth is slow"),
                       to: "Chapters/01-shapes.md")
        #expect(book.run(.check).warnings.map(\.message).contains { $0.hasPrefix("section 'Shapes' is stale") })
    }

    /// A translation accepted before figure references' texts left the hash holds the earlier hash: it stays
    /// current, and the `fix` that renumbers the source's figures renews it — else that fix would make it stale.
    @Test func anEarlierMarkHoldsAndFixRenewsIt() throws {
        let book = try TestBook(["01-shapes.md": CrossReferenceTests.chapter, "zh-Hans/01-shapes.md": Self.translated])
        defer { book.remove() }
        try book.write("[translations.zh-Hans]\npath = \"zh\"\n", to: "book.toml")
        #expect(book.run(.fix).errors.isEmpty)
        let source = try book.read("Chapters/01-shapes.md")
        let earlier = try sections(source)[0].earlierProseHash
        let marked = try book.read("Chapters/zh-Hans/01-shapes.md")
            .replacingOccurrences(of: "# Shapes\n", with: "# Shapes\n" + ProseSection.marker(earlier) + "\n")
        try book.write(marked, to: "Chapters/zh-Hans/01-shapes.md")
        #expect(try sections(source)[0].proseHash != earlier)
        #expect(book.run(.check).warnings.isEmpty, "a mark with the earlier hash is current")

        try book.write(source.replacingOccurrences(of: "show(table)", with: "show(table)\nshow(AsciiChart.bar(labels: [\"z\"], values: [1]))"),
                       to: "Chapters/01-shapes.md")
        let fix = book.run(.fix)
        #expect(fix.errors.isEmpty && fix.warnings.isEmpty, "\(fix.errors) \(fix.warnings)")
        let renewed = try book.read("Chapters/zh-Hans/01-shapes.md")
        let hash = try sections(book.read("Chapters/01-shapes.md"))[0].proseHash
        #expect(renewed.contains(ProseSection.marker(hash)) && !renewed.contains(earlier), "\(renewed)")
        #expect(book.run(.check).warnings.isEmpty)
    }
}
