/* The siting panel (templates/partials/siting_panel.html): thresholds and weights per criterion, a run of
 * /api/siting/run, the suitability overlay and zone polygons on the Leaflet map, a ranked table, exports,
 * and uploads of exclusion polygons and candidate sites. The panel's parts are in window.SitingPanel
 * (static/siting/core.js lists its files); this one starts it: it attaches to the map, wires the controls and
 * loads the parameters, so load it after the others (templates/partials/siting_scripts.html).
 *
 * Attaches to window.gislayoutMap, else window.Atlas.map. Parameters live in the URL hash
 * (#siting=tech=pv&w_resource=0.6…), which the atlas's own permalink keeps (re-added on its "url" event).
 * Text from data is only ever set with textContent. */
(function () {
  "use strict";
  const S = window.SitingPanel;
  if (!S) return;
  const { $, state, root, cfg } = S;
  const lang = S.lang;

  function attach() {
    S.map = window.gislayoutMap || (window.Atlas && window.Atlas.map) || null;
    return !!S.map;
  }
  function start() {
    S.readHash();
    S.readScenarios();
    const standalone = !S.atlas();
    if (standalone) {
      root.classList.remove("siting-collapsed");
      const langBtn = $(".siting-lang");
      langBtn.hidden = false;
      langBtn.addEventListener("click", () => {
        state.lang = state.lang === "zh" ? "en" : "zh";
        const u = new URL(location.href);
        u.searchParams.set("lang", state.lang);
        history.replaceState(null, "", u.pathname + u.search + u.hash);
        document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
        if (window.Atlas && window.Atlas.setLang) window.Atlas.setLang(state.lang);  // the map's labels
        S.relabel();
      });
    } else {
      window.Atlas.on("lang", S.relabel);
      // the atlas rewrites the URL without the hash: put the siting state back when it is not the default
      window.Atlas.on("url", () => {
        const custom = state.tech !== "pv" || Object.keys(S.changed()).length || state.exclude.length;
        if (location.hash.indexOf("siting=") < 0 && custom) S.writeHash();
        if (location.hash.indexOf("siting_a=") < 0 && location.hash.indexOf("siting_b=") < 0) S.writeScenarios();
      });
    }
    $(".siting-toggle").addEventListener("click", () => {
      const open = root.classList.toggle("siting-collapsed") === false;
      $(".siting-body").hidden = !open;
      $(".siting-toggle").setAttribute("aria-expanded", String(open));
      if (open && !state.last) S.run();
    });
    root.querySelectorAll("input[name=siting-tech]").forEach((r) => r.addEventListener("change", () => {
      state.tech = r.value;
      state.values = {};
      state.last = null;
      S.writeHash();
      S.buildInputs();
      availability();
      S.run();
    }));
    $(".siting-run").addEventListener("click", S.run);
    $(".siting-save-a").addEventListener("click", () => S.saveScenario("A"));
    $(".siting-save-b").addEventListener("click", () => S.saveScenario("B"));
    $(".siting-compare-run").addEventListener("click", S.compareScenarios);
    $(".siting-compare-close").addEventListener("click", S.closeCompare);
    $(".siting-reset").addEventListener("click", () => { state.values = {}; S.writeHash(); S.buildInputs(); S.run(); });
    $(".siting-excl-file").addEventListener("change", S.uploadExclusions);
    $(".siting-sites-file").addEventListener("change", S.uploadSites);
    // keep the map from panning or zooming while the pointer is on the panel
    if (window.L && L.DomEvent) { L.DomEvent.disableClickPropagation(root); L.DomEvent.disableScrollPropagation(root); }
    const open = !root.classList.contains("siting-collapsed");
    $(".siting-body").hidden = !open;
    $(".siting-toggle").setAttribute("aria-expanded", String(open));
    S.relabel();
    GL.fetchJSON(cfg.urls.params).then((info) => {
      state.info = info;
      S.buildInputs();
      availability();
      S.drawExclusions();
      if (open) S.run();
      if (state.scenarios.A && state.scenarios.B) S.compareScenarios();
    }).catch((e) => S.message(String(e)));
  }
  function availability() {
    const info = state.info[state.tech];
    $(".siting-run").disabled = !info.available;
    S.message(info.available ? "" : (lang() === "zh" && info.message_zh) || info.message);
  }
  let tries = 0;
  (function wait() {
    if (attach() || tries++ > 50) start();
    else setTimeout(wait, 100);
  })();
  window.gislayoutSiting = {
    state: state, run: S.run, compare: S.compareScenarios,
    /** Number of zone polygons on the map (for tests and the console). */
    zoneCount: S.zoneCount,
  };
})();
