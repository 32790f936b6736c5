/* Uploads of the siting panel (part of window.SitingPanel, see static/siting/core.js): exclusion polygons
 * (POST /api/siting/exclusions; their ids join the run's `exclude`, drawn dashed on the map, removable as chips)
 * and candidate sites (POST /api/siting/sites: scored, ranked in a table and drawn as circles). */
(function () {
  "use strict";
  const S = window.SitingPanel;
  if (!S) return;
  const { $, state, cfg } = S;
  const el = GL.el, t = S.t, fmt = S.fmt, message = S.message;
  let exclLayer = null, sitesLayer = null;

  function uploadExclusions(ev) {
    const file = ev.target.files[0];
    if (!file) return;
    GL.postFile(cfg.urls.exclusions + "?lang=" + S.lang(), file).then((b) => {
      if (state.exclude.indexOf(b.id) < 0) state.exclude.push(b.id);
      S.writeHash();
      drawExclusions();
      S.run();
    }).catch((e) => message(e.message)).finally(() => (ev.target.value = ""));
  }
  function drawExclusions() {
    if (!S.map) return;
    if (exclLayer) S.map.removeLayer(exclLayer);
    exclLayer = L.featureGroup().addTo(S.map);
    state.exclude.forEach((id) => fetch(cfg.urls.exclusion.replace("__id__", id)).then((r) => (r.ok ? r.json() : null))
      .then((gj) => gj && L.geoJSON(gj, { style: { color: "#111", weight: 1, dashArray: "4 3", fillColor: "#111", fillOpacity: 0.15 } }).addTo(exclLayer)));
  }
  function renderExclusions() {
    const box = $(".siting-excl-list");
    box.replaceChildren(...state.exclude.map((id) => el("span", { class: "siting-chip" }, t("excl", { n: id.slice(0, 6) }),
      el("button", { type: "button", "aria-label": t("remove"), text: "×", onclick: () => {
        state.exclude = state.exclude.filter((x) => x !== id);
        S.writeHash(); drawExclusions(); S.run();
      } }))));
  }
  function uploadSites(ev) {
    const file = ev.target.files[0];
    if (!file) return;
    GL.postFile(cfg.urls.sites + "?" + S.query({ lang: S.lang() }), file).then(renderSites).catch((e) => message(e.message))
      .finally(() => (ev.target.value = ""));
  }
  function renderSites(body) {
    const wrap = $(".siting-sites-wrap");
    wrap.hidden = false;
    const table = $(".siting-sites");
    const cols = [["site_rank", t("rank")], ["fid", t("site")], ["score", t("score")], ["suitable_share", t("share")],
      ["fails", t("fails")], ["prefecture", t("prefecture")], ["nearest_km", t("km")]];
    table.tHead.replaceChildren(el("tr", null, ...cols.map((c) => el("th", { text: c[1] }))));
    table.tBodies[0].replaceChildren(...body.table.map((row) => el("tr", null, ...cols.map(([k]) => el("td", {
      text: row[k] === null || row[k] === undefined ? "–" : (typeof row[k] === "number" ? fmt(row[k], 3) : row[k]) })))));
    if (!S.map) return;
    if (sitesLayer) S.map.removeLayer(sitesLayer);
    sitesLayer = L.geoJSON(body.sites, {
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 6, color: "#111", weight: 1, fillColor: f.properties.score === null ? "#999" : "#f39c12", fillOpacity: 0.9 }),
      onEachFeature: (f, layer) => layer.bindTooltip(el("span", { text: "#" + f.properties.site_rank + " " + (f.properties.name || f.properties.fid) + " · " + fmt(f.properties.score, 3) })),
    }).addTo(S.map);
  }

  S.uploadExclusions = uploadExclusions;
  S.drawExclusions = drawExclusions;
  S.renderExclusions = renderExclusions;
  S.uploadSites = uploadSites;
})();
