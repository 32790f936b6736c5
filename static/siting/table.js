/* The siting run's ranked table of zones (part of window.SitingPanel, see static/siting/core.js): one row per
 * zone in the model's order, the costed columns (LCOE, tariff, capacity factor, grid and offtaker distance)
 * only when the model returns them; a row (click or Enter) focuses its zone on the map (mapview.js). */
(function () {
  "use strict";
  const S = window.SitingPanel;
  if (!S) return;
  const { $ } = S;
  const el = GL.el, t = S.t, lang = S.lang, fmt = S.fmt;

  /** Fill the ranked table from a run's `table`. */
  S.renderTable = function (body) {
    // the costed columns show when the model returns them (a model without LCOE leaves them out)
    const has = (k) => body.table.some((row) => row[k] !== undefined);
    const cols = [["rank", t("rank")], ["prefecture", t("prefecture")], ["area_km2", t("area")],
      ["capacity_mw", t("capacity")], ["generation_gwh", t("generation")], ["score", t("score")],
      ["nearest", t("nearest")], ["nearest_km", t("km")]].concat(
      [["lcoe_usd_mwh", t("lcoe")], ["lcoe_cny_kwh", t("lcoe_cny")],
        // the benchmark on-grid tariff of the cost preset's year, where a source gives one (cost_presets.json)
        ["tariff_cny_kwh", t("tariff")], ["capacity_factor", t("cf")], ["grid_km", t("grid_km")], ["offtaker", t("offtaker")],
        ["offtaker_km", t("offtaker_km")]].filter(([k]) => (k === "tariff_cny_kwh"
        ? body.table.some((row) => row[k] !== null && row[k] !== undefined) : has(k === "offtaker_km" ? "offtaker" : k))));
    const table = $(".siting-table");
    table.tHead.replaceChildren(el("tr", null, ...cols.map((c) => el("th", { text: c[1] }))));
    const tb = table.tBodies[0];
    tb.replaceChildren();
    body.table.forEach((row, i) => {
      const tr = el("tr", { "data-rank": row.rank, tabindex: "0", onclick: () => S.focusZone(i), onkeydown: (e) => e.key === "Enter" && S.focusZone(i) });
      cols.forEach(([k]) => {
        let v = row[k];
        if (k === "nearest") v = lang() === "en" ? (row.nearest_name_en || row.nearest_name_zh) : (row.nearest_name_zh || row.nearest_name_en);
        else if (k === "offtaker") v = row.offtaker ? (lang() === "en" ? (row.offtaker.name_en || row.offtaker.name_zh) : (row.offtaker.name_zh || row.offtaker.name_en)) : null;
        else if (k === "offtaker_km") v = row.offtaker ? fmt(row.offtaker.km, 1) : null;
        else if (k === "capacity_factor" || k === "lcoe_cny_kwh" || k === "tariff_cny_kwh") v = fmt(v, 3);
        else if (k === "prefecture") v = lang() === "en" ? (row.prefecture_en || row.prefecture) : row.prefecture;
        else if (k === "score") v = fmt(v, 3);
        else if (typeof v === "number") v = fmt(v, k === "area_km2" || k === "nearest_km" || k === "grid_km" || k === "lcoe_usd_mwh" ? 1 : 0);
        const text = v === null || v === undefined ? "–" : String(v);
        tr.append(el("td", { text: text, "data-col": k, title: k === "nearest" || k === "offtaker" ? text : null }));
      });
      tb.append(tr);
    });
  };
})();
