/* The stand-alone /siting page's map: the atlas's offline shaded relief and its map context (place names,
 * rivers, railway stations), drawn by the atlas's own static/atlas/context.js. context.js talks to
 * window.Atlas; this gives it the few members it uses, from the page's map config
 * (gislayout/maps/sitingpage.py), and a small layer control. `standalone: true` tells siting.js this is not
 * the atlas (the panel keeps its own language switch and URL state). */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("siting-map-config").textContent);
  const map = L.map("siting-map", { preferCanvas: true }).setView([38.2, 100.5], 5);
  map.attributionControl.addAttribution(cfg.attribution);
  const relief = L.imageOverlay(cfg.urls.relief, cfg.relief.bounds, { pane: "tilePane", className: "siting-relief",
    attribution: cfg.relief.attribution }).addTo(map);
  fetch(cfg.urls.prefectures).then((r) => r.json()).then((gj) =>
    L.geoJSON(gj, { style: { color: "#52606d", weight: 1, fill: false }, interactive: false }).addTo(map));
  window.gislayoutMap = map;

  const handlers = {};
  const A = (window.Atlas = {
    standalone: true, map: map, el: GL.el, fetchJSON: GL.fetchJSON,
    cfg: { context_layers: cfg.context_layers, urls: { context: cfg.urls.context } },
    sym: { spec: { context: cfg.context_style } },
    state: { lang: cfg.lang, layers: cfg.context_layers.map((c) => c.name) },
    panelItems: { basemap: [] },
    on: (name, fn) => (handlers[name] = handlers[name] || []).push(fn),
    emit: (name, arg) => (handlers[name] || []).forEach((fn) => fn(arg)),
    url: (template, name) => cfg.urls[template].replace("__name__", encodeURIComponent(name)),
    isVisible: (name) => A.state.layers.indexOf(name) >= 0,
    setVisible(name, on) {
      A.state.layers = A.state.layers.filter((n) => n !== name).concat(on ? [name] : []);
    },
    toggleLayer(name, on) {
      if (name !== "relief") return;
      A.setVisible(name, on);
      if (on) relief.addTo(map); else relief.remove();
    },
    layerCheck: (name, label, extra) => GL.el("label", { class: "layer-item" },
      GL.el("input", { type: "checkbox", "data-layer": name, checked: A.isVisible(name),
        onchange: (e) => A.toggleLayer(name, e.target.checked) }),
      GL.el("span", { class: "layer-name", text: label }), ...(extra && extra.after ? [extra.after] : [])),
    toast: (text) => { box.title = text; },
    renderPanels() {
      box.replaceChildren(A.layerCheck("relief", A.t("base_relief")), ...A.panelItems.basemap.flatMap((fn) => fn()));
    },
    /** Switch the map's labels (the panel's language button calls this). */
    setLang(lang) {
      A.state.lang = lang;
      A.renderPanels();
      A.emit("lang", lang);
    },
  });
  A.t = GL.translator(() => cfg.strings[A.state.lang]);
  A.pick = (obj, base) => obj[base + "_" + A.state.lang] || obj[base + "_" + (A.state.lang === "zh" ? "en" : "zh")] || "";
  A.state.layers.push("relief");

  const box = GL.el("div", { class: "siting-layers leaflet-bar" });
  const control = L.control({ position: "bottomleft" });
  control.onAdd = () => box;
  control.addTo(map);
  L.DomEvent.disableClickPropagation(box);
})();
