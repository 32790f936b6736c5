/* The siting panel's form (part of window.SitingPanel, see static/siting/core.js): a threshold and a weight per
 * criterion, the exclusion buffers, density and energy parameters, and the cost box, built from what
 * /api/siting/params says of each key; an edit writes the URL hash and, with "auto update", re-runs. */
(function () {
  "use strict";
  const S = window.SitingPanel;
  if (!S) return;
  const { $, state, root } = S;
  const el = GL.el, t = S.t, label = S.label, fmt = S.fmt, lang = S.lang, unitsText = S.unitsText;
  let timer = null;

  // land that is not built on (gislayout/analysis/landcover.py): shown where the model has them
  const LAND = ["runway_buffer", "glacier", "lc_water", "lc_forest", "lc_wetland", "lc_cropland", "lc_mosaic", "lc_urban",
    "lc_snow", "lc_shrubland", "lc_savanna", "lc_grassland", "lc_barren"];
  const OTHER = {
    pv: ["seat_buffer", "town_buffer", "park_buffer", "density", "pr", "min_area", "max_zone", "top"].concat(LAND),
    wind: ["seat_buffer", "town_buffer", "park_buffer", "density", "turbine", "hub", "shear", "k", "min_area",
      "max_zone", "top"].concat(LAND),
  };
  const CRITERIA = ["resource", "elevation", "slope", "demand", "town", "grid"];

  /** What /api/siting/params says of one key: {type, default, min, max, units, doc, choices}, from its
   * per-key `params` entry when it has one, else from the older `limits`/`docs` tables. */
  function meta(key) {
    const info = state.info[state.tech], p = (info.params && info.params[key]) || {};
    const lim = (info.limits && info.limits[key]) || [];
    return { type: p.type, units: p.units || (info.units && info.units[key]) || "", doc: p.doc || info.docs[key] || "",
      min: p.min !== undefined ? p.min : lim[0], max: p.max !== undefined ? p.max : lim[1],
      choices: p.choices || p.enum || (info.choices && info.choices[key]) || (key === "turbine" ? info.turbines : null) };
  }
  /** Keys of the "other" box (the known ones, in their order) and of the cost box: every other model
   * parameter that is not a criterion's, so a parameter the model adds shows without a change here. */
  function otherKeys() {
    const d = state.info[state.tech].defaults;
    return OTHER[state.tech].filter((k) => k in d);
  }
  function costKeys() {
    const d = state.info[state.tech].defaults, known = OTHER[state.tech];
    return Object.keys(d).filter((k) => known.indexOf(k) < 0 && !/^[tw]_/.test(k));
  }
  function numberInput(key, value, attrs) {
    const m = meta(key), lim = m.min !== undefined && m.max !== undefined ? [m.min, m.max] : [];
    return el("input", Object.assign({ type: "number", step: key === "top" ? "1" : "any", name: key, "data-key": key,
      min: lim.length ? String(lim[0]) : null, max: lim.length ? String(lim[1]) : null,
      value: value === null || value === undefined ? "" : String(value), oninput: onInput, onchange: onInput }, attrs || {}));
  }
  function current(key) {
    const d = state.info[state.tech].defaults;
    return key in state.values ? state.values[key] : d[key];
  }
  function buildInputs() {
    const info = state.info[state.tech];
    const body = $(".siting-criteria tbody");
    body.replaceChildren();
    const present = info.criteria.map((c) => c.key);
    CRITERIA.filter((k) => present.indexOf(k) >= 0).forEach((key) => {
      const c = info.criteria.find((x) => x.key === key);
      const th = current("t_" + key), w = current("w_" + key);
      const range = el("input", { type: "range", min: "0", max: "1", step: "0.05", name: "w_" + key, "data-key": "w_" + key,
        value: String(w === null || w === undefined ? 0 : w), oninput: onInput, "aria-label": label(key) + " " + t("weight") });
      const out = el("output", { text: fmt(w, 2) });
      range.addEventListener("input", () => (out.textContent = fmt(range.value, 2)));
      body.append(el("tr", { title: (info.docs["t_" + key] || "") + " — " + (c.source || "") + ", " + (c.resolution || "") },
        el("td", null, label(key), el("small", { text: " (" + unitsText(c.units) + ")" })),
        el("td", null, el("span", { class: "siting-op", text: c.threshold === "min" ? t("min") : t("max") }),
          numberInput("t_" + key, th, { placeholder: t("off"), "aria-label": label(key) + " " + t("threshold") })),
        el("td", null, range, out)));
    });
    const other = $(".siting-more-fields"), cost = $(".siting-cost-fields");
    other.replaceChildren();
    cost.replaceChildren();
    $(".siting-cost").hidden = !costKeys().length;
    otherKeys().map((k) => [k, other]).concat(costKeys().map((k) => [k, cost])).forEach(([key, box]) => {
      const m = meta(key), value = current(key);
      let input;
      if (m.choices) {
        input = el("select", { name: key, "data-key": key, onchange: onInput },
          ...m.choices.map((name) => el("option", { value: String(name), text: key === "cost_preset" ? label("preset_" + name) : String(name) })));
        input.value = value === null || value === undefined ? "" : String(value);
      } else if (m.type === "str" || m.type === "string" || typeof info.defaults[key] === "string") {
        input = el("input", { type: "text", name: key, "data-key": key, value: value === null || value === undefined ? "" : String(value),
          onchange: onInput });
      } else {
        input = numberInput(key, value);
      }
      box.append(el("label", { class: "siting-field", title: m.doc },
        el("span", { text: label(key) + (m.units && label(key).indexOf(m.units) < 0 ? " (" + m.units + ")" : "") }), input));
    });
    root.querySelectorAll("input[name=siting-tech]").forEach((r) => (r.checked = r.value === state.tech));
    renderCostSources();
  }
  /** Where each default of the chosen cost preset comes from: the values it covers, title, edition, table,
   * year and link, and whether the value is the source's figure or an approximation still to be checked. */
  function renderCostSources() {
    const presets = state.info[state.tech].cost_presets || {}, preset = presets[current("cost_preset")];
    const list = $(".siting-cost-sources");
    list.replaceChildren(...((preset && preset.sources) || []).map((s) => el("li",
      { class: "siting-source-" + (s.status || "approximate"), title: s.what },
      // "pv.capex" is a code: the value's name in the panel's language
      el("b", { text: [...new Set((s.applies_to || []).map((k) => label(k.split(".").pop())))].join("、") + (lang() === "zh" ? "：" : ": ") }),
      // the source's title and table as it words them: marked as English text (lang), not translated
      el("a", { href: s.url, target: "_blank", rel: "noopener", lang: "en", text: s.title }),
      el("span", { lang: "en", text: (s.table ? ", " + s.table : "") + " (" + s.year + ")" }),
      el("small", { class: "siting-source-status", text: " · " + t(s.status === "cited" ? "cited" : "approximate") }))));
  }
  function onInput(ev) {
    const key = ev.target.dataset.key;
    state.values[key] = ev.target.value;
    if (key === "cost_preset") renderCostSources();
    S.writeHash();
    if ($(".siting-auto").checked) schedule();
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(S.run, 350);
  }
  S.buildInputs = buildInputs;
})();
