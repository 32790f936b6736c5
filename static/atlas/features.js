/* Atlas features: boundary and layout layers, their symbols, the filter test, and popups.
 * Boundaries come compact and gzipped from /atlas/geo/<name>.json when first shown; the four point layers
 * come from the layer API (display=1) once, and filters are applied here, with the API's semantics. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, map = A.map, el = A.el;
  const sym = (A.sym = GL.symbology(cfg.symbology));
  A.INDUSTRY_COLOURS = sym.industries;
  A.zoneColour = (id) => sym.zoneColour(A.scheme().zones.findIndex((z) => z.id === id));

  [["regions", 380], ["prefectures", 385], ["counties", 390], ["province", 395]].forEach(([name, z]) => {
    const pane = map.createPane(name);
    pane.style.zIndex = z;
    if (name === "province") pane.style.pointerEvents = "none";
  });

  /* ---- symbols: shape by layer (and level for bases), colour by industry, from the style specification ---- */
  A.shapeOf = sym.shapeOf;
  A.colourOf = sym.colourOf;
  A.symbolSvg = sym.svg;
  A.symbolNode = sym.node;

  /* ---- the filter test: values within a filter OR-ed, filters AND-ed, as in gislayout.layers.load ---- */
  A.matches = function (props, skip) {
    const s = A.state;
    if (skip !== "zone" && s.zone.length && s.zone.indexOf(props["zone_" + s.scheme]) < 0) return false;
    if (skip !== "sector" && s.sector.length) {
      const codes = ((props.sectors || "") + ";" + (props.subsectors || "")).split(";");
      if (!s.sector.some((c) => codes.indexOf(c) >= 0)) return false;
    }
    if (skip !== "level" && s.level.length && s.level.indexOf(props.level) < 0) return false;
    if (skip !== "kind" && s.kind.length && s.kind.indexOf(props.kind) < 0) return false;
    if (skip !== "prefecture" && s.prefecture.length && s.prefecture.indexOf(props.prefecture) < 0) return false;
    return true;
  };

  /* ---- point layers ---- */
  A.data = {};          // layer → every feature, unfiltered
  A.shown = {};         // layer → features passing the filters (whether or not the layer is on)
  A.markers = {};       // feature id → marker on the map
  A.byId = {};          // feature id → {layer, feature}
  const groups = {};
  A.POINT_LAYERS.forEach((name) => (groups[name] = L.featureGroup()));

  A.loadPoints = function () {
    return Promise.all(A.POINT_LAYERS.map((name) =>
      A.fetchJSON(A.url("layer", name) + "?display=1").then((fc) => {
        A.data[name] = fc.features;
        fc.features.forEach((f) => (A.byId[f.properties.id] = { layer: name, feature: f }));
      })));
  };

  function markerFor(name, f, offset) {
    const icon = sym.icon(A.shapeOf(name, f.properties), A.colourOf(f.properties), offset);
    const [lon, lat] = f.geometry.coordinates;
    const marker = L.marker([lat, lon], { icon: icon, riseOnHover: true, keyboard: true });
    marker.on("add", () => (marker.getElement().dataset.id = f.properties.id));
    marker.bindTooltip(() => el("span", { text: A.pick(f.properties, "name") }), { direction: "top" });
    marker.bindPopup(() => A.popupContent(name, f.properties), { maxWidth: 340, autoPanPadding: [40, 40] });
    marker.on("popupopen", () => { A.state.selected = f.properties.id; A.writeUrl(); });
    marker.on("popupclose", () => { if (A.state.selected === f.properties.id) { A.state.selected = ""; A.writeUrl(); } });
    return marker;
  }

  /** Re-apply filters and visibility to the point layers; points sharing a place fan out on a ring. */
  A.refreshPoints = function () {
    const places = {};
    A.POINT_LAYERS.forEach((name) => {
      A.shown[name] = (A.data[name] || []).filter((f) => A.matches(f.properties));
      if (!A.isVisible(name)) return;
      A.shown[name].forEach((f) => {
        const key = f.geometry.coordinates.map((v) => v.toFixed(4)).join(",");
        (places[key] = places[key] || []).push([name, f]);
      });
    });
    A.markers = {};
    A.POINT_LAYERS.forEach((name) => groups[name].clearLayers());
    Object.values(places).forEach((items) => {
      const n = items.length, r = n > 1 ? 9 + 2.5 * n : 0;
      items.forEach(([name, f], i) => {
        const a = 2 * Math.PI * i / n - Math.PI / 2;
        const marker = markerFor(name, f, [Math.round(r * Math.cos(a)), Math.round(r * Math.sin(a))]);
        A.markers[f.properties.id] = marker;
        groups[name].addLayer(marker);
      });
      if (n > 1) {
        const [lon, lat] = items[0][1].geometry.coordinates;
        groups[items[0][0]].addLayer(L.circleMarker([lat, lon], { radius: 2.5, color: "#333", weight: 1, fillOpacity: 1, interactive: false }));
      }
    });
    A.POINT_LAYERS.forEach((name) => (A.isVisible(name) ? groups[name].addTo(map) : groups[name].remove()));
    A.emit("points");
  };

  /* ---- boundary layers ---- */
  const boundaries = {};
  const STYLES = {
    province: () => ({ color: sym.boundary("province").colour, weight: sym.boundary("province").px, fill: false, pane: "province", interactive: false }),
    prefectures: () => ({ color: sym.boundary("prefectures").colour, weight: sym.boundary("prefectures").px, fillOpacity: 0, pane: "prefectures" }),
    counties: () => ({ color: sym.boundary("counties").colour, weight: sym.boundary("counties").px, dashArray: sym.boundary("counties").dash, fillOpacity: 0, pane: "counties" }),
    regions: (f) => {
      const on = !A.state.zone.length || A.state.zone.indexOf(f.properties.zone) >= 0, c = A.zoneColour(f.properties.zone);
      return { color: c, weight: on ? 2.2 : 1, fillColor: c, fillOpacity: on ? 0.22 : 0.05, opacity: on ? 0.9 : 0.35, pane: "regions" };
    },
  };
  function geoUrl(name) {
    return A.url("geo", name) + (name === "regions" ? "?scheme=" + encodeURIComponent(A.state.scheme) : "");
  }
  function buildBoundary(name, fc) {
    const layer = L.geoJSON(fc, { style: STYLES[name], attribution: name === "regions" ? "" : cfg.attribution.boundaries_short });
    if (name !== "province") {
      layer.eachLayer((l) => {
        l.bindTooltip(() => el("span", { text: A.pick(l.feature.properties, "name") }), { sticky: true, className: "area-tip" });
      });
    }
    return layer;
  }
  /** Show or hide a boundary layer according to the state, loading it the first time it is shown. */
  A.syncBoundary = function (name) {
    const key = name === "regions" ? "regions:" + A.state.scheme : name;
    Object.keys(boundaries).forEach((k) => {
      if ((k === name || k.startsWith(name + ":")) && (k !== key || !A.isVisible(name))) boundaries[k].remove();
    });
    if (!A.isVisible(name)) return Promise.resolve();
    if (boundaries[key]) {
      boundaries[key].addTo(map);
      if (name === "regions") boundaries[key].setStyle(STYLES.regions);
      return Promise.resolve();
    }
    return A.fetchJSON(geoUrl(name)).then((fc) => {
      boundaries[key] = buildBoundary(name, fc);
      A.syncBoundary(name);
    }).catch((err) => { console.warn(err); A.toast(A.t("load_failed", { name: A.pick(A.layerSpec(name), "title") })); });
  };
  A.boundaryLayer = (name) => boundaries[name === "regions" ? "regions:" + A.state.scheme : name];

  /* ---- popups (DOM nodes, text only) ---- */
  function row(table, label, value) {
    if (value === null || value === undefined || value === "") return;
    table.append(el("tr", {}, el("th", { text: label }), el("td", { text: value })));
  }
  function sectorText(props) {
    const main = (props.sectors || "").split(";").filter(Boolean).map(A.sectorName);
    const sub = (props.subsectors || "").split(";").filter(Boolean).map(A.sectorName);
    const sep = A.state.lang === "zh" ? "、" : ", ";
    return main.join(sep) + (sub.length ? (A.state.lang === "zh" ? "（" + sub.join(sep) + "）" : " (" + sub.join(sep) + ")") : "");
  }
  function names(props) {
    const other = A.state.lang === "zh" ? "en" : "zh";
    return [el("h3", { class: "popup-name", lang: A.state.lang === "zh" ? "zh-CN" : "en", text: props["name_" + A.state.lang] }),
      el("p", { class: "popup-alt", lang: other === "zh" ? "zh-CN" : "en", text: props["name_" + other] })];
  }
  A.popupContent = function (layer, p) {
    const table = el("table", { class: "popup-table" });
    row(table, A.t("kind"), A.vocab("kind", p.kind));
    if (p.level) row(table, A.t("level"), A.vocab("level", p.level));
    row(table, A.t("sectors"), sectorText(p));
    row(table, A.t("prefecture"), [A.prefectureName(p.prefecture), p.county ? A.countyName(p.prefecture, p.county) : ""].filter(Boolean).join(" · "));
    row(table, A.t("precision"), A.vocab("precision", p.precision));
    if (layer === "projects") {
      row(table, A.t("technology"), p.technology ? A.vocab("technology", p.technology) : "");
      row(table, A.t("capacity_mw"), p.capacity_mw !== null && p.capacity_mw !== undefined ? Number(p.capacity_mw).toLocaleString() : "");
      if (p.capacity_note) row(table, A.t("capacity_note"), p.capacity_note);
      row(table, A.t("target_year"), p.target_year ? String(Math.round(p.target_year)) : "");
      row(table, A.t("status"), p.status ? A.vocab("status", p.status) : "");
    }
    row(table, A.t("source"), p.source);
    const box = el("div", { class: "popup", "data-id": p.id }, ...names(p), el("p", { class: "popup-layer", text: A.pick(A.layerSpec(layer), "title") }), table);
    if (p.location_note) box.append(el("details", { class: "popup-note" }, el("summary", { text: A.t("location_note") }), el("p", { text: p.location_note })));
    return box;
  };
  /** Fly to a feature and open its popup, even when filters or a hidden layer keep it off the map. */
  A.openFeature = function (id, opts) {
    const hit = A.byId[id];
    if (!hit) return;
    const keep = opts && opts.keepView;  // restoring a permalink: open the popup, leave the view as linked
    const [lon, lat] = hit.feature.geometry.coordinates;
    const marker = A.markers[id];
    if (!keep) map.setView([lat, lon], Math.max(map.getZoom(), 8), { animate: false });
    if (marker) {
      marker.getPopup().options.autoPan = !keep;
      marker.openPopup();
      marker.getPopup().options.autoPan = true;
    } else {
      L.popup({ maxWidth: 340, autoPan: !keep }).setLatLng([lat, lon]).setContent(A.popupContent(hit.layer, hit.feature.properties)).openOn(map);
    }
  };
})();
