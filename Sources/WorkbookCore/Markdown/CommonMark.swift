import CCmarkGFM

/// The blocks of a Markdown document that the workbook cares about, with their source lines (1-based).
/// This is the only file that touches libcmark-gfm: every C pointer is created, read and freed here.
public struct MarkdownBlocks: Sendable, Equatable {
    public struct CodeBlock: Sendable, Equatable {
        public var info: String
        public var literal: String
        public var isFenced: Bool
        /// The opening and closing fence lines (for an unclosed fence, the last line of the block).
        public var startLine: Int
        public var endLine: Int
    }

    public struct HTMLBlock: Sendable, Equatable {
        public var literal: String
        public var startLine: Int
        public var endLine: Int
    }

    public struct Heading: Sendable, Equatable {
        public var level: Int
        public var text: String
        public var line: Int
    }

    public var codeBlocks: [CodeBlock] = []
    public var htmlBlocks: [HTMLBlock] = []
    public var headings: [Heading] = []
    /// The top-level paragraphs' lines (1-based, inclusive), in order (for summaries).
    public var paragraphs: [ClosedRange<Int>] = []
    /// Code spans (`` `…` ``) with the first line of the block that holds them: text in them is never Markdown,
    /// so an inline value written there would never be evaluated (`InlineValueScanner`).
    public var codeSpans: [CodeSpan] = []

    public struct CodeSpan: Sendable, Equatable {
        public var line: Int
        public var literal: String
    }

    /// Raw HTML inside a paragraph or heading (`<mark>`, `<!-- … -->`), with the first line of the block that holds
    /// it: a woven page has none (the weave writes no HTML).
    public var htmlInlines: [HTMLInline] = []

    public struct HTMLInline: Sendable, Equatable {
        public var line: Int
        public var literal: String
    }

    /// Parses GFM (tables, strikethrough, autolinks, task lists).
    public static func parse(_ text: String) -> MarkdownBlocks {
        CommonMark.registerExtensions()
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return MarkdownBlocks() }
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink", "tasklist"] {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        // cmark also ends a line at a lone "\r"; the workbook numbers lines by "\n" only (TextLines). A lone CR is
        // fed to cmark as a space so that both count the same lines.
        var bytes = Array(text.utf8)
        for i in bytes.indices where bytes[i] == 13 && (i + 1 == bytes.count || bytes[i + 1] != 10) { bytes[i] = 32 }
        bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) {
                cmark_parser_feed(parser, $0, buffer.count)
            }
        }
        guard let root = cmark_parser_finish(parser) else { return MarkdownBlocks() }
        defer { cmark_node_free(root) }

        var blocks = MarkdownBlocks()
        guard let iterator = cmark_iter_new(root) else { return blocks }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let start = Int(cmark_node_get_start_line(node)), end = Int(cmark_node_get_end_line(node))
            // Compare type strings: the extension node-type globals are mutable C variables Swift 6 rejects.
            switch CommonMark.string(cmark_node_get_type_string(node)) {
            case "code_block":
                // cmark writes through all three out-pointers without checking them for NULL.
                var length: Int32 = 0, offset: Int32 = 0, fenceChar: CChar = 0
                let fenced = cmark_node_get_fenced(node, &length, &offset, &fenceChar) != 0
                blocks.codeBlocks.append(CodeBlock(
                    info: CommonMark.string(cmark_node_get_fence_info(node)),
                    literal: CommonMark.string(cmark_node_get_literal(node)),
                    isFenced: fenced, startLine: start, endLine: end))
            case "html_block":
                blocks.htmlBlocks.append(HTMLBlock(literal: CommonMark.string(cmark_node_get_literal(node)),
                                                   startLine: start, endLine: end))
            case "heading":
                blocks.headings.append(Heading(level: Int(cmark_node_get_heading_level(node)),
                                               text: CommonMark.plainText(node), line: start))
            case "paragraph":
                if let parent = cmark_node_parent(node), CommonMark.string(cmark_node_get_type_string(parent)) == "document" {
                    blocks.paragraphs.append(start...max(start, end))
                }
            case "code":
                blocks.codeSpans.append(CodeSpan(line: CommonMark.blockLine(of: node) ?? start,
                                                  literal: CommonMark.string(cmark_node_get_literal(node))))
            case "html_inline":
                blocks.htmlInlines.append(HTMLInline(line: CommonMark.blockLine(of: node) ?? start,
                                                      literal: CommonMark.string(cmark_node_get_literal(node))))
            default: break
            }
        }
        return blocks
    }
}

private enum CommonMark {
    /// Registers the GFM extensions once per process; a `static let` initializer runs exactly once, even when
    /// chapters are parsed on several threads.
    static func registerExtensions() { _ = registered }
    private static let registered: Void = { cmark_gfm_core_extensions_ensure_registered() }()

    static func string(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// The first line of the block holding an inline node: inline nodes carry no reliable line of their own.
    static func blockLine(of node: OpaquePointer) -> Int? {
        var block = cmark_node_parent(node)
        while let current = block, cmark_node_get_start_line(current) == 0 { block = cmark_node_parent(current) }
        return block.map { Int(cmark_node_get_start_line($0)) }
    }

    /// The concatenated text and code of a node's inline descendants.
    static func plainText(_ node: OpaquePointer) -> String {
        var text = ""
        guard let iterator = cmark_iter_new(node) else { return text }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
            switch string(cmark_node_get_type_string(child)) {
            case "text", "code": text += string(cmark_node_get_literal(child))
            case "softbreak", "linebreak": text += " "
            default: break
            }
        }
        return text
    }
}
