import Foundation
import Testing
@testable import WorkbookCore

/// Inline values (`<!--= EXPRESSION -->VALUE<!--/-->`): found in every kind of prose, never in code; checked at
/// their line and column, fixed byte for byte, copied into translations, marked in preview.
@Suite struct InlineValueParsingTests {
    func parse(_ text: String) -> (Chapter?, [WorkbookError]) { ChapterParser().parse(path: "Chapters/v.md", text: text) }

    static let setup = "```swift {#s}\nlet x = 1.5\n```\n\n"

    @Test func valuesAreFoundInEveryKindOfProse() throws {
        let text = "# T\n\n" + Self.setup + """
            A sentence with <!--= fmt(x, 1) -->1.5<!--/--> and <!--= x * 2 -->3.0<!--/-->.

            - in a list <!--= 1 -->1<!--/-->
            > in a quote <!--= 2 -->2<!--/-->

            | a | b |
            |---|---|
            | <!--= 3 -->3<!--/--> | plain |

            ## A heading <!--= 4 -->4<!--/-->

            <div>in HTML <!--= 5 -->5<!--/--></div>

            ```text
            code shows <!--= 6 -->6<!--/--> as written
            ```
            """
        let (chapter, errors) = parse(text)
        let parsed = try #require(chapter, "\(errors)")
        #expect(parsed.values.map(\.expression) == ["fmt(x, 1)", "x * 2", "1", "2", "3", "4", "5"])
        #expect(parsed.values.map(\.recorded) == ["1.5", "3.0", "1", "2", "3", "4", "5"])
        let first = parsed.values[0]
        #expect(first.line == 7 && first.column == 36 && first.expressionColumn == 23 && first.after == 0)
        #expect(parsed.title == "T")
    }

    @Test func aValueWhereItWouldNeverBeEvaluatedIsAnErrorAtItsPlace() {
        let cases: [(String, String)] = [
            ("In `code <!--= x -->1<!--/-->` here.", "code span"),
            ("Math $a + <!--= x -->1<!--/--> b$ here.", "math"),
            ("Open <!--= x -->1 and never closed.", "no <!--/-->"),
            ("Open <!--= x and never closed.", "not closed on its line"),
            ("Empty <!--= -->1<!--/-->.", "without an expression"),
            ("Dashes <!--= x -- 1 -->1<!--/-->.", "'--'"),
            ("Nested <!--= x --><!-- y -->1<!--/-->.", "another comment"),
        ]
        for (line, expected) in cases {
            let (chapter, errors) = parse("# T\n\n" + Self.setup + line + "\n")
            #expect(chapter == nil, "\(line)")
            #expect(errors.contains { $0.line == 7 && $0.message.contains(expected) }, "\(line): \(errors)")
        }
        let (chapter, errors) = parse("# T <!--= 1 -->1<!--/-->\n\n" + Self.setup)
        #expect(chapter == nil && errors.first?.line == 1 && errors.first?.column == 16, "\(errors)")
        #expect(errors.first?.message.contains("no snippet that runs comes before") == true)
    }

    @Test func theStaleSectionHashIgnoresValueTextsButNotTheWordsAroundThem() throws {
        func hash(_ sentence: String) throws -> String {
            let chapter = try #require(parse("# T\n\n" + Self.setup + sentence + "\n").0)
            return ProseSection.sections(of: chapter)[0].proseHash
        }
        let base = try hash("Rises to <!--= fmt(x, 1) -->1.5<!--/--> at 8x.")
        #expect(try hash("Rises to <!--= fmt(x, 1) -->9.9<!--/--> at 8x.") == base)
        #expect(try hash("Rises to <!--= fmt(x, 2) -->1.5<!--/--> at 8x.") != base)
        #expect(try hash("Climbs to <!--= fmt(x, 1) -->1.5<!--/--> at 8x.") != base)
    }
}

/// `fix` over random chapters with values in every container, LF or CRLF, with or without a byte-order mark:
/// idempotent, `check` clean after it, and every byte outside output regions and value texts unchanged.
@Suite struct InlineValueFixPropertyTests {
    static let prose = ["Some prose.", "", "A value <!--= v -->old<!--/--> here.", "- item <!--= v -->1<!--/--> and <!--= v --><!--/-->",
                        "> quoted <!--= v -->x<!--/-->", "| <!--= v -->2<!--/--> | b |", "## Heading <!--= v -->3<!--/-->",
                        "   indented <!--= v -->é<!--/--> ü", "Math $x^2$ then <!--= v -->4<!--/-->", "plain `code` line"]

