/* The siting run on the Leaflet map (part of window.SitingPanel, see static/siting/core.js): the suitability
 * surface as a tile layer, the ranked zones as polygons (the top ten outlined and numbered) with a popup each,
 * and focusing a zone from its table row. */
(function () {
  "use strict";
  const S = window.SitingPanel;
  if (!S) return;
  const { state } = S;
  const el = GL.el, t = S.t, lang = S.lang, fmt = S.fmt;
  let overlay = null, zonesLayer = null;

  function drawMap(body) {
    if (!S.map) return;
    const bounds = body.surface.bounds;
    if (overlay) overlay.setUrl(body.surface.url);
    else {
      overlay = L.tileLayer(body.surface.url, { opacity: 0.75, className: "siting-surface", bounds, maxZoom: 18 }).addTo(S.map);
      // on its own page the panel frames the province once; inside the atlas the atlas owns the view
      if (!S.atlas()) S.map.fitBounds(bounds);
    }
    if (zonesLayer) S.map.removeLayer(zonesLayer);
    zonesLayer = L.geoJSON(body.zones, {
      style: (f) => ({ color: f.properties.rank <= 10 ? "#c0392b" : "#7f1d1d", weight: f.properties.rank <= 10 ? 2 : 1, fillOpacity: 0.08 }),
      onEachFeature: (f, layer) => {
        layer.bindTooltip(String(f.properties.rank), { permanent: f.properties.rank <= 10, direction: "center", className: "siting-rank" });
        layer.bindPopup(() => popup(f.properties));
      },
    }).addTo(S.map);
  }
  function popup(p) {
    const near = lang() === "en" ? p.nearest_name_en : p.nearest_name_zh;
    return el("div", { class: "siting-popup" },
      el("b", { text: "#" + p.rank + " " + ((lang() === "en" ? p.prefecture_en : p.prefecture) || "") }),
      el("div", { text: t("area") + ": " + fmt(p.area_km2, 1) + " · " + t("capacity") + ": " + fmt(p.capacity_mw) }),
      el("div", { text: t("generation") + ": " + fmt(p.generation_gwh) + " · " + t("score") + ": " + fmt(p.score, 3) }),
      el("div", { text: t("nearest") + ": " + (near || "–") + " (" + fmt(p.nearest_km, 1) + " km)" }),
      ...costLines(p));
  }
  /** LCOE, grid and offtaker lines of a zone's popup, from its table row, when the run has them. */
  function costLines(p) {
    const row = (state.last && state.last.table.find((r) => r.rank === p.rank)) || p;
    const out = [];
    if (row.lcoe_usd_mwh !== undefined) {
      out.push(el("div", { text: t("lcoe") + ": " + fmt(row.lcoe_usd_mwh, 1) + " · " + t("cf") + ": " + fmt(row.capacity_factor, 3) }));
    }
    if (row.substation) {
      out.push(el("div", { text: t("grid_km") + ": " + fmt(row.grid_km, 1) + " (" + (row.substation.name || "–") + ", "
        + fmt(row.substation.max_voltage_kv) + " kV)" }));
    }
    if (row.offtaker) {
      const o = row.offtaker, name = lang() === "en" ? (o.name_en || o.name_zh) : (o.name_zh || o.name_en);
      out.push(el("div", { text: t("offtaker") + ": " + (name || "–") + " (" + fmt(o.km, 1) + " km)" }));
    }
    return out;
  }
  function focusZone(i) {
    if (!S.map || !zonesLayer) return;
    const layer = zonesLayer.getLayers()[i];
    if (layer) { S.map.fitBounds(layer.getBounds(), { maxZoom: 10 }); layer.openPopup(); }
  }

  S.drawMap = drawMap;
  S.focusZone = focusZone;
  /** Number of zone polygons on the map (for tests and the console). */
  S.zoneCount = () => (zonesLayer ? zonesLayer.getLayers().length : 0);
})();
