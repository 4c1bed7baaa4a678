import ProjectVersion

/// The tool's version (`ProjectVersion`). Part of every cache key, so a new tool never reuses an old tool's results,
/// and of every page's generator `<meta>`.
public enum WorkbookVersion {
    public static let current = projectVersion
    /// `0.2.0 (commit 1a2b3c4)` when the commit is known.
    public static var description: String { projectVersionDescription }
}
