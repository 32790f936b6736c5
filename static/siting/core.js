/* The siting panel's shared state and helpers (window.SitingPanel, "S" in the panel's files), on the pages'
 * shared module GL (static/common/core.js, loaded first). The panel is split by concern, each file adding to S:
 *   core.js      this: the panel's root and config, state, language, number formats, the message line
 *   strings.js   its words in Chinese and English
 *   params.js    the form: thresholds, weights and the other parameters, from /api/siting/params
 *   urlstate.js  the parameters in the URL hash, and the run's query string
 *   scenarios.js scenarios A and B: saved, compared side by side
 *   results.js   a run of /api/siting/run and its summary, caveat, charts, ranked table and exports
 *   mapview.js   the suitability overlay and the zone polygons on the Leaflet map, their popups
 *   uploads.js   uploads of exclusion polygons and candidate sites
 *   siting.js    start: attach to the map, wire the controls, load the parameters (load it last)
 * Attaches to window.gislayoutMap, else window.Atlas.map. Text from data is only ever set with textContent. */
(function () {
  "use strict";
  const root = document.getElementById("siting-panel");
  if (!root) return;
  const cfg = JSON.parse(root.querySelector(".siting-config").textContent);
  const S = (window.SitingPanel = { root: root, cfg: cfg, map: null });
  S.$ = (sel) => root.querySelector(sel);

  S.state = { tech: "pv", values: {}, exclude: [], info: null, lang: cfg.lang || "zh", seq: 0, scenarios: {}, cmpSeq: 0 };

  /* ---- language ---- */
  // the stand-alone page has a small window.Atlas for the atlas's context layers (standalone.js): not the atlas
  S.atlas = () => window.Atlas && window.Atlas.state && !window.Atlas.standalone ? window.Atlas : null;
  S.lang = () => (S.atlas() && S.atlas().state.lang) || S.state.lang;
  S.t = GL.translator(() => S.STRINGS[S.lang()]);
  S.label = (key) => S.STRINGS[S.lang()].keys[key] || key;
  /** A criterion's units in the panel's language (the server words them in English). */
  S.unitsText = (u) => (S.lang() === "zh" ? u.replace(" at hub height", "，轮毂高度").replace("km (weighted)", "km（按耗电等级加权）") : u);
  S.fmt = (v, digits) => GL.num(v, S.lang(), digits);
  // the headline figures: GW and multiples of the target with exactly one decimal (never a percentage)
  S.fmt1 = (v) => GL.fixed(v, S.lang(), 1);
  /** What supply.js, offtakers.js and waterfall.js are handed to word and format their parts. */
  S.ctx = { t: (k, v) => S.t(k, v), lang: () => S.lang(), fmt: (v, d) => S.fmt(v, d) };
  S.message = (text) => { const m = S.$(".siting-message"); m.textContent = text || ""; m.hidden = !text; };

  /** Re-word the panel (a language change): its static labels, the form, the last run and the comparison. */
  S.relabel = function () {
    GL.relabel(root, S.t, "siting-i18n");
    S.$(".siting-lang").textContent = S.t("lang");
    if (S.state.info) S.buildInputs();
    if (S.state.last) S.render(S.state.last);
    if (S.state.compared) window.SitingSupply.compare(S.$(".siting-compare"), S.state.compared, S.ctx);
  };
})();
