/* Atlas core: config, state, labels in two languages, data fetching, permalink, on the shared module GL
 * (static/common/). Every piece of text from data goes into the page through textContent (GL.el), never
 * innerHTML, so names and notes are shown as text whatever characters they hold. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("atlas-config").textContent);
  const A = (window.Atlas = { cfg: cfg, state: cfg.state, map: window[cfg.vars.map] });
  const LIST_FILTERS = ["zone", "sector", "level", "kind", "prefecture"];
  A.LIST_FILTERS = LIST_FILTERS;
  A.POINT_LAYERS = ["bases", "parks", "enterprises", "projects"];

  /* ---- events ---- */
  const handlers = {};
  A.on = (name, fn) => (handlers[name] = handlers[name] || []).push(fn);
  A.emit = (name, arg) => (handlers[name] || []).forEach((fn) => fn(arg));

  /* ---- labels ---- */
  A.t = GL.translator(() => cfg.strings[A.state.lang]);
  /** obj.title_zh / obj.name_en … in the current language, falling back to the other one. */
  A.pick = function (obj, base) {
    if (base === "name" && ("name_zh" in obj || "name_en" in obj)) return GL.dataName(obj, A.state.lang);
    const other = A.state.lang === "zh" ? "en" : "zh";
    return obj[base + "_" + A.state.lang] || obj[base + "_" + other] || "";
  };
  A.vocab = function (vocabulary, code) {
    const entry = (cfg.vocab[vocabulary] || {})[code];
    return entry ? entry[A.state.lang] : code;
  };
  const sectorsByCode = {};
  cfg.sectors.forEach((s) => (sectorsByCode[s.code] = s));
  A.sector = (code) => sectorsByCode[code];
  A.sectorName = (code) => (sectorsByCode[code] ? A.pick(sectorsByCode[code], "name") : code);
  /** The top-level industry of a sector code. */
  A.industry = (code) => (sectorsByCode[code] && sectorsByCode[code].parent) || code;
  const prefEn = {};
  cfg.prefectures.forEach((p) => (prefEn[p.name_zh] = p.name_en));
  A.prefectureName = (zh) => (A.state.lang === "en" && prefEn[zh]) || zh || "";
  const countyEn = {};
  cfg.counties.forEach((c) => (countyEn[c.prefecture + "|" + c.name_zh] = c.name_en));
  A.countyName = (pref, zh) => (A.state.lang === "en" && countyEn[pref + "|" + zh]) || zh || "";
  A.layerSpec = (name) => cfg.catalogue.find((c) => c.name === name);
  A.scheme = () => cfg.schemes.find((s) => s.id === A.state.scheme) || cfg.schemes[0];
  A.zone = (id) => A.scheme().zones.find((z) => z.id === id);

  /* ---- DOM ---- */
  A.el = GL.el;
  /** Re-label the static parts of the page marked with data-i18n, data-i18n-title, data-i18n-placeholder. */
  A.relabel = (root) => GL.relabel(root || document, A.t);
  A.toast = function (text) {
    const box = document.getElementById("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(A._toastTimer);
    A._toastTimer = setTimeout(() => (box.hidden = true), 2500);
  };

  /* ---- data ---- */
  A.fetchJSON = GL.fetchJSON;
  A.url = (template, name) => cfg.urls[template].replace("__name__", encodeURIComponent(name));

  /* ---- permalink: the same format gislayout.maps.state parses ---- */
  A.query = function () {
    const s = A.state, d = cfg.defaults, parts = [];
    const add = (k, v) => parts.push([k, v]);
    if (s.lang !== d.lang) add("lang", s.lang);
    if (s.scheme !== d.scheme) add("scheme", s.scheme);
    LIST_FILTERS.forEach((k) => s[k].length && add(k, s[k].join(",")));
    if (s.layers.join(",") !== d.layers.join(",")) add("layers", s.layers.join(","));
    if (s.base !== d.base) add("base", s.base);
    const op = Object.keys(s.opacity).sort().map((k) => k + ":" + s.opacity[k]);
    if (op.length) add("opacity", op.join(","));
    const c = A.map.getCenter(), z = A.map.getZoom();
    const lat = Math.round(c.lat * 1e4) / 1e4, lon = Math.round(c.lng * 1e4) / 1e4;
    if (lat !== d.centre[0] || lon !== d.centre[1] || z !== d.zoom) {
      add("c", lat + "," + lon);
      add("z", z);
    }
    if (s.selected) add("sel", s.selected);
    if (s.choro) add("choro", s.choro);
    if (s.version) add("version", s.version);  // the version of the layout shown (static/atlas/versions.js)
    return GL.url.query(parts);
  };
  A.writeUrl = function () {
    clearTimeout(A._urlTimer);
    A._urlTimer = setTimeout(() => {
      const q = A.query();
      // the hash is not the atlas's: it holds the siting panel's state and scenarios, which may not be read yet
      GL.url.replace(q, location.hash.replace(/^#/, ""));
      A.emit("url");
    }, 80);
  };
  A.isVisible = (name) => A.state.layers.indexOf(name) >= 0;
  A.setVisible = function (name, on) {
    const layers = A.state.layers.filter((n) => n !== name);
    if (on) layers.push(name);
    const order = cfg.catalogue.map((c) => c.name).concat(cfg.resources.overlays.map((o) => o.name));
    A.state.layers = layers.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    A.writeUrl();
  };
})();
