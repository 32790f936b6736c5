/* The siting panel's supply curves and scenario comparison (loaded by templates/partials/siting_panel.html;
 * static/siting/siting.js calls window.SitingSupply). A supply curve is cumulative capacity (MW) against
 * LCOE, drawn as a step line with GL.charts.step (static/common/charts.js) and the policy's 2015 target as a horizontal mark. A run without
 * `supply_curve` (a model that does not cost zones) draws nothing and hides its box.
 * Text from data is only ever set with textContent. */
(function () {
  "use strict";
  // the partial loads this before common/core.js on the atlas page: look GL.el up when drawing
  const el = (...args) => GL.el(...args);

  /** The run's total supply curve, [[lcoe, cumulative MW], …] sorted by LCOE, or null when the run has none. */
  function total(body) {
    const sc = body && body.supply_curve;
    if (!sc || !Array.isArray(sc.total)) return null;
    return sc.total.filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]))
      .slice().sort((a, b) => a[0] - b[0]);
  }

  function chart(series, target, ctx) {
    const units = ctx.units || { lcoe: "USD/MWh", capacity: "MW" };
    return GL.charts.step({
      title: ctx.t("supply_title"), lang: ctx.lang(),
      xLabel: ctx.t("supply_x", { units: units.lcoe }), yLabel: ctx.t("supply_y", { units: units.capacity }),
      series: series,
      lines: Number.isFinite(target) && target > 0
        ? [{ y: target, cls: "siting-target", label: ctx.t("supply_target", { mw: ctx.fmt(target) }) }] : [],
    });
  }

  /** "LCOE ≤ 40 USD/MWh: 1,200 MW (1.2× the target)" lines from `reachable_mw`: a multiple, never a percentage. */
  function reachable(body, ctx) {
    const sc = body.supply_curve, r = sc.reachable_mw || {};
    return Object.keys(r).sort((a, b) => Number(a) - Number(b)).map((lcoe) => el("li", { "data-lcoe": lcoe,
      text: ctx.t("supply_reach", { lcoe: ctx.fmt(Number(lcoe)), units: (sc.units || {}).lcoe || "USD/MWh",
        mw: ctx.fmt(r[lcoe]), times: sc.target_mw ? ctx.fmt(r[lcoe] / sc.target_mw, 1) : "–" }) }));
  }

  const SHOWN = 6;  // prefecture curves drawn at once: the largest by capacity (more do not read apart)
  /** The largest prefectures' curves, [{name, cls, points}], from `by.prefecture`. */
  function byPrefecture(sc) {
    const by = (sc.by && sc.by.prefecture) || {};
    return Object.keys(by).map((name) => ({ name: name, points: by[name].slice().sort((a, b) => a[0] - b[0]) }))
      .filter((c) => c.points.length)
      .sort((a, b) => b.points[b.points.length - 1][1] - a.points[a.points.length - 1][1])
      .slice(0, SHOWN).map((c, i) => Object.assign(c, { cls: "gl-c" + i }));
  }

  /** Draw the run's supply curve into `box` (hidden when the run has none): the total, or per prefecture. */
  function render(box, body, ctx) {
    const pts = total(body);
    box.hidden = !pts;
    if (!pts) { box.replaceChildren(); return; }
    const sc = body.supply_curve, prefs = byPrefecture(sc);
    const view = prefs.length && box.dataset.view === "prefecture" ? "prefecture" : "total";
    const series = view === "prefecture" ? prefs : [{ name: ctx.t("supply_total"), cls: "siting-curve", points: pts }];
    const pick = prefs.length ? el("select", { class: "siting-supply-view", "aria-label": ctx.t("supply_title"),
      onchange: (e) => { box.dataset.view = e.target.value; render(box, body, ctx); } },
    el("option", { value: "total", text: ctx.t("supply_total") }),
    el("option", { value: "prefecture", text: ctx.t("supply_by_prefecture", { n: prefs.length }) })) : null;
    if (pick) pick.value = view;
    box.replaceChildren(...[pick, chart(series, view === "total" ? sc.target_mw : null, Object.assign({ units: sc.units }, ctx)),
      el("ul", { class: "siting-reach" }, ...reachable(body, ctx))].filter(Boolean));
  }

  /** One scenario's column: its name, headline, the parameters that differ from the defaults, its top zones. */
  function column(name, run, ctx) {
    const body = run.body, tot = body.rollups.total;
    const rows = body.table.slice(0, 10);
    const hasLcoe = rows.some((r) => r.lcoe_usd_mwh !== undefined);
    const cols = [["rank", ctx.t("rank")], ["prefecture", ctx.t("prefecture")], ["capacity_mw", ctx.t("capacity")]]
      .concat(hasLcoe ? [["lcoe_usd_mwh", ctx.t("lcoe")]] : []);
    const lcoes = body.table.map((r) => r.lcoe_usd_mwh).filter(Number.isFinite);
    return el("div", { class: "siting-scenario", "data-scenario": name },
      el("h4", { text: ctx.t("scenario", { name: name }) }),
      el("p", { class: "siting-scenario-params", text: run.changed || ctx.t("defaults") }),
      el("p", { class: "siting-scenario-total", text: ctx.t("scenario_total", { zones: ctx.fmt(tot.zones),
        mw: ctx.fmt(tot.capacity_mw) }) + (lcoes.length ? " · " + ctx.t("lcoe_range", {
        lo: ctx.fmt(Math.min(...lcoes)), hi: ctx.fmt(Math.max(...lcoes)) }) : "") }),
      el("table", { class: "siting-scenario-table" },
        el("thead", null, el("tr", null, ...cols.map((c) => el("th", { text: c[1] })))),
        el("tbody", null, ...rows.map((row) => el("tr", null, ...cols.map(([k]) => el("td", {
          text: k === "prefecture" ? ((ctx.lang() === "en" ? row.prefecture_en : row.prefecture) || row.prefecture || "–")
            : (row[k] === null || row[k] === undefined ? "–" : ctx.fmt(row[k])) })))))));
  }

  /** Scenarios A and B side by side: one chart with both supply curves (when costed), then their zones. */
  function compare(box, runs, ctx) {
    const curves = Object.keys(runs).map((name) => ({ name: ctx.t("scenario", { name: name }),
      cls: "siting-curve-" + name.toLowerCase(), points: total(runs[name].body) })).filter((s) => s.points);
    const first = runs[Object.keys(runs)[0]].body.supply_curve || {};
    box.hidden = false;
    box.replaceChildren(
      curves.length ? chart(curves, first.target_mw, Object.assign({ units: first.units }, ctx)) : null,
      el("div", { class: "siting-scenarios" }, ...Object.keys(runs).map((name) => column(name, runs[name], ctx))));
  }

  window.SitingSupply = { total: total, render: render, compare: compare };
})();
