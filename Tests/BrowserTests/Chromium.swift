import Foundation
import WorkbookCore

/// Headless Chromium, driven from the command line: `--dump-dom` gives the DOM after the page's scripts ran, and
/// `--enable-logging=stderr` prints every console message (errors, and Content-Security-Policy violations, which
/// is how a request leaving file:// would show up).
struct Chromium {
    let path: String

    static let found: Chromium? = ["chromium", "chromium-browser", "google-chrome"].lazy
        .compactMap { Subprocess.which($0) }.first.map(Chromium.init)

    static let baseArguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                                "--disable-component-update", "--disable-default-apps"]

    struct Page { var dom: String; var console: [String] }

    func load(_ url: String) throws -> Page {
        let result = try Subprocess.run(path, Self.baseArguments + ["--enable-logging=stderr", "--v=0", "--dump-dom", url], timeout: 90)
        let console = result.stderrText.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
        return Page(dom: result.stdoutText, console: console)
    }

    func screenshot(_ url: String, to file: URL, width: Int, height: Int) throws {
        _ = try Subprocess.run(path, Self.baseArguments + ["--screenshot=\(file.path)", "--window-size=\(width),\(height)", url], timeout: 90)
    }
}

/// Just enough HTML reading for the checks: attributes, headings and visible text, by regular expression over
/// the DOM Chromium serialised.
enum DOM {
    static func matches(_ pattern: String, in text: String) -> [[String]] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { match in
            (0..<match.numberOfRanges).map { match.range(at: $0).location == NSNotFound ? "" : ns.substring(with: match.range(at: $0)) }
        }
    }

    static func ids(_ dom: String) -> Set<String> { Set(matches(#"\sid="([^"]+)""#, in: dom).map { $0[1] }) }

    static func links(_ dom: String) -> [String] { matches(#"<a\s[^>]*href="([^"]*)""#, in: dom).map { $0[1] } }

    /// Headings in document order, as levels.
    static func headingLevels(_ dom: String) -> [Int] {
        let article = matches(#"<article>([\s\S]*)</article>"#, in: dom).first?[1] ?? dom
        return matches(#"<h([1-6])[\s>]"#, in: article).compactMap { Int($0[1]) }
    }

    /// URLs that a page would *load* (not navigate to): scripts, stylesheets, images, frames, media.
    static func loadedResources(_ dom: String) -> [String] {
        matches(#"<(?:script|img|iframe|source|video|audio|embed)\s[^>]*src="([^"]+)""#, in: dom).map { $0[1] }
            + matches(#"<link\s[^>]*href="([^"]+)""#, in: dom).map { $0[1] }
    }

    /// Text outside code, math and scripts: where an unrendered `$…$` would show.
    static func proseText(_ dom: String) -> String {
        var text = dom
        for pattern in [#"<script[\s\S]*?</script>"#, #"<pre[\s\S]*?</pre>"#, #"<code[\s\S]*?</code>"#, #"<math[\s\S]*?</math>"#,
                        #"<details[\s\S]*?</details>"#, #"<[^>]+>"#] {
            text = (try! NSRegularExpression(pattern: pattern)).stringByReplacingMatches(
                in: text, range: NSRange(text.startIndex..., in: text), withTemplate: " ")
        }
        return text
    }
}
