/// The tool's version; part of every cache key, so a new tool never reuses an old tool's results.
public enum WorkbookVersion {
    public static let current = "0.1.0"
}
