import Foundation
import Testing
@testable import WorkbookCore

/// A page's bytes change only when its content does: a deployed site re-uploads, a committed site diffs and
/// `serve` reloads only what an edit changed.
@Suite(.serialized) struct StablePagesTests {
    func snapshot(_ book: TestBook) throws -> [String: Data] {
        let out = book.url("site/out")
        var files: [String: Data] = [:]
        for case let url as URL in FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)! {
            guard !url.hasDirectoryPath else { continue }
            files[String(url.path.dropFirst(out.path.count + 1))] = try Data(contentsOf: url)
        }
        return files
    }

    @Test func aRebuildChangesOnlyThePagesWhoseContentChanged() throws {
        let book = try TestBook(["01-one.md": chapter([("a", "print(1)")]) + "\nFirst prose.\n\nMore prose.\n",
                                 "02-two.md": chapter([("b", "print(2)")]) + "\nSecond prose.\n"])
        defer { book.remove() }
        #expect(book.run(.fix).errors.isEmpty)
        #expect(book.run(.build).errors.isEmpty)
        let first = try snapshot(book)
        #expect(book.run(.build).errors.isEmpty)
        #expect(try snapshot(book) == first, "a rebuild with nothing changed changed bytes")

        try book.write(try book.read("Chapters/01-one.md").replacingOccurrences(of: "More prose.", with: "Edited prose."),
                       to: "Chapters/01-one.md")
        #expect(book.run(.build).errors.isEmpty)
        let second = try snapshot(book)
        let changed = Set(second.keys.filter { second[$0] != first[$0] })
        // The print edition holds every chapter, so it changes with any of them.
        #expect(changed == ["01-one.html", "print.html", "assets/search-index.js"], "\(changed.sorted())")
        // Still one nonce per page, in the policy and on every script of the page.
        let page = String(decoding: second["01-one.html"]!, as: UTF8.self)
        let nonce = try #require(LivePage.scriptNonce(in: page))
        #expect(nonce.count == 32 && page.components(separatedBy: "nonce=\"\(nonce)\"").count - 1 == 4)
        #expect(LivePage.scriptNonce(in: String(decoding: second["02-two.html"]!, as: UTF8.self)) != nonce)
    }
}

/// book.toml's `repository` and `edit-url`: every page links to the book's source and to its own Markdown there.
@Suite(.serialized) struct SourceLinkTests {
    @Test func pagesLinkToTheRepositoryAndTheirOwnSource() throws {
        let book = try TestBook(["01-one.md": "# One\n\nProse.\n"])
        defer { book.remove() }
        try book.write("[book]\nrepository = \"https://example.org/r\"\nedit-url = \"https://example.org/r/edit/main/{path}\"\n", to: "book.toml")
        #expect(book.run(.build).errors.isEmpty)
        let page = try book.read("site/out/01-one.html")
        #expect(page.contains("<a class=\"repository\" href=\"https://example.org/r\">Source</a>"))
        #expect(page.contains("<a class=\"edit-page\" href=\"https://example.org/r/edit/main/Chapters/01-one.md\">Edit this page</a>"))
        #expect(!(try book.read("site/out/index.html")).contains("edit-page"))
        try book.write("[book]\nedit-url = \"https://example.org/r/edit/main/\"\n", to: "book.toml")
        #expect(book.run(.build).errors.map(\.message).contains { $0.contains("has no {path}") })
        try book.write("[book]\nrepository = \"javascript:alert(1)\"\n", to: "book.toml")
        #expect(book.run(.build).errors.map(\.message).contains { $0.contains("book.repository must be a web address") })
    }
}
