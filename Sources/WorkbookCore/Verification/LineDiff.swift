/// A unified diff of output lines, in bounded time and memory whatever the size: the common head and tail are
/// trimmed in linear time, the changed middle is aligned by LCS only while its table stays small
/// (`maxTableCells`), and beyond that shown as all-removed, all-added. The diff is cut at `maxLines` changed lines.
/// (A full LCS table over 20k changed lines took 81 s and 3.2 GB.)
public enum LineDiff {
    static let maxTableCells = 4_000_000
    static let maxLines = 200

    public static func unified(old: [String], new: [String], oldName: String, newName: String) -> String {
        // Common head and tail.
        var head = 0
        while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
        var tail = 0
        while tail < old.count - head, tail < new.count - head, old[old.count - 1 - tail] == new[new.count - 1 - tail] { tail += 1 }
        let oldMiddle = Array(old[head..<(old.count - tail)]), newMiddle = Array(new[head..<(new.count - tail)])

        var lines = ["--- \(oldName)", "+++ \(newName)"]
        lines += old[max(0, head - 2)..<head].map { "  " + $0 }
        let firstShown = max(0, head - 2)
        if firstShown > 0 { lines.insert("  …", at: 2) }
        let body = middle(old: oldMiddle, new: newMiddle)
        lines += body.prefix(maxLines)
        if body.count > maxLines { lines.append("  … \(body.count - maxLines) more lines of the diff not shown") }
        lines += old[(old.count - tail)..<min(old.count, old.count - tail + 2)].map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    /// The changed middle as "  ", "+ ", "- " lines; context inside it is cut to two lines around each change.
    static func middle(old: [String], new: [String]) -> [String] {
        let n = old.count, m = new.count
        guard n > 0 || m > 0 else { return [] }
        guard n * m <= maxTableCells else { return new.map { "+ " + $0 } + old.map { "- " + $0 } }
        // lcs[i * (m + 1) + j]: length of the LCS of old[i...] and new[j...].
        var lcs = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i * (m + 1) + j] = old[i] == new[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1
                    : max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1])
            }
        }
        var lines: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] { lines.append("  " + old[i]); i += 1; j += 1 }
            else if j < m, i == n || lcs[i * (m + 1) + j + 1] >= lcs[(i + 1) * (m + 1) + j] { lines.append("+ " + new[j]); j += 1 }
            else { lines.append("- " + old[i]); i += 1 }
        }
        let changed = lines.indices.filter { !lines[$0].hasPrefix("  ") }
        let keep = Set(changed.flatMap { max(0, $0 - 2)...min(lines.count - 1, $0 + 2) })
        var out: [String] = []
        var last = -1
        for index in keep.sorted() {
            if index > last + 1 && last >= 0 { out.append("  …") }
            out.append(lines[index])
            last = index
        }
        return out
    }
}
