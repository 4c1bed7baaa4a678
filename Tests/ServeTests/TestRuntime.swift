import Foundation
@testable import WorkbookCore

/// The helpers-only runtime fixture books compile against; the same folder as WorkbookCoreTests' (one per
/// checkout, kept between runs; RuntimeBuilder's lock makes sharing it safe).
enum TestRuntime {
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "workbook-tests-runtime-\(getuid())-\(ContentHash.of(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path).prefix(8))")
}
