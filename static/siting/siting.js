/* The siting panel (templates/partials/siting_panel.html): thresholds and weights per criterion, a run of
 * /api/siting/run, the suitability overlay and zone polygons on the Leaflet map, a ranked table, exports,
 * and uploads of exclusion polygons and candidate sites.
 *
 * Attaches to window.gislayoutMap, else window.Atlas.map. Parameters live in the URL hash
 * (#siting=tech=pv&w_resource=0.6…), which the atlas's own permalink keeps (re-added on its "url" event).
 * Text from data is only ever set with textContent. */
(function () {
  "use strict";
  const root = document.getElementById("siting-panel");
  if (!root) return;
  const cfg = JSON.parse(root.querySelector(".siting-config").textContent);
  const $ = (sel) => root.querySelector(sel);

  const STRINGS = {
    zh: {
      title: "新能源选址", pv: "光伏", wind: "风电", criteria: "准则：阈值与权重", criterion: "准则",
      threshold: "阈值", weight: "权重", more: "排除缓冲、密度与发电参数", cost: "成本与并网", run: "运行", reset: "恢复默认",
      auto: "自动更新", upload_excl: "上传排除区", upload_sites: "上传候选场址", export: "导出", supply_csv: "供给曲线 CSV",
      sites: "候选场址评分", running: "计算中…", rank: "排名", prefecture: "市州", area: "面积 km²",
      capacity: "装机 MW", generation: "年发电 GWh", score: "得分", nearest: "最近园区/基地", km: "距离 km",
      total: "{zones} 个候选区，{area} km²，技术潜力（上限）{gw} GW，为 2015 年目标 {target} GW 的 {ratio} 倍",
      timing: "计算 {ms} ms", none: "当前参数下没有适宜区域：请放宽阈值或缓冲区。", excl: "排除区 {n}",
      remove: "移除", off: "（空=不设）", site: "场址", share: "适宜比例", fails: "未通过",
      min: "≥", max: "≤", lang: "EN", unavailable: "不可用",
      lcoe: "LCOE 美元/MWh", cf: "容量系数", grid_km: "并网 km", offtaker: "用电方", offtaker_km: "用电距离 km",
      supply_title: "供给曲线：累计装机与度电成本", supply_x: "平准化度电成本 LCOE（{units}）", supply_y: "累计装机（{units}）",
      supply_total: "合计", supply_by_prefecture: "按市州（最大 {n} 个）", supply_target: "2015 年目标 {mw} MW", supply_reach: "LCOE ≤ {lcoe} {units}：{mw} MW（为目标的 {times} 倍）",
      save_a: "存为方案 A", save_b: "存为方案 B", compare: "比较 A 与 B", close: "关闭比较", scenario: "方案 {name}",
      scenario_total: "{zones} 个区，{mw} MW", lcoe_range: "LCOE {lo}–{hi}", defaults: "默认参数",
      saved: "已保存方案 {name}", need_both: "请先保存方案 A 和 B。",
      cost_sources: "成本默认值来源", cited: "已引用", approximate: "近似值，待核实",
      keys: {
        resource: "资源", elevation: "海拔", slope: "坡度", demand: "距园区/基地", town: "距城镇", grid: "距电网",
        seat_buffer: "市州驻地排除半径 km", town_buffer: "县城排除半径 km", park_buffer: "园区/基地排除半径 km",
        density: "用地密度 MW/km²", pr: "光伏系统效率 PR", turbine: "风机型号", hub: "轮毂高度 m",
        shear: "风切变指数", k: "Weibull 形状参数 k", min_area: "最小区域 km²", max_zone: "区域最大边长 km",
        top: "返回区域数", cost_preset: "成本预设（年份）", capex: "投资", opex: "固定运维", scheme: "区域格局",
        preset_latest: "最新", preset_2010: "2010年",
        wacc: "加权资本成本 WACC", lifetime: "寿命", degradation: "年衰减", grid_kv: "并网电压下限",
        grid_cost: "输电线成本", offtaker_km: "用电方距离上限", max_lcoe: "LCOE 上限",
        runway_buffer: "机场跑道排除半径 km", glacier: "排除冰川（1/0）", lc_water: "排除水体（1/0）",
        lc_forest: "排除森林（1/0）", lc_wetland: "排除永久湿地（1/0）", lc_cropland: "排除耕地（1/0）",
        lc_mosaic: "排除耕地/自然植被镶嵌（1/0）", lc_urban: "排除城镇用地（1/0）", lc_snow: "排除冰雪（1/0）",
        lc_shrubland: "排除灌丛（1/0）", lc_savanna: "排除稀树草原（1/0）", lc_grassland: "排除草地（1/0）",
        lc_barren: "排除荒漠/裸地（1/0）",
      },
    },
    en: {
      title: "Solar & wind siting", pv: "Solar PV", wind: "Wind", criteria: "Criteria: thresholds and weights",
      criterion: "Criterion", threshold: "Threshold", weight: "Weight", more: "Exclusion buffers, density, energy", cost: "Cost and grid",
      run: "Run", reset: "Defaults", auto: "Auto update", upload_excl: "Upload exclusions",
      upload_sites: "Upload candidate sites", export: "Export", supply_csv: "Supply curve CSV", sites: "Candidate sites scored",
      running: "Computing…", rank: "Rank", prefecture: "Prefecture", area: "Area km²", capacity: "MW",
      generation: "GWh/yr", score: "Score", nearest: "Nearest park/base", km: "km",
      total: "{zones} zones, {area} km², {gw} GW technical potential (upper bound) = {ratio}× the 2015 target of {target} GW",
      timing: "computed in {ms} ms", none: "No suitable zone with these parameters: relax a threshold or a buffer.", excl: "exclusions {n}",
      remove: "remove", off: "(empty = off)", site: "Site", share: "Suitable share", fails: "Fails",
      min: "≥", max: "≤", lang: "中文", unavailable: "unavailable",
      lcoe: "LCOE USD/MWh", cf: "Capacity factor", grid_km: "Grid km", offtaker: "Offtaker", offtaker_km: "Offtaker km",
      supply_title: "Supply curve: cumulative capacity against LCOE", supply_x: "Levelised cost of energy ({units})",
      supply_y: "Cumulative capacity ({units})", supply_total: "Total", supply_by_prefecture: "By prefecture (largest {n})", supply_target: "2015 target {mw} MW",
      supply_reach: "LCOE ≤ {lcoe} {units}: {mw} MW ({times}× the target)",
      save_a: "Save as A", save_b: "Save as B", compare: "Compare A and B", close: "Close comparison",
      scenario: "Scenario {name}", scenario_total: "{zones} zones, {mw} MW", lcoe_range: "LCOE {lo}–{hi}",
      defaults: "default parameters", saved: "Saved scenario {name}", need_both: "Save scenarios A and B first.",
      cost_sources: "Sources of the cost defaults", cited: "cited", approximate: "approximate, to be checked",
      keys: {
        resource: "Resource", elevation: "Elevation", slope: "Slope", demand: "Distance to parks/bases",
        town: "Distance to towns", grid: "Distance to the grid", seat_buffer: "Prefecture-seat buffer km", town_buffer: "County-seat buffer km",
        park_buffer: "Park/base buffer km", density: "Land-use density MW/km²", pr: "PV performance ratio",
        turbine: "Turbine", hub: "Hub height m", shear: "Shear exponent", k: "Weibull shape k",
        min_area: "Smallest zone km²", max_zone: "Largest zone side km", top: "Zones returned",
        cost_preset: "Cost preset (year)", capex: "Capital cost", opex: "Fixed O&M", wacc: "WACC", scheme: "Region scheme",
        preset_latest: "latest", preset_2010: "2010",
        lifetime: "Lifetime", degradation: "Degradation", grid_kv: "Grid voltage at least",
        grid_cost: "Line cost", offtaker_km: "Offtaker reach", max_lcoe: "LCOE ceiling",
        runway_buffer: "Runway buffer km", glacier: "Exclude glaciers (1/0)", lc_water: "Exclude water (1/0)",
        lc_forest: "Exclude forest (1/0)", lc_wetland: "Exclude permanent wetland (1/0)", lc_cropland: "Exclude cropland (1/0)",
        lc_mosaic: "Exclude cropland/natural mosaic (1/0)", lc_urban: "Exclude urban land (1/0)", lc_snow: "Exclude snow and ice (1/0)",
        lc_shrubland: "Exclude shrubland (1/0)", lc_savanna: "Exclude savanna (1/0)", lc_grassland: "Exclude grassland (1/0)",
        lc_barren: "Exclude barren land (1/0)",
      },
    },
  };
  // land that is not built on (gislayout/analysis/landcover.py): shown where the model has them
  const LAND = ["runway_buffer", "glacier", "lc_water", "lc_forest", "lc_wetland", "lc_cropland", "lc_mosaic", "lc_urban",
    "lc_snow", "lc_shrubland", "lc_savanna", "lc_grassland", "lc_barren"];
  const OTHER = {
    pv: ["seat_buffer", "town_buffer", "park_buffer", "density", "pr", "min_area", "max_zone", "top"].concat(LAND),
    wind: ["seat_buffer", "town_buffer", "park_buffer", "density", "turbine", "hub", "shear", "k", "min_area",
      "max_zone", "top"].concat(LAND),
  };
  const CRITERIA = ["resource", "elevation", "slope", "demand", "town", "grid"];

  const state = { tech: "pv", values: {}, exclude: [], info: null, lang: cfg.lang || "zh", seq: 0, scenarios: {}, cmpSeq: 0 };
  let map = null, overlay = null, zonesLayer = null, exclLayer = null, sitesLayer = null, timer = null;

  /* ---------------------------------------------------------------- language and DOM helpers */
  // the stand-alone page has a small window.Atlas for the atlas's context layers (standalone.js): not the atlas
  const atlas = () => window.Atlas && window.Atlas.state && !window.Atlas.standalone ? window.Atlas : null;
  const lang = () => (atlas() && atlas().state.lang) || state.lang;
  const t = GL.translator(() => STRINGS[lang()]);
  const label = (key) => STRINGS[lang()].keys[key] || key;
  /** A criterion's units in the panel's language (the server words them in English). */
  const unitsText = (u) => (lang() === "zh" ? u.replace(" at hub height", "，轮毂高度").replace("km (weighted)", "km（按耗电等级加权）") : u);
  const el = GL.el;
  const fmt = (v, digits) => (v === null || v === undefined || Number.isNaN(v) ? "–"
    : Number(v).toLocaleString(lang() === "zh" ? "zh-CN" : "en", { maximumFractionDigits: digits === undefined ? 0 : digits }));
  // the headline figures: GW and multiples of the target with exactly one decimal (never a percentage)
  const fmt1 = (v) => (Number.isFinite(v) ? v.toLocaleString(lang() === "zh" ? "zh-CN" : "en",
    { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : "–");
  const ctx = { t: (k, v) => t(k, v), lang: () => lang(), fmt: (v, d) => fmt(v, d) };
  const message = (text) => { const m = $(".siting-message"); m.textContent = text || ""; m.hidden = !text; };

  function relabel() {
    GL.relabel(root, t, "siting-i18n");
    $(".siting-lang").textContent = t("lang");
    if (state.info) buildInputs();
    if (state.last) render(state.last);
    if (state.compared) window.SitingSupply.compare($(".siting-compare"), state.compared, ctx);
  }

  /* ---------------------------------------------------------------- URL state (hash) */
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
  function saveScenario(name) {
    state.scenarios[name] = query();
    writeScenarios();
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
  function changed() {
    const d = (state.info && state.info[state.tech].defaults) || {};
    const out = {};
    Object.keys(state.values).forEach((k) => {
      const dv = d[k] === null || d[k] === undefined ? "" : String(d[k]);
      if (Object.prototype.hasOwnProperty.call(d, k) && String(state.values[k]) !== dv) out[k] = state.values[k];
    });
    return out;
  }
  function query(extra) {
    const q = new URLSearchParams(Object.assign({ tech: state.tech }, changed(), extra || {}));
    if (state.exclude.length) q.set("exclude", state.exclude.join(","));
    return q.toString();
  }
  function writeHash() {
    GL.url.replace(location.search.slice(1), GL.url.withHashParam("siting", query()));
  }

  /* ---------------------------------------------------------------- inputs */
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
      el("a", { href: s.url, target: "_blank", rel: "noopener", text: s.title }),
      el("span", { text: (s.table ? ", " + s.table : "") + " (" + s.year + ")" }),
      el("small", { class: "siting-source-status", text: " · " + t(s.status === "cited" ? "cited" : "approximate") }))));
  }
  function onInput(ev) {
    const key = ev.target.dataset.key;
    state.values[key] = ev.target.value;
    if (key === "cost_preset") renderCostSources();
    writeHash();
    if ($(".siting-auto").checked) schedule();
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 350);
  }

  /* ---------------------------------------------------------------- run and render */
  function run() {
    if (!state.info || !state.info[state.tech].available) return;
    const seq = ++state.seq;
    message(t("running"));
    root.classList.add("siting-busy");
    fetch(cfg.urls.run + "?" + query()).then((r) => r.json().then((body) => ({ ok: r.ok, body: body })))
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
  function render(body) {
    drawMap(body);
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
    // the costed columns show when the model returns them (a model without LCOE leaves them out)
    const has = (k) => body.table.some((row) => row[k] !== undefined);
    const cols = [["rank", t("rank")], ["prefecture", t("prefecture")], ["area_km2", t("area")],
      ["capacity_mw", t("capacity")], ["generation_gwh", t("generation")], ["score", t("score")],
      ["nearest", t("nearest")], ["nearest_km", t("km")]].concat(
      [["lcoe_usd_mwh", t("lcoe")], ["lcoe_cny_kwh", lang() === "en" ? "LCOE (CNY/kWh)" : "度电成本（元/千瓦时）"],
        // the benchmark on-grid tariff of the cost preset's year, where a source gives one (cost_presets.json)
        ["tariff_cny_kwh", lang() === "en" ? "Benchmark tariff (CNY/kWh)" : "标杆上网电价（元/千瓦时）"], ["capacity_factor", t("cf")], ["grid_km", t("grid_km")], ["offtaker", t("offtaker")],
        ["offtaker_km", t("offtaker_km")]].filter(([k]) => (k === "tariff_cny_kwh"
        ? body.table.some((row) => row[k] !== null && row[k] !== undefined) : has(k === "offtaker_km" ? "offtaker" : k))));
    const table = $(".siting-table");
    table.tHead.replaceChildren(el("tr", null, ...cols.map((c) => el("th", { text: c[1] }))));
    const tb = table.tBodies[0];
    tb.replaceChildren();
    body.table.forEach((row, i) => {
      const tr = el("tr", { "data-rank": row.rank, tabindex: "0", onclick: () => focusZone(i), onkeydown: (e) => e.key === "Enter" && focusZone(i) });
      cols.forEach(([k]) => {
        let v = row[k];
        if (k === "nearest") v = lang() === "en" ? (row.nearest_name_en || row.nearest_name_zh) : (row.nearest_name_zh || row.nearest_name_en);
        else if (k === "offtaker") v = row.offtaker ? (lang() === "en" ? (row.offtaker.name_en || row.offtaker.name_zh) : (row.offtaker.name_zh || row.offtaker.name_en)) : null;
        else if (k === "offtaker_km") v = row.offtaker ? fmt(row.offtaker.km, 1) : null;
        else if (k === "capacity_factor" || k === "lcoe_cny_kwh" || k === "tariff_cny_kwh") v = fmt(v, 3);
        else if (k === "prefecture") v = lang() === "en" ? (row.prefecture_en || row.prefecture) : row.prefecture;
        else if (k === "score") v = fmt(v, 3);
        else if (typeof v === "number") v = fmt(v, k === "area_km2" || k === "nearest_km" || k === "grid_km" || k === "lcoe_usd_mwh" ? 1 : 0);
        const text = v === null || v === undefined ? "–" : String(v);
        tr.append(el("td", { text: text, "data-col": k, title: k === "nearest" || k === "offtaker" ? text : null }));
      });
      tb.append(tr);
    });
    const notes = $(".siting-notes");
    notes.replaceChildren(...(body.notes || []).map((n) => el("li", { text: n })));
    root.querySelectorAll(".siting-export").forEach((a) => (a.href = (a.dataset.what === "supply" ? cfg.urls.supply : cfg.urls.zones) +
      "?" + query({ format: a.dataset.format })));
    renderExclusions();
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
  function drawMap(body) {
    if (!map) return;
    const bounds = body.surface.bounds;
    if (overlay) overlay.setUrl(body.surface.url);
    else {
      overlay = L.tileLayer(body.surface.url, { opacity: 0.75, className: "siting-surface", bounds, maxZoom: 18 }).addTo(map);
      // on its own page the panel frames the province once; inside the atlas the atlas owns the view
      if (!atlas()) map.fitBounds(bounds);
    }
    if (zonesLayer) map.removeLayer(zonesLayer);
    zonesLayer = L.geoJSON(body.zones, {
      style: (f) => ({ color: f.properties.rank <= 10 ? "#c0392b" : "#7f1d1d", weight: f.properties.rank <= 10 ? 2 : 1, fillOpacity: 0.08 }),
      onEachFeature: (f, layer) => {
        layer.bindTooltip(String(f.properties.rank), { permanent: f.properties.rank <= 10, direction: "center", className: "siting-rank" });
        layer.bindPopup(() => popup(f.properties));
      },
    }).addTo(map);
  }
  function popup(p) {
    const near = lang() === "en" ? p.nearest_name_en : p.nearest_name_zh;
    return el("div", { class: "siting-popup" },
      el("b", { text: "#" + p.rank + " " + ((lang() === "en" ? p.prefecture_en : p.prefecture) || "") }),
      el("div", { text: t("area") + ": " + fmt(p.area_km2, 1) + " · " + t("capacity") + ": " + fmt(p.capacity_mw) }),
      el("div", { text: t("generation") + ": " + fmt(p.generation_gwh) + " · " + t("score") + ": " + fmt(p.score, 3) }),
      el("div", { text: t("nearest") + ": " + (near || "–") + " (" + fmt(p.nearest_km, 1) + " km)" }),
      ...costLines(p));
  }
  /** LCOE, grid and offtaker lines of a zone's popup, from its table row, when the run has them. */
  function costLines(p) {
    const row = (state.last && state.last.table.find((r) => r.rank === p.rank)) || p;
    const out = [];
    if (row.lcoe_usd_mwh !== undefined) {
      out.push(el("div", { text: t("lcoe") + ": " + fmt(row.lcoe_usd_mwh, 1) + " · " + t("cf") + ": " + fmt(row.capacity_factor, 3) }));
    }
    if (row.substation) {
      out.push(el("div", { text: t("grid_km") + ": " + fmt(row.grid_km, 1) + " (" + (row.substation.name || "–") + ", "
        + fmt(row.substation.max_voltage_kv) + " kV)" }));
    }
    if (row.offtaker) {
      const o = row.offtaker, name = lang() === "en" ? (o.name_en || o.name_zh) : (o.name_zh || o.name_en);
      out.push(el("div", { text: t("offtaker") + ": " + (name || "–") + " (" + fmt(o.km, 1) + " km)" }));
    }
    return out;
  }
  function focusZone(i) {
    if (!map || !zonesLayer) return;
    const layer = zonesLayer.getLayers()[i];
    if (layer) { map.fitBounds(layer.getBounds(), { maxZoom: 10 }); layer.openPopup(); }
  }

  /* ---------------------------------------------------------------- uploads */
  function post(url, file) {
    const data = new FormData();
    data.append("file", file);
    return fetch(url, { method: "POST", body: data }).then((r) => r.json().then((b) => {
      if (!r.ok) throw new Error(b.message || String(r.status));
      return b;
    }));
  }
  function uploadExclusions(ev) {
    const file = ev.target.files[0];
    if (!file) return;
    post(cfg.urls.exclusions, file).then((b) => {
      if (state.exclude.indexOf(b.id) < 0) state.exclude.push(b.id);
      writeHash();
      drawExclusions();
      run();
    }).catch((e) => message(e.message)).finally(() => (ev.target.value = ""));
  }
  function drawExclusions() {
    if (!map) return;
    if (exclLayer) map.removeLayer(exclLayer);
    exclLayer = L.featureGroup().addTo(map);
    state.exclude.forEach((id) => fetch(cfg.urls.exclusion.replace("__id__", id)).then((r) => (r.ok ? r.json() : null))
      .then((gj) => gj && L.geoJSON(gj, { style: { color: "#111", weight: 1, dashArray: "4 3", fillColor: "#111", fillOpacity: 0.15 } }).addTo(exclLayer)));
  }
  function renderExclusions() {
    const box = $(".siting-excl-list");
    box.replaceChildren(...state.exclude.map((id) => el("span", { class: "siting-chip" }, t("excl", { n: id.slice(0, 6) }),
      el("button", { type: "button", "aria-label": t("remove"), text: "×", onclick: () => {
        state.exclude = state.exclude.filter((x) => x !== id);
        writeHash(); drawExclusions(); run();
      } }))));
  }
  function uploadSites(ev) {
    const file = ev.target.files[0];
    if (!file) return;
    post(cfg.urls.sites + "?" + query(), file).then(renderSites).catch((e) => message(e.message))
      .finally(() => (ev.target.value = ""));
  }
  function renderSites(body) {
    const wrap = $(".siting-sites-wrap");
    wrap.hidden = false;
    const table = $(".siting-sites");
    const cols = [["site_rank", t("rank")], ["fid", t("site")], ["score", t("score")], ["suitable_share", t("share")],
      ["fails", t("fails")], ["prefecture", t("prefecture")], ["nearest_km", t("km")]];
    table.tHead.replaceChildren(el("tr", null, ...cols.map((c) => el("th", { text: c[1] }))));
    table.tBodies[0].replaceChildren(...body.table.map((row) => el("tr", null, ...cols.map(([k]) => el("td", {
      text: row[k] === null || row[k] === undefined ? "–" : (typeof row[k] === "number" ? fmt(row[k], 3) : row[k]) })))));
    if (!map) return;
    if (sitesLayer) map.removeLayer(sitesLayer);
    sitesLayer = L.geoJSON(body.sites, {
      pointToLayer: (f, ll) => L.circleMarker(ll, { radius: 6, color: "#111", weight: 1, fillColor: f.properties.score === null ? "#999" : "#f39c12", fillOpacity: 0.9 }),
      onEachFeature: (f, layer) => layer.bindTooltip(el("span", { text: "#" + f.properties.site_rank + " " + (f.properties.name || f.properties.fid) + " · " + fmt(f.properties.score, 3) })),
    }).addTo(map);
  }

  /* ---------------------------------------------------------------- start */
  function attach() {
    map = window.gislayoutMap || (window.Atlas && window.Atlas.map) || null;
    return !!map;
  }
  function start() {
    readHash();
    readScenarios();
    const standalone = !atlas();
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
        relabel();
      });
    } else {
      window.Atlas.on("lang", relabel);
      // the atlas rewrites the URL without the hash: put the siting state back when it is not the default
      window.Atlas.on("url", () => {
        const custom = state.tech !== "pv" || Object.keys(changed()).length || state.exclude.length;
        if (location.hash.indexOf("siting=") < 0 && custom) writeHash();
        if (location.hash.indexOf("siting_a=") < 0 && location.hash.indexOf("siting_b=") < 0) writeScenarios();
      });
    }
    $(".siting-toggle").addEventListener("click", () => {
      const open = root.classList.toggle("siting-collapsed") === false;
      $(".siting-body").hidden = !open;
      $(".siting-toggle").setAttribute("aria-expanded", String(open));
      if (open && !state.last) run();
    });
    root.querySelectorAll("input[name=siting-tech]").forEach((r) => r.addEventListener("change", () => {
      state.tech = r.value;
      state.values = {};
      state.last = null;
      writeHash();
      buildInputs();
      availability();
      run();
    }));
    $(".siting-run").addEventListener("click", run);
    $(".siting-save-a").addEventListener("click", () => saveScenario("A"));
    $(".siting-save-b").addEventListener("click", () => saveScenario("B"));
    $(".siting-compare-run").addEventListener("click", compareScenarios);
    $(".siting-compare-close").addEventListener("click", closeCompare);
    $(".siting-reset").addEventListener("click", () => { state.values = {}; writeHash(); buildInputs(); run(); });
    $(".siting-excl-file").addEventListener("change", uploadExclusions);
    $(".siting-sites-file").addEventListener("change", uploadSites);
    // keep the map from panning or zooming while the pointer is on the panel
    if (window.L && L.DomEvent) { L.DomEvent.disableClickPropagation(root); L.DomEvent.disableScrollPropagation(root); }
    const open = !root.classList.contains("siting-collapsed");
    $(".siting-body").hidden = !open;
    $(".siting-toggle").setAttribute("aria-expanded", String(open));
    relabel();
    GL.fetchJSON(cfg.urls.params).then((info) => {
      state.info = info;
      buildInputs();
      availability();
      drawExclusions();
      if (open) run();
      if (state.scenarios.A && state.scenarios.B) compareScenarios();
    }).catch((e) => message(String(e)));
  }
  function availability() {
    const info = state.info[state.tech];
    $(".siting-run").disabled = !info.available;
    message(info.available ? "" : (lang() === "zh" && info.message_zh) || info.message);
  }
  let tries = 0;
  (function wait() {
    if (attach() || tries++ > 50) start();
    else setTimeout(wait, 100);
  })();
  window.gislayoutSiting = {
    state: state, run: run, compare: compareScenarios,
    /** Number of zone polygons on the map (for tests and the console). */
    zoneCount: () => (zonesLayer ? zonesLayer.getLayers().length : 0),
  };
})();
