import Foundation

/// One step of the build. `check`, `fix`, `build` and `serve` run the same list of stages, cut at different
/// points (`Pipeline.stages(for:)`):
///
///     load → parse → runtime → run → check | fix → weave → render → publish
///
/// Each stage reads what earlier stages put in the `BuildState` and adds its own plain values. A stage that
/// throws ends the build (nothing after it can work: no book, no compiler); errors it appends to the report
/// (a chapter that failed) let the build go on as far as `runsAfterErrors` allows, so that every chapter's
/// failure is reported at once but a failing book never reaches the site.
protocol BuildStage: Sendable {
    /// What the runner prints (`[4/8] run`) and what it tags every problem out of the stage with (thrown, or added
    /// to the report): the code that finds a problem does not name a stage.
    var name: WorkbookError.Stage { get }
    /// Whether the stage runs on a book that already has errors.
    var runsAfterErrors: Bool { get }
    /// Does the stage's work; returns a few words for the stage's line ("12 chapters, 3 from the cache").
    func run(_ build: inout BuildState) throws -> String
}

extension BuildStage {
    var runsAfterErrors: Bool { true }
}
