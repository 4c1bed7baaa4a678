// swift-tools-version:6.0
import Foundation
import PackageDescription

/// The lab's training kernels use 256-bit vectors (eight Floats) when the machine that builds them has AVX2, as
/// every x86-64 server since 2013 does; elsewhere, or with ROPELAB_BASELINE=1 in the environment (a binary to copy
/// to other machines), they compile for the x86-64 baseline: the same code, in 128-bit halves. Only the
/// instruction set changes, not the arithmetic: AVX2 does not bring FMA, and Swift never fuses a multiply and an
/// add on its own, so every number the lab prints is the same bits either way (Benchmarks/README.md, "The lab").
/// A local package may pass such a flag; a book's runtime depends on this one by path, which SwiftPM allows.
let buildMachineHasAVX2 = ProcessInfo.processInfo.environment["ROPELAB_BASELINE"] == nil
    && ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
        .split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").contains("avx2") ?? false)
let labVectorSettings: [SwiftSetting] = buildMachineHasAVX2 ? [.unsafeFlags(["-Xcc", "-mavx2"])] : []

let package = Package(
    name: "RoPEWorkbook",
    products: [
        // MARK: - Public API
        .library(name: "RoPE", targets: ["RoPE"]),
        // A tiny RoPE transformer trained during the course's build (its own library, so RoPE stays lean).
        .library(name: "RoPELab", targets: ["RoPELab"]),
        .executable(name: "rope", targets: ["rope"]),
        .executable(name: "workbook", targets: ["workbook"]),
        // `swift package workbook …` in a package that depends on this one: no `make install` needed.
        .plugin(name: "WorkbookPlugin", targets: ["WorkbookPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // book.toml (TOML, as mdBook's); about 30 s of C++ on a first build.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // MARK: - The RoPE library and its command
        .target(name: "RoPE"),
        // The tools' version (`workbook --version`, `rope --version`).
        .target(name: "ProjectVersion"),
        .executableTarget(
            name: "rope",
            dependencies: ["RoPE", "ProjectVersion", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // MARK: - The lab: a tiny RoPE transformer trained at build time (its own target, so RoPE stays lean)
        .target(name: "RoPELab", dependencies: ["RoPE"], swiftSettings: labVectorSettings),

        // MARK: - The workbook build tool
        .systemLibrary(
            name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // The helpers snippets call (show, check, Table, Chart). WorkbookCore reads their output protocol; every
        // book's runtime compiles these same sources as the module WorkbookHelpers (RuntimeBuilder).
        .target(name: "Presentation"),
        .target(name: "WorkbookCore", dependencies: ["CCmarkGFM", "Presentation", "ProjectVersion", "TOMLKit"]),
        .executableTarget(
            name: "workbook",
            dependencies: ["WorkbookCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .plugin(
            name: "WorkbookPlugin",
            capability: .command(intent: .custom(verb: "workbook", description: "Build, check, fix or serve this package's book with workbook")),
            dependencies: ["workbook"]),

        // MARK: - Benchmarks (make bench builds these in release mode)
        .executableTarget(name: "rope-bench", dependencies: ["RoPE"], path: "Benchmarks/RopeBench"),
        .executableTarget(name: "lab-bench", dependencies: ["RoPE", "RoPELab"], path: "Benchmarks/LabBench"),

        // MARK: - Tests
        .testTarget(name: "RoPETests", dependencies: ["RoPE"], exclude: ["References"]),
        .testTarget(name: "RoPELabTests", dependencies: ["RoPELab"]),
        .testTarget(name: "RopeCommandTests", dependencies: ["rope"]),
        .testTarget(name: "WorkbookCoreTests", dependencies: ["WorkbookCore", "Presentation"], exclude: ["Fixtures"]),
        .testTarget(name: "ServeTests", dependencies: ["WorkbookCore"]),
        .testTarget(name: "ChapterTests", dependencies: ["WorkbookCore"]),
        .testTarget(name: "BrowserTests", dependencies: ["WorkbookCore"]),
        .testTarget(name: "InstallTests", dependencies: ["workbook", "rope", "WorkbookCore"]),
        // Real packages (swift-system, swift-numerics, …) made into books: `make test-packages`, minutes each.
        .testTarget(name: "PackageBookTests", dependencies: ["workbook"]),
    ]
)
