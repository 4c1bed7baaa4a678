import Foundation
import Testing
@testable import WorkbookCore

/// print.html: every chapter of an edition on one page, its anchors kept apart, links between chapters kept
/// inside the page, linked from the landing page.
@Suite(.serialized) struct PrintEditionTests {
    @Test func everyChapterOnOnePageWithItsAnchorsAndLinksKeptApart() throws {
        let book = try TestBook(["01-growth.md": EpubTests.first, "02-why.md": EpubTests.second])
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        #expect(book.run(.build).errors.isEmpty)
        let page = try book.read("site/out/print.html")
        let first = try #require(page.range(of: "<section class=\"print-chapter\" id=\"01-growth\">"))
        let second = try #require(page.range(of: "<section class=\"print-chapter\" id=\"02-why\">"))
        #expect(first.upperBound < second.lowerBound, "chapters in reading order")
        #expect(page.contains("<figure class=\"chart\" id=\"01-growth--fig-rates\">") && page.contains("href=\"#01-growth--fig-rates\""))
        #expect(page.contains("href=\"#02-why--the-cause\""), "a link to another chapter's section stays on the page")
        #expect(page.contains("href=\"#01-growth\""), "a link to another chapter goes to its section")
        // Every in-page link lands on an anchor of the page.
        let ids = Set(page.matches(of: /\sid="([^"]+)"/).map { String($0.output.1) })
        for link in page.matches(of: /href="#([^"]+)"/).map({ String($0.output.1) }) {
            #expect(ids.contains(link), "print.html links to #\(link), which it does not have")
        }
        #expect(try book.read("site/out/index.html").contains("href=\"print.html\""))
    }

    @Test func scopingRewritesOnlyAnchorsAndLinksIntoTheBook() {
        let html = ##"<h2 id="a">A</h2><a href="#a">x</a><a href="02-b.html#c">y</a><a href="https://x.org/02-b.html">z</a><svg aria-labelledby="t d">"##
        #expect(PrintEdition.scoped(html, page: "01-a", pages: ["01-a", "02-b"])
                == ##"<h2 id="01-a--a">A</h2><a href="#01-a--a">x</a><a href="#02-b--c">y</a><a href="https://x.org/02-b.html">z</a><svg aria-labelledby="01-a--t 01-a--d">"##)
    }
}

/// A glossary page (`glossary.md`, a table of terms): each row gets an anchor, and every other page links the
/// first use of each term in its prose there — the longer term first, never in a heading or in code.
@Suite(.serialized) struct GlossaryTests {
    @Test func theFirstUseOfEachTermLinksToItsRow() throws {
        let glossary = "# 术语\n\n| 中文 | English |\n|---|---|\n| 注意力 | attention |\n| 注意力分数 | attention score |\n| 查询 / 键 | query / key |\n"
        let chapter = "# 注意力\n\n注意力分数来自查询和键；注意力再用它。`注意力` 是代码。\n\n又一次注意力。\n"
        let book = try TestBook(["01-a.md": chapter, "glossary.md": glossary])
        defer { book.remove() }
        #expect(book.run(.build).errors.isEmpty)
        let page = try book.read("site/out/01-a.html").replacingOccurrences(of: "\n", with: " ")    // pandoc wraps lines
        #expect(page.contains("<a href=\"glossary.html#term-2\" class=\"glossary-term\">注意力分数</a>"), "\(page)")
        #expect(page.contains("<a href=\"glossary.html#term-3\" class=\"glossary-term\">查询</a>"))
        #expect(page.components(separatedBy: "glossary.html#term-1").count == 2, "注意力 is linked once, at its first use in prose")
        #expect(page.contains("<h1 id=\"注意力\">注意力</h1>") || page.contains(">注意力</h1>"), "headings are not linked")
        #expect(!page.contains("class=\"glossary-term\">键"), "one-character terms are not linked")
        let terms = try book.read("site/out/glossary.html")
        #expect(terms.contains("<span id=\"term-1\"></span>") && terms.contains("<span id=\"term-3\"></span>"))
    }
}
