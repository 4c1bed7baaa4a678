// Small page helpers: anchor links on headings, copy buttons on code, and which chapters this browser has
// visited (localStorage; nothing leaves the page). No network, no dependencies.
for (const h of document.querySelectorAll("article h2[id], article h3[id]")) {
  const a = document.createElement("a");
  a.className = "anchor"; a.href = "#" + h.id; a.textContent = "#"; a.setAttribute("aria-label", "Link to this section");
  h.appendChild(a);
}
for (const block of document.querySelectorAll("div.sourceCode")) {
  const button = document.createElement("button");
  button.className = "copy"; button.type = "button"; button.textContent = "copy";
  button.addEventListener("click", () => {
    const text = block.querySelector("code").innerText;
    if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => { button.textContent = "copied"; });
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
