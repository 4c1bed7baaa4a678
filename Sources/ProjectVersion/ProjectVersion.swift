import Foundation

/// The version of this repository's tools, `workbook` and `rope` (semantic versioning; CHANGELOG.md lists what
/// each version changed). One place, so the two commands never disagree.
public let projectVersion = "0.2.0"

/// `0.2.0`, or `0.2.0 (commit 1a2b3c4)` when the tool knows the commit it was built from: `make install` records it
/// beside the installed resources (`PREFIX/share/workbook/COMMIT`, next to `PREFIX/bin`); a tool built in a git
/// checkout reads the checkout's HEAD.
public var projectVersionDescription: String {
    commit().map { "\(projectVersion) (commit \($0))" } ?? projectVersion
}

func commit() -> String? {
    if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
        let recorded = executable.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/workbook/COMMIT")
        if let text = try? String(contentsOf: recorded, encoding: .utf8) { return short(text) }
    }
    // This file is Sources/ProjectVersion/ProjectVersion.swift of the checkout. Its HEAD is read as files
    // (`ref: refs/heads/main`, then that ref, loose or packed), not by running git at every start.
    let git = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".git")
    guard let head = try? String(contentsOf: git.appendingPathComponent("HEAD"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
    guard head.hasPrefix("ref: ") else { return short(head) }
    let ref = String(head.dropFirst(5))
    if let loose = try? String(contentsOf: git.appendingPathComponent(ref), encoding: .utf8) { return short(loose) }
    let packed = (try? String(contentsOf: git.appendingPathComponent("packed-refs"), encoding: .utf8)) ?? ""
    return packed.split(separator: "\n").first { $0.hasSuffix(" " + ref) }.flatMap { short(String($0.prefix(40))) }
}

func short(_ hash: String) -> String? {
    let hex = hash.trimmingCharacters(in: .whitespacesAndNewlines)
    return hex.count >= 7 && hex.allSatisfy(\.isHexDigit) ? String(hex.prefix(7)) : nil
}
