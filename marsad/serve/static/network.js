// Force-directed country network drawn in SVG, written for marsad (no library).
// Nodes are countries (or IGOs), edges weighted by the number of events.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";

  function el(name, attrs) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  function layout(nodes, edges, w, h) {
    // Fruchterman-Reingold, a fixed number of iterations so it always ends.
    const n = nodes.length;
    // ideal edge length: fills the canvas for big graphs, stays compact for small ones
    const k = Math.min(Math.sqrt((w * h) / Math.max(n, 1)) * 0.6, 130);
    nodes.forEach((d, i) => {
      const a = (2 * Math.PI * i) / Math.max(n, 1);
      d.x = w / 2 + (w / 3) * Math.cos(a);
      d.y = h / 2 + (h / 3) * Math.sin(a);
    });
    const idx = new Map(nodes.map((d, i) => [d.id, i]));
    const maxW = Math.max(1, ...edges.map((e) => e.weight));
    let temp = w / 8;
    for (let it = 0; it < 300; it++) {
      const disp = nodes.map(() => [0, 0]);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let dx = nodes[i].x - nodes[j].x, dy = nodes[i].y - nodes[j].y;
          const dist = Math.max(Math.hypot(dx, dy), 0.01);
          const f = (k * k) / dist;
          dx /= dist; dy /= dist;
          disp[i][0] += dx * f; disp[i][1] += dy * f;
          disp[j][0] -= dx * f; disp[j][1] -= dy * f;
        }
      }
      for (const e of edges) {
        const a = idx.get(e.source), b = idx.get(e.target);
        let dx = nodes[a].x - nodes[b].x, dy = nodes[a].y - nodes[b].y;
        const dist = Math.max(Math.hypot(dx, dy), 0.01);
        const f = ((dist * dist) / k) * (0.5 + e.weight / maxW);
        dx /= dist; dy /= dist;
        disp[a][0] -= dx * f; disp[a][1] -= dy * f;
        disp[b][0] += dx * f; disp[b][1] += dy * f;
      }
      nodes.forEach((d, i) => {
        // a weak pull to the centre keeps disconnected parts on screen
        disp[i][0] += (w / 2 - d.x) * 0.6;
        disp[i][1] += (h / 2 - d.y) * 0.6;
        const len = Math.max(Math.hypot(disp[i][0], disp[i][1]), 0.01);
        d.x += (disp[i][0] / len) * Math.min(len, temp);
        d.y += (disp[i][1] / len) * Math.min(len, temp);
        d.x = Math.min(w - 70, Math.max(70, d.x));  // room for the labels
        d.y = Math.min(h - 30, Math.max(50, d.y));
      });
      temp = Math.max(temp * 0.985, 0.5);
    }
  }

  function draw() {
    const holder = document.getElementById("graph");
    const svg = document.getElementById("netsvg");
    const dataEl = document.getElementById("netdata");
    if (!holder || !svg || !dataEl) return;
    const data = JSON.parse(dataEl.textContent);
    const lang = holder.getAttribute("data-lang") === "en" ? "en" : "ar";
    const w = svg.clientWidth || 1000, h = svg.clientHeight || 620;
    svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
    const nodes = data.nodes.map((d) => ({ ...d }));
    const edges = data.edges;
    if (!nodes.length) {
      const t = el("text", { x: w / 2, y: h / 2, "text-anchor": "middle" });
      t.textContent = lang === "ar" ? "لا توجد أحداث" : "No events";
      svg.appendChild(t);
      return;
    }
    layout(nodes, edges, w, h);
    const byId = new Map(nodes.map((d) => [d.id, d]));
    const maxW = Math.max(1, ...edges.map((e) => e.weight));
    const maxN = Math.max(1, ...nodes.map((d) => d.weight));
    const lines = [];
    for (const e of edges) {
      const a = byId.get(e.source), b = byId.get(e.target);
      const line = el("line", { x1: a.x, y1: a.y, x2: b.x, y2: b.y, "stroke-width": 1 + (9 * e.weight) / maxW });
      const title = el("title");
      title.textContent = `${a.names[lang]} – ${b.names[lang]}: ${e.weight}`;
      line.appendChild(title);
      svg.appendChild(line);
      lines.push([line, a, b]);
    }
    for (const d of nodes) {
      const g = el("g", { class: "node", "data-id": d.id, tabindex: 0, role: "link" });
      const r = 5 + 14 * Math.sqrt(d.weight / maxN);
      const c = el("circle", { cx: d.x, cy: d.y, r: r, class: d.id.startsWith("IGO:") ? "igo" : "" });
      const label = el("text", { x: d.x, y: d.y - r - 4, "text-anchor": "middle", direction: lang === "ar" ? "rtl" : "ltr" });
      label.textContent = d.names[lang] || d.id;
      const title = el("title");
      title.textContent = `${d.names.ar} / ${d.names.en} (${d.id}): ${d.weight}`;
      g.append(c, label, title);
      svg.appendChild(g);
      d.g = g; d.c = c; d.label = label; d.r = r;
      const open = () => window.location.assign("/countries/" + encodeURIComponent(d.id));
      let moved = false;
      g.addEventListener("pointerdown", (ev) => {
        moved = false;
        g.setPointerCapture(ev.pointerId);
        const pt = svg.createSVGPoint();
        const move = (mv) => {
          pt.x = mv.clientX; pt.y = mv.clientY;
          const p = pt.matrixTransform(svg.getScreenCTM().inverse());
          if (Math.hypot(p.x - d.x, p.y - d.y) > 2) moved = true;
          d.x = p.x; d.y = p.y;
          c.setAttribute("cx", d.x); c.setAttribute("cy", d.y);
          label.setAttribute("x", d.x); label.setAttribute("y", d.y - d.r - 4);
          for (const [ln, a, b] of lines) {
            if (a === d) { ln.setAttribute("x1", d.x); ln.setAttribute("y1", d.y); }
            if (b === d) { ln.setAttribute("x2", d.x); ln.setAttribute("y2", d.y); }
          }
        };
        const up = () => {
          g.removeEventListener("pointermove", move);
          g.removeEventListener("pointerup", up);
          if (!moved) open();
        };
        g.addEventListener("pointermove", move);
        g.addEventListener("pointerup", up);
      });
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter") open(); });
    }
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
