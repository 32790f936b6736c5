/* The compare page: the state (mode, left, right, lang, and the versions a and b being diffed) lives in the URL;
   every change rewrites the URL, the maps, the table, the charts and the export links. Data text is only ever
   set with textContent. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("compare-config").textContent);
  const lang = cfg.lang;
  const t = window.CompareI18n[lang];
  const sym = GL.symbology(cfg.symbology);
  const el = GL.el;
  const $ = (id) => document.getElementById(id);
  const name = (o) => o["name_" + lang] || o.name_zh;

  // Every area that can be compared, by key.
  const AREAS = new Map();
  AREAS.set("province", { ...cfg.province });
  cfg.prefectures.forEach((p) => AREAS.set(p.key, { ...p, members: [p.name_zh] }));
  cfg.schemes.forEach((s) => s.zones.forEach((z) => AREAS.set(z.key, { ...z, scheme: s.id })));
  const SCHEMES = new Map(cfg.schemes.map((s) => [s.id, s]));

  function message(text) {
    const el = $("cmp-message");
    el.textContent = text || "";
    el.hidden = !text;
  }

  // ---- state and URL ----
  // The two stored versions being diffed ({a, b}) or null; kept in the URL beside the areas.
  let versionPair = null;

  function readVersions() {
    const q = new URLSearchParams(location.search);
    return q.get("a") || q.get("b") ? { a: q.get("a") || "", b: q.get("b") || "" } : null;
  }

  function readState() {
    const q = new URLSearchParams(location.search);
    if (q.has("scheme_left") || q.has("scheme_right")) {
      const ids = cfg.schemes.map((s) => s.id);
      return { mode: "schemes", left: q.get("scheme_left") || ids[0], right: q.get("scheme_right") || ids[ids.length - 1] };
    }
    // a link to a diff of versions alone shows them over the whole province
    const defaults = (q.get("a") || q.get("b")) && !q.get("left") && !q.get("right")
      ? { left: "province", right: "province" } : cfg.defaults;
    return { mode: "areas", left: q.get("left") || defaults.left, right: q.get("right") || defaults.right };
  }

  function params(state, withLang) {
    const q = new URLSearchParams();
    if (state.mode === "schemes") {
      q.set("scheme_left", state.left);
      q.set("scheme_right", state.right);
    } else {
      q.set("left", state.left);
      q.set("right", state.right);
    }
    if (withLang) q.set("lang", withLang);
    return q;
  }

  /** `q` with the versions each side is counted in (a: left, b: right), when a pair of versions is shown. */
  function withVersions(q) {
    if (versionPair && versionPair.a) q.set("a", versionPair.a);
    if (versionPair && versionPair.b) q.set("b", versionPair.b);
    return q;
  }

  /** The page's own query: the comparison, the versions being diffed and the language. */
  function pageParams(state, withLang) {
    const q = params(state);
    if (versionPair) {
      if (versionPair.a) q.set("a", versionPair.a);
      if (versionPair.b) q.set("b", versionPair.b);
    }
    q.set("lang", withLang);
    return q;
  }

  // ---- controls ----
  const option = (parent, value, text) => parent.appendChild(el("option", { value, text }));

  function fillSelect(select, mode) {
    select.replaceChildren();
    if (mode === "schemes") {
      cfg.schemes.forEach((s) => option(select, s.id, `${s.id} · ${s["title_" + lang]}`));
      return;
    }
    option(select, "province", t.province + " · " + name(cfg.province));
    const pg = el("optgroup", { label: t.prefectures });
    cfg.prefectures.forEach((p) => option(pg, p.key, name(p)));
    select.appendChild(pg);
    cfg.schemes.forEach((s) => {
      const g = el("optgroup", { label: `${t.schemeZones}${s.id} · ${s["title_" + lang]}` });
      s.zones.forEach((z) => option(g, z.key, `${s.id} · ${name(z)}`));
      select.appendChild(g);
    });
  }

  function setControls(state) {
    $("cmp-mode-areas").checked = state.mode === "areas";
    $("cmp-mode-schemes").checked = state.mode === "schemes";
    for (const side of ["left", "right"]) {
      const select = $("cmp-" + side);
      if (select.dataset.mode !== state.mode) {
        fillSelect(select, state.mode);
        select.dataset.mode = state.mode;
      }
      select.value = state[side];
    }
  }

  // ---- table ----
  function fmt(v) {
    if (v === null || v === undefined) return t.notApplicable;
    return Number(v).toLocaleString(lang === "zh" ? "zh-CN" : "en", { maximumFractionDigits: 1 });
  }

  const td = (tr, text, cls, tag) => tr.appendChild(el(tag || "td", { text, class: cls || null }));

  function renderTable(report) {
    const table = $("cmp-table");
    table.replaceChildren();
    const thead = el("thead");
    const head = el("tr");
    td(head, t.metric, "", "th");
    td(head, t.units, "", "th");
    report.columns.forEach((c) => {
      const v = report.versions && report.versions[c.side];  // the version this column is counted in
      const vname = v ? (v.baseline ? GL.format(t.baselineName, { vid: v.id }) : v.name + " · " + t.draft) : "";
      const th = td(head, (report.kind === "schemes" ? `${c.scheme} · ${name(c)}` : name(c)) + (v ? " · " + vname : ""),
        "cmp-num cmp-" + c.side, "th");
      th.dataset.key = c.key;
      if (v) th.dataset.version = v.id;
    });
    if (report.kind === "areas") td(head, t.difference, "cmp-num", "th");
    thead.appendChild(head);
    table.appendChild(thead);
    const tbody = el("tbody");
    let group = null;
    report.rows.forEach((row) => {
      if (row.group !== group) {
        group = row.group;
        const gr = el("tr");
        gr.className = "cmp-group";
        const c = td(gr, row["group_" + lang], "", "th");
        c.colSpan = 2 + report.columns.length + (report.kind === "areas" ? 1 : 0);
        tbody.appendChild(gr);
      }
      const tr = el("tr");
      tr.dataset.metric = row.metric;
      td(tr, row["label_" + lang]);
      td(tr, row["units_" + lang], "cmp-units");
      row.values.forEach((v) => td(tr, fmt(v), "cmp-num"));
      if (report.kind === "areas") {
        const d = row.difference;
        td(tr, d === null || d === undefined ? t.notApplicable : (d > 0 ? "+" : "") + fmt(d),
          "cmp-num " + (d > 0 ? "cmp-pos" : d < 0 ? "cmp-neg" : ""));
      }
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    const notes = $("cmp-notes");
    notes.replaceChildren();
    report.notes.forEach((n) => {
      notes.appendChild(el("li", { text: n[lang] }));
    });
  }

  // ---- charts ----
  // a series of bases in one industry takes the industry's colour; other series the zone palette's
  const seriesColour = (metric, j) => (metric.startsWith("bases_sector_")
    ? sym.industryColour(metric.slice("bases_sector_".length)) : sym.zonePalette[j % sym.zonePalette.length]);

  function renderCharts(report) {
    const box = $("cmp-charts");
    box.replaceChildren();
    const byMetric = new Map(report.rows.map((r) => [r.metric, r]));
    const sectors = report.rows.filter((r) => r.metric.startsWith("bases_sector_")).map((r) => r.metric);
    const charts = [
      [t.chartCounts, ["bases_national", "bases_provincial", "parks", "enterprises", "projects"]],
      [t.chartSectors, sectors],
      [t.chartMw, ["projects_wind_mw", "projects_pv_mw"]],
      [t.chartArea, ["area_km2"]],
    ];
    charts.forEach(([title, metrics]) => {
      const rows = metrics.map((m) => byMetric.get(m)).filter(Boolean);
      if (!rows.length) return;
      let spec;
      if (report.kind === "areas") {
        spec = { title, lang, categories: rows.map((r) => r["label_" + lang]),
          series: report.columns.map((c, i) => ({ name: name(c), color: sym.sides[c.side],
            values: rows.map((r) => r.values[i]) })) };
      } else {
        spec = { title, lang, categories: report.columns.map((c) => `${c.scheme} · ${name(c)}`),
          series: rows.map((r, j) => ({ name: r["label_" + lang], color: seriesColour(r.metric, j),
            values: r.values })) };
      }
      box.appendChild(el("figure", { class: "cmp-chart-box" }, CompareCharts.barChart(spec)));
    });
  }

  // ---- legend, captions, links ----
  function renderLegend(state) {
    const legend = $("cmp-legend");
    legend.replaceChildren();
    const item = (color, text, shape) => {
      const sw = el("i", { class: "cmp-swatch " + (shape || "") });
      sw.style.background = color;
      sw.style.color = color;
      legend.appendChild(el("span", { class: "cmp-legend-item" }, sw, text));
    };
    const symbol = (shape, colour, text) => legend.appendChild(el("span", { class: "cmp-legend-item" }, sym.node(shape, colour, 14), text));
    symbol(sym.shapeOf("bases", { level: "national" }), sym.grey, t.legendBases);
    symbol(sym.shapeOf("bases", { level: "provincial" }), sym.grey, t.legendBasesProvincial);
    [["parks", t.legendParks], ["enterprises", t.legendEnterprises], ["projects", t.legendProjects]]
      .forEach(([k, label]) => symbol(sym.shapeOf(k), sym.grey, label));
    legend.appendChild(el("span", { class: "cmp-legend-sub", text: t.legendIndustries }));
    Object.entries(sym.industries).forEach(([code, colour]) =>
      symbol("circle", colour, (cfg.symbology.industry_names[code] || {})[lang] || code));
    if (state.mode === "areas") {
      ["left", "right"].forEach((s) => { const a = AREAS.get(state[s]); if (a) item(sym.sides[s], name(a)); });
    }
    if (state.diff) {
      [["added", t.added], ["removed", t.removed], ["moved", t.moved], ["changed", t.changed]]
        .forEach(([k, label]) => item(sym.diff[k], label, "ring"));
    }
  }

  function caption(state, side) {
    if (state.mode === "schemes") {
      const s = SCHEMES.get(state[side]);
      return s ? `${s.id} · ${s["title_" + lang]}` : state[side];
    }
    const a = AREAS.get(state[side]);
    let text = a ? name(a) : state[side];
    if (state.diff) text += " — " + state.diff[side];
    return text;
  }

  function atlasLink(state) {
    const q = new URLSearchParams({ lang });
    if (state.mode === "areas") {
      const parts = state.left.split(":");
      if (parts[0] === "zone") { q.set("scheme", parts[1]); q.set("zone", parts[2]); }
      if (parts[0] === "prefecture") q.set("prefecture", parts[1]);
    }
    return cfg.urls.atlas + "?" + q.toString();
  }

  function renderLinks(state) {
    const q = withVersions(params(state, lang)).toString();
    $("cmp-export-csv").href = `${cfg.urls.compare}?${q}&format=csv`;
    $("cmp-export-png").href = `${cfg.urls.print.replace("__fmt__", "png")}?${q}`;
    $("cmp-export-pdf").href = `${cfg.urls.print.replace("__fmt__", "pdf")}?${q}`;
    $("cmp-lang-zh").href = "?" + pageParams(state, "zh").toString();
    $("cmp-lang-en").href = "?" + pageParams(state, "en").toString();
    $("cmp-atlas-link").href = atlasLink(state);
    $("cmp-caption-left").textContent = caption(state, "left");
    $("cmp-caption-right").textContent = caption(state, "right");
  }

  // ---- apply a state ----
  const maps = CompareMaps.create(cfg, t);
  window.gislayoutCompare = { maps: maps.maps };  // for tests and the console
  let current = null;
  let request = 0;

  function apply(state, how) {
    state.diff = current ? current.diff : false;
    current = state;
    if (how === "push") history.pushState(null, "", "?" + pageParams(state, lang).toString());
    if (how === "replace") GL.url.replace(pageParams(state, lang).toString(), "");
    setControls(state);
    renderLinks(state);
    renderLegend(state);
    message("");
    const sides = {};
    let known = true;
    for (const s of ["left", "right"]) {
      sides[s] = state.mode === "schemes" ? SCHEMES.get(state[s]) : AREAS.get(state[s]);
      known = known && !!sides[s];
    }
    if (known) CompareMaps.show(maps, state.mode, sides, lang).catch((e) => message(t.error + e.message));
    const mine = ++request;
    const table = $("cmp-table");
    table.dataset.state = "loading";
    table.setAttribute("aria-busy", "true");
    // each side's numbers come from the version it is under (left: A, right: B) when a pair is shown
    const asked = withVersions(params(state));
    table.dataset.versions = asked.get("a") || asked.get("b") ? (asked.get("a") || "") + "|" + (asked.get("b") || "") : "";
    fetch(`${cfg.urls.compare}?${asked.toString()}`)
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => {
        if (mine !== request) return;
        if (!ok) throw new Error(body.message);
        renderTable(body);
        renderCharts(body);
        table.dataset.state = "ready";
        table.dataset.left = state.left;
        table.dataset.right = state.right;
      })
      .catch((e) => {
        if (mine !== request) return;
        table.replaceChildren();
        $("cmp-charts").replaceChildren();
        $("cmp-notes").replaceChildren();
        table.dataset.state = "error";
        message(t.error + e.message);
      })
      .finally(() => { if (mine === request) table.removeAttribute("aria-busy"); });
  }

  function fromControls() {
    const mode = $("cmp-mode-schemes").checked ? "schemes" : "areas";
    return { mode, left: $("cmp-left").value, right: $("cmp-right").value };
  }

  function switchMode() {
    const mode = $("cmp-mode-schemes").checked ? "schemes" : "areas";
    const ids = cfg.schemes.map((s) => s.id);
    const state = mode === "schemes" ? { mode, left: ids[0], right: ids[ids.length - 1] } : { mode, ...cfg.defaults };
    apply(state, "push");
  }

  // ---- wiring ----
  GL.relabel(document, (key) => t[key] || key);
  $("cmp-attribution").textContent = `${cfg.attribution} ${lang === "zh" ? "政策：" : "Policy: "}${cfg.policy}`;  // cfg.attribution is in the page's language
  $("cmp-controls").addEventListener("submit", (e) => e.preventDefault());
  $("cmp-left").addEventListener("change", () => apply(fromControls(), "push"));
  $("cmp-right").addEventListener("change", () => apply(fromControls(), "push"));
  $("cmp-mode-areas").addEventListener("change", switchMode);
  $("cmp-mode-schemes").addEventListener("change", switchMode);
  $("cmp-swap").addEventListener("click", () => {
    const s = fromControls();
    apply({ mode: s.mode, left: s.right, right: s.left }, "push");
  });
  $("cmp-share").addEventListener("click", () => {
    const url = location.href;
    const input = $("cmp-share-url");
    input.value = url;
    input.hidden = false;
    input.select();
    const done = () => { $("cmp-share").textContent = t.copied; };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, () => {});
  });
  window.addEventListener("popstate", () => {
    versionPair = readVersions();
    apply(readState(), null);
    versions.select(versionPair);
  });

  versionPair = readVersions();
  apply(readState(), "replace");
  const versions = CompareVersions.init({ cfg, t, lang, maps, message,
    versions: () => versionPair,
    onVersions: (pair, how) => {  // a diff of two stored versions shown (or cleared): put it in the URL
      const same = JSON.stringify(pair) === JSON.stringify(versionPair);
      versionPair = pair;
      if (how === "push" && !same) history.pushState(null, "", "?" + pageParams(current, lang).toString());
      else GL.url.replace(pageParams(current, lang).toString(), "");
      renderLinks(current);
      if (!same) apply(current, null);  // the table's sides are counted in the versions now shown
    },
    onDiff: (captions) => {  // {left, right} captions of a shown diff, or null
      current.diff = captions;
      renderLegend(current);
      renderLinks(current);
    } });
  window.gislayoutCompare.diffItems = () => maps.diffItems || [];
})();
