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
