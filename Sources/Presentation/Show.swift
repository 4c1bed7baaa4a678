import Foundation

// What snippets call to show results. Control records flush stdout (see `ControlChannel.write`), so a later trap
// loses nothing.

/// Shows a table: as Markdown, so it renders as a table on GitHub and in the course.
public func show(_ table: Table) {
    emit(OutputProtocol.markdownBegin)
    print(table.markdown)
    emit(OutputProtocol.markdownEnd)
}

/// Shows a chart: its ASCII form in the chapter text, its data for the SVG figure of the HTML page.
public func show(_ chart: Chart) {
    emit(OutputProtocol.figure + " " + chart.json)
    print(chart.ascii)
    emit(OutputProtocol.figureEnd)
}

/// Shows a named value, `name = value`.
public func show(_ name: String, _ value: Double, digits: Int = 6) {
    print("\(name) = \(fmt(value, digits))")
}

/// Shows anything else by its description.
public func show<T>(_ value: T) {
    print(value)
}

/// Asserts a fact the chapter teaches. A failure is reported at this line of the chapter and fails the build,
/// but the chapter keeps running so that every failure is reported at once.
public func check(_ condition: Bool, _ message: @autoclosure () -> String, line: UInt = #line) {
    guard !condition else { return }
    emit(OutputProtocol.checkFailed + " \(line) " + message())
}

/// Asserts |actual − expected| ≤ tolerance, and says both numbers when it fails.
public func checkClose(_ actual: Double, _ expected: Double, tolerance: Double, _ message: @autoclosure () -> String,
                       line: UInt = #line) {
    let ok = abs(actual - expected) <= tolerance
    check(ok, "\(message()): expected \(expected) ± \(tolerance), got \(actual)", line: line)
}

/// A number with a fixed count of decimals, independent of locale: `fmt(3.14159, 2)` is "3.14".
public func fmt(_ x: Double, _ digits: Int = 4) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    let s = String(format: "%.\(digits)f", x)
    return s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(s.dropFirst()) : s
}

/// A number in scientific notation with `digits` significant decimals: `sci(0.000123, 2)` is "1.23e-04".
public func sci(_ x: Double, _ digits: Int = 3) -> String {
    String(format: "%.\(digits)e", x)
}


/// Called once by the generated program, before any snippet: the run's secret, which it keeps in a variable whose
/// name is drawn anew for every program (snippet code, written before, cannot name it). Every later call — a
/// snippet's — gets "".
public func __workbookTakeToken() -> String {
    ControlChannel.takeToken()
}

/// Called by the generated program before snippet `index` runs.
public func __workbookSnippet(_ index: Int, _ token: String) {
    emit(OutputProtocol.snippet + " \(index) \(token)")
}

/// Called by the generated program for inline value `index` (`<!--= EXPRESSION -->` in the prose), after the
/// snippets above it: a String is recorded as it is (format with `fmt`/`sci` or `String(format:)`), anything else
/// by its description.
public func __workbookValue<T>(_ index: Int, _ token: String, _ value: T) {
    emit(OutputProtocol.valueBegin + " \(index) \(token)")
    print(value as? String ?? String(describing: value), terminator: "")
    emit(OutputProtocol.valueEnd)
}

/// Called by the generated program after the last snippet: the chapter ran to its end.
public func __workbookCompleted(_ token: String) {
    emit(OutputProtocol.completed + " \(token)")
}

func emit(_ control: String) {
    ControlChannel.write(control)
}
