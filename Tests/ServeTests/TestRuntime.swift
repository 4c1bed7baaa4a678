import Foundation

/// The helpers-only runtime fixture books compile against; the same folder as WorkbookCoreTests' (built once,
/// kept between runs; RuntimeBuilder's lock makes sharing it safe).
enum TestRuntime {
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-tests-runtime-\(getuid())")
}
