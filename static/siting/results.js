/* A run of the siting model and what it shows in the panel (part of window.SitingPanel, see
 * static/siting/core.js): GET /api/siting/run with the panel's query, then the headline totals, the caveat,
 * the waterfall (waterfall.js), the supply curves (supply.js, offtakers.js), the ranked table of zones
 * (table.js), the model's notes and the export links; the map is drawn by mapview.js. */
(function () {
  "use strict";
  const S = window.SitingPanel;
  if (!S) return;
  const { $, state, root, cfg } = S;
  const el = GL.el, t = S.t, lang = S.lang, fmt = S.fmt, fmt1 = S.fmt1, message = S.message, ctx = S.ctx;

  /** Run the model with the panel's parameters; a newer run supersedes one still on its way. */
  function run() {
    if (!state.info || !state.info[state.tech].available) return;
    const seq = ++state.seq;
    message(t("running"));
    root.classList.add("siting-busy");
    // lang: the server words a refusal (bad parameter, evicted upload) in the panel's language
    fetch(cfg.urls.run + "?" + S.query({ lang: lang() })).then((r) => r.json().then((body) => ({ ok: r.ok, body: body })))
      .then(({ ok, body }) => {
        if (seq !== state.seq) return;
        root.classList.remove("siting-busy");
        if (!ok) { message(body.message || String(body.status)); return; }
        message("");
        state.last = body;
        render(body);
      })
      .catch((err) => { root.classList.remove("siting-busy"); message(String(err)); });
  }
  /** Show a run (also on a language change): map, totals, caveat, charts, table, notes, exports. */
  function render(body) {
    S.drawMap(body);
    const total = body.rollups.total;
    const summary = $(".siting-summary");
    // a run with no zone still shows its totals ("0 zones, 0 km² …") and says why there is nothing
    // (null children are left out: replaceChildren would print the word "null")
    summary.replaceChildren(...[
      el("p", { class: "siting-total", text: t("total", { zones: fmt(total.zones), area: fmt(total.area_km2),
        gw: fmt1(total.capacity_mw / 1000), ratio: fmt1(total.capacity_mw / total.target_2015_mw),
        target: fmt1(total.target_2015_mw / 1000) }) }),
      total.zones ? null : el("p", { class: "siting-none", text: t("none") }),
      el("p", { class: "siting-timing", text: t("timing", { ms: fmt(body.timings_ms.total, 0) }) })].filter(Boolean));
    renderCaveat(body.caveat);
    if (window.SitingWaterfall) window.SitingWaterfall.render($(".siting-waterfall"), body, ctx);
    window.SitingSupply.render($(".siting-supply"), body, ctx);
    S.renderTable(body);
    const notes = $(".siting-notes");
    notes.replaceChildren(...((lang() === "zh" && body.notes_zh) || body.notes || []).map((n) => el("li", { text: n })));
    root.querySelectorAll(".siting-export").forEach((a) => (a.href = (a.dataset.what === "supply" ? cfg.urls.supply : cfg.urls.zones) +
      "?" + S.query({ format: a.dataset.format })));
    S.renderExclusions();
  }

  /** What the potential figures are (a technical upper bound) and what the model leaves out, in the panel's language. */
  function renderCaveat(caveat) {
    const box = $(".siting-caveat");
    box.hidden = !caveat;
    if (!caveat) return;
    const l = lang();
    $(".siting-caveat-title").textContent = caveat.title[l] || caveat.title.en;
    $(".siting-caveat-items").replaceChildren(...caveat.items.map((item) =>
      el("li", { "data-key": item.key, text: item[l] || item.en })));
  }

  S.run = run;
  S.render = render;
})();
