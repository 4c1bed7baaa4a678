import Foundation

/// Renders pages with pandoc: the theme's `render-pages.lua` reads every page from a list file and writes every
/// rendered page to stdout, so one pandoc process does many pages (pandoc's start-up, ≈ 0.1–0.3 s, is most of a
/// small page's cost). With several cores the pages are split into a few such processes, run side by side, each
/// given about the same amount of Markdown.
struct PandocPages {
    var pandoc: String
    var renderer: URL
    /// The theme's filter for chapter links (a global `Link` function), applied to every page.
    var linkFilter: URL
    /// The theme's reader and prose rules, shared with the EPUB renderer (`page-text.lua`).
    var textRules: URL
    /// The theme's reader of the weave's typed blocks, shared with the EPUB renderer (`page-blocks.lua`).
    var typedBlocks: URL
    /// Where the page lists are written.
    var scratch: URL
    var jobs: Int

    /// Pages per process below which a second process costs more start-up than it saves.
    static let pagesPerProcess = 4

    enum Failure: Error {
        /// These pages (indexes into the input) did not render: pandoc's message for each.
        case pages([(index: Int, message: String)])
        /// pandoc could not run the renderer at all (too old for its Lua API, or not pandoc).
        case renderer(String)
        /// The pandoc process rendering these pages (indexes into the input) ran past its time limit.
        case timedOut(indices: [Int], seconds: Double)
    }

    func render(_ pages: [PageSource]) throws -> Result<[RenderedPage], Failure> {
        guard !pages.isEmpty else { return .success([]) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let groups = BalancedGroups.split(Array(pages.indices), into: min(max(jobs, 1), max(1, pages.count / Self.pagesPerProcess))) {
            pages[$0].markdown.utf8.count
        }
        let results = ConcurrentMap.map(groups, jobs: groups.count) { group in
            Swift.Result { try renderOneProcess(group.map { pages[$0] }) }
        }
        var rendered = [RenderedPage?](repeating: nil, count: pages.count)
        var failed: [(index: Int, message: String)] = []
        for (group, result) in zip(groups, results) {
            switch try result.get() {
            case .success(let pagesOut):
                for (index, page) in zip(group, pagesOut) { rendered[index] = page }
            case .failure(.pages(let local)):
                failed += local.map { (group[$0.index], $0.message) }
            case .failure(.timedOut(let local, let seconds)):
                return .failure(.timedOut(indices: local.map { group[$0] }, seconds: seconds))
            case .failure(let failure):
                return .failure(failure)
            }
        }
        if !failed.isEmpty { return .failure(.pages(failed.sorted { $0.index < $1.index })) }
        return .success(rendered.map { $0! })
    }

    func renderOneProcess(_ pages: [PageSource]) throws -> Result<[RenderedPage], Failure> {
        let list = scratch.appendingPathComponent("pages-\(getpid())-\(UUID().uuidString.prefix(8)).txt")
        var data = Data()
        for page in pages {
            data.append(Self.record(page.tocLabel)); data.append(Self.record(page.markdown)); data.append(Self.record(page.glossary))
        }
        try data.write(to: list)
        defer { try? FileManager.default.removeItem(at: list) }
        let timeout = 60 + 30 * Double(pages.count)
        let run = try Subprocess.run(pandoc, ["-f", "markdown", "-t", "html5", "--lua-filter", renderer.path,
                                              "-M", "workbook-pages=\(list.path)", "-M", "workbook-links=\(linkFilter.path)",
                                              "-M", "workbook-text=\(textRules.path)", "-M", "workbook-blocks=\(typedBlocks.path)",
                                              "-o", "/dev/null", "/dev/null"],
                                     timeout: timeout, input: Data())
        if run.timedOut { return .failure(.timedOut(indices: Array(pages.indices), seconds: timeout)) }
        if run.status != 0 {
            // `workbook-page N: message` lines name the pages that failed; anything else means the renderer cannot run.
            let failed = run.stderrText.split(separator: "\n").compactMap { line -> (index: Int, message: String)? in
                guard line.hasPrefix("workbook-page "), let number = Int(line.dropFirst(14).prefix { $0.isNumber }),
                      number >= 1, number <= pages.count else { return nil }
                return (number - 1, String(line.dropFirst(14).drop { $0.isNumber }.dropFirst(2).prefix(500)))
            }
            return .failure(failed.isEmpty ? .renderer(String(run.stderrText.prefix(500))) : .pages(failed))
        }
        guard let rendered = Self.pages(in: run.stdout), rendered.count == pages.count else {
            return .failure(.renderer("its output was not the renderer's (\(run.stdout.count) bytes)"))
        }
        return .success(rendered)
    }

    static func record(_ text: String) -> Data {
        let bytes = Data(text.utf8)
        return Data("\(bytes.count)\n".utf8) + bytes
    }

    /// The renderer's output → pages: per page its HTML, a section count N, then N × (anchor, heading, text).
    static func pages(in data: Data) -> [RenderedPage]? {
        guard let records = split(data) else { return nil }
        var pages: [RenderedPage] = []
        var position = 0
        while position < records.count {
            guard position + 1 < records.count, let count = Int(records[position + 1]),
                  position + 2 + 3 * count <= records.count else { return nil }
            let sections = (0..<count).map { i in
                let base = position + 2 + 3 * i
                return RenderedPage.Section(anchor: records[base], heading: records[base + 1], text: records[base + 2])
            }
            pages.append(RenderedPage(html: records[position], sections: sections))
            position += 2 + 3 * count
        }
        return pages
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
}
