import Foundation

/// The helpers-only runtime the fixture books (folders with no package) compile against. Kept between test runs
/// in the temporary folder: RuntimeBuilder rebuilds it only when the helpers' sources or the compiler change.
enum TestRuntime {
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-tests-runtime-\(getuid())")
}
