import Foundation

/// What `workbook serve` adds to a page as it serves it — never to the built site, which stays the same whether
/// it is served, opened from `file://` or published: a script that reloads the page when a new build is in
/// place, a stylesheet, and, while the last build failed, an overlay with its errors over the last good page.
enum LivePage {
    static let scriptPath = "/__workbook/live.js"
    static let stylePath = "/__workbook/live.css"
    static let eventsPath = "/__workbook/events"

    /// The served page: `html` as built, with the live-reload script, the stylesheet and the build's errors.
    static func inject(into html: String, state: ServeState) -> String {
        var page = allowingEventStream(html)
        let head = "<link rel=\"stylesheet\" href=\"\(stylePath)\">\n"
        if let close = page.range(of: "</head>") { page.insert(contentsOf: head, at: close.lowerBound) } else { page = head + page }
        let banner = overlay(state)
        if !banner.isEmpty {
            // Right after <body …>, so it is the first thing a screen reader meets too.
            if let open = page.range(of: "<body"), let end = page[open.upperBound...].firstIndex(of: ">") {
                page.insert(contentsOf: "\n" + banner, at: page.index(after: end))
            } else {
                page = banner + page
            }
        }
        // The page's policy runs only scripts carrying its nonce: the live script carries the same one.
        let nonce = scriptNonce(in: html).map { " nonce=\"\(escape($0))\"" } ?? ""
        let script = "<script src=\"\(scriptPath)\"\(nonce) data-generation=\"\(escape(state.generation))\"></script>\n"
        if let close = page.range(of: "</body>", options: .backwards) { page.insert(contentsOf: script, at: close.lowerBound) } else { page += script }
        return page
    }

    /// The built-in theme's Content-Security-Policy (`default-src 'none'`) forbids the event stream's connection;
    /// the served copy allows connections to this server, and nothing else.
    static func allowingEventStream(_ html: String) -> String {
        guard let policy = policyRange(in: html), !html[policy].contains("connect-src") else { return html }
        var page = html
        page.insert(contentsOf: "; connect-src 'self'", at: policy.upperBound)
        return page
    }

    /// The nonce the page's Content-Security-Policy gives its own scripts (`script-src 'nonce-…'`), if any.
    static func scriptNonce(in html: String) -> String? {
        guard let policy = policyRange(in: html), let start = html[policy].range(of: "'nonce-") else { return nil }
        let nonce = html[start.upperBound..<policy.upperBound].prefix { $0 != "'" }
        return nonce.isEmpty ? nil : String(nonce)
    }

    /// Where the page's Content-Security-Policy (its `<meta http-equiv>` content) stands in the HTML.
    static func policyRange(in html: String) -> Range<String.Index>? {
        guard let meta = html.range(of: "http-equiv=\"Content-Security-Policy\""),
              let contentStart = html[meta.upperBound...].range(of: "content=\""),
              let contentEnd = html[contentStart.upperBound...].firstIndex(of: "\"") else { return nil }
        return contentStart.upperBound..<contentEnd
    }

    /// The errors of the last build (it failed: the page below is the last good one) and the outputs not yet
    /// recorded; empty when there is nothing to say.
    static func overlay(_ state: ServeState) -> String {
        var html = ""
        if !state.errors.isEmpty {
            let count = state.errors.count
            html += "<div id=\"workbook-build-errors\" role=\"alert\">\n"
                + "<p class=\"workbook-live-title\"><strong>Build failed: \(count) error\(count == 1 ? "" : "s")</strong> · "
                + "below is the last good build; this page reloads by itself when the book builds again.</p>\n"
                + "<pre>" + escape(state.errors.joined(separator: "\n")) + "</pre>\n</div>\n"
        }
        if !state.warnings.isEmpty {
            html += "<details id=\"workbook-build-warnings\">\n<summary>"
                + warningSummary(count: state.warnings.count, unrecorded: state.unrecorded)
                + (state.unrecorded > 0 ? " (<code>workbook fix</code> records them)" : "") + "</summary>\n<pre>"
                + escape(state.warnings.joined(separator: "\n")) + "</pre>\n</details>\n"
        }
        return html
    }

    /// "2 outputs not yet recorded", "3 warnings", "3 warnings, 1 of them an output not yet recorded": a stale
    /// translation is a warning too, and is not counted as an output.
    static func warningSummary(count: Int, unrecorded: Int) -> String {
        let outputs = "output\(unrecorded == 1 ? "" : "s") not yet recorded"
        if unrecorded == count { return "\(count) \(outputs)" }
        let warnings = "\(count) warning\(count == 1 ? "" : "s")"
        return unrecorded == 0 ? warnings : "\(warnings), \(unrecorded) of them \(unrecorded == 1 ? "an " : "")\(outputs)"
    }

    /// A page for a path with no file: still live, so a page that a build is about to write appears by itself.
    static func notFoundPage(state: ServeState) -> String {
        inject(into: """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Not found · workbook serve</title></head>
            <body><main><h1>Not found</h1><p>No page of this book has that address. <a href="/">The book's first page</a>.</p></main></body></html>

            """, state: state)
    }

    /// Asks the server for the state of the book (Server-Sent Events) and reloads when it is not the one this page
    /// was served with: a new site is in place, or the build failed or recovered. EventSource reconnects by itself
    /// when the server restarts; a new server's state differs, so the page reloads then too.
    static let script = """
        // Added by `workbook serve`; not part of the built site.
        (function () {
          "use strict";
          var served = document.currentScript.dataset.generation;
          var events = new EventSource("\(eventsPath)");
          events.addEventListener("state", function (event) {
            if (event.data !== served) { events.close(); location.reload(); }
          });
        })();

        """

    static let style = """
        /* Added by `workbook serve`; not part of the built site. */
        #workbook-build-errors {
          position: fixed; inset: 0 0 auto 0; z-index: 1000; max-height: 60vh; overflow: auto;
          margin: 0; padding: 0.75rem 1rem; background: #2b0b0e; color: #ffe3e3; border-bottom: 4px solid #e5484d;
          box-shadow: 0 4px 24px rgba(0, 0, 0, 0.4); font-size: 0.9rem;
        }
        #workbook-build-errors .workbook-live-title { margin: 0 0 0.5rem 0; }
        #workbook-build-errors pre {
          margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; background: none; color: inherit;
          font: 0.85rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        }
        #workbook-build-warnings {
          position: fixed; right: 1rem; bottom: 1rem; z-index: 999; max-width: min(40rem, 90vw); max-height: 40vh;
          overflow: auto; padding: 0.5rem 0.75rem; background: #fff8db; color: #4a3b00; border: 1px solid #e0c200;
          border-radius: 6px; font-size: 0.85rem;
        }
        #workbook-build-warnings pre { white-space: pre-wrap; font-size: 0.8rem; }
        .output.unrecorded { outline: 2px dashed #d9a400; outline-offset: 4px; }
        .output.unrecorded .unrecorded-note { color: #8a6d00; font-size: 0.85rem; }
        mark.unrecorded-value { background: #fff1a8; color: #4a3b00; outline: 1px dashed #d9a400; cursor: help; }

        """
}
