// marsad dashboard behaviour: row links and scrolling the evidence into view.
// No inline scripts (the CSP forbids them); no external libraries.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const row of document.querySelectorAll("tr.row[data-href]")) {
    row.addEventListener("click", (ev) => {
      if (ev.target.closest("a")) return; // real links keep their own target
      const href = row.getAttribute("data-href");
      if (href && href.startsWith("/")) window.location.assign(href);
    });
  }
  const evidence = document.getElementById("evidence");
  if (evidence) evidence.scrollIntoView({ block: "center" });
});
