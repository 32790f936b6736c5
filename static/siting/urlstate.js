/* The siting panel's URL state (part of window.SitingPanel, see static/siting/core.js): the parameters that
 * differ from the defaults live in the hash (#siting=tech=pv&w_resource=0.6…), which the atlas's own permalink
 * keeps (siting.js re-adds it on the atlas's "url" event), and make the query string of every run and export. */
(function () {
  "use strict";
  const S = window.SitingPanel;
  if (!S) return;
  const { state, root } = S;

  /** The panel's state from #siting=… (tech, exclusion ids, parameters); the panel opens when there is one. */
  function readHash() {
    const text = GL.url.hashParam("siting");
    if (text === null) return;  // none, or a mangled link: start from the defaults
    const q = new URLSearchParams(text);
    if (q.get("tech") === "wind" || q.get("tech") === "pv") state.tech = q.get("tech");
    state.exclude = (q.get("exclude") || "").split(",").filter((s) => /^[0-9a-f]{16}$/.test(s));
    q.forEach((v, k) => { if (k !== "tech" && k !== "exclude") state.values[k] = v; });
    root.classList.remove("siting-collapsed");
  }
  /** Scenarios A and B: each a saved query string (tech=…&wacc=…) in the hash as siting_a= and siting_b=. */
  function readScenarios() {
    ["A", "B"].forEach((name) => {
      const text = GL.url.hashParam("siting_" + name.toLowerCase());
      if (text !== null && /^tech=(pv|wind)(&|$)/.test(text)) state.scenarios[name] = text;
    });
    if (state.scenarios.A || state.scenarios.B) root.classList.remove("siting-collapsed");
  }
  function writeScenarios() {
    Object.keys(state.scenarios).forEach((name) => GL.url.replace(location.search.slice(1),
      GL.url.withHashParam("siting_" + name.toLowerCase(), state.scenarios[name])));
  }
  /** The parameters that differ from the model's defaults: only these go in links and runs. */
  function changed() {
    const d = (state.info && state.info[state.tech].defaults) || {};
    const out = {};
    Object.keys(state.values).forEach((k) => {
      const dv = d[k] === null || d[k] === undefined ? "" : String(d[k]);
      if (Object.prototype.hasOwnProperty.call(d, k) && String(state.values[k]) !== dv) out[k] = state.values[k];
    });
    return out;
  }
  /** The query string of a run or export: tech, the changed parameters, exclusions, and `extra`. */
  function query(extra) {
    const q = new URLSearchParams(Object.assign({ tech: state.tech }, changed(), extra || {}));
    if (state.exclude.length) q.set("exclude", state.exclude.join(","));
    return q.toString();
  }
  function writeHash() {
    GL.url.replace(location.search.slice(1), GL.url.withHashParam("siting", query()));
  }

  S.readHash = readHash;
  S.readScenarios = readScenarios;
  S.writeScenarios = writeScenarios;
  S.changed = changed;
  S.query = query;
  S.writeHash = writeHash;
})();
