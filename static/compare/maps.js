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
    // The diff draws above the layout's symbols (marker pane 600, tooltips 650) in SVG, so that each changed
    // feature is an element of its own to hover and click, whatever symbol lies under it.
    const renderers = {};
    for (const [side, m] of [["left", left], ["right", right]]) {
      m.createPane("diffPane").style.zIndex = 620;
      renderers[side] = L.svg({ pane: "diffPane" });
    }
    const state = { maps: { left, right }, groups: { left: L.layerGroup().addTo(left), right: L.layerGroup().addTo(right) },
      diff: { left: L.layerGroup().addTo(left), right: L.layerGroup().addTo(right) }, renderers, cfg, t,
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

  /** A popup of one diff row: name, status, layer and id, the distance moved, the changed fields. */
  function diffPopup(p, lang, t) {
    const km = p.moved ? ` · ${p.moved_km} km` : "";
    const node = GL.el("div", { class: "cmp-popup", "data-id": p.id },
      GL.el("strong", { text: p["name_" + lang] || p.name_zh || p.id }),
      GL.el("div", { text: `${(t && t[p.status]) || p.status}${km}` }),
      GL.el("div", { class: "cmp-popup-id", text: `${(t && t.layerNames[p.layer]) || p.layer || ""} · ${p.id}` }));
    const before = p.before || {};
    const after = p.after || {};
    (p.changed_fields ? p.changed_fields.split(";") : []).forEach((f) => {
      node.appendChild(GL.el("div", { text: `${f}: ${before[f] ?? "—"} → ${after[f] ?? "—"}` }));
    });
    return node;
  }

  /** Two short strokes at `to`, pointing along from → to: the head of the move arrow. */
  function arrowHead(map, from, to, color, where) {
    const a = map.project(from, 8);
    const b = map.project(to, 8);
    const angle = Math.atan2(b.y - a.y, b.x - a.x);
    const len = Math.min(14, a.distanceTo(b) / 2);
    const wing = (da) => map.unproject(L.point(b.x - len * Math.cos(angle + da), b.y - len * Math.sin(angle + da)), 8);
    return L.polyline([wing(0.45), to, wing(-0.45)], { ...where, color, weight: 2.5, interactive: false });
  }

  /** The version diff: version A's places on the left map, version B's on the right. Added features show at
   *  their new place (B), removed ones at their old place (on both maps, dashed on B), moved ones as an arrow
   *  from the old place to the new with the distance, changed ones at their place. `state.diffItems` lists
   *  what is drawn ({id, status, side}) for tests and the console. */
  function showDiff(state, fc, showUnchanged, lang, t) {
    state.diff.left.clearLayers();
    state.diff.right.clearLayers();
    state.diffItems = [];
    if (!fc) return;
    const add = (side, layer, p) => {
      state.diff[side].addLayer(layer);
      const node = layer.getElement && layer.getElement();
      if (node) node.dataset.id = p.id;
      state.diffItems.push({ id: p.id, status: p.status, side, layer: p.layer });
    };
    const on = (side, extra) => ({ pane: "diffPane", renderer: state.renderers[side], ...extra });
    for (const f of fc.features) {
      const p = f.properties;
      if (p.status === "unchanged" && !showUnchanged) continue;
      const color = state.sym.diff[p.status] || "#000";
      const label = `${p["name_" + lang] || p.name_zh || p.id} · ${(t && t[p.status]) || p.status}` +
        (p.moved ? ` · ${p.moved_km} km` : "");
      const marker = (side, latlng, extra) => L.circleMarker(latlng, on(side, { radius: 8, color, weight: 3, fill: true,
        fillOpacity: 0.15, className: "cmp-diff cmp-diff-" + p.status, ...extra }))
        .bindTooltip(tooltip(label)).bindPopup(diffPopup(p, lang, t));
      const here = L.geoJSON(f).getBounds().getCenter();
      const from = p.from_lat !== null && p.from_lat !== undefined ? L.latLng(p.from_lat, p.from_lon) : null;
      if (p.status === "added") {
        add("right", marker("right", here), p);
      } else if (p.status === "removed") {
        add("left", marker("left", here), p);
        add("right", marker("right", here, { dashArray: "3 4", fillOpacity: 0 }), p);
      } else if (p.status === "moved" && from) {
        add("left", marker("left", from), p);
        add("right", marker("right", from, { radius: 5, weight: 2, dashArray: "3 4", fillOpacity: 0 }), p);
        const line = L.polyline([from, here], on("right", { color, weight: 2.5, className: "cmp-diff-arrow" }))
          .bindTooltip(tooltip(`${p.moved_km} km`), { permanent: true, direction: "center", className: "cmp-km" })
          .bindPopup(diffPopup(p, lang, t));
        add("right", line, p);
        add("right", arrowHead(state.maps.right, from, here, color, on("right")), p);
        add("right", marker("right", here), p);
      } else {
        add("left", marker("left", from || here), p);
        add("right", marker("right", here), p);
      }
    }
    const bounds = L.featureGroup(state.diff.right.getLayers().concat(state.diff.left.getLayers())).getBounds();
    if (bounds.isValid()) state.maps.right.fitBounds(bounds.pad(0.15), { maxZoom: 9, animate: false });
  }

  window.CompareMaps = { create, show, showDiff };
})();