    static func randomChapter(seed: UInt64) -> String {
        var g = FixPropertyTests.Generator(state: seed)
        var lines = ["# Random", ""]
        for i in 0..<(1 + g.next(4)) {
            lines += ["```swift {#s\(i)\(["", " noout", " norun"][g.next(3)])}", "let v\(i) = \(i)", "```", ""]
            if g.next(2) == 0 { lines += ["<!-- output: s\(i) -->", "<!-- end output -->", ""] }
            for _ in 0..<g.next(5) { lines.append(prose[g.next(prose.count)]) }
            lines.append("")
        }
        let text = lines.joined(separator: g.next(2) == 0 ? "\r\n" : "\n")
        return (g.next(3) == 0 ? "\u{FEFF}" : "") + text
    }

    /// The text outside output regions, each value's text blanked.
    static func skeleton(_ chapter: Chapter) -> [String] {
        var lines = TextLines.split(chapter.text)
        for region in chapter.regions.sorted(by: { $0.startMarker > $1.startMarker }) {
            lines.removeSubrange((region.startMarker - 1)..<region.endMarker)
        }
        return lines.map(InlineValueScanner.withoutValues)
    }

    @Test(arguments: 0..<300)
    func fixIsIdempotentAndChangesOnlyValueTexts(seed: Int) throws {
        let text = Self.randomChapter(seed: UInt64(seed))
        let (parsed, errors) = ChapterParser().parse(path: "Chapters/r.md", text: text)
        guard let chapter = parsed else {
            // Only a value above every running snippet may be refused (every snippet `norun`).
            #expect(errors.allSatisfy { $0.message.contains("no snippet that runs") }, "\(errors)\n\(text)")
            return
        }
        var g = FixPropertyTests.Generator(state: UInt64(seed) ^ 0x5eed)
        let outputs = chapter.valueCounts.map { count in
            SnippetOutput(values: (0..<count).map { _ in ["1.94", "16.28", "", "3 × 10⁻⁴", "98%", "a|b"][g.next(6)] })
        }
        let once = OutputFixer.fixedText(chapter, outputs: outputs)
        let fixed = try #require(ChapterParser().parse(path: "Chapters/r.md", text: once).0, "fixed chapter did not parse:\n\(once)")
        #expect(OutputFixer.fixedText(fixed, outputs: outputs) == once, "a second fix changed the text")
        #expect(OutputChecker.valueDrift(in: fixed, outputs: outputs).isEmpty)
        #expect(fixed.values.map(\.recorded) == fixed.freshValues(outputs).map { $0 ?? "" })
        #expect(Self.skeleton(fixed) == Self.skeleton(chapter), "bytes outside value texts changed")
        #expect(once.hasPrefix("\u{FEFF}") == text.hasPrefix("\u{FEFF}") && fixed.usesCRLF == chapter.usesCRLF)
    }
}

/// Through the pipeline, as an author meets them.
@Suite(.serialized) struct InlineValueBookTests {
    static let chapter = """
        # Growth

        ```swift {#rates}
        let ppl = [1.9412, 16.281]
        ```

        Perplexity rises from <!--= fmt(ppl[0], 2) -->1.94<!--/--> to <!--= fmt(ppl[1], 2) -->16.28<!--/--> at 8×.

        """

