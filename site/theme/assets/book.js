// Small page helpers: anchor links on headings and copy buttons on code. No network, no dependencies.
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
