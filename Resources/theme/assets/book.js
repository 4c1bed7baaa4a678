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
  for (const link of document.querySelectorAll(".sidebar li a, .chapter-list li > a")) {
    const name = link.getAttribute("href").replace(/\.html.*$/, "");
    if (visited.includes(name)) link.parentElement.classList.add("visited");
  }
})();
