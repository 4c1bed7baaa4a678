import Foundation
import Presentation
import Testing
@testable import WorkbookCore

/// Issue 12, item 11: computed values are text in the page, and only the site's own scripts run.
@Suite(.serialized) struct HTMLSafetyTests {
    @Test func tableCellsAreEscapedAndOnlyTheSitesScriptsRun() throws {
        let book = try TestBook(["01-t.md": chapter([("types", #"""
            var t = Table(["type", "note"])
            t.append(["Array<Float>", "<script src=\"file:///tmp/evil.js\"></script>"])
            t.append(["a & b", "&amp; < 1"])
            show(t)
            """#)]).replacingOccurrences(of: "# T", with: "# Less <than> & more")])
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        #expect(try book.read("Chapters/01-t.md").contains(#"| Array\<Float> | \<script src="file:///tmp/evil.js">\</script> |"#))
        let build = book.run(.build)
        #expect(build.errors.isEmpty, "\(build.errors)")
        let page = try book.read("site/out/01-t.html")
        #expect(page.contains("Array&lt;Float&gt;"))
        #expect(!page.contains("<script src=\"file:"))
        #expect(page.contains("&amp;amp; &lt; 1"))
        // A title is text where it is used as text: the tag a heading holds is not markup in <title> or the sidebar.
        let title = try #require(page.split(separator: "\n").first { $0.hasPrefix("<title>") })
        #expect(title.contains("&amp; more") && !title.contains("<than>"), "\(title)")
        let policy = try #require(page.split(separator: "\n").first { $0.contains("Content-Security-Policy") })
        let scripts = try #require(policy.firstRange(of: "script-src").map { policy[$0.upperBound...].prefix { $0 != ";" } })
        #expect(!scripts.contains("file:") && !scripts.contains("'self'"), "\(policy)")
        let nonce = try #require(policy.firstRange(of: "'nonce-").map { policy[$0.upperBound...].prefix { $0 != "'" } })
        #expect(nonce.count >= 16 && page.contains("<script nonce=\"\(nonce)\" src=\"assets/book.js\">"))
    }

    /// Issue 23: a computed cell is data — no emphasis, link, code, math or strikethrough from its characters.
    @Test func tableCellsAreNeverMarkup() throws {
        let book = try TestBook(["01-t.md": chapter([("cells", #"""
            var t = Table(["cell"])
            for cell in ["a*b*c", "[1](2)", "javascript:alert(1)", "`code`", "$x$", "~~gone~~", "_under_", "ω_i [1.85, 2.05]"] { t.append([cell]) }
            show(t)
            """#)])])
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        #expect(book.run(.build).errors.isEmpty)
        let page = try book.read("site/out/01-t.html")
        let start = try #require(page.range(of: "<table"))
        let end = try #require(page.range(of: "</table>"))
        let table = String(page[start.lowerBound..<end.upperBound])
        for shown in ["a*b*c", "[1](2)", "javascript:alert(1)", "`code`", "$x$", "~~gone~~", "_under_", "ω_i [1.85, 2.05]"] {
            #expect(table.contains(">\(shown)<"), "\(shown) is not shown as typed: \(table)")
        }
        for markup in ["<em>", "<a ", "<code>", "<math", "<del>", "<strong>"] { #expect(!table.contains(markup), "\(markup) in \(table)") }
        #expect(try book.read("Chapters/01-t.md").contains("| ω_i [1.85, 2.05]"), "plain cells stay plain in the chapter")
    }
}
