// Offline search over window.SEARCH_INDEX (assets/search-index.js): every query term must occur in a section's
// page title, heading or text; title and heading hits rank first. Works from file:// — no fetch, no network.
(function () {
  const input = document.getElementById("search");
  const box = document.getElementById("search-results");
  if (!input || !box || !window.SEARCH_INDEX) return;

  function escapeHTML(s) {
    return s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  function snippet(text, term) {
    const at = text.toLowerCase().indexOf(term);
    if (at < 0) return escapeHTML(text.slice(0, 140));
    const start = Math.max(0, at - 60);
    const part = text.slice(start, at + term.length + 80);
    const i = at - start;
    return (start > 0 ? "…" : "") + escapeHTML(part.slice(0, i)) + "<mark>" + escapeHTML(part.slice(i, i + term.length)) +
      "</mark>" + escapeHTML(part.slice(i + term.length)) + "…";
  }

  function search(query) {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length === 0) return [];
    const hits = [];
    for (const entry of window.SEARCH_INDEX) {
      const title = entry.pageTitle.toLowerCase(), section = entry.section.toLowerCase(), text = entry.text.toLowerCase();
      let score = 0;
      for (const term of terms) {
        const inTitle = title.includes(term), inSection = section.includes(term), inText = text.split(term).length - 1;
        if (!inTitle && !inSection && inText === 0) { score = 0; break; }
        score += (inTitle ? 10 : 0) + (inSection ? 6 : 0) + Math.min(inText, 5);
      }
      if (score > 0) hits.push({ entry, score });
    }
    hits.sort((a, b) => b.score - a.score);
    return hits.slice(0, 12).map((h) => h.entry);
  }

  function show(query) {
    const results = search(query);
    if (!query.trim()) { box.hidden = true; box.innerHTML = ""; return; }
    box.hidden = false;
    if (results.length === 0) { box.innerHTML = '<p class="none">' + escapeHTML(box.dataset.none || "No section mentions") + ' “' + escapeHTML(query) + '”.</p>'; return; }
    const first = query.toLowerCase().split(/\s+/).filter(Boolean)[0];
    box.innerHTML = "<ol>" + results.map((e) =>
      '<li><a href="' + e.page + "?highlight=" + encodeURIComponent(query.trim()) + (e.anchor ? "#" + e.anchor : "") + '">' + escapeHTML(e.pageTitle) +
      (e.section ? " — " + escapeHTML(e.section) : "") + "</a><p>" + snippet(e.text, first) + "</p></li>").join("") + "</ol>";
  }

  input.form?.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("input", () => show(input.value));
  input.addEventListener("keydown", (event) => { if (event.key === "Escape") { input.value = ""; show(""); } });
  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) { input.value = initial; show(initial); }
})();
