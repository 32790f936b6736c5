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
      threshold: "阈值", weight: "权重", more: "排除缓冲、密度与发电参数", run: "运行", reset: "恢复默认",
      auto: "自动更新", upload_excl: "上传排除区", upload_sites: "上传候选场址", export: "导出",
      sites: "候选场址评分", running: "计算中…", rank: "排名", prefecture: "市州", area: "面积 km²",
      capacity: "装机 MW", generation: "年发电 GWh", score: "得分", nearest: "最近园区/基地", km: "距离 km",
      total: "{zones} 个候选区，{area} km²，技术潜力（上限）{mw} MW，为 2015 年目标 {target} MW 的 {ratio} 倍",
      timing: "计算 {ms} ms", none: "当前参数下没有适宜区域：请放宽阈值或缓冲区。", excl: "排除区 {n}",
      remove: "移除", off: "（空=不设）", site: "场址", share: "适宜比例", fails: "未通过",
      min: "≥", max: "≤", lang: "EN", unavailable: "不可用",
      keys: {
        resource: "资源", elevation: "海拔", slope: "坡度", demand: "距园区/基地", town: "距城镇",
        seat_buffer: "市州驻地排除半径 km", town_buffer: "县城排除半径 km", park_buffer: "园区/基地排除半径 km",
        density: "用地密度 MW/km²", pr: "光伏系统效率 PR", turbine: "风机型号", hub: "轮毂高度 m",
        shear: "风切变指数", k: "Weibull 形状参数 k", min_area: "最小区域 km²", max_zone: "区域最大边长 km",
        top: "返回区域数",
      },
    },
    en: {
      title: "Solar & wind siting", pv: "Solar PV", wind: "Wind", criteria: "Criteria: thresholds and weights",
      criterion: "Criterion", threshold: "Threshold", weight: "Weight", more: "Exclusion buffers, density, energy",
      run: "Run", reset: "Defaults", auto: "Auto update", upload_excl: "Upload exclusions",
      upload_sites: "Upload candidate sites", export: "Export", sites: "Candidate sites scored",
      running: "Computing…", rank: "Rank", prefecture: "Prefecture", area: "Area km²", capacity: "MW",
      generation: "GWh/yr", score: "Score", nearest: "Nearest park/base", km: "km",
      total: "{zones} zones, {area} km², {mw} MW technical potential (upper bound) = {ratio}× the 2015 target of {target} MW",
      timing: "computed in {ms} ms", none: "No suitable zone with these parameters: relax a threshold or a buffer.", excl: "exclusions {n}",
      remove: "remove", off: "(empty = off)", site: "Site", share: "Suitable share", fails: "Fails",
      min: "≥", max: "≤", lang: "中文", unavailable: "unavailable",
      keys: {
        resource: "Resource", elevation: "Elevation", slope: "Slope", demand: "Distance to parks/bases",
        town: "Distance to towns", seat_buffer: "Prefecture-seat buffer km", town_buffer: "County-seat buffer km",
        park_buffer: "Park/base buffer km", density: "Land-use density MW/km²", pr: "PV performance ratio",
        turbine: "Turbine", hub: "Hub height m", shear: "Shear exponent", k: "Weibull shape k",
        min_area: "Smallest zone km²", max_zone: "Largest zone side km", top: "Zones returned",
      },
    },
  };
  const OTHER = {
    pv: ["seat_buffer", "town_buffer", "park_buffer", "density", "pr", "min_area", "max_zone", "top"],
    wind: ["seat_buffer", "town_buffer", "park_buffer", "density", "turbine", "hub", "shear", "k", "min_area",
      "max_zone", "top"],
  };
  const CRITERIA = ["resource", "elevation", "slope", "demand", "town"];

  const state = { tech: "pv", values: {}, exclude: [], info: null, lang: cfg.lang || "zh", seq: 0 };
  let map = null, overlay = null, zonesLayer = null, exclLayer = null, sitesLayer = null, timer = null;

  /* ---------------------------------------------------------------- language and DOM helpers */
  const atlas = () => window.Atlas && window.Atlas.state ? window.Atlas : null;
  const lang = () => (atlas() && atlas().state.lang) || state.lang;
  const t = GL.translator(() => STRINGS[lang()]);
  const label = (key) => STRINGS[lang()].keys[key] || key;
  const el = GL.el;
  const fmt = (v, digits) => (v === null || v === undefined || Number.isNaN(v) ? "–"
    : Number(v).toLocaleString(lang() === "zh" ? "zh-CN" : "en", { maximumFractionDigits: digits === undefined ? 0 : digits }));
  const message = (text) => { const m = $(".siting-message"); m.textContent = text || ""; m.hidden = !text; };

  function relabel() {
    GL.relabel(root, t, "siting-i18n");
    $(".siting-lang").textContent = t("lang");
    if (state.info) buildInputs();
    if (state.last) render(state.last);
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
  function numberInput(key, value, attrs) {
    const lim = (state.info && state.info[state.tech].limits && state.info[state.tech].limits[key]) || [];
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
        el("td", null, label(key), el("small", { text: " (" + c.units.replace(" at hub height", lang() === "zh" ? "，轮毂高度" : " at hub height") + ")" })),
        el("td", null, el("span", { class: "siting-op", text: c.threshold === "min" ? t("min") : t("max") }),
          numberInput("t_" + key, th, { placeholder: t("off"), "aria-label": label(key) + " " + t("threshold") })),
        el("td", null, range, out)));
    });
    const other = $(".siting-other");
    other.replaceChildren();
    OTHER[state.tech].forEach((key) => {
      if (!(key in info.defaults)) return;
      let input;
      if (key === "turbine") {
        input = el("select", { name: key, "data-key": key, onchange: onInput },
          ...info.turbines.map((name) => el("option", { value: name, text: name })));
        input.value = current(key);
      } else {
        input = numberInput(key, current(key));
      }
      other.append(el("label", { class: "siting-field", title: info.docs[key] || "" }, el("span", { text: label(key) }), input));
    });
    root.querySelectorAll("input[name=siting-tech]").forEach((r) => (r.checked = r.value === state.tech));
  }
  function onInput(ev) {
    const key = ev.target.dataset.key;
    state.values[key] = ev.target.value;
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
    summary.replaceChildren(
      el("p", { class: "siting-total", text: t("total", { zones: fmt(total.zones), area: fmt(total.area_km2),
        mw: fmt(total.capacity_mw), ratio: fmt(total.potential_over_target, 1), target: fmt(total.target_2015_mw) }) }),
      total.zones ? null : el("p", { class: "siting-none", text: t("none") }),
      el("p", { class: "siting-timing", text: t("timing", { ms: fmt(body.timings_ms.total, 0) }) }));
    renderCaveat(body.caveat);
    const cols = [["rank", t("rank")], ["prefecture", t("prefecture")], ["area_km2", t("area")],
      ["capacity_mw", t("capacity")], ["generation_gwh", t("generation")], ["score", t("score")],
      ["nearest", t("nearest")], ["nearest_km", t("km")]];
    const table = $(".siting-table");
    table.tHead.replaceChildren(el("tr", null, ...cols.map((c) => el("th", { text: c[1] }))));
    const tb = table.tBodies[0];
    tb.replaceChildren();
    body.table.forEach((row, i) => {
      const tr = el("tr", { "data-rank": row.rank, tabindex: "0", onclick: () => focusZone(i), onkeydown: (e) => e.key === "Enter" && focusZone(i) });
      cols.forEach(([k]) => {
        let v = row[k];
        if (k === "nearest") v = lang() === "en" ? (row.nearest_name_en || row.nearest_name_zh) : (row.nearest_name_zh || row.nearest_name_en);
        else if (k === "prefecture") v = lang() === "en" ? (row.prefecture_en || row.prefecture) : row.prefecture;
        else if (k === "score") v = fmt(v, 3);
        else if (typeof v === "number") v = fmt(v, k === "area_km2" || k === "nearest_km" ? 1 : 0);
        const text = v === null || v === undefined ? "–" : String(v);
        tr.append(el("td", { text: text, title: k === "nearest" ? text : null }));
      });
      tb.append(tr);
    });
    const notes = $(".siting-notes");
    notes.replaceChildren(...(body.notes || []).map((n) => el("li", { text: n })));
    root.querySelectorAll(".siting-export").forEach((a) => (a.href = cfg.urls.zones + "?" + query({ format: a.dataset.format })));
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
      el("div", { text: t("nearest") + ": " + (near || "–") + " (" + fmt(p.nearest_km, 1) + " km)" }));
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
        relabel();
      });
    } else {
      window.Atlas.on("lang", relabel);
      // the atlas rewrites the URL without the hash: put the siting state back when it is not the default
      window.Atlas.on("url", () => {
        const custom = state.tech !== "pv" || Object.keys(changed()).length || state.exclude.length;
        if (location.hash.indexOf("siting=") < 0 && custom) writeHash();
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
    }).catch((e) => message(String(e)));
  }
  function availability() {
    const info = state.info[state.tech];
    $(".siting-run").disabled = !info.available;
    message(info.available ? "" : info.message);
  }
  let tries = 0;
  (function wait() {
    if (attach() || tries++ > 50) start();
    else setTimeout(wait, 100);
  })();
  window.gislayoutSiting = {
    state: state, run: run,
    /** Number of zone polygons on the map (for tests and the console). */
    zoneCount: () => (zonesLayer ? zonesLayer.getLayers().length : 0),
  };
})();