    @Test func checkNamesLineColumnAndBothValuesAndFixRewritesOnlyTheValue() throws {
        let book = try TestBook(["01-growth.md": Self.chapter.replacingOccurrences(of: "-->16.28<", with: "-->16.3<")])
        defer { book.remove() }
        let check = book.run(.check)
        #expect(check.errors.map(\.description) == [
            "Chapters/01-growth.md:7:87: error: [check] inline value `fmt(ppl[1], 2)` is recorded as '16.3' but computes '16.28'; "
                + "run `workbook fix` to accept it"], "\(check.errors)")
        #expect(book.run(.fix).errors.isEmpty)
        #expect(try book.read("Chapters/01-growth.md") == Self.chapter)
        #expect(book.run(.check).errors.isEmpty)
    }

    @Test func theCacheKeyCoversTheExpressionAndACompileErrorNamesItsColumn() throws {
        let book = try TestBook(["01-growth.md": Self.chapter])
        defer { book.remove() }
        #expect(book.run(.check).errors.isEmpty)
        try book.write(Self.chapter.replacingOccurrences(of: "fmt(ppl[1], 2)", with: "fmt(ppl[1], 1)"), to: "Chapters/01-growth.md")
        let check = book.run(.check)
        #expect(check.cacheHits == 0 && check.errors.first?.message.contains("computes '16.3'") == true, "\(check.errors)")
        try book.write(Self.chapter.replacingOccurrences(of: "fmt(ppl[1], 2)", with: "fmt(pl[1], 2)"), to: "Chapters/01-growth.md")
        let broken = book.run(.check)
        #expect(broken.errors.contains { $0.file == "Chapters/01-growth.md" && $0.line == 7 && $0.column == 73
            && $0.message.contains("pl") }, "\(broken.errors)")
    }

    /// A closure around the expression compiled a name declared by a later snippet and read it as zero.
    @Test func aNameALaterSnippetDeclaresIsACompileErrorNotZero() throws {
        let book = try TestBook(["01-growth.md": Self.chapter + "Later: <!--= fmt(later, 1) -->2.5<!--/-->.\n\n"
                                    + "```swift {#later}\nlet later = 2.5\n```\n"])
        defer { book.remove() }
        let check = book.run(.check)
        #expect(check.errors.map(\.description) == ["Chapters/01-growth.md:8:31: error: [parse] `later` is declared by snippet "
            + "'later' (line 10), below this value; a value sees only the snippets above it (Swift would read the name "
            + "uninitialised, as zero): move the value below that snippet, or the declaration above the value"], "\(check.errors)")
        #expect(InlineValueScanner.identifiers(in: "fmt(x.count, 2) + y.first!.z + \"s\\(w + f(v)) t\" + u") == ["fmt", "x", "y", "w", "f", "v", "u"])
        #expect(InlineValueScanner.topLevelNames("let a = 1\n  let b = 2\nvar (c, d: Int) = (1, 2)\nfunc e() {}") == ["a", "c", "d", "e"])
    }

    @Test func aDollarInAnExpressionIsNotMath() throws {
        let book = try TestBook(["01-growth.md": Self.chapter
                                    + "Both: <!--= ppl.map { fmt($0, 1) }.joined(separator: \", \") -->1.9, 16.3<!--/--> and <!--= fmt(ppl[0], 1) -->1.9<!--/-->.\n"])
        defer { book.remove() }
        #expect(book.run(.check).errors.isEmpty)
    }

    @Test func aSnippetCannotForgeAValueRecord() throws {
        let forged = Self.chapter.replacingOccurrences(of: "let ppl = [1.9412, 16.281]",
                                                        with: "let ppl = [1.9412, 16.281]\n__workbookValue(0, \"\") { \"1.94\" }")
        let book = try TestBook(["01-growth.md": forged])
        defer { book.remove() }
        let check = book.run(.check)
        #expect(check.errors.contains { $0.message.contains("not trusted") }, "\(check.errors)")
    }

    @Test func previewShowsTheFreshValueMarkedAndBuildShowsItPlain() throws {
        let book = try TestBook(["01-growth.md": Self.chapter.replacingOccurrences(of: "-->16.28<", with: "-->16.3<")])
        defer { book.remove() }
        #expect(book.run(.preview).errors.isEmpty)
        let page = try book.read("site/out/01-growth.html")
        #expect(page.contains("<mark class=\"unrecorded-value\" title=\"Not yet recorded: the chapter says &#39;16.3&#39;")
                    || page.contains("<mark class=\"unrecorded-value\" title=\"Not yet recorded: the chapter says '16.3'"), "\(page)")
        #expect(page.contains(">16.28</mark>") && !page.contains("<!--="))
        #expect(book.run(.fix).errors.isEmpty && book.run(.build).errors.isEmpty)
        let built = try book.read("site/out/01-growth.html")
        #expect(built.contains("rises from 1.94 to 16.28 at 8×") && !built.contains("<mark"), "\(built)")
    }
}

/// A translation repeats the source's values; `fix` copies their texts, `check` compares them.
@Suite(.serialized) struct InlineValueTranslationTests {
    static let translation = """
        # 增长

        ```swift {#rates}
        let ppl = [1.9412, 16.281]
        ```

        在 8× 时，困惑度从 <!--= fmt(ppl[0], 2) -->1.94<!--/--> 升到 <!--= fmt(ppl[1], 2) -->16.28<!--/-->。

        """

