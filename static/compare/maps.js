/* Two Leaflet maps kept in step (pan and zoom), with the prefectures, the compared areas or scheme zones,
   and the layout's points from /api/layers. No basemap tiles: nothing is fetched from another host. */
(function () {
  "use strict";

  const tooltip = (text) => GL.el("div", { text: text });

  /** Keep `b` at the view of `a` and back again; the flag stops the echo. */
  function sync(a, b) {
    let busy = false;
    const follow = (from, to) => () => {
      if (busy) return;
      busy = true;
      to.setView(from.getCenter(), from.getZoom(), { animate: false });
      busy = false;
    };
    a.on("move zoomend", follow(a, b));
    b.on("move zoomend", follow(b, a));
  }

  function create(cfg, t) {
    const opts = { zoomSnap: 0.25, attributionControl: true, preferCanvas: true, minZoom: 4, maxZoom: 12 };
    const left = L.map("cmp-map-left", opts).setView([37.5, 101], 5);
    const right = L.map("cmp-map-right", opts).setView([37.5, 101], 5);
    [left, right].forEach((m) => {
      m.attributionControl.setPrefix(false);
      m.attributionControl.addAttribution(cfg.mapAttribution.replace(/[<>&]/g, ""));
      L.control.scale({ imperial: false }).addTo(m);
    });
    sync(left, right);
    const state = { maps: { left, right }, groups: { left: L.layerGroup().addTo(left), right: L.layerGroup().addTo(right) },
      diff: { left: L.layerGroup().addTo(left), right: L.layerGroup().addTo(right) }, cfg, t,
      sym: GL.symbology(cfg.symbology) };
    return state;
  }

  function layerUrl(cfg, name, params) {
    const q = new URLSearchParams(params);
    return cfg.urls.layer.replace("__name__", encodeURIComponent(name)) + "?" + q.toString();
  }

  function pointFilter(area) {
    if (area.key === "province") return {};
    const parts = area.key.split(":");
    if (parts[0] === "zone") return { scheme: parts[1], zone: parts.slice(2).join(":") };
    return { prefecture: area.members.join(",") };
  }

  function addPoints(state, group, filter, lang, current) {
    const names = ["projects", "enterprises", "parks", "bases"];
    const sym = state.sym;
    return Promise.all(names.map((name) => GL.fetchJSON(layerUrl(state.cfg, name, filter)).then((gj) => {
      if (!current()) return;
      L.geoJSON(gj, {
        // the atlas's symbols: shape by layer (and level for bases), colour by industry
        pointToLayer: (f, latlng) => L.marker(latlng, { icon: sym.icon(sym.shapeOf(name, f.properties), sym.colourOf(f.properties)),
          keyboard: false }),
        onEachFeature: (f, layer) => layer.bindTooltip(tooltip(f.properties["name_" + lang] || f.properties.id)),
      }).addTo(group);
    })));
  }

  /** Draw both sides. `sides` = {left: {area|scheme}, right: ...}; returns a promise of the fitted bounds. */
  function show(state, mode, sides, lang) {
    const cfg = state.cfg;
    const jobs = [];
    const gen = (state.gen = (state.gen || 0) + 1);
    const current = () => gen === state.gen;  // a later call wins; late answers of this one are dropped
    let bounds = null;
    for (const side of ["left", "right"]) {
      const group = state.groups[side];
      group.clearLayers();
      const sel = sides[side];
      const sideColor = state.sym.sides[side];
      if (mode === "areas") {
        const members = new Set(sel.members);
        jobs.push(GL.fetchJSON(layerUrl(cfg, "prefectures", { display: 1 })).then((gj) => {
          if (!current()) return;
          const layer = L.geoJSON(gj, {
            style: (f) => members.has(f.properties.name_zh)
              ? { color: sideColor, weight: 1.5, fillColor: sideColor, fillOpacity: 0.25 }
              : { color: "#8a8f98", weight: 0.8, fillColor: "#f4f4f1", fillOpacity: 0.8 },
            onEachFeature: (f, l) => l.bindTooltip(tooltip(f.properties["name_" + lang] || f.properties.name_zh), { sticky: true }),
          });
          layer.addTo(group);
          layer.bringToBack();
          layer.eachLayer((l) => {
            if (!members.has(l.feature.properties.name_zh)) return;
            const b = l.getBounds();
            bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
          });
        }));
        jobs.push(addPoints(state, group, pointFilter(sel), lang, current));
      } else {
        const order = sel.zones.map((z) => z.id);
        const opacity = cfg.symbology.zones.fill_opacity;
        jobs.push(GL.fetchJSON(layerUrl(cfg, "regions", { display: 1, scheme: sel.id })).then((gj) => {
          if (!current()) return;
          const layer = L.geoJSON(gj, {
            style: (f) => {
              const c = state.sym.zoneColour(order.indexOf(f.properties.zone));
              return { color: c, weight: 1, fillColor: c, fillOpacity: opacity };
            },
            onEachFeature: (f, l) => l.bindTooltip(tooltip(f.properties["name_" + lang] || f.properties.zone), { sticky: true }),
          });
          layer.addTo(group);
          layer.bringToBack();
          bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds();
        }));
        jobs.push(addPoints(state, group, {}, lang, current));
      }
    }
    return Promise.all(jobs).then(() => {
      if (!current()) return null;
      if (bounds && bounds.isValid()) state.maps.left.fitBounds(bounds, { padding: [12, 12], animate: false });
      return bounds;
    });
  }

  /** The version diff: version 2010 positions on the left map, the uploaded version on the right. */
  function showDiff(state, fc, showUnchanged, lang) {
    state.diff.left.clearLayers();
    state.diff.right.clearLayers();
    if (!fc) return;
    for (const f of fc.features) {
      const p = f.properties;
      if (p.status === "unchanged" && !showUnchanged) continue;
      const color = state.sym.diff[p.status] || "#000";
      const label = `${p["name_" + lang] || p.id} · ${p.status}${p.distance_km ? ` · ${p.distance_km} km` : ""}`;
      const marker = (latlng) => L.circleMarker(latlng, { radius: 8, color, weight: 3, fill: false }).bindTooltip(tooltip(label));
      const geom = L.geoJSON(f).getBounds().getCenter();
      const from = p.from_lat !== null && p.from_lat !== undefined ? L.latLng(p.from_lat, p.from_lon) : null;
      if (p.status !== "added") state.diff.left.addLayer(marker(p.status === "removed" ? geom : (from || geom)));
      if (p.status !== "removed") state.diff.right.addLayer(marker(geom));
      if (p.status === "moved" && from) {
        state.diff.right.addLayer(L.polyline([from, geom], { color, weight: 2, dashArray: "4 4" }));
      }
    }
  }

  window.CompareMaps = { create, show, showDiff };
})();
