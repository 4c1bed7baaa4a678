import Foundation

/// Renders many pages' fragments in ONE pandoc process: a Lua filter (pandoc ≥ 2.17: `pandoc.read`,
/// `pandoc.write`, `pandoc.template.compile`) reads every page from a list file and writes every fragment to
/// stdout. pandoc's start-up (≈ 0.1–0.3 s a process, most of a small page's cost) is paid once per build instead of
/// once per page. The fragments are byte for byte what `pandoc SiteRenderer.pandocArguments --template FRAGMENT`
/// gives for one page (a test holds them equal). An older pandoc without that Lua API makes `render` return nil,
/// and the caller renders page by page.
struct PandocBatch {
    var pandoc: String
    var fragmentTemplate: URL
    /// The theme's filter for chapter links (a global `Link` function), applied to every page.
    var linkFilter: URL
    /// Where the filter and the page list are written.
    var scratch: URL

    enum Outcome {
        case rendered([String])
        /// Page `index` (into the input) did not render: pandoc's message.
        case failed(index: Int, message: String)
    }

    /// nil when this pandoc cannot run the batch filter (then render page by page).
    func render(_ markdown: [String]) throws -> Outcome? {
        guard !markdown.isEmpty else { return .rendered([]) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let filter = scratch.appendingPathComponent("render-pages-\(ContentHash.of(Self.filter).prefix(12)).lua")
        if !FileManager.default.fileExists(atPath: filter.path) { try AtomicFile.write(Self.filter, to: filter) }
        let list = scratch.appendingPathComponent("pages-\(getpid())-\(UUID().uuidString.prefix(8)).txt")
        var data = Data()
        for page in markdown {
            let bytes = Data(page.utf8)
            data.append(Data("\(bytes.count)\n".utf8))
            data.append(bytes)
        }
        try data.write(to: list)
        defer { try? FileManager.default.removeItem(at: list) }
        let run = try Subprocess.run(pandoc, ["-f", "markdown", "-t", "html5", "--lua-filter", filter.path,
                                              "-M", "workbook-pages=\(list.path)", "-M", "workbook-template=\(fragmentTemplate.path)",
                                              "-M", "workbook-links=\(linkFilter.path)",
                                              "-o", "/dev/null", "/dev/null"],
                                     timeout: 60 + 30 * Double(markdown.count), input: Data())
        if run.status != 0 || run.timedOut {
            // `workbook-page N: message` names the page that failed; anything else means the filter cannot run here.
            let stderr = run.stderrText
            if let range = stderr.range(of: "workbook-page "),
               let number = Int(stderr[range.upperBound...].prefix { $0.isNumber }), number >= 1, number <= markdown.count {
                return .failed(index: number - 1, message: String(stderr[range.upperBound...].drop { $0.isNumber }.dropFirst(2).prefix(500)))
            }
            return nil
        }
        guard let fragments = Self.split(run.stdout), fragments.count == markdown.count else { return nil }
        return .rendered(fragments)
    }

    /// "<byte count>\n<bytes>" repeated → the pieces; nil when the stream is malformed.
    static func split(_ data: Data) -> [String]? {
        var pieces: [String] = []
        let bytes = [UInt8](data)
        var position = 0
        while position < bytes.count {
            guard let newline = bytes[position...].firstIndex(of: UInt8(ascii: "\n")),
                  let count = Int(String(decoding: bytes[position..<newline], as: UTF8.self)),
                  newline + 1 + count <= bytes.count else { return nil }
            pieces.append(String(decoding: bytes[(newline + 1)..<(newline + 1 + count)], as: UTF8.self))
            position = newline + 1 + count
        }
        return pieces
    }

    /// Kept in sync with `SiteRenderer.pandocArguments`: gfm+tex_math_dollars+attributes in, the link filter,
    /// html5 with MathML, a TOC three levels deep, standalone with the fragment template and the title "page".
    static let filter = #"""
    -- workbook: renders many pages in one pandoc process. Run as a filter over an empty document with
    -- -M workbook-pages=LIST -M workbook-template=FRAGMENT. LIST holds the pages, each "<byte count>\n<markdown>";
    -- stdout gets each page's fragment, "<byte count>\n<html>", in order.
    function Pandoc(doc)
      local function path(key) return pandoc.utils.stringify(doc.meta[key]) end
      local file = assert(io.open(path('workbook-template'), 'rb'))
      local template = pandoc.template.compile(file:read('a'))
      file:close()
      local options = {template = template, table_of_contents = true, toc_depth = 3, html_math_method = 'mathml'}
      local title = pandoc.MetaInlines{pandoc.Str('page')}
      dofile(path('workbook-links'))  -- defines Link(link)
      local links = {Link = Link}
      local input = assert(io.open(path('workbook-pages'), 'rb'))
      local index = 0
      while true do
        local header = input:read('l')
        if not header then break end
        index = index + 1
        local markdown = input:read(tonumber(header)) or ''
        local ok, html = pcall(function()
          local page = pandoc.read(markdown, 'gfm+tex_math_dollars+attributes')
          local blocks = pandoc.walk_block(pandoc.Div(page.blocks), links).content
          return pandoc.write(pandoc.Pandoc(blocks, {title = title}), 'html5', options)
        end)
        if not ok then
          io.stderr:write('workbook-page ', index, ': ', tostring(html), '\n')
          os.exit(1)
        end
        io.stdout:write(#html, '\n', html)
      end
      input:close()
      io.stdout:flush()
      return pandoc.Pandoc({})
    end
    """#
}
