import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import WorkbookCore

/// The EPUB edition, unpacked and checked the way epubcheck checks its structure: the mimetype entry first and
/// stored, container.xml naming the package document, a navigation document, every file listed in the package,
/// every XHTML file well-formed XML, the edition's language, and every internal link landing on an anchor.
@Suite(.serialized) struct EpubTests {
    static let first = """
        # Growth of $d$

        ```swift {#rates}
        let ppl = [1.9412, 16.281]
        show(AsciiChart.bar(labels: ["1×", "8×"], values: ppl, title: "Perplexity"))
        ```

        It rises to <!--= fmt(ppl[1], 2) -->16.28<!--/--> ([Figure 1](#fig-rates)); the next chapter explains
        [why](02-why.md#the-cause), with $e^{i\\theta}$ in between.

        """
    static let second = "# Why\n\n```swift {#n}\nprint(1)\n```\n\n## The cause\n\nBack to [the growth](01-growth.md).\n"

    struct Unpacked {
        var entries: [String: Data]
        var firstEntryName: String
        var firstEntryStored: Bool
    }

    /// The archive's files (via `unzip`), and its first local header read by hand: name and compression method.
    func unpack(_ url: URL) throws -> Unpacked {
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), "not a zip archive")
        let method = Int(bytes[8]) | Int(bytes[9]) << 8
        let nameLength = Int(bytes[26]) | Int(bytes[27]) << 8
        let name = String(decoding: bytes[30..<(30 + nameLength)], as: UTF8.self)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("epub-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let unzip = try Subprocess.run(try #require(Subprocess.which("unzip")), ["-q", url.path, "-d", folder.path], timeout: 60)
        #expect(unzip.status == 0, "\(unzip.stderrText)")
        var entries: [String: Data] = [:]
        for case let file as URL in FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)! where !file.hasDirectoryPath {
            entries[String(file.path.dropFirst(folder.path.count + 1))] = try Data(contentsOf: file)
        }
        return Unpacked(entries: entries, firstEntryName: name, firstEntryStored: method == 0)
    }

    func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }

    func checkStructure(_ epub: Unpacked, language: String) throws {
        #expect(epub.firstEntryName == "mimetype" && epub.firstEntryStored, "mimetype must be the first entry, stored")
        #expect(epub.entries["mimetype"] == Data("application/epub+zip".utf8))
        let container = String(decoding: try #require(epub.entries["META-INF/container.xml"]), as: UTF8.self)
        let opfPath = try #require(matches(#"full-path="([^"]+)""#, in: container).first)
        let opf = String(decoding: try #require(epub.entries[opfPath]), as: UTF8.self)
        let base = opfPath.contains("/") ? String(opfPath[...opfPath.lastIndex(of: "/")!]) : ""
        let listed = Set(matches(#"href="([^"]+)""#, in: opf).map { base + $0 })
        let unlisted = epub.entries.keys.filter { !listed.contains($0) && $0 != "mimetype" && !$0.hasPrefix("META-INF/") && $0 != opfPath }
        #expect(unlisted.isEmpty, "files not in the package document: \(unlisted)")
        #expect(listed.allSatisfy { epub.entries[$0] != nil }, "listed but missing: \(listed.filter { epub.entries[$0] == nil })")
        #expect(opf.contains("properties=\"nav\""), "no navigation document")
        #expect(matches(#"<dc:language>([^<]+)</dc:language>"#, in: opf) == [language])

        var anchors: [String: Set<String>] = [:]
        for (path, data) in epub.entries where path.hasSuffix(".xhtml") {
            let parser = XMLParser(data: data)
            #expect(parser.parse(), "\(path) is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
            anchors[String(path.split(separator: "/").last!)] = Set(matches(#"\sid="([^"]+)""#, in: String(decoding: data, as: UTF8.self)))
        }
        for (path, data) in epub.entries where path.hasSuffix(".xhtml") {
            let file = String(path.split(separator: "/").last!)
            for link in matches(#"href="([^":]*#[^"]+)""#, in: String(decoding: data, as: UTF8.self)) {
                let parts = link.split(separator: "#", maxSplits: 1).map(String.init)
                let target = parts.count == 2 ? (parts[0].isEmpty ? file : String(parts[0].split(separator: "/").last!)) : file
                #expect(anchors[target]?.contains(parts.last!) == true, "\(path): link \(link) lands nowhere")
            }
            for labels in matches(#"aria-labelledby="([^"]+)""#, in: String(decoding: data, as: UTF8.self)) {
                for label in labels.split(separator: " ") {
                    #expect(anchors[file]?.contains(String(label)) == true, "\(path): aria-labelledby names \(label), not in the file")
                }
            }
        }
    }

    @Test func eachEditionIsAnEpubWithItsStructureItsLanguageAndWorkingLinks() throws {
        let book = try TestBook(["01-growth.md": Self.first, "02-why.md": Self.second,
                                 "zh-Hans/01-growth.md": Self.first.replacingOccurrences(of: "It rises to", with: "它升到"),
                                 "zh-Hans/02-why.md": Self.second])
        defer { book.remove() }
        try book.write("[book]\nformats = [\"html\", \"epub\"]\n\n[translations.zh-Hans]\npath = \"zh\"\n", to: "book.toml")
        #expect(book.run(.fix).errors.isEmpty)
        #expect(book.run(.build).errors.isEmpty)
        let english = try unpack(book.url("site/out/book.epub"))
        try checkStructure(english, language: "en")
        try checkStructure(try unpack(book.url("site/out/zh/book.epub")), language: "zh-Hans")
        let text = english.entries.filter { $0.key.hasSuffix(".xhtml") }.values.map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(text.contains("<math") && text.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "MathML and the SVG figure")
        #expect(text.contains("It rises to 16.28") && !text.contains("<!--="), "inline values as their text")
        #expect(english.entries.contains { $0.key.hasSuffix(".css") && String(decoding: $0.value, as: UTF8.self).contains(".nowrap") },
                "the EPUB's own stylesheet (punctuation kept with its math, outputs set apart)")
        #expect(try book.read("site/out/index.html").contains("href=\"book.epub\""), "the landing page links the EPUB")
        // A second build with nothing changed copies the same EPUB (no pandoc run), byte for byte.
        let before = try Data(contentsOf: book.url("site/out/book.epub"))
        #expect(book.run(.build).errors.isEmpty)
        #expect(try Data(contentsOf: book.url("site/out/book.epub")) == before)
    }
}
