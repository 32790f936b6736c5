/* Atlas choropleth mode: prefectures or counties coloured by one statistic (mean GHI, megawatts recorded in
 * the plants layer by fuel, number of bases or parks) from /api/choropleth, with a legend on the map and the
 * table in the side panel. Its state is `choro=unit:stat` in the URL; colours come from the server (the
 * symbology's "choropleth" ramp), never from here. */
(function () {
  "use strict";
  const A = window.Atlas, map = A.map, el = A.el;
  const UNITS = ["prefectures", "counties"];
  const STATS = ["ghi_mean", "wind_mean", "mw_wind", "mw_solar", "mw_coal", "mw_hydro", "bases", "parks"];
  const box = document.getElementById("choropleth");
  const pane = map.createPane("choropleth");
  pane.style.zIndex = 382;  // over the zones' fills (380), which would tint it, under the outlines (385+)
  let layer = null, answer = null, request = 0;

  const num = (v) => (v === null ? A.t("choro_no_value") : Number(v).toLocaleString(A.state.lang === "zh" ? "zh-CN" : "en", { maximumFractionDigits: 1 }));
  const colourOf = (r) => (r && r.class !== null ? answer.colours[r.class] : answer.no_value);
  const current = () => (A.state.choro || "").split(":");

  /** The choropleth's part of the map legend (panel.js asks for it), or null when none is shown. */
  A.choroplethLegend = function () {
    if (!answer) return null;
    const b = answer.breaks, swatch = (c) => { const sw = el("span", { class: "zone-swatch" }); sw.style.background = c; return sw; };
    return el("div", { class: "legend-choropleth", id: "choropleth-legend", "data-choro": answer.unit + ":" + answer.stat },
      el("p", { class: "legend-title", text: A.pick(answer, "title") + " (" + A.pick(answer, "units") + ")" }),
      el("ul", { class: "legend-list" }, ...answer.colours.map((c, i) => el("li", { "data-class": String(i) }, swatch(c), num(b[i]) + " – " + num(b[i + 1]))),
        el("li", {}, swatch(answer.no_value), A.t("choro_no_value"))),
      el("p", { class: "legend-method", "data-method": answer.method || "" }, el("b", { text: A.t("method") + ": " }), A.pick(answer, "method")),
      el("p", { class: "legend-source" }, el("b", { text: A.t("data_source") + ": " }), answer.source),
      A.pick(answer, "note") ? el("p", { class: "legend-bias", text: A.pick(answer, "note") }) : null);
  };
  const renderLegend = () => A.emit("legend");
  function renderTable() {
    if (!answer) return null;
    return el("table", { class: "choropleth-table", "data-stat": answer.stat },
      el("thead", {}, el("tr", {}, el("th", { text: A.t("choro_name") }), el("th", { text: A.t("choro_value") + " (" + A.pick(answer, "units") + ")" }))),
      el("tbody", {}, ...answer.rows.map((r) => {
        const sw = el("span", { class: "zone-swatch" });
        sw.style.background = colourOf(r);
        return el("tr", { "data-id": r.id }, el("td", {}, sw, answer.unit === "counties" ? A.countyName(r.prefecture, r.name_zh) : A.prefectureName(r.name_zh)),
          el("td", { class: "num", text: num(r.value) }));
      })));
  }
  function select(key, values, chosen, onchange) {
    return el("label", { class: "choro-field" }, el("span", { text: A.t(key) }),
      el("select", { "data-choro": key, onchange: onchange }, ...values.map(([v, label]) => el("option", { value: v, selected: v === chosen, text: label }))));
  }
  function renderSide() {
    const [unit, stat] = current();
    const statSel = select("choro_stat", [["", A.t("choro_off")]].concat(STATS.map((s) => [s, A.t("choro_" + s)])), stat || "",
      (e) => A.setChoropleth(e.target.value ? (unit || "prefectures") + ":" + e.target.value : ""));
    const unitSel = select("choro_unit", UNITS.map((u) => [u, A.t("choro_" + u)]), unit || "prefectures",
      (e) => stat && A.setChoropleth(e.target.value + ":" + stat));
    box.replaceChildren(el("div", { class: "choro-controls" }, statSel, unitSel), renderTable() || "");
    box.querySelectorAll("option").forEach((o) => (o.selected = o.value === (o.parentNode.dataset.choro === "choro_unit" ? unit || "prefectures" : stat || "")));
  }
  function draw(fc) {
    if (layer) layer.remove();
    const byId = {};
    answer.rows.forEach((r) => (byId[r.id] = r));
    layer = L.geoJSON(fc, {
      pane: "choropleth",
      style: (f) => ({ fillColor: colourOf(byId[f.properties.id]), fillOpacity: 0.75, color: "#555", weight: 0.6 }),
      onEachFeature: (f, l) => l.bindTooltip(() => el("span", { text: A.pick(f.properties, "name") + ": " + num(byId[f.properties.id] ? byId[f.properties.id].value : null) }), { sticky: true }),
    }).addTo(map);
    pane.setAttribute("data-choro", answer.unit + ":" + answer.stat);
  }

  /** Show the choropleth "unit:stat" ("" hides it), and keep it in the URL. */
  A.setChoropleth = function (value) {
    A.state.choro = value || "";
    A.writeUrl();
    const [unit, stat] = current(), mine = ++request;
    if (!stat) {
      if (layer) layer.remove();
      layer = null;
      answer = null;
      pane.removeAttribute("data-choro");
      renderLegend();
      renderSide();
      return Promise.resolve();
    }
    const url = A.api.choropleth + "?unit=" + unit + "&stat=" + stat + "&scheme=" + encodeURIComponent(A.state.scheme);
    return Promise.all([A.fetchJSON(url), A.fetchJSON(A.url("geo", unit))]).then(([data, fc]) => {
      if (mine !== request) return;  // a later choice won
      answer = data;
      draw(fc);
      renderLegend();
      renderSide();
    }).catch((err) => {
      if (mine !== request) return;
      A.toast(err.message);
      answer = null;
      renderLegend();
      renderSide();
    });
  };
  A.on("lang", renderSide);  // panel.js re-renders the legend on a language switch
  A.setChoropleth(A.state.choro || "");
})();
