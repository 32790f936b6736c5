/* Atlas panels on the map: the layer control (basemap / boundaries / layout / resources) and the legend.
 * Resource overlays carry an opacity slider, and their legend (units, range, source, bias of estimates)
 * shows and hides with them. A resource that is not installed shows the command that installs it. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, map = A.map, el = A.el;
  const baseLayers = {}, overlayLayers = {};
  Object.entries(cfg.vars.basemaps).forEach(([id, v]) => (baseLayers[id] = v ? window[v] : null));
  Object.entries(cfg.vars.overlays).forEach(([name, v]) => (overlayLayers[name] = window[v]));

  A.setBase = function (id) {
    Object.entries(baseLayers).forEach(([k, layer]) => layer && k !== id && layer.remove());
    if (baseLayers[id]) baseLayers[id].addTo(map);
    A.state.base = id;
    document.getElementById("amap-note").hidden = id !== "amap";
    A.writeUrl();
  };
  A.setOverlay = function (name, on) {
    const layer = overlayLayers[name];
    if (!layer) return;
    if (on) layer.addTo(map); else layer.remove();
    A.setVisible(name, on);
    A.emit("overlays");
  };
  A.setOpacity = function (name, value) {
    if (overlayLayers[name]) overlayLayers[name].setOpacity(value);
    A.state.opacity[name] = value;
    A.writeUrl();
  };

  /** The overlay's title, with its height unless the title already gives it. */
  function overlayTitle(o) {
    const title = A.pick(o, "title"), height = o.height_m ? o.height_m + " m" : "";
    return height && title.indexOf(height) < 0 ? title + " · " + height : title;
  }
  function collapsible(container, titleKey, body) {
    const open = !container.classList.contains("collapsed");
    const btn = el("button", { type: "button", class: "panel-head", "aria-expanded": String(open),
      onclick: () => { container.classList.toggle("collapsed"); btn.setAttribute("aria-expanded", String(!container.classList.contains("collapsed"))); } },
    el("span", { text: A.t(titleKey) }));
    container.replaceChildren(btn, el("div", { class: "panel-body" }, ...body));
  }
  function group(key, ...items) {
    return el("fieldset", { class: "layer-group", "data-group": key }, el("legend", { text: A.t("group_" + key) }), ...items);
  }
  function check(name, label, extra) {
    return el("label", { class: "layer-item" },
      el("input", { type: "checkbox", "data-layer": name, checked: A.isVisible(name), onchange: (e) => A.toggleLayer(name, e.target.checked) }),
      ...(extra && extra.before ? [extra.before] : []), el("span", { class: "layer-name", text: label }),
      ...(extra && extra.after ? [extra.after] : []));
  }

  /* Other scripts add items: A.panelItems[key] holds functions returning nodes ("basemap": into that group,
   * "groups": whole groups after the layout, "legend": legend parts). */
  A.panelItems = { basemap: [], groups: [], legend: [] };
  const extra = (key) => A.panelItems[key].flatMap((fn) => fn());
  A.layerGroup = group;
  A.layerCheck = check;

  function renderLayers(container) {
    const bases = cfg.basemaps.map((b) => {
      const usable = b.id !== "tianditu" || cfg.tianditu;
      return el("label", { class: "layer-item" + (usable ? "" : " disabled") },
        el("input", { type: "radio", name: "basemap", "data-base": b.id, checked: A.state.base === b.id, disabled: !usable, onchange: () => A.setBase(b.id) }),
        el("span", { text: A.t("base_" + b.id) }),
        usable ? null : el("small", { class: "note", text: A.t("tianditu_no_key") }));
    });
    const boundary = cfg.catalogue.filter((c) => c.group === "boundaries").map((c) =>
      check(c.name, A.pick(c, "title"), c.name === "regions" ? { after: el("small", { class: "note", text: A.pick(A.scheme(), "title") }) } : null));
    const layout = cfg.catalogue.filter((c) => c.group === "layout").map((c) => {
      const shown = (A.shown[c.name] || []).length, total = (A.data[c.name] || []).length;
      const shape = A.shapeOf(c.name, { level: "national" });
      return check(c.name, A.pick(c, "title"), { before: A.symbolNode(shape, A.sym.grey),
        after: el("span", { class: "count", "data-count": c.name, text: shown === total ? String(total) : shown + "/" + total }) });
    });
    const resources = cfg.resources.overlays.map((o) => el("div", { class: "overlay-item" },
      check(o.name, overlayTitle(o), o.in_use ? { after: el("small", { class: "in-use", "data-in-use": o.name, text: " · " + A.t("res_in_use") }) } : null),
      el("label", { class: "opacity" }, el("span", { text: A.t("opacity") }),
        el("input", { type: "range", min: "0", max: "100", step: "5", "data-opacity": o.name,
          value: String(Math.round(100 * (A.state.opacity[o.name] !== undefined ? A.state.opacity[o.name] : 0.7))),
          oninput: (e) => A.setOpacity(o.name, Number(e.target.value) / 100) }))));
    const notices = cfg.resources.notices.map((n) => el("p", { class: "notice", "data-notice": n.name, title: A.pick(n, "caption") },
      A.t("not_installed", { title: A.pick(n, "title"), command: "" }), el("code", { text: n.install_command })));
    if (!resources.length && !notices.length) notices.push(el("p", { class: "note", text: A.t("no_resources") }));
    collapsible(container, "layers", [
      group("basemap", ...bases, el("p", { class: "note", text: A.t("online_note") }), ...extra("basemap")),
      group("boundaries", ...boundary), group("layout", ...layout), ...extra("groups"),
      group("resources", ...resources, ...notices)]);
  }

  function gradient(o) {
    const bar = el("div", { class: "ramp" });
    bar.style.background = "linear-gradient(to right, " + o.colors.join(", ") + ")";
    const fmt = (v) => Number(v).toLocaleString();
    return el("div", { class: "ramp-box" }, bar, el("div", { class: "ramp-ticks" },
      el("span", { text: fmt(o.vmin) }), el("span", { text: fmt((o.vmin + o.vmax) / 2) }), el("span", { text: fmt(o.vmax) + " " + o.units })));
  }
  function renderLegend(container) {
    const parts = A.choroplethLegend ? [A.choroplethLegend()].filter(Boolean) : [];  // static/atlas/choropleth.js
    const layout = [];
    if (A.isVisible("bases")) {
      layout.push(el("li", {}, A.symbolNode("star", "#9aa5b1", 18), A.t("sym_base_national")));
      layout.push(el("li", {}, A.symbolNode("diamond", "#9aa5b1", 14), A.t("sym_base_provincial")));
    }
    [["parks", "square", "sym_park"], ["enterprises", "circle", "sym_enterprise"], ["projects", "triangle", "sym_project"]]
      .forEach(([name, shape, key]) => A.isVisible(name) && layout.push(el("li", {}, A.symbolNode(shape, A.sym.grey), A.t(key))));
    if (layout.length) {
      parts.push(el("ul", { class: "legend-list" }, ...layout));
      parts.push(el("p", { class: "legend-sub", text: A.t("sym_colour") }));
      parts.push(el("ul", { class: "legend-list" }, ...Object.entries(A.INDUSTRY_COLOURS).map(([code, c]) =>
        el("li", {}, A.symbolNode("circle", c, 11), A.sectorName(code)))));
    }
    if (A.isVisible("regions")) {
      parts.push(el("p", { class: "legend-sub", text: A.pick(A.scheme(), "title") }));
      parts.push(el("ul", { class: "legend-list legend-zones" }, ...A.scheme().zones.map((z) => {
        const sw = el("span", { class: "zone-swatch" });
        sw.style.background = A.zoneColour(z.id);
        return el("li", {}, sw, A.pick(z, "name"));
      })));
    }
    cfg.resources.overlays.filter((o) => A.isVisible(o.name)).forEach((o) => {
      const box = el("div", { class: "legend-resource", "data-legend": o.name },
        el("p", { class: "legend-title", text: overlayTitle(o) + " (" + o.units + ")" }),
        gradient(o), el("p", { class: "legend-source" }, el("b", { text: A.t("data_source") + ": " }), A.pick(o, "source") || o.source || ""));
      if (o.is_estimate) box.append(el("p", { class: "legend-bias" }, el("b", { text: A.t("estimate") + " · " + A.t("bias") + ": " }), A.pick(o, "caveat") || o.bias || ""));
      else if (A.pick(o, "caveat")) box.append(el("p", { class: "legend-caveat" }, el("b", { text: A.t("res_caveat") + ": " }), A.pick(o, "caveat")));
      if (A.pick(o, "validation")) box.append(el("p", { class: "legend-validation", "data-validation": o.name }, el("b", { text: A.t("res_validation") + ": " }), A.pick(o, "validation")));
      parts.push(box);
    });
    parts.push(...extra("legend"));
    container.hidden = !parts.length;
    collapsible(container, "legend", parts);
  }

  const LayersControl = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      const box = el("div", { class: "atlas-panel atlas-layers", id: "layer-control" });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });
  const LegendControl = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd: function () {
      const box = el("div", { class: "atlas-panel atlas-legend", id: "legend" });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });
  const layersBox = new LayersControl().addTo(map).getContainer();
  const legendBox = new LegendControl().addTo(map).getContainer();
  /** How far a popup keeps from the right edge: clear of the layer panel when it is open. */
  A.panelRightPad = () => (layersBox.classList.contains("collapsed") ? 40 : layersBox.offsetWidth + 30);
  // a popup is never under the legend: the legend folds while a popup is open
  map.on("popupopen", () => map.getContainer().classList.add("popup-open"));
  map.on("popupclose", () => map.getContainer().classList.remove("popup-open"));
  A.renderLegend = () => renderLegend(legendBox);
  A.renderPanels = function () {
    renderLayers(layersBox);
    renderLegend(legendBox);
  };
  A.on("points", A.renderPanels);
  A.on("overlays", () => renderLegend(legendBox));
  A.on("lang", A.renderPanels);
  A.on("boundaries", () => renderLegend(legendBox));
  A.on("legend", () => renderLegend(legendBox));
  document.getElementById("amap-note").hidden = A.state.base !== "amap";
})();
