/* Small inline-SVG charts shared by the pages (window.GL.charts), built with GL.svg (common/core.js, load it
 * first): no network, no innerHTML. The siting panel draws supply curves (cumulative capacity against cost)
 * with GL.charts.step; the compare page's bar charts use the same GL.svg/GL.clip. Colours come from CSS
 * classes, so the pages' stylesheets own them. */
(function () {
  "use strict";
  const GL = (window.GL = window.GL || {});
  /** About `n` round tick values from 0 (or lo) to hi: steps of 1, 2 or 5 × 10^k. */
  function ticks(lo, hi, n) {
    const span = Math.max(hi - lo, 1e-9), raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
    return out;
  }

  /** The step path of [[x, cumulative y], …] (sorted by x): flat to each x, then up to its y; from y = 0. */
  function stepPath(points, sx, sy) {
    if (!points.length) return "";
    let d = "M" + sx(points[0][0]).toFixed(1) + "," + sy(0).toFixed(1);
    let prev = 0;
    points.forEach(([x, y]) => {
      d += "L" + sx(x).toFixed(1) + "," + sy(prev).toFixed(1) + "L" + sx(x).toFixed(1) + "," + sy(y).toFixed(1);
      prev = y;
    });
    return d;
  }

  GL.charts = {
    ticks: ticks,
    /**
     * A step chart as an <svg class="gl-chart gl-step">. spec: {title, xLabel, yLabel, lang,
     * series: [{name, cls, points: [[x, y], …]}], lines: [{y, label, cls}]} — `lines` are horizontal marks
     * (a target). Each series is a <path class="gl-series <cls>" data-series=name data-last="x,y">.
     */
    step(spec) {
      const width = 420, height = 230, left = 56, right = 12, top = 24, bottom = 36;
      const fmt = (v) => Number(v).toLocaleString(spec.lang === "zh" ? "zh-CN" : "en", { maximumFractionDigits: 0 });
      const pts = spec.series.flatMap((s) => s.points);
      const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]).concat((spec.lines || []).map((l) => l.y));
      const x0 = xs.length ? Math.min(...xs) : 0, x1 = xs.length ? Math.max(...xs) : 1;
      // costs read from zero, so two curves (or one before and after a change) compare by eye
      const xlo = Math.min(0, x0), xhi = x1 * 1.05 || xlo + 1;
      const yhi = Math.max(1, ...ys) * 1.08;
      const sx = (x) => left + ((x - xlo) / (xhi - xlo)) * (width - left - right);
      const sy = (y) => height - bottom - (y / yhi) * (height - top - bottom);
      const svg = GL.svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img", class: "gl-chart gl-step" });
      svg.append(GL.svg("title", {}, spec.title), GL.svg("text", { x: 0, y: 14, class: "gl-chart-title" }, spec.title));
      ticks(xlo, xhi, 5).forEach((v) => svg.append(
        GL.svg("line", { x1: sx(v), x2: sx(v), y1: sy(0), y2: sy(0) + 4, class: "gl-axis" }),
        GL.svg("text", { x: sx(v), y: sy(0) + 15, "text-anchor": "middle", class: "gl-tick" }, fmt(v))));
      ticks(0, yhi, 4).forEach((v) => svg.append(
        GL.svg("line", { x1: left, x2: width - right, y1: sy(v), y2: sy(v), class: "gl-grid" }),
        GL.svg("text", { x: left - 4, y: sy(v) + 4, "text-anchor": "end", class: "gl-tick" }, fmt(v))));
      svg.append(GL.svg("line", { x1: left, x2: width - right, y1: sy(0), y2: sy(0), class: "gl-axis" }),
        GL.svg("line", { x1: left, x2: left, y1: top, y2: sy(0), class: "gl-axis" }),
        GL.svg("text", { x: (left + width - right) / 2, y: height - 4, "text-anchor": "middle", class: "gl-axis-label" }, spec.xLabel),
        GL.svg("text", { x: 12, y: (top + sy(0)) / 2, "text-anchor": "middle", class: "gl-axis-label",
          transform: `rotate(-90 12 ${(top + sy(0)) / 2})` }, spec.yLabel));
      (spec.lines || []).forEach((l) => svg.append(
        GL.svg("line", { x1: left, x2: width - right, y1: sy(l.y), y2: sy(l.y), class: "gl-mark " + (l.cls || ""), "data-y": l.y }),
        GL.svg("text", { x: width - right - 2, y: sy(l.y) - 3, "text-anchor": "end", class: "gl-mark-label " + (l.cls || "") }, l.label)));
      spec.series.forEach((s) => {
        const last = s.points[s.points.length - 1];
        const path = GL.svg("path", { d: stepPath(s.points, sx, sy), class: "gl-series " + (s.cls || ""), fill: "none",
          "data-series": s.name, "data-points": s.points.length, "data-last": last ? last[0] + "," + last[1] : "" });
        path.append(GL.svg("title", {}, s.name));
        svg.append(path);
      });
      if (spec.series.length > 1) {
        spec.series.forEach((s, i) => svg.append(GL.svg("text", { x: left + 6, y: top + 12 + i * 13,
          class: "gl-legend " + (s.cls || "") }, "— " + GL.clip(s.name, 40))));
      }
      return svg;
    },
  };
})();
