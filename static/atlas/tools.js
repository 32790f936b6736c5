/* Atlas tools: measure distance and area, language switch, copy link, and the labels of Leaflet's own
 * controls (search is static/atlas/search.js). */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, map = A.map, el = A.el;

  /* ---- measure (geodesic distance along the clicks; spherical area of the ring) ---- */
  const RULER = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M3 17 17 3l4 4L7 21z" fill="none" stroke="#222" stroke-width="1.6"/><path d="M7 13l2 2M10 10l2 2M13 7l2 2" stroke="#222" stroke-width="1.6"/></svg>';
  const drawn = L.layerGroup().addTo(map);
  let points = [], measuring = false, readout, button;
  function areaM2(latlngs) {
    const r = Math.PI / 180;
    let a = 0;
    latlngs.forEach((p, i) => { const q = latlngs[(i + 1) % latlngs.length]; a += (q.lng - p.lng) * r * (2 + Math.sin(p.lat * r) + Math.sin(q.lat * r)); });
    return Math.abs(a * 6378137 * 6378137 / 2);
  }
  function fmtLength(m) { return m < 1000 ? Math.round(m) + " m" : (m / 1000).toLocaleString(undefined, { maximumFractionDigits: m < 1e5 ? 2 : 0 }) + " km"; }
  function fmtArea(m2) { return (m2 / 1e6).toLocaleString(undefined, { maximumFractionDigits: m2 < 1e8 ? 2 : 0 }) + " km²"; }
  function redraw() {
    drawn.clearLayers();
    if (points.length > 2) L.polygon(points, { color: "#c0392b", weight: 1, fillOpacity: 0.12, interactive: false }).addTo(drawn);
    L.polyline(points, { color: "#c0392b", weight: 2.5, dashArray: "6 4", interactive: false }).addTo(drawn);
    points.forEach((p) => L.circleMarker(p, { radius: 3.5, color: "#c0392b", fillColor: "#fff", fillOpacity: 1, weight: 2, interactive: false }).addTo(drawn));
    let d = 0;
    for (let i = 1; i < points.length; i++) d += map.distance(points[i - 1], points[i]);
    readout.replaceChildren(
      el("p", { class: "note", text: A.t("measure_hint") }),
      el("p", { "data-measure": "distance" }, el("b", { text: A.t("distance") + ": " }), fmtLength(d)),
      points.length > 2 ? el("p", { "data-measure": "area" }, el("b", { text: A.t("area") + ": " }), fmtArea(areaM2(points))) : null,
      el("div", { class: "measure-actions" },
        el("button", { type: "button", class: "btn btn-small", text: A.t("finish"), onclick: () => stop(false) }),
        el("button", { type: "button", class: "btn btn-small", text: A.t("clear"), onclick: () => stop(true) })));
  }
  function start() {
    measuring = true;
    points = [];
    button.classList.add("on");
    map.doubleClickZoom.disable();
    map.getContainer().classList.add("measuring");
    readout.hidden = false;
    redraw();
  }
  function stop(clear) {
    measuring = false;
    button.classList.remove("on");
    map.doubleClickZoom.enable();
    map.getContainer().classList.remove("measuring");
    if (clear) { drawn.clearLayers(); readout.hidden = true; points = []; }
  }
  const Measure = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      const box = el("div", { class: "leaflet-bar measure-control" });
      button = el("a", { href: "#", role: "button", id: "measure-button", title: A.t("measure"), "aria-label": A.t("measure"),
        onclick: (e) => { e.preventDefault(); measuring ? stop(false) : start(); } });
      button.innerHTML = RULER;
      readout = el("div", { class: "measure-readout atlas-panel", hidden: true });
      box.append(button, readout);
      L.DomEvent.disableClickPropagation(box);
      return box;
    },
  });
  new Measure().addTo(map);
  map.on("click", (e) => { if (measuring) { points.push(e.latlng); redraw(); } });
  map.on("dblclick", () => measuring && stop(false));
  document.addEventListener("keydown", (e) => e.key === "Escape" && measuring && stop(false));

  /* ---- Leaflet controls in the current language ---- */
  A.localiseControls = function () {
    const zoom = map.zoomControl;
    if (zoom) {
      [[zoom._zoomInButton, "zoom_in"], [zoom._zoomOutButton, "zoom_out"]].forEach(([b, k]) => { b.title = A.t(k); b.setAttribute("aria-label", A.t(k)); });
    }
    const fs = window[cfg.vars.fullscreen];
    if (fs && fs.link) {
      fs.options.title = A.t("fullscreen");
      fs.options.titleCancel = A.t("exit_fullscreen");
      fs.link.title = map._isFullscreen ? fs.options.titleCancel : fs.options.title;
      fs.link.setAttribute("aria-label", fs.link.title);
    }
    const mm = window[cfg.vars.minimap];
    if (mm) {
      mm.options.strings = { hideText: A.t("minimap_hide"), showText: A.t("minimap_show") };
      if (mm._toggleDisplayButton) mm._toggleDisplayButton.title = mm._minimized ? A.t("minimap_show") : A.t("minimap_hide");
    }
    if (button) { button.title = A.t("measure"); button.setAttribute("aria-label", A.t("measure")); }
    if (measuring || (readout && !readout.hidden)) redraw();
  };

  /* ---- language, link, side panel ---- */
  A.setLang = function (lang) {
    A.state.lang = lang;
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = A.t("title");
    A.relabel();
    document.querySelectorAll("[data-nav]").forEach((a) => (a.href = a.dataset.nav + (lang === "en" ? "?lang=en" : "")));
    A.localiseControls();
    A.emit("lang");
    if (map._popup && map.hasLayer(map._popup)) map._popup.update();
    A.writeUrl();
  };
  document.getElementById("lang-toggle").addEventListener("click", () => A.setLang(A.state.lang === "zh" ? "en" : "zh"));
  document.getElementById("copy-link").addEventListener("click", () => {
    const done = () => A.toast(A.t("copied"));
    const fallback = () => {
      const area = el("textarea", { class: "copy-buffer", readonly: true });
      area.value = location.href;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
      done();
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(location.href).then(done, fallback);
    else fallback();
  });
  document.getElementById("panel-toggle").addEventListener("click", () => {
    document.getElementById(cfg.root_id).classList.toggle("side-collapsed");
    setTimeout(() => map.invalidateSize(), 220);
  });
})();
