/* Scenarios A and B of the siting panel (part of window.SitingPanel, see static/siting/core.js): each a saved
 * query string in the hash (siting_a=, siting_b=; urlstate.js), run together and drawn side by side by
 * window.SitingSupply.compare (supply.js). */
(function () {
  "use strict";
  const S = window.SitingPanel;
  if (!S) return;
  const { $, state, cfg } = S;
  const t = S.t, label = S.label, message = S.message, ctx = S.ctx;

  function saveScenario(name) {
    state.scenarios[name] = S.query();
    S.writeScenarios();
    message(t("saved", { name: name }));
  }
  /** A saved scenario's query ("tech=pv&t_resource=1800") as the panel's words: "光伏 · 资源 阈值 1800". */
  function scenarioText(text) {
    return Array.from(new URLSearchParams(text)).map(([k, v]) => {
      if (k === "tech") return t(v) || v;
      const m = /^([tw])_(.+)$/.exec(k);
      if (m) return label(m[2]) + " " + t(m[1] === "t" ? "threshold" : "weight") + " " + v;
      return label(k) + " " + v;
    }).join(" · ");
  }
  /** Run both saved scenarios and show their supply curves and top zones side by side. */
  function compareScenarios() {
    const names = ["A", "B"].filter((n) => state.scenarios[n]);
    if (names.length < 2) { message(t("need_both")); return Promise.resolve(); }
    const seq = ++state.cmpSeq;
    return Promise.all(names.map((n) => GL.fetchJSON(cfg.urls.run + "?" + state.scenarios[n]))).then((bodies) => {
      if (seq !== state.cmpSeq) return;
      const runs = {};
      names.forEach((n, i) => (runs[n] = { body: bodies[i], changed: scenarioText(state.scenarios[n]) }));
      state.compared = runs;
      window.SitingSupply.compare($(".siting-compare"), runs, ctx);
      $(".siting-compare-close").hidden = false;
    }).catch((e) => message(e.message));
  }
  function closeCompare() {
    state.compared = null;
    $(".siting-compare").hidden = true;
    $(".siting-compare").replaceChildren();
    $(".siting-compare-close").hidden = true;
  }
  S.saveScenario = saveScenario;
  S.compareScenarios = compareScenarios;
  S.closeCompare = closeCompare;
})();
