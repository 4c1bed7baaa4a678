import Foundation

/// What happened, for the summary line and for tests.
public struct BuildReport: Sendable {
    public var chapters = 0
    public var snippets = 0
    public var cacheHits = 0
    public var compiled = 0
    public var pagesRendered = 0
    public var pagesReused = 0
    public var fixedFiles: [String] = []
    public var errors: [WorkbookError] = []
    /// Printed, never failing: stale or unmarked translated sections, and in preview mode outputs that differ from
    /// the recorded ones (shown in the page, not yet recorded).
    public var warnings: [WorkbookError] = []
    /// In preview, how many of the warnings are outputs, values or references the pages show fresh and their
    /// chapters do not record yet (`workbook fix` records them); the rest are about translations.
    public var unrecorded = 0
    public var sitePath: String?
    /// Seconds per stage, in pipeline order (wall-clock), with compile and run summed over chapters after `run`.
    public var stageSeconds: [(String, Double)] = []
    public var parsedChapters: [Chapter] = []

    public var succeeded: Bool { errors.isEmpty }

    public var summary: String {
        let stages = stageSeconds.map { "\($0.0) \(String(format: "%.2f", $0.1))s" }.joined(separator: ", ")
        var text = "\(chapters) chapters, \(snippets) snippets, \(cacheHits) cache hits, \(compiled) compiled"
        if pagesRendered + pagesReused > 0 { text += ", \(pagesRendered) pages rendered, \(pagesReused) reused" }
        text += "; \(stages)"
        if !fixedFiles.isEmpty { text += "\nfixed: " + fixedFiles.joined(separator: ", ") }
        if let sitePath, errors.isEmpty { text += "\nsite: \(sitePath)" }
        if !warnings.isEmpty { text += "\n\(warnings.count) warning\(warnings.count == 1 ? "" : "s") (`workbook translations` reports per chapter)" }
        if !errors.isEmpty { text += "\n\(errors.count) error\(errors.count == 1 ? "" : "s")" }
        return text
    }
}
