/* Where the area went: a small waterfall of the run's `waterfall` (gislayout.analysis.service.waterfall), from
 * the province's area, through the km² each cause removed in the model's order, to the suitable area and the
 * area in zones. Loaded by templates/partials/siting_panel.html; static/siting/siting.js calls
 * window.SitingWaterfall.render(box, body, ctx). Labels come from the data (zh/en) and are set with textContent. */
(function () {
  "use strict";
  const TEXT = {
    zh: { title: "面积去向（km²）", province: "全省", suitable: "适宜", zones: "候选区", of: "占全省 {share}%" },
    en: { title: "Where the area went (km²)", province: "Province", suitable: "Suitable", zones: "In zones",
      of: "{share}% of the province" },
  };
  // the partial loads this before common/core.js on the atlas page: look GL.svg up when drawing
  const svg = (...args) => GL.svg(...args);
  /** Rows of the chart: [label, start km², end km², kind] with kind total|step. Steps removing nothing are left out. */
  function rows(w, lang) {
    const tx = TEXT[lang] || TEXT.en;
    const out = [[tx.province, 0, w.province_km2, "total"]];
    let left = w.province_km2;
    w.steps.concat([w.small]).forEach((s) => {
      if (!s || !(s.km2 > 0)) return;
      out.push([lang === "en" ? s.en : s.zh, left - s.km2, left, "step", s.share]);
      left -= s.km2;
      if (s === w.steps[w.steps.length - 1]) out.push([tx.suitable, 0, w.suitable_km2, "total"]);
    });
    if (!out.some((r) => r[0] === tx.suitable)) out.push([tx.suitable, 0, w.suitable_km2, "total"]);
    out.push([tx.zones, 0, w.zones_km2, "total"]);
    return out;
  }
  function render(box, body, ctx) {
    if (!box) return;
    const w = body && body.waterfall;
    box.hidden = !w;
    if (!w) { box.replaceChildren(); return; }
    const lang = ctx.lang() === "en" ? "en" : "zh";
    const data = rows(w, lang);
    const rowH = 15, labelW = 170, barW = 150, numW = 70, width = labelW + barW + numW;
    const chart = svg("svg", { class: "siting-waterfall-chart", role: "img", width: width, height: data.length * rowH + 4,
      viewBox: `0 0 ${width} ${data.length * rowH + 4}`, "aria-label": (TEXT[lang] || TEXT.en).title });
    const scale = (km2) => (barW * km2) / (w.province_km2 || 1);
    data.forEach(([label, start, end, kind, share], i) => {
      const y = i * rowH + 2;
      const g = svg("g", { class: "siting-wf-row siting-wf-" + kind, "data-km2": String(end - start) });
      g.append(svg("text", { x: labelW - 4, y: y + rowH - 4, "text-anchor": "end", class: "siting-wf-label" }, label));
      g.append(svg("rect", { x: labelW + scale(start), y: y + 2, width: Math.max(1, scale(end - start)), height: rowH - 4,
        class: "siting-wf-bar" }));
      const value = (kind === "step" ? "−" : "") + ctx.fmt(end - start, 0);
      const num = svg("text", { x: width - 2, y: y + rowH - 4, "text-anchor": "end", class: "siting-wf-num" }, value);
      if (share !== undefined) num.append(svg("title", {}, (TEXT[lang] || TEXT.en).of.replace("{share}", ctx.fmt(100 * share, 1))));
      g.append(num);
      chart.append(g);
    });
    box.replaceChildren(GL.el("div", { class: "siting-waterfall-title", text: (TEXT[lang] || TEXT.en).title }), chart);
  }
  window.SitingWaterfall = { render: render, rows: rows };
})();
