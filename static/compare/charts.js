/* Grouped horizontal bar charts as inline SVG, built with DOM calls (no network, no innerHTML). */
(function () {
  "use strict";
  // the SVG builder and the label clipper are shared with the siting panel's charts (common/core.js)
  const el = GL.svg, clip = GL.clip;

  function fmt(v, lang) {
    if (v === null || v === undefined) return "—";
    return Number(v).toLocaleString(lang === "zh" ? "zh-CN" : "en", { maximumFractionDigits: 1 });
  }

  /**
   * A chart as an <svg>. spec: {title, categories: [label], series: [{name, color, values: [number|null]}], lang}.
   * Categories are rows; each row holds one bar per series, scaled to the largest value of the chart.
   */
  function barChart(spec) {
    const barH = 12, gap = 3, rowGap = 10, labelW = 190, valueW = 70, width = 620;
    const plotW = width - labelW - valueW;
    const n = spec.series.length;
    const rowH = n * (barH + gap) + rowGap;
    const legendH = 16 * n + 4;  // one legend line per series: names can be long
    const height = 24 + legendH + spec.categories.length * rowH;
    const max = Math.max(1e-9, ...spec.series.flatMap((s) => s.values.map((v) => Math.abs(v || 0))));
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "cmp-chart" });
    svg.appendChild(el("title", {}, spec.title));
    svg.appendChild(el("text", { x: 0, y: 14, class: "cmp-chart-title" }, spec.title));
    spec.series.forEach((s, j) => {
      const y = 22 + j * 16;
      svg.appendChild(el("rect", { x: labelW, y, width: 10, height: 10, fill: s.color }));
      svg.appendChild(el("text", { x: labelW + 14, y: y + 9, class: "cmp-chart-legend" }, clip(s.name, 60)));
    });
    spec.categories.forEach((cat, i) => {
      const y0 = 24 + legendH + i * rowH;
      const label = el("text", { x: labelW - 6, y: y0 + (n * (barH + gap)) / 2 + 4, "text-anchor": "end",
        class: "cmp-chart-label" }, clip(cat, 30));
      label.appendChild(el("title", {}, cat));
      svg.appendChild(label);
      spec.series.forEach((s, j) => {
        const v = s.values[i];
        const w = v ? (Math.abs(v) / max) * plotW : 0;
        const y = y0 + j * (barH + gap);
        const bar = el("rect", { x: labelW, y, width: Math.max(w, v ? 1 : 0), height: barH, fill: s.color,
          "data-value": v === null || v === undefined ? "" : v });
        bar.appendChild(el("title", {}, `${s.name}: ${fmt(v, spec.lang)}`));
        svg.appendChild(bar);
        svg.appendChild(el("text", { x: labelW + w + 4, y: y + barH - 2, class: "cmp-chart-value" }, fmt(v, spec.lang)));
      });
    });
    return svg;
  }

  window.CompareCharts = { barChart };
})();
