/// Stage `check`: the outputs a chapter records against the outputs its snippets just computed.
public enum OutputChecker {
    /// One error per snippet whose recorded region differs from its fresh output, with a unified diff.
    public static func drift(in chapter: Chapter, outputs: [SnippetOutput]) -> [WorkbookError] {
        var errors: [WorkbookError] = []
        for (snippet, output) in zip(chapter.snippets, outputs) {
            let region = chapter.region(for: snippet)
            let fresh = RegionRenderer.lines(for: output)
            if !snippet.showsOutput || output.isEmpty {
                if let region {
                    let why = snippet.showsOutput ? "printed nothing" : "is '\(snippet.options.contains(.norun) ? "norun" : "noout")'"
                    errors.append(WorkbookError(.check, file: chapter.path, line: region.startMarker,
                        "snippet '\(snippet.id)' \(why) but has an output region; run `workbook fix` to remove it"))
                }
                continue
            }
            guard snippet.hasExplicitID else {
                errors.append(WorkbookError(.check, file: chapter.path, line: snippet.fenceStart,
                    "this snippet prints output but has no id; give it one (```swift {#some-id}) so its output can be recorded"))
                continue
            }
            guard let region else {
                errors.append(WorkbookError(.check, file: chapter.path, line: snippet.fenceEnd,
                    "snippet '\(snippet.id)' printed output that the chapter does not record; run `workbook fix` to add it"))
                continue
            }
            if region.content.map(TextLines.content) != fresh {
                errors.append(WorkbookError(.check, file: chapter.path, line: region.startMarker,
                    "output of snippet '\(snippet.id)' changed; run `workbook fix` to accept it\n"
                    + LineDiff.unified(old: region.content, new: fresh, oldName: "recorded", newName: "computed")))
            }
        }
        return errors
    }
}

/// A small unified diff (LCS), enough for output regions of a few hundred lines.
public enum LineDiff {
    public static func unified(old: [String], new: [String], oldName: String, newName: String) -> String {
        let n = old.count, m = new.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = old[i] == new[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var lines = ["--- \(oldName)", "+++ \(newName)"]
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] { lines.append("  " + old[i]); i += 1; j += 1 }
            else if j < m, i == n || lcs[i][j + 1] >= lcs[i + 1][j] { lines.append("+ " + new[j]); j += 1 }
            else { lines.append("- " + old[i]); i += 1 }
        }
        // Keep changed lines with two lines of context.
        let changed = lines.indices.filter { $0 >= 2 && !lines[$0].hasPrefix("  ") }
        let keep = Set(changed.flatMap { max(2, $0 - 2)...min(lines.count - 1, $0 + 2) })
        var out = Array(lines[0..<2])
        var last = 1
        for index in keep.sorted() {
            if index > last + 1 { out.append("  …") }
            out.append(lines[index])
            last = index
        }
        return out.joined(separator: "\n")
    }
}
