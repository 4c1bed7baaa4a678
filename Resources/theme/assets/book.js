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
