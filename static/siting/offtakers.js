/* The siting panel's inverse view (issue 12 §1): for each offtaker of the run (`offtakers` of /api/siting/run,
 * gislayout/analysis/supply.py `inverse`), the potential reachable within `offtaker_km` and below `max_lcoe`,
 * as a table sorted by reachable MW and as one circle marker per offtaker sized by that MW, with a popup.
 * Loaded by templates/partials/siting_panel.html after supply.js. siting.js calls window.SitingSupply.render on
 * every run and language change; this file chains itself onto that call (so siting.js needs no change), and
 * replaces its table and markers each time. Text from data is only ever set with textContent. */
(function () {
  "use strict";
  const el = (...args) => GL.el(...args);
  const STRINGS = {
    zh: { title: "用电方可及潜力（{km} km 内）", name: "用电方", cls: "耗电等级", mw: "可及 MW", gwh: "可及 GWh/年",
      note: "一个选址区可同时服务多个用电方：各行不可相加。", none: "本次运行没有用电方。",
      cls_high: "高", cls_medium: "中", cls_low: "低" },
    en: { title: "Potential reachable by offtakers (within {km} km)", name: "Offtaker", cls: "Intensity", mw: "Reachable MW",
      gwh: "Reachable GWh/yr", note: "A zone may serve several offtakers: the rows do not add up.",
      none: "This run has no offtaker.", cls_high: "high", cls_medium: "medium", cls_low: "low" },
  };
  let layer = null, box = null;

  /** The Leaflet map the panel draws on (the same lookup as siting.js). */
  const leafletMap = () => window.gislayoutMap || (window.Atlas && window.Atlas.map) || null;

  /** The offtakers of a run with a finite position and MW, largest reachable MW first. */
  function rows(body) {
    const list = Array.isArray(body && body.offtakers) ? body.offtakers : [];
    return list.filter((o) => Number.isFinite(o.reachable_mw))
      .slice().sort((a, b) => b.reachable_mw - a.reachable_mw);
  }

  /** Marker radius in px: area proportional to MW, from 4 px (0 MW) to 22 px (the largest). */
  function radius(mw, max) {
    return 4 + 18 * Math.sqrt(Math.max(0, mw) / (max > 0 ? max : 1));
  }

  /** The marker colour: the industry of the offtaker's first sector, from the one symbology when the page has it. */
  function colour(o) {
    const sym = window.Atlas && window.Atlas.sym;
    const first = (o.sectors || [])[0];
    // the stand-alone page's small Atlas has no industry colours: Leaflet's default style there
    return sym && typeof sym.industry === "function" && first ? sym.industryColour(sym.industry(first)) : undefined;
  }

  function ensureBox(anchor) {
    if (box && box.isConnected) return box;
    box = el("div", { class: "siting-offtakers" });
    anchor.after(box);
    return box;
  }

  /** Replace the offtaker table (after `anchor`) and the offtaker markers with those of `body`. */
  function render(anchor, body, ctx) {
    const lang = ctx.lang() === "en" ? "en" : "zh";
    const t = GL.translator(() => STRINGS[lang]);
    const name = (o) => (GL.dataName ? GL.dataName(o, lang) : (lang === "en" ? (o.name_en || o.name_zh) : (o.name_zh || o.name_en))) || o.id;
    const cls = (o) => (STRINGS[lang]["cls_" + o.intensity_class] || o.intensity_class || "–");
    const list = rows(body), km = body && body.params ? body.params.offtaker_km : undefined;
    const target = ensureBox(anchor);
    // a run without offtakers (a model or stack with none) shows nothing rather than an empty box
    target.hidden = !list.length;
    target.replaceChildren(
      el("h4", { text: t("title", { km: km === undefined ? "–" : ctx.fmt(km) }) }),
      list.length ? el("div", { class: "siting-table-wrap" }, el("table", { class: "siting-offtaker-table" },
        el("thead", null, el("tr", null, ...["name", "cls", "mw", "gwh"].map((k) => el("th", { text: t(k) })))),
        el("tbody", null, ...list.map((o) => el("tr", { "data-id": o.id },
          el("td", { text: name(o) }), el("td", { text: cls(o) }),
          el("td", { text: ctx.fmt(o.reachable_mw) }), el("td", { text: ctx.fmt(o.reachable_gwh) }))))))
        : el("p", { class: "siting-offtaker-none", text: t("none") }),
      el("p", { class: "siting-offtaker-note", text: t("note") }));
    const map = leafletMap();
    if (!map) return;
    if (layer) map.removeLayer(layer);  // cleared on each run: only this run's offtakers are drawn
    layer = L.featureGroup().addTo(map);
    const max = list.length ? list[0].reachable_mw : 0;
    list.filter((o) => Number.isFinite(o.lon) && Number.isFinite(o.lat)).forEach((o) => {
      const c = colour(o);
      L.circleMarker([o.lat, o.lon], Object.assign({ radius: radius(o.reachable_mw, max), weight: 1, fillOpacity: 0.45,
        className: "siting-offtaker" }, c ? { color: c, fillColor: c } : {}))
        .bindPopup(() => el("div", { class: "siting-offtaker-popup" }, el("b", { text: name(o) }),
          el("div", { text: t("cls") + ": " + cls(o) }),
          el("div", { text: t("mw") + ": " + ctx.fmt(o.reachable_mw) + " · " + t("gwh") + ": " + ctx.fmt(o.reachable_gwh) })))
        .addTo(layer);
    });
  }

  /** The number of offtaker markers on the map (for tests). */
  const count = () => (layer ? layer.getLayers().length : 0);

  // chain onto the supply render siting.js calls on every run and relabel
  const supply = window.SitingSupply;
  if (supply && !supply.offtakersChained) {
    const base = supply.render;
    supply.render = function (box_, body, ctx) {
      base(box_, body, ctx);
      render(box_, body, ctx);
    };
    supply.offtakersChained = true;
  }
  window.SitingOfftakers = { render: render, count: count };
})();
