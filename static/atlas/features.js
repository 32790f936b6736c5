/* Atlas features: boundary and layout layers, their symbols, the filter test, points grouped where they share a
 * place (Leaflet.markercluster), and popups.
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
  /** Precisions whose point is a seat or a label point, not the thing's own place: drawn hollow. */
  A.APPROXIMATE = ["county", "prefecture", "region"];
  A.isApproximate = (props) => A.APPROXIMATE.indexOf(props.precision) >= 0;

  /* Every point is drawn at its data coordinate, never shifted. Points that share a place (most of the policy's
   * features sit at a county or prefecture seat) merge into one group marker with their count; a click spreads
   * them on a spider whose dashed legs are schematic (Leaflet.markercluster's spiderfy), not positions. The
   * radius is 2 px, so only points that really coincide on screen are grouped. */
  // Grouping works zoom by zoom down from the map's maximum, which folium leaves unset on the map itself.
  if (map.options.maxZoom === undefined) map.setMaxZoom(cfg.zoom_range[1]);
  A.cluster = L.markerClusterGroup({
    maxClusterRadius: 2, showCoverageOnHover: false, spiderfyOnMaxZoom: true, zoomToBoundsOnClick: true,
    spiderfyDistanceMultiplier: 1.8, removeOutsideVisibleBounds: false,
    spiderLegPolylineOptions: { weight: 1.2, color: sym.spec.symbol_outline, opacity: 0.85, dashArray: "2 4" },
    iconCreateFunction: (cluster) => {
      const children = cluster.getAllChildMarkers();
      const approx = children.every((m) => m.options.approximate);
      const n = children.length;
      return L.divIcon({ html: el("span", { text: String(n) }), className: "seat-group" + (approx ? " approx" : ""),
        iconSize: [22, 22] });
    },
  }).addTo(map);
  A.cluster.on("clustermouseover", (e) => e.layer.getElement() && (e.layer.getElement().title = A.t("sym_group")));
  let layoutMarkers = [];

  /** One layout layer as GeoJSON; static/atlas/versions.js makes it the layer of the version shown. */
  A.fetchLayer = (name) => A.fetchJSON(A.url("layer", name) + "?display=1");
  A.loadPoints = function () {
    return Promise.all(A.POINT_LAYERS.map((name) => A.fetchLayer(name))).then((collections) => {
      A.byId = {};  // loaded again after a version switch or an edit: features may have gone
      collections.forEach((fc, i) => {
        const name = A.POINT_LAYERS[i];
        A.data[name] = fc.features;
        fc.features.forEach((f) => (A.byId[f.properties.id] = { layer: name, feature: f }));
      });
    });
  };

  /** The Leaflet icon of a point: the specification's symbol, hollow (white inside, coloured ring) if approximate. */
  A.pointIcon = function (shape, colour, approximate, size) {
    const s = Math.round(size || sym.size(shape));
    const body = el("span", { class: "sym-body" + (approximate ? " approx" : "") });
    body.innerHTML = sym.svg(shape, colour, s);  // markup of numbers and the specification's colours only
    if (approximate) {
      const g = body.querySelector("g");
      g.setAttribute("stroke", colour);
      g.setAttribute("stroke-width", "2.4");
    }
    return L.divIcon({ html: body, className: "sym sym-" + shape + (approximate ? " approx" : " sited"),
      iconSize: [s, s], iconAnchor: [s / 2, s / 2], popupAnchor: [0, -s / 2], tooltipAnchor: [0, -s / 2] });
  };

  /** A marker at the feature's own coordinate, with tooltip and popup; `style` = {shape, colour, size}. */
  A.pointMarker = function (name, f, style, content) {
    const p = f.properties, approximate = A.isApproximate(p);
    const [lon, lat] = f.geometry.coordinates;
    const marker = L.marker([lat, lon], { icon: A.pointIcon(style.shape, style.colour, approximate, style.size),
      riseOnHover: true, keyboard: true, approximate: approximate, layer: name, fid: p.id });
    marker.on("add", () => {
      const node = marker.getElement();
      node.dataset.id = p.id;
      node.dataset.precision = p.precision || "";
    });
    marker.bindTooltip(() => el("span", { text: A.pick(p, "name") }), { direction: "top" });
    // a popup scrolls inside the map rather than running off it, and pans clear of the layer panel (top right)
    marker.bindPopup(() => content(name, p), { maxWidth: 340, maxHeight: Math.max(260, map.getSize().y - 150),
      autoPanPaddingTopLeft: [50, 40], autoPanPaddingBottomRight: [A.panelRightPad ? A.panelRightPad() : 40, 40] });
    return marker;
  };

  function markerFor(name, f) {
    const marker = A.pointMarker(name, f, { shape: A.shapeOf(name, f.properties), colour: A.colourOf(f.properties) },
      A.popupContent);
    marker.on("popupopen", () => { A.state.selected = f.properties.id; A.writeUrl(); });
    marker.on("popupclose", () => { if (A.state.selected === f.properties.id) { A.state.selected = ""; A.writeUrl(); } });
    return marker;
  }

  /** Re-apply filters and visibility to the policy's point layers. */
  A.refreshPoints = function () {
    A.cluster.removeLayers(layoutMarkers);
    A.markers = {};
    layoutMarkers = [];
    A.POINT_LAYERS.forEach((name) => {
      A.shown[name] = (A.data[name] || []).filter((f) => A.matches(f.properties));
      if (!A.isVisible(name)) return;
      A.shown[name].forEach((f) => {
        const marker = markerFor(name, f);
        A.markers[f.properties.id] = marker;
        layoutMarkers.push(marker);
      });
    });
    A.cluster.addLayers(layoutMarkers);
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
    row(table, A.t("location_basis"), p.location_basis ? A.vocab("location_basis", p.location_basis) : "");
    row(table, A.t("location_source"), p.location_source);
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
    A.emit("popup", { layer: layer, props: p, box: box });  // hook: other scripts add sections (record.js)
    return box;
  };
  /** Fly to a feature and open its popup, even when filters or a hidden layer keep it off the map. */
  A.openFeature = function (id, opts) {
    const hit = A.byId[id];
    if (!hit) return;
    const keep = opts && opts.keepView;  // restoring a permalink: open the popup, leave the view as linked
    const [lon, lat] = hit.feature.geometry.coordinates;
    const marker = A.markers[id];
    // a sensible zoom: close enough to see the place (8-11), never the deepest zoom, where the relief is blank
    if (!keep) map.setView([lat, lon], Math.min(Math.max(map.getZoom(), 8), 11), { animate: false });
    const open = () => {
      marker.getPopup().options.autoPan = !keep;
      marker.openPopup();
      marker.getPopup().options.autoPan = true;
    };
    // A marker inside a group is shown by opening the group (a spider) unless the view must stay as linked;
    // then its own popup opens at its place, over the group, so that there is only ever one popup of it.
    // (features sharing one place stay grouped at every zoom: the popup opens over the group, which a click spreads)
    if (marker && A.cluster.getVisibleParent(marker) === marker) open();
    else if (marker) {
      const popup = marker.getPopup();
      popup.options.autoPan = !keep;
      popup.setLatLng(marker.getLatLng()).openOn(map);
      popup.options.autoPan = true;
    } else {
      L.popup({ maxWidth: 340, autoPan: !keep }).setLatLng([lat, lon]).setContent(A.popupContent(hit.layer, hit.feature.properties)).openOn(map);
    }
  };
})();
