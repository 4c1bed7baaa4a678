import Foundation
@testable import WorkbookCore

/// The helpers-only runtime the fixture books (folders with no package) compile against. Kept between test runs
/// in the temporary folder, one per checkout (two checkouts' tests may run at once with different helpers):
/// RuntimeBuilder rebuilds it only when the helpers' sources or the compiler change.
enum TestRuntime {
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "workbook-tests-runtime-\(getuid())-\(ContentHash.of(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path).prefix(8))")
}
