// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "RoPEWorkbook",
    products: [
        // MARK: - Public API
        .library(name: "RoPE", targets: ["RoPE"]),
        .library(name: "RoPELab", targets: ["RoPELab"]),
        // What chapter snippets link against: the math and the presentation helpers, as one shared library,
        // so that `workbook` can compile a chapter with plain `swiftc` in a fraction of a second.
        .library(name: "WorkbookRuntime", type: .dynamic, targets: ["RoPE", "RoPELab", "Presentation"]),
        .executable(name: "rope", targets: ["rope"]),
        .executable(name: "workbook", targets: ["workbook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - The RoPE library and its command
        .target(name: "RoPE"),
        .executableTarget(
            name: "rope",
            dependencies: ["RoPE", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // MARK: - The lab: a tiny RoPE transformer trained at build time (its own target, so RoPE stays lean)
        .target(name: "RoPELab", dependencies: ["RoPE"]),

        // MARK: - The workbook build tool
        .systemLibrary(
            name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        .target(name: "Presentation"),
        .target(name: "WorkbookCore", dependencies: ["CCmarkGFM", "Presentation", "RoPE"]),
        .executableTarget(
            name: "workbook",
            dependencies: ["WorkbookCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // MARK: - Benchmarks (make bench builds these in release mode)
        .executableTarget(name: "rope-bench", dependencies: ["RoPE"], path: "Benchmarks/RopeBench"),
        .executableTarget(name: "lab-bench", dependencies: ["RoPE", "RoPELab"], path: "Benchmarks/LabBench"),

        // MARK: - Tests
        .testTarget(name: "RoPETests", dependencies: ["RoPE"], exclude: ["References"]),
        .testTarget(name: "RoPELabTests", dependencies: ["RoPELab"]),
        .testTarget(name: "RopeCommandTests", dependencies: ["rope"]),
                .testTarget(name: "WorkbookCoreTests", dependencies: ["WorkbookCore", "Presentation"], exclude: ["Fixtures"]),
        .testTarget(name: "ChapterTests", dependencies: ["WorkbookCore"]),
        .testTarget(name: "BrowserTests", dependencies: ["WorkbookCore"]),
    ]
)
