import Foundation

/// `load`: the book (book.toml), what must hold before anything is compiled (`Preflight`), the book's lock, and
/// its chapter files in reading order.
struct LoadStage: BuildStage {
    var name: WorkbookError.Stage { .load }

    func run(_ build: inout BuildState) throws -> String {
        let options = build.options
        if let problem = Preflight.rootProblems(options).first { throw problem }
        let book = try Book.open(root: options.root)
        let problems = Preflight.problems(options, book: book)
        guard problems.isEmpty else { throw WorkbookErrors(problems) }
        build.lock = try BookLock(cacheDirectory: book.cacheDirectory)
        build.files = try book.loader.load()
        Preflight.removeLeftovers(of: build.files, root: options.root)
        build.book = book
        build.report.chapters = build.files.count
        return "\(build.files.count) chapter files"
    }
}
