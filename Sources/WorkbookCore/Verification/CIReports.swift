import Foundation

/// What a CI system reads of a run: a JUnit XML file (every CI shows its test cases) and, on GitHub Actions,
/// workflow commands that annotate the chapter lines of a pull request's diff.
public enum CIReport {
    /// One `testsuite` per chapter file, one `testcase` per snippet (`Chapters/04-decay.md#bound`, with its file and
    /// line); an error belongs to the snippet whose code or output region holds its line. An error at no snippet
    /// (a parse error, a chapter that did not compile as a whole, a setup error) is a test case of its own, named
    /// after its file (or `workbook` when it has none). A `norun` snippet is skipped.
    public static func junit(_ report: BuildReport, name: String = "workbook") -> String {
        struct Case { var name: String; var file: String; var line: Int?; var failures: [WorkbookError] = []; var skipped = false }
        var suites: [(file: String, cases: [Case])] = []
        func suiteIndex(_ file: String) -> Int {
            if let index = suites.firstIndex(where: { $0.file == file }) { return index }
            suites.append((file, []))
            return suites.count - 1
        }
        for chapter in report.parsedChapters {
            let index = suiteIndex(chapter.path)
            suites[index].cases = chapter.snippets.map {
                Case(name: "\(chapter.path)#\($0.id)", file: chapter.path, line: $0.fenceStart, skipped: !$0.runs)
            }
        }
        for error in report.errors {
            let file = error.file ?? name
            let index = suiteIndex(file)
            if let line = error.line, let owner = suites[index].cases.lastIndex(where: { ($0.line ?? .max) <= line && $0.name.contains("#") }) {
                suites[index].cases[owner].failures.append(error)
                suites[index].cases[owner].skipped = false
            } else if let whole = suites[index].cases.firstIndex(where: { $0.name == file }) {
                suites[index].cases[whole].failures.append(error)
            } else {
                suites[index].cases.append(Case(name: file, file: file, line: error.line, failures: [error]))
            }
        }
        let total = suites.reduce(0) { $0 + $1.cases.count }
        let failed = suites.reduce(0) { $0 + $1.cases.filter { !$0.failures.isEmpty }.count }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"\(attribute(name))\" tests=\"\(total)\" failures=\"\(failed)\" errors=\"0\">\n"
        for suite in suites {
            let failures = suite.cases.filter { !$0.failures.isEmpty }.count
            let skipped = suite.cases.filter { $0.skipped }.count
            xml += "  <testsuite name=\"\(attribute(suite.file))\" tests=\"\(suite.cases.count)\" failures=\"\(failures)\" "
                + "errors=\"0\" skipped=\"\(skipped)\">\n"
            for test in suite.cases {
                xml += "    <testcase name=\"\(attribute(test.name))\" classname=\"\(attribute(test.file))\" file=\"\(attribute(test.file))\""
                    + (test.line.map { " line=\"\($0)\"" } ?? "")
                if test.failures.isEmpty && !test.skipped { xml += "/>\n"; continue }
                xml += ">\n"
                if test.skipped { xml += "      <skipped message=\"norun: compiled, never run\"/>\n" }
                for failure in test.failures {
                    let first = failure.text.split(separator: "\n").first.map(String.init) ?? failure.text
                    xml += "      <failure type=\"\(failure.stage?.rawValue ?? failure.severity.rawValue)\" message=\"\(attribute(first))\">"
                        + text(failure.description) + "</failure>\n"
                }
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    /// GitHub Actions workflow commands, one per error and warning:
    /// `::error file=Chapters/x.md,line=12,col=5,title=workbook [run]::trapped in snippet …`.
    public static func githubAnnotations(_ report: BuildReport) -> [String] {
        (report.errors + report.warnings).map { diagnostic in
            var properties: [String] = []
            if let file = diagnostic.file { properties.append("file=" + property(file)) }
            if let line = diagnostic.line { properties.append("line=\(line)") }
            if let column = diagnostic.column { properties.append("col=\(column)") }
            properties.append("title=" + property("workbook" + (diagnostic.stage.map { " [\($0.rawValue)]" } ?? "")))
            return "::\(diagnostic.severity == .error ? "error" : "warning") \(properties.joined(separator: ","))::"
                + data(WorkbookError.printable(diagnostic.text))
        }
    }

    /// XML character data: `&`, `<`, `>` escaped, and characters XML 1.0 cannot hold dropped.
    static func text(_ value: String) -> String {
        var out = ""
        for scalar in WorkbookError.printable(value).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func attribute(_ value: String) -> String {
        text(value).replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "\n", with: "&#10;")
    }

    /// A workflow command's message: `%`, CR and LF escaped (GitHub's toolkit rules).
    static func data(_ value: String) -> String {
        value.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// A workflow command's property: also `:` and `,`.
    static func property(_ value: String) -> String {
        data(value).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
