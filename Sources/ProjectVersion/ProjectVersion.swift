/// The version of this repository's tools, `workbook` and `rope` (semantic versioning; CHANGELOG.md lists what
/// each version changed). One place, so the two commands never disagree.
public let projectVersion = "0.2.0"
