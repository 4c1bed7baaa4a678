/// The lines a chapter program writes to stdout besides its ordinary output, so that `workbook` can split the
/// stream by snippet and tell text from Markdown. Every control line starts with U+001E (record separator),
/// which no ordinary output contains.
public enum OutputProtocol {
    public static let prefix = "\u{1E}"
    /// `␞snippet N`: snippet N (0-based, in chapter order) starts here.
    public static let snippet = "snippet"
    /// `␞markdown-begin` … `␞markdown-end`: the lines between are Markdown (a table), injected verbatim.
    public static let markdownBegin = "markdown-begin"
    public static let markdownEnd = "markdown-end"
    /// `␞figure JSON` … `␞figure-end`: a chart's data (for the SVG figure of the HTML page), then its ASCII
    /// rendering (for the chapter text).
    public static let figure = "figure"
    public static let figureEnd = "figure-end"
    /// `␞check-failed LINE MESSAGE`: a `check` failed at LINE of the chapter.
    public static let checkFailed = "check-failed"
}
