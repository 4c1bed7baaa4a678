/// The words the tool itself puts on a page (navigation, search, notes), per language. A language without a
/// table here gets the English words.
public struct UIStrings: Sendable, Equatable {
    public var languageName: String
    public var skipToContent: String
    public var chapters: String
    public var searchLabel: String
    public var searchPlaceholder: String
    public var searchNone: String
    public var onThisPage: String
    public var previousAndNext: String
    public var figure: String
    public var table: String
    public var textVersionOfFigure: String
    public var chapterOf: @Sendable (Int, Int) -> String
    public var chapterCount: @Sendable (Int) -> String
    public var untranslated: String
    /// The code block's copy button, before and after a click; a heading's anchor link; closing the chapter drawer.
    public var copy: String
    public var copied: String
    public var linkToSection: String
    public var close: String
    /// The footer's links to the book's repository and to this page's source there.
    public var repository: String
    public var editPage: String
    /// The landing page's links to the EPUB and to the whole book on one page (to print or save as PDF).
    public var epubDownload: String
    public var printEdition: String
    /// The hover text of an inline value whose fresh text the chapter does not record yet (preview), given the
    /// recorded text.
    public var valueNotRecorded: @Sendable (String) -> String
    /// Markdown: the note above a snippet's output that the chapter does not record yet (preview).
    public var outputNotRecorded: String
    public var landingFooter: String
    /// Page footer: (snippet count, imported modules as HTML, runtime id, when, chapter path, tool version).
    public var pageFooter: @Sendable (Int, String, String, String, String, String) -> String

    public static func == (a: UIStrings, b: UIStrings) -> Bool { a.languageName == b.languageName }

    /// How prose names a figure or table: "Figure 3", "图 3".
    public func reference(_ kind: ReferenceTarget.Kind, _ number: Int) -> String {
        "\(kind == .figure ? figure : table) \(number)"
    }

    public static func forLanguage(_ tag: String) -> UIStrings {
        tag.lowercased().hasPrefix("zh") ? chinese : english
    }

    public static let english = UIStrings(
        languageName: "English", skipToContent: "Skip to content", chapters: "Chapters", searchLabel: "Search this book",
        searchPlaceholder: "Search", searchNone: "No section mentions", onThisPage: "On this page",
        previousAndNext: "Previous and next chapter", figure: "Figure", table: "Table", textVersionOfFigure: "Text version of figure",
        chapterOf: { "Chapter \($0) of \($1)" }, chapterCount: { "\($0) chapters" },
        untranslated: "This chapter is not translated yet; the English text follows.",
        copy: "copy", copied: "copied", linkToSection: "Link to this section", close: "Close",
        repository: "Source", editPage: "Edit this page",
        epubDownload: "the whole book as an EPUB", printEdition: "The whole book on one page, to print or save as PDF",
        valueNotRecorded: { "Not yet recorded: the chapter says '\($0)'; workbook fix records this fresh value." },
        outputNotRecorded: "**Not yet recorded:** this fresh output differs from the one in the chapter; `workbook fix` records it.",
        landingFooter: "Built by workbook from the Markdown chapters; each page says when its numbers were computed.",
        pageFooter: { runs, modules, runtime, when, path, tool in
            "Every number on this page was printed by one of its \(runs) snippets, compiled with <code>swiftc -Onone</code> "
                + "against \(modules) (runtime \(runtime)) and run on \(when); the outputs were checked against "
                + "<code>\(path)</code> by workbook \(tool) when this site was built."
        })

    public static let chinese = UIStrings(
        languageName: "中文", skipToContent: "跳到正文", chapters: "章节", searchLabel: "搜索本书",
        searchPlaceholder: "搜索", searchNone: "没有章节提到", onThisPage: "本页内容",
        previousAndNext: "上一章与下一章", figure: "图", table: "表", textVersionOfFigure: "文字版：图",
        chapterOf: { "第 \($0) 章，共 \($1) 章" }, chapterCount: { "共 \($0) 章" },
        untranslated: "本章尚未翻译，以下是英文原文。",
        copy: "复制", copied: "已复制", linkToSection: "本节链接", close: "关闭",
        repository: "源代码", editPage: "编辑本页",
        epubDownload: "整本书的 EPUB 版", printEdition: "整本书在一页上，可打印或存为 PDF",
        valueNotRecorded: { "尚未记录：章节中写的是“\($0)”；workbook fix 会记录这个新算出的值。" },
        outputNotRecorded: "**尚未记录：**这段新算出的输出与章节中记录的不同；`workbook fix` 会记录它。",
        landingFooter: "由 workbook 从 Markdown 章节生成；每页都注明其中数字的计算时间。",
        pageFooter: { runs, modules, runtime, when, path, tool in
            "本页的每个数字都由本页 \(runs) 个代码片段之一打印：它们以 <code>swiftc -Onone</code> 编译，链接 \(modules)"
                + "（运行时 \(runtime)），运行于 \(when)；构建本站时，workbook \(tool) 已将输出与 <code>\(path)</code> 核对。"
        })
}
