/// For the `check` stage (`CheckStage`): the outputs a chapter records against the outputs its snippets just computed.
public enum OutputChecker {
    /// One error per snippet whose recorded region differs from its fresh output, with a unified diff.
    public static func drift(in chapter: Chapter, outputs: [SnippetOutput]) -> [WorkbookError] {
        var errors: [WorkbookError] = []
        let lines = chapter.lines
        for (snippet, output) in zip(chapter.snippets, outputs) {
            let prefix = ContainerIndent.prefix(ofFenceLine: lines[snippet.fenceStart - 1])
            let region = chapter.region(for: snippet)
            let fresh = RegionRenderer.lines(for: output)
            if !snippet.showsOutput || output.isEmpty {
                if let region {
                    let why = snippet.showsOutput ? "printed nothing" : "is '\(snippet.options.contains(.norun) ? "norun" : "noout")'"
                    errors.append(WorkbookError(file: chapter.path, line: region.startMarker,
                        "snippet '\(snippet.id)' \(why) but has an output region; run `workbook fix` to remove it"))
                }
                continue
            }
            guard snippet.hasExplicitID else {
                errors.append(WorkbookError(file: chapter.path, line: snippet.fenceStart,
                    "this snippet prints output but has no id; give it one (```swift {#some-id}) so its output can be recorded"))
                continue
            }
            guard let region else {
                errors.append(WorkbookError(file: chapter.path, line: snippet.fenceEnd,
                    "snippet '\(snippet.id)' printed output that the chapter does not record; run `workbook fix` to add it"))
                continue
            }
            let recorded = Self.recorded(region, prefix: prefix)
            if recorded != fresh {
                errors.append(WorkbookError(file: chapter.path, line: region.startMarker,
                    "output of snippet '\(snippet.id)' changed; run `workbook fix` to accept it\n"
                    + LineDiff.unified(old: recorded, new: fresh, oldName: "recorded", newName: "computed")))
            }
        }
        return errors + valueDrift(in: chapter, outputs: outputs)
    }

    /// A region's lines as the tool wrote them: without the container prefix of a list or quote, without "\r".
    /// Check, preview and fix all compare these with `RegionRenderer.lines(for:)`.
    static func recorded(_ region: OutputRegion, prefix: String) -> [String] {
        region.content.map { TextLines.content(ContainerIndent.strip($0, prefix: prefix)) }
    }

    /// Whether a snippet's output differs from what the chapter records (no region counts as differing).
    static func differs(_ snippet: Snippet, in chapter: Chapter, output: SnippetOutput) -> Bool {
        guard let region = chapter.region(for: snippet) else { return true }
        return recorded(region, prefix: ContainerIndent.prefix(ofFenceLine: chapter.lines[snippet.fenceStart - 1])) != RegionRenderer.lines(for: output)
    }

    /// One error per inline value whose recorded text differs from its fresh one, at the value's line and column.
    static func valueDrift(in chapter: Chapter, outputs: [SnippetOutput]) -> [WorkbookError] {
        zip(chapter.values, chapter.freshValues(outputs)).compactMap { value, fresh in
            guard let fresh else { return nil }
            guard InlineValueScanner.canRecord(fresh) else {
                return WorkbookError(file: chapter.path, line: value.line, column: value.column,
                    "inline value `\(value.expression)` computed '\(fresh.prefix(80))', which holds a line break or an HTML comment; "
                    + "an inline value is plain text on one line of a sentence")
            }
            guard value.recorded != fresh else { return nil }
            return WorkbookError(file: chapter.path, line: value.line, column: value.column,
                "inline value `\(value.expression)` is recorded as '\(value.recorded)' but computes '\(fresh)'; run `workbook fix` to accept it")
        }
    }
}
