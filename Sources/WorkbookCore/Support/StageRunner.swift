/// How a runner — the pipeline for its stages, the executor for a chapter's compile and run, a command outside the
/// pipeline for its own work — says which step a problem came from: code that finds a problem only describes it.
extension WorkbookError {
    /// Every problem an error holds: a `WorkbookError`, each of `WorkbookErrors`, or any other error (a Foundation
    /// or POSIX one) made into a problem by `wrap` — by default one that says only what the error says — which
    /// keeps it as the underlying error.
    public static func diagnostics(in error: any Error,
                                   wrap: (any Error) -> WorkbookError = { WorkbookError(describe($0), underlying: $0) }) -> [WorkbookError] {
        switch error {
        case let error as WorkbookError: return [error]
        case let errors as WorkbookErrors: return errors.errors
        default: return [wrap(error)]
        }
    }
}

extension WorkbookError.Stage {
    /// Runs `work` as this step: what it throws comes out as a `WorkbookError` (`WorkbookErrors` when it held
    /// several), each stamped with this stage unless a runner nearer to it set one.
    public func run<T>(_ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch {
            let diagnostics = WorkbookError.diagnostics(in: error).during(self)
            if diagnostics.count == 1 { throw diagnostics[0] }
            throw WorkbookErrors(diagnostics)
        }
    }
}

extension Array where Element == WorkbookError {
    /// Each problem as the runner of `stage` reports it (`WorkbookError.during`).
    public func during(_ stage: WorkbookError.Stage) -> [WorkbookError] { map { $0.during(stage) } }
}