    func makeBook(source: String, translation: String) throws -> TestBook {
        let book = try TestBook(["01-growth.md": source, "zh-Hans/01-growth.md": translation])
        try book.write("[translations.zh-Hans]\npath = \"zh\"\n", to: "book.toml")
        return book
    }

    @Test func fixCopiesTheSourceValuesIntoTheTranslationAndCheckComparesThem() throws {
        let source = InlineValueBookTests.chapter.replacingOccurrences(of: "fmt(ppl[1], 2) -->16.28", with: "fmt(ppl[1], 1) -->16.28")
        let translation = Self.translation.replacingOccurrences(of: "fmt(ppl[1], 2) -->16.28", with: "fmt(ppl[1], 1) -->16.28")
        let book = try makeBook(source: source, translation: translation)
        defer { book.remove() }
        let check = book.run(.check)
        #expect(check.errors.contains { $0.file == "Chapters/01-growth.md" && $0.line == 7 }, "\(check.errors)")
        #expect(book.run(.fix).errors.isEmpty)
        #expect(try book.read("Chapters/zh-Hans/01-growth.md") == translation.replacingOccurrences(of: "-->16.28<", with: "-->16.3<"))
        #expect(book.run(.check).errors.isEmpty)
        // A hand edit of the translation's value is caught at its place.
        try book.write(translation.replacingOccurrences(of: "-->16.28<", with: "-->16.4<"), to: "Chapters/zh-Hans/01-growth.md")
        let edited = book.run(.check)
        #expect(edited.errors.contains { $0.file == "Chapters/zh-Hans/01-growth.md" && $0.line == 7
            && $0.message.contains("'16.4'") && $0.message.contains("'16.3'") }, "\(edited.errors)")
    }

    @Test func aTranslationWithADifferentExpressionFailsAtItsPlace() throws {
        let book = try makeBook(source: InlineValueBookTests.chapter,
                                translation: Self.translation.replacingOccurrences(of: "fmt(ppl[0], 2)", with: "fmt(ppl[0], 3)"))
        defer { book.remove() }
        let check = book.run(.check)
        #expect(check.errors.contains { $0.file == "Chapters/zh-Hans/01-growth.md" && $0.line == 7 && $0.column == 37
            && $0.message.contains("`fmt(ppl[0], 3)` is not one of the source's") }, "\(check.errors)")
        #expect(check.errors.contains { $0.message.contains("lacks the source's inline value `fmt(ppl[0], 2)`") }, "\(check.errors)")
    }

    /// Chinese may put two numbers in the other order: values pair by expression, not by position.
    @Test func aTranslationMayOrderTheValuesItsOwnWay() throws {
        let reordered = """
            # 增长

            ```swift {#rates}
            let ppl = [1.9412, 16.281]
            ```

            在 8× 时困惑度为 <!--= fmt(ppl[1], 2) -->16.3<!--/-->，而原来是 <!--= fmt(ppl[0], 2) -->1.94<!--/-->。

            """
        let book = try makeBook(source: InlineValueBookTests.chapter, translation: reordered)
        defer { book.remove() }
        #expect(book.run(.check).errors.map(\.line) == [7])
        #expect(book.run(.fix).errors.isEmpty)
        #expect(try book.read("Chapters/zh-Hans/01-growth.md") == reordered.replacingOccurrences(of: "16.3<", with: "16.28<"))
        #expect(book.run(.check).errors.isEmpty)
    }
}

/// Check, preview and fix compare a region the same way: an output recorded inside a list item (its lines carry
/// the item's indent) is recorded for all three. Preview compared the indented lines and marked it unrecorded.
@Suite(.serialized) struct OneComparisonTests {
    @Test func anOutputInAListItemIsRecordedForCheckPreviewAndFix() throws {
        let text = "# L\n\n- Step one:\n\n  ```swift {#one}\n  print(\"done\")\n  ```\n"
        let book = try TestBook(["01-list.md": text])
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        let fixed = try book.read("Chapters/01-list.md")
        #expect(fixed.contains("  <!-- output: one -->\n  ```text\n  done\n  ```\n  <!-- end output -->"), "\(fixed)")
        #expect(book.run(.check).errors.isEmpty)
        let preview = book.run(.preview)
        #expect(preview.errors.isEmpty && preview.warnings.isEmpty, "\(preview.warnings)")
        #expect(!(try book.read("site/out/01-list.html")).contains("unrecorded"))
        #expect(book.run(.fix).fixedFiles.isEmpty)
    }
}
