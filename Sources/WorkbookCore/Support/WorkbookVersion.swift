import Foundation
import ProjectVersion

/// The tool's version (semantic versioning; CHANGELOG.md says what each one changed). Part of every cache key, so a
/// new tool never reuses an old tool's results, and of every page's generator `<meta>`.
public enum WorkbookVersion {
    public static let current = projectVersion

    /// `0.2.0`, or `0.2.0 (commit 1a2b3c4)` when the tool knows the commit it was built from: `make install`
    /// records it beside the installed theme (`share/workbook/COMMIT`); a tool run from a git checkout reads it there.
    public static var description: String {
        commit.map { "\(current) (commit \($0))" } ?? current
    }

    static var commit: String? {
        guard let resources = try? ToolResources.locate() else { return nil }
        let share = resources.theme.deletingLastPathComponent()
        if let recorded = try? String(contentsOf: share.appendingPathComponent("COMMIT"), encoding: .utf8) {
            let trimmed = recorded.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        // In a checkout the theme is Resources/theme: the repository is two folders up. Its HEAD is read as files
        // (`ref: refs/heads/main`, then that ref, loose or packed), not by running git at every start.
        let git = share.deletingLastPathComponent().appendingPathComponent(".git")
        guard let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
        guard head.hasPrefix("ref: ") else { return short(head) }
        let ref = String(head.dropFirst(5))
        if let loose = try? String(contentsOf: git.appendingPathComponent(ref), encoding: .utf8) { return short(loose) }
        let packed = (try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8)) ?? ""
        return packed.split(separator: "\n").first { $0.hasSuffix(" " + ref) }.flatMap { short(String($0.prefix(40))) }
    }

    static func short(_ hash: String) -> String? {
        let hex = hash.trimmingCharacters(in: .whitespacesAndNewlines)
        return hex.count >= 7 && hex.allSatisfy(\.isHexDigit) ? String(hex.prefix(7)) : nil
    }
}
