// The reader's colour theme (light or dark, remembered by book.js), set in <head> before the page is drawn, so
// a dark page never flashes light on load. "system" (the default) leaves it to the operating system.
(function () {
  try {
    const choice = localStorage.getItem("workbook-theme");
    if (choice === "light" || choice === "dark") document.documentElement.setAttribute("data-theme", choice);
  } catch (e) { /* storage off: the system's theme */ }
})();
