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
}
