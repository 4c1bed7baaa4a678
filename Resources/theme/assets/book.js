// Small page helpers: anchor links on headings, copy buttons on code, and which chapters this browser has
// visited (localStorage; nothing leaves the page). No network, no dependencies. The words are the page's own
// (data-ui-* on <body>, in the page's language).
const ui = document.body.dataset;
for (const h of document.querySelectorAll("article h2[id], article h3[id]")) {
  const a = document.createElement("a");
  a.className = "anchor"; a.href = "#" + h.id; a.textContent = "#"; a.setAttribute("aria-label", ui.uiAnchor || "Link to this section");
  h.appendChild(a);
}
for (const block of document.querySelectorAll("div.sourceCode")) {
  const button = document.createElement("button");
  button.className = "copy"; button.type = "button"; button.textContent = ui.uiCopy || "copy";
  button.addEventListener("click", () => {
    const text = block.querySelector("code").innerText;
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => { button.textContent = ui.uiCopied || "copied"; });
  });
  block.appendChild(button);
}
(function () {
  // One key per book, so two books opened from file:// keep their own progress.
  const visitedKey = "workbook-visited-" + (document.querySelector(".sidebar")?.dataset.book || "book");
  let visited = [];
  try { visited = JSON.parse(localStorage.getItem(visitedKey) || "[]"); } catch (e) { visited = []; }
  const page = document.querySelector(".sidebar")?.dataset.page;
  if (page && page !== "index" && !visited.includes(page)) {
    visited.push(page);
    try { localStorage.setItem(visitedKey, JSON.stringify(visited)); } catch (e) { /* storage may be off */ }
  }
  for (const link of document.querySelectorAll(".sidebar li a, .chapter-list li > p:first-child > a")) {
    const name = link.getAttribute("href").replace(/\.html.*$/, "");
    if (visited.includes(name)) link.closest("li").classList.add("visited");
  }
})();

// The language switch keeps the reader on the same section: both editions have the same headings in the same
// order (the build checks it), so the section travels as its index, "#section-N", and the other page scrolls to
// its N-th heading and marks it.
(function () {
  const headings = () => Array.from(document.querySelectorAll("article h2[id], article h3[id]"));
  function currentIndex() {
    const list = headings();
    const byHash = list.findIndex((h) => "#" + h.id === decodeURI(window.location.hash));
    if (byHash >= 0) return byHash;
    let index = -1;
    list.forEach((h, i) => { if (h.getBoundingClientRect().top <= 80) index = i; });
    return index;
  }
  for (const link of document.querySelectorAll("a.language-switch")) {
    link.addEventListener("click", (event) => {
      const index = currentIndex();
      if (index < 0) return;
      event.preventDefault();
      window.location.href = link.getAttribute("href") + "#section-" + index;
    });
  }
  const wanted = /^#section-(\d+)$/.exec(window.location.hash);
  if (wanted) {
    const target = headings()[Number(wanted[1])];
    if (target) {
      target.classList.add("landed");
      target.scrollIntoView();
      history.replaceState(null, "", "#" + target.id);
    }
  }
})();

// ← and → go to the previous and next chapter, as in mdBook — never while the reader types (search) or holds a
// modifier (the browser's own shortcuts).
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing) return;
  const target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const link = document.querySelector(event.key === "ArrowLeft" ? ".pager a[rel=prev]" : event.key === "ArrowRight" ? ".pager a[rel=next]" : null);
  if (link) { event.preventDefault(); window.location.href = link.href; }
});

