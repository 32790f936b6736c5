/* Atlas map context: place names, rivers and railway stations (gislayout/maps/contextlayers.py), switchable in
 * the basemap group. Each layer is fetched the first time the map is zoomed in to its threshold, so the first
 * page does not carry it; labels are drawn only inside the view, and place names thin out by zoom: prefecture
 * seats first, county seats from zoom 9, towns from zoom 11. Seats carry the atlas's own admin names. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, map = A.map, el = A.el;
  const specs = {}, data = {}, loading = {}, groups = {};
  const style = A.sym.spec.context;
  cfg.context_layers.forEach((c) => (specs[c.name] = c));
  A.CONTEXT_LAYERS = Object.keys(specs);

  const pane = map.createPane("context");
  pane.style.zIndex = 450;          // over boundaries and overlays, under the features' markers
  pane.style.pointerEvents = "none";
  const riverPane = map.createPane("rivers");
  riverPane.style.zIndex = 375;     // under the boundaries, over the relief and the resource overlays
  riverPane.style.pointerEvents = "none";

  A.CONTEXT_LAYERS.forEach((name) => (groups[name] = L.layerGroup([], { attribution: specs[name].attribution })));

  /** Rows of a {columns, rows} payload as objects. */
  function records(doc) {
    return doc.rows.map((r) => {
      const o = {};
      doc.columns.forEach((c, i) => (o[c] = r[i]));
      return o;
    });
  }
  const wanted = (name) => A.isVisible(name) && map.getZoom() >= specs[name].min_zoom;

  function label(lat, lon, text, cls) {
    return L.marker([lat, lon], { pane: "context", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "ctx-label " + cls, iconSize: null,
        html: el("span", { class: "ctx-text", lang: A.state.lang === "zh" ? "zh-CN" : "en", text: text }) }) });
  }

  function drawPlaces() {
    const g = groups.places, z = map.getZoom(), view = map.getBounds().pad(0.15);
    const rankZoom = specs.places.rank_zoom;
    g.clearLayers();
    data.places.forEach((p) => {
      if (z < rankZoom[String(p.rank)] || !view.contains([p.lat, p.lon])) return;
      const name = A.pick(p, "name");
      if (name) g.addLayer(label(p.lat, p.lon, name, "rank-" + p.rank));
    });
  }
  function drawStations() {
    const g = groups.railway_stations, z = map.getZoom(), view = map.getBounds().pad(0.15), s = style.railway_stations;
    g.clearLayers();
    data.railway_stations.forEach((p) => {
      if (!view.contains([p.lat, p.lon])) return;
      g.addLayer(L.circleMarker([p.lat, p.lon], { pane: "context", radius: s.px, color: s.colour, weight: 1.5,
        fillColor: s.fill, fillOpacity: 1, interactive: false }));
      if (p.name && z >= 11) g.addLayer(label(p.lat, p.lon, p.name, "station"));
    });
  }
  function drawRivers() {
    const s = style.rivers;
    groups.rivers.clearLayers();
    groups.rivers.addLayer(L.geoJSON(data.rivers, { pane: "rivers", interactive: false,
      style: (f) => ({ color: s.colour, weight: s.px + (f.properties.scalerank <= 3 ? 1 : 0), opacity: 0.9 }) }));
  }
  const DRAW = { places: drawPlaces, railway_stations: drawStations, rivers: drawRivers };

  function load(name) {
    if (!loading[name]) {
      loading[name] = A.fetchJSON(A.url("context", name)).then((doc) => {
        data[name] = name === "rivers" ? doc : records(doc);
      }).catch((err) => {
        delete loading[name];
        console.warn(err);
        A.toast(A.t("load_failed", { name: A.t("ctx_" + name) }));
      });
    }
    return loading[name];
  }

  /** Show, hide, fetch and redraw the context layers for the current view and zoom. */
  A.syncContext = function () {
    return Promise.all(A.CONTEXT_LAYERS.map((name) => {
      if (!wanted(name)) {
        groups[name].remove();
        return Promise.resolve();
      }
      return load(name).then(() => {
        if (!data[name] || !wanted(name)) return;
        if (name !== "rivers" || !groups.rivers.getLayers().length) DRAW[name]();
        groups[name].addTo(map);
      });
    }));
  };

  const toggle = A.toggleLayer;
  A.toggleLayer = function (name, on) {
    if (!specs[name]) return toggle(name, on);
    A.setVisible(name, on);
    A.syncContext();
  };

  A.panelItems.basemap.push(() => [el("p", { class: "layer-sub", text: A.t("group_context") }),
    ...A.CONTEXT_LAYERS.map((name) => A.layerCheck(name, A.t("ctx_" + name),
      { after: el("small", { class: "note", text: A.t("ctx_zoom", { z: specs[name].min_zoom }) }) }))]);

  map.on("moveend", A.syncContext);
  A.on("lang", () => data.places && wanted("places") && drawPlaces());
  A.renderPanels();
  A.syncContext().then(() => (document.body.dataset.contextReady = "1"));
})();
