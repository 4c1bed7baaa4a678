import Foundation

/// `runtime`: the compiler and the snippet runtime the chapter programs link against (the book's libraries and
/// the helpers, built in release mode by `RuntimeBuilder` when its fingerprint changed, else reused as it is).
struct RuntimeStage: BuildStage {
    var name: WorkbookError.Stage { .runtime }

    func run(_ build: inout BuildState) throws -> String {
        let book = try build.required(build.book, from: .load)
        let resources = try ToolResources.locate()
        let showProgress = build.options.showProgress
        var rebuilt = false
        build.toolchain = try Workbook.prepareToolchain(book: book, resources: resources, runtimeDirectory: build.options.runtimeDirectory) { message in
            rebuilt = true
            if showProgress { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
        }
        build.resources = resources
        return rebuilt ? "built" : "up to date"
    }
}
