import Foundation
import Testing
import WorkbookCore

/// The course as a reader sees it: built into a temporary folder, every page loaded in headless Chromium.
/// Skipped, with a notice, when Chromium is not installed — except in CI, where `make test` installs it and its
/// absence is a failure (`chromiumIsPresentInCI`).
@Suite(.serialized, .enabled(if: Chromium.found != nil, "headless Chromium not installed (apt-get install chromium, or make test as root): browser tests skipped"))
struct BrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The site, built once for all tests.
    static let site: (folder: URL, report: BuildReport) = {
        var options = BuildOptions(root: root, mode: .build)
        options.outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("rope-course-browser-\(getpid())/out")
        options.showProgress = false
        return (options.outputDirectory!, Workbook.run(options))
    }()

    static var chapterPages: [String] { site.report.parsedChapters.map { "\($0.name).html" } }
    /// The Chinese edition (book.toml: [translations.zh-Hans], path "zh"): every English page's twin, and its
    /// own pages (the glossary) after them.
    static var chinesePages: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: site.folder.appendingPathComponent("zh").path)) ?? []
        return ["zh/index.html"] + chapterPages.map { "zh/" + $0 }
            + names.filter { $0.hasSuffix(".html") && $0 != "index.html" && $0 != "print.html" && !chapterPages.contains($0) }.sorted().map { "zh/" + $0 }
    }
    static var allPages: [String] { ["index.html"] + chapterPages + chinesePages }

    /// A link's target page relative to the site root, from the page it is on (`zh/05.html` + `../06.html`).
    static func resolve(_ href: String, from page: String) -> String {
        var parts = page.split(separator: "/").dropLast().map(String.init)
        for piece in href.split(separator: "/").map(String.init) {
            if piece == ".." { _ = parts.popLast() } else if piece != "." { parts.append(piece) }
        }
        return parts.joined(separator: "/")
    }

    /// Every page loaded once (in parallel, two at a time).
    static let loaded: [String: Chromium.Page] = {
        guard let chromium = Chromium.found, site.report.succeeded else { return [:] }
        let pages = allPages
        let results = ConcurrentMap.map(pages, jobs: 2) { page in try? chromium.load(site.folder.appendingPathComponent(page).absoluteString) }
        return Dictionary(uniqueKeysWithValues: zip(pages, results).compactMap { page, result in result.map { (page, $0) } })
    }()

    @Test func siteBuilds() {
        #expect(Self.site.report.errors.isEmpty, "\(Self.site.report.errors)")
        #expect(Self.chapterPages.count >= 12)
        #expect(Self.loaded.count == Self.allPages.count, "pages that failed to load: \(Set(Self.allPages).subtracting(Self.loaded.keys))")
    }

    @Test func noConsoleMessagesAndNoRequestLeavesFileURLs() {
        for (page, loaded) in Self.loaded {
            #expect(loaded.console.isEmpty, "\(page) logged: \(loaded.console.joined(separator: "\n"))")
            let remote = DOM.loadedResources(loaded.dom).filter { $0.contains("://") && !$0.hasPrefix("file://") }
            #expect(remote.isEmpty, "\(page) loads \(remote)")
            #expect(loaded.dom.contains("Content-Security-Policy"), "\(page) has no CSP to block network loads")
        }
    }

    @Test func mathIsMathML() {
        // Chapters whose prose (outside fenced code, where `$0` is Swift) has TeX.
        let fence = try! NSRegularExpression(pattern: "```[\\s\\S]*?```")
        for chapter in Self.site.report.parsedChapters
        where fence.stringByReplacingMatches(in: chapter.text, range: NSRange(chapter.text.startIndex..., in: chapter.text), withTemplate: "").contains("$") {
            guard let loaded = Self.loaded["\(chapter.name).html"] else { continue }
            #expect(loaded.dom.contains("<math"), "\(chapter.name) has math in its source but no MathML")
            let prose = DOM.proseText(loaded.dom)
            #expect(!prose.contains("$$") && !prose.contains("$\\"), "\(chapter.name) shows raw TeX")
        }
    }

    @Test func everyInternalLinkAndAnchorResolves() {
        let idsByPage = Self.loaded.mapValues { DOM.ids($0.dom) }
        for (page, loaded) in Self.loaded {
            for href in DOM.links(loaded.dom) where !href.contains("://") && !href.hasPrefix("mailto:") {
                let parts = href.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let target = parts[0].isEmpty ? page : Self.resolve(parts[0].components(separatedBy: "?")[0], from: page)
                guard let ids = idsByPage[target] else {
                    // A file that is not a chapter page (the EPUB, the print edition) must exist.
                    if !target.hasSuffix(".html") || target.hasSuffix("print.html"),
                       FileManager.default.fileExists(atPath: Self.site.folder.appendingPathComponent(target).path) { continue }
                    Issue.record("\(page): link to \(href) — no such page")
                    continue
                }
                if parts.count > 1, !parts[1].isEmpty {
                    #expect(ids.contains(parts[1]), "\(page): link to \(href) — no element with id '\(parts[1])' in \(target)")
                }
            }
        }
    }

    @Test func prevAndNextCoverEveryChapterOnce() throws {
        func follow(_ rel: String, from start: String) -> [String] {
            var visited: [String] = []
            var current: String? = start
            while let page = current, visited.count <= Self.allPages.count {
                visited.append(page)
                current = Self.loaded[page].flatMap { DOM.matches(#"<a class="\#(rel)" rel="\#(rel)" href="([^"]+)""#, in: $0.dom).first?[1] }
                    .map { Self.resolve($0, from: page) }
            }
            return visited
        }
        let forward = follow("next", from: try #require(Self.chapterPages.first))
        #expect(forward == Self.chapterPages, "next links: \(forward)")
        let backward = follow("prev", from: try #require(Self.chapterPages.last))
        #expect(backward == Self.chapterPages.reversed(), "prev links: \(backward)")
        let chinese = Self.chinesePages.dropFirst().map { $0 }
        let forwardChinese = follow("next", from: try #require(chinese.first))
        #expect(forwardChinese == chinese, "Chinese next links: \(forwardChinese)")
    }

    /// Every English page has a Chinese twin and each names the other (<link rel=alternate hreflang>, and the
    /// switch in the top bar); both show the same outputs, computed once.
    @Test func everyPageHasItsTwinInTheOtherLanguage() throws {
        for page in ["index.html"] + Self.chapterPages {
            let english = try #require(Self.loaded[page]), chinese = try #require(Self.loaded["zh/" + page], "no zh/\(page)")
            #expect(english.dom.contains(#"<link rel="alternate" hreflang="zh-Hans" href="zh/\#(page)">"#), "\(page) does not name its twin")
            #expect(chinese.dom.contains(#"<link rel="alternate" hreflang="en" href="../\#(page)">"#), "zh/\(page) does not name its twin")
            #expect(english.dom.contains(#"class="language-switch" hreflang="zh-Hans""#) && chinese.dom.contains(#"class="language-switch" hreflang="en""#))
            let outputs = { (dom: String) in DOM.matches(#"<div class="output">([\s\S]*?)</div>"#, in: dom).map { $0[1] } }
            #expect(outputs(english.dom).count == outputs(chinese.dom).count, "\(page): not the same outputs in both editions")
        }
    }

    @Test func languageSwitchLandsOnTheSameSection() throws {
        let chromium = try #require(Chromium.found)
        let page = "05-deriving-rope.html"
        let english = try #require(Self.loaded[page])
        let chinese = try #require(Self.loaded["zh/" + page])
        let headingIDs = { (dom: String) in DOM.matches(#"<h[23] id="([^"]+)""#, in: dom).map { $0[1] } }
        let (englishIDs, chineseIDs) = (headingIDs(english.dom), headingIDs(chinese.dom))
        #expect(englishIDs.count == chineseIDs.count && englishIDs.count > 3, "\(englishIDs) vs \(chineseIDs)")
        // What the switch sends from the English page's fourth section: "#section-3" on the Chinese page.
        let landed = try chromium.load(Self.site.folder.appendingPathComponent("zh/" + page).absoluteString + "#section-3")
        let marked = DOM.matches(#"<h[23] id="([^"]+)"[^>]*class="[^"]*landed"#, in: landed.dom).map { $0[1] }
        #expect(marked == [chineseIDs[3]], "landed on \(marked), expected \(chineseIDs[3])")
        #expect(landed.console.isEmpty, "\(landed.console)")
    }

    @Test func chineseSearchFindsTheExtrapolationChapter() throws {
        let chromium = try #require(Chromium.found)
        let url = Self.site.folder.appendingPathComponent("zh/index.html").absoluteString + "?q=" + "外推".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
        let page = try chromium.load(url)
        let results = DOM.matches(#"<div id="search-results"[^>]*>([\s\S]*?)</div>"#, in: page.dom).first?[1] ?? ""
        #expect(results.contains("-why-extrapolation-fails.html"), "search results: \(results.prefix(400))")
        #expect(page.console.isEmpty, "\(page.console)")
    }

    @Test func eachPageHasLangOneH1AndOrderedHeadings() {
        for (page, loaded) in Self.loaded {
            let language = page.hasPrefix("zh/") ? "zh-Hans" : "en"
            #expect(loaded.dom.contains("<html lang=\"\(language)\""), "\(page) has no <html lang=\"\(language)\">")
            let levels = DOM.headingLevels(loaded.dom)
            #expect(levels.filter { $0 == 1 }.count == 1, "\(page): \(levels.filter { $0 == 1 }.count) h1 elements")
            #expect(levels.first == 1, "\(page) does not start with its h1")
            for (a, b) in zip(levels, levels.dropFirst()) {
                #expect(b <= a + 1, "\(page): heading level jumps from h\(a) to h\(b)")
            }
        }
    }

    @Test func figuresAreAccessibleSVG() {
        var figures = 0
        for (page, loaded) in Self.loaded {
            let svgs = DOM.matches(#"<svg [^>]*class="chart-svg"[^>]*>\s*<title id="([^"]+)">"#, in: loaded.dom)
            figures += svgs.count
            #expect(DOM.matches(#"<svg [^>]*class="chart-svg"[^>]*role="img""#, in: loaded.dom).count == svgs.count, "\(page): a chart without role=img")
            // Each figure's anchor is its label (fig-ID), and its caption links there.
            for match in svgs {
                let label = String(match[1].dropLast("-title".count))
                #expect(loaded.dom.contains("<figure class=\"chart\" id=\"\(label)\">") && loaded.dom.contains("href=\"#\(label)\""),
                        "\(page): figure \(label) has no anchor")
            }
        }
        #expect(figures >= 10, "the course has \(figures) SVG figures")
    }

    @Test func searchFindsTheYaRNChapter() throws {
        let chromium = try #require(Chromium.found)
        let url = Self.site.folder.appendingPathComponent("index.html").absoluteString + "?q=YaRN"
        let page = try chromium.load(url)
        let results = DOM.matches(#"<div id="search-results"[^>]*>([\s\S]*?)</div>"#, in: page.dom).first?[1] ?? ""
        // Match the chapter by name, not number: chapters get renumbered when new ones are inserted.
        // Each result opens its page with the words to mark (?highlight=…).
        #expect(results.contains("-ntk-by-parts-and-yarn.html?highlight=YaRN\""), "search results: \(results.prefix(400))")
        #expect(results.contains("-ntk-by-parts-and-yarn.html?highlight=YaRN#"), "and sections of it")
        #expect(page.console.isEmpty, "\(page.console)")
    }

    /// ← and → move between chapters (not while typing in the search box), and the theme switch's choice is
    /// remembered: a real browser, keys pressed through the DevTools protocol.
    @Test func arrowKeysNavigateAndTheThemeChoiceIsRemembered() throws {
        let chromium = try #require(Chromium.found)
        try #require(Self.site.report.succeeded)
        let browser = try DevTools(chromium: chromium.path)
        let pages = Self.chapterPages
        let page = try browser.open(Self.site.folder.appendingPathComponent(pages[4]).absoluteString)
        func at(_ name: String) throws -> Bool {
            try browser.wait(until: "document.readyState === 'complete' && location.pathname.endsWith('/\(name)')", session: page, timeout: 30)
        }
        func press(_ key: String) throws {
            for type in ["rawKeyDown", "keyUp"] {
                try browser.send("Input.dispatchKeyEvent", ["type": type, "key": key, "code": key,
                                                             "windowsVirtualKeyCode": key == "ArrowLeft" ? 37 : 39], session: page)
            }
        }
        #expect(try at(pages[4]))
        try press("ArrowRight")
        #expect(try at(pages[5]), "→ did not open the next chapter")
        try press("ArrowLeft")
        #expect(try at(pages[4]), "← did not open the previous chapter")
        try browser.evaluate("document.getElementById('search').focus()", session: page)
        try press("ArrowRight")
        usleep(500_000)
        #expect(try at(pages[4]), "→ while typing in the search box must not leave the page")
        try browser.evaluate("document.activeElement.blur()", session: page)

        #expect(try browser.evaluate("document.documentElement.hasAttribute('data-theme')", session: page) as? Bool == false, "system by default")
        try browser.evaluate("document.querySelector('.theme-switch').click()", session: page)
        #expect(try browser.evaluate("document.documentElement.dataset.theme", session: page) as? String == "light")
        try browser.evaluate("document.querySelector('.theme-switch').click()", session: page)
        try press("ArrowRight")
        #expect(try at(pages[5]))
        #expect(try browser.wait(until: "document.documentElement.dataset.theme === 'dark' && "
                                 + "getComputedStyle(document.body).backgroundColor === 'rgb(22, 23, 26)'", session: page, timeout: 10),
                "the dark choice was not remembered on the next page")
        try browser.evaluate("localStorage.removeItem('workbook-theme')", session: page)
    }

    /// A page in a fresh browser, sized as a 390 × 844 phone (keep the browser while the page is used).
    static func phonePage() throws -> (browser: DevTools, page: String) {
        let chromium = try #require(Chromium.found)
        try #require(site.report.succeeded)
        let browser = try DevTools(chromium: chromium.path)
        let page = try browser.open("about:blank")
        try browser.send("Emulation.setDeviceMetricsOverride", ["width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true], session: page)
        return (browser, page)
    }

    /// Opens a page of the built site and waits until it has loaded.
    static func show(_ name: String, in browser: DevTools, page: String) throws {
        try browser.send("Page.navigate", ["url": site.folder.appendingPathComponent(name).absoluteString], session: page)
        _ = try browser.wait(until: "document.readyState === 'complete'", session: page, timeout: 30)
    }

    /// Issue 24, phones: at 390 CSS px no page of either edition is wider than the screen — an element wider than
    /// the screen must sit in a box that scrolls (a formula, a table, code), never make the page scroll sideways —
    /// and no chart's text is under 10 px tall.
    @Test func noPageScrollsSidewaysOnAPhone() throws {
        let (browser, page) = try Self.phonePage()
        var wide: [String] = []
        for name in Self.allPages {
            try Self.show(name, in: browser, page: page)
            let found = try browser.evaluate("""
                (() => {
                  const width = document.documentElement.clientWidth, out = [];
                  const scrolls = (element) => { for (let p = element.parentElement; p; p = p.parentElement) {
                      const x = getComputedStyle(p).overflowX;
                      if ((x === 'auto' || x === 'scroll' || x === 'hidden') && p.getBoundingClientRect().right <= width + 1) return true; }
                    return false; };
                  for (const e of document.querySelectorAll('body *')) {
                    const r = e.getBoundingClientRect();
                    if (r.width > 0 && r.right > width + 1 && !scrolls(e)) out.push(e.tagName.toLowerCase() + ' ends at ' + Math.round(r.right) + ' px');
                  }
                  if (document.documentElement.scrollWidth > width) out.unshift('the page is ' + document.documentElement.scrollWidth + ' px wide');
                  // Chart text: its font size in drawing units times the drawing's scale on screen.
                  for (const svg of document.querySelectorAll('svg.chart-svg')) {
                    const text = svg.querySelector('text');
                    const px = text ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * parseFloat(getComputedStyle(text).fontSize) : 99;
                    if (px < 10) { out.push('chart text ' + px.toFixed(1) + ' px tall'); break; }
                  }
                  return out.slice(0, 3).join('; ');
                })()
                """, session: page) as? String ?? "not evaluated"
            if !found.isEmpty { wide.append("\(name): \(found)") }
        }
        #expect(wide.isEmpty, "wider than a 390 px phone, or chart text under 10 px:\n\(wide.joined(separator: "\n"))")
    }

    /// Issue 24, phones: the chapter list opens as a drawer from the top bar and closes with Escape; a chart's
    /// text is at least 10 px tall (its figure scrolls instead of shrinking it).
    @Test func onAPhoneTheChapterDrawerOpensAndChartTextStaysReadable() throws {
        let (browser, page) = try Self.phonePage()
        for name in ["09-long-range-decay.html", "zh/09-long-range-decay.html"] {
            try Self.show(name, in: browser, page: page)
            #expect(try browser.evaluate("getComputedStyle(document.querySelector('.sidebar')).visibility", session: page) as? String == "hidden")
            try browser.evaluate("document.querySelector('.chapters-link').click()", session: page)
            #expect(try browser.wait(until: "document.body.classList.contains('drawer-open') && "
                                     + "Math.abs(document.querySelector('.sidebar').getBoundingClientRect().left) < 1", session: page, timeout: 5),
                    "\(name): the chapter drawer did not open")
            #expect(try browser.evaluate("document.querySelector('.sidebar li.current') !== null", session: page) as? Bool == true)
            try browser.send("Input.dispatchKeyEvent", ["type": "keyDown", "key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27], session: page)
            #expect(try browser.wait(until: "!document.body.classList.contains('drawer-open')", session: page, timeout: 5), "Escape did not close it")
            let smallest = try browser.evaluate("""
                Math.min(...Array.from(document.querySelectorAll('svg.chart-svg')).map((svg) =>
                  svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * parseFloat(getComputedStyle(svg.querySelector('text')).fontSize)))
                """, session: page) as? Double ?? 0
            #expect(smallest >= 10, "\(name): chart text renders \(smallest) px tall at 390 px")
        }
    }

    /// A search result opens its page with the words marked; Chinese pages' own controls speak Chinese; the theme
    /// is set in <head>, before the page is drawn.
    @Test func searchHitsAreMarkedAndChinesePagesSpeakChinese() throws {
        let chromium = try #require(Chromium.found)
        try #require(Self.site.report.succeeded)
        let browser = try DevTools(chromium: chromium.path)
        let url = Self.site.folder.appendingPathComponent("13-ntk-by-parts-and-yarn.html").absoluteString + "?highlight=ramp"
        let page = try browser.open(url)
        _ = try browser.wait(until: "document.readyState === 'complete'", session: page, timeout: 30)
        #expect(try browser.evaluate("document.querySelectorAll('article mark.search-hit').length", session: page) as? Int ?? 0 > 0,
                "no search hit marked")
        #expect(try browser.evaluate("document.head.querySelector('script[src$=\"theme.js\"]') !== null", session: page) as? Bool == true)
        try browser.send("Page.navigate", ["url": Self.site.folder.appendingPathComponent("zh/06-rope-in-d-dimensions.html").absoluteString], session: page)
        _ = try browser.wait(until: "document.readyState === 'complete' && location.pathname.includes('/zh/')", session: page, timeout: 30)
        #expect(try browser.evaluate("document.querySelector('button.copy').textContent", session: page) as? String == "复制")
        #expect(try browser.evaluate("document.querySelector('a.anchor').getAttribute('aria-label')", session: page) as? String == "本节链接")
    }

    @Test func screenshotsAtDesktopAndPhoneWidth() throws {
        let chromium = try #require(Chromium.found)
        let folder = Self.root.appendingPathComponent("screenshots")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Every English page; of the Chinese edition the landing page, one chapter and the glossary.
        let pages = ["index.html"] + Self.chapterPages + ["zh/index.html", "zh/10-why-extrapolation-fails.html", "zh/glossary.html"]
        let jobs = pages.flatMap { page in [(page, "desktop", 1280, 900), (page, "phone", 390, 844)] }
        let site = Self.site.folder
        let failures = ConcurrentMap.map(jobs, jobs: 2) { job -> String? in
            let (page, device, width, height) = job
            let file = folder.appendingPathComponent("\(page.dropLast(5).replacingOccurrences(of: "/", with: "-"))-\(device).png")
            do {
                try chromium.screenshot(site.appendingPathComponent(page).absoluteString, to: file, width: width, height: height)
                let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
                return size > 10_000 ? nil : "\(file.lastPathComponent) is \(size) bytes"
            } catch { return "\(file.lastPathComponent): \(error)" }
        }
        let problems = failures.compactMap { $0 }
        #expect(problems.isEmpty, "\(problems)")
    }
}

@Test func chromiumIsPresentInCI() {
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        #expect(Chromium.found != nil, "CI must run the browser tests: `make test` installs chromium as root")
    }
}