// The colour theme: system (the default, following the operating system), light or dark, remembered by this
// browser for every book (localStorage). The button shows the current choice and moves to the next one.
(function () {
  const key = "workbook-theme";
  const choices = ["system", "light", "dark"];
  const chinese = (document.documentElement.lang || "").startsWith("zh");
  const icons = { system: "◐", light: "☀", dark: "☾" };
  const names = chinese ? { system: "跟随系统", light: "浅色", dark: "深色" } : { system: "system", light: "light", dark: "dark" };
  const root = document.documentElement;
  let current = "system";
  try { current = choices.includes(localStorage.getItem(key)) ? localStorage.getItem(key) : "system"; } catch (e) { /* storage off */ }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "theme-switch";
  function apply(choice) {
    current = choice;
    if (choice === "system") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", choice);
    // The icon always; the name where there is room (style.css hides it on phones).
    button.textContent = icons[choice];
    const name = document.createElement("span");
    name.className = "theme-name";
    name.textContent = " " + names[choice];
    button.appendChild(name);
    button.setAttribute("aria-label", (chinese ? "配色：" : "Colour theme: ") + names[choice]);
  }
  button.addEventListener("click", () => {
    const next = choices[(choices.indexOf(current) + 1) % choices.length];
    apply(next);
    try { localStorage.setItem(key, next); } catch (e) { /* storage off: for this page only */ }
  });
  apply(current);
  document.querySelector(".topbar")?.insertBefore(button, document.querySelector(".topbar .search"));
})();

// Phones: the top bar's chapter link opens the chapter list as a drawer over the page (without script it goes
// to the landing page's list). Escape, the close button or a click outside closes it.
(function () {
  const link = document.querySelector(".chapters-link");
  const sidebar = document.querySelector(".sidebar");
  if (!link || !sidebar) return;
  const narrow = window.matchMedia("(max-width: 800px)");
  const close = document.createElement("button");
  close.type = "button"; close.className = "drawer-close"; close.textContent = "×";
  close.setAttribute("aria-label", ui.uiClose || "Close");
  sidebar.insertBefore(close, sidebar.firstChild);
  function setOpen(open) {
    document.body.classList.toggle("drawer-open", open);
    link.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) sidebar.querySelector("li.current a, li a")?.focus({ preventScroll: true });
  }
  link.setAttribute("aria-controls", "chapters-drawer");
  sidebar.id = sidebar.id || "chapters-drawer";
  link.addEventListener("click", (event) => {
    if (!narrow.matches) return;
    event.preventDefault();
    setOpen(!document.body.classList.contains("drawer-open"));
  });
  close.addEventListener("click", () => { setOpen(false); link.focus(); });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape" && document.body.classList.contains("drawer-open")) setOpen(false); });
  document.addEventListener("click", (event) => {
    if (document.body.classList.contains("drawer-open") && !sidebar.contains(event.target) && event.target !== link) setOpen(false);
  });
  const current = sidebar.querySelector("li.current");
  if (current) sidebar.addEventListener("transitionend", () => current.scrollIntoView({ block: "center" }), { once: true });
})();

// A page opened from a search result (?highlight=words) marks the words where they occur in its text, and
// scrolls to the first one in the section the result named.
(function () {
  const query = new URLSearchParams(window.location.search).get("highlight");
  if (!query) return;
  const terms = query.toLowerCase().split(/\s+/).filter((t) => t.length > 1).slice(0, 5);
  const article = document.querySelector("article");
  if (!terms.length || !article) return;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement.closest("math, svg, script, style, mark, .anchor, .copy")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  let marked = 0;
  for (const node of nodes) {
    const text = node.nodeValue, lower = text.toLowerCase();
    const hits = [];
    for (const term of terms) {
      for (let at = lower.indexOf(term); at >= 0; at = lower.indexOf(term, at + term.length)) hits.push([at, at + term.length]);
    }
    if (!hits.length || marked > 200) continue;
    hits.sort((a, b) => a[0] - b[0]);
    const fragment = document.createDocumentFragment();
    let cursor = 0;
    for (const [start, end] of hits) {
      if (start < cursor) continue;
      fragment.append(text.slice(cursor, start));
      const mark = document.createElement("mark");
      mark.className = "search-hit"; mark.textContent = text.slice(start, end);
      fragment.append(mark);
      cursor = end; marked += 1;
    }
    fragment.append(text.slice(cursor));
    node.replaceWith(fragment);
  }
  const section = window.location.hash ? document.getElementById(decodeURIComponent(window.location.hash.slice(1))) : null;
  const first = Array.from(article.querySelectorAll("mark.search-hit")).find((m) =>
    !section || (section.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING));
  if (first) first.scrollIntoView({ block: "center" });
})();
