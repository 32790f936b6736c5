/* Versions of the plan: diff two versions from the store (GET /api/compare/versions?a=&b=; the pair lives in the
   page URL), or upload a file from outside (POST /api/compare/diff, against the version chosen as A). The
   difference shows on both maps (A left, B right) and as a table, and exports as CSV or GeoJSON. Every text
   from data goes in through textContent (GL.el). */
(function () {
  "use strict";

  const text = (v) => (v === null || v === undefined ? "" : String(v));
  const cell = (tr, value, tag) => tr.appendChild(GL.el(tag || "td", { text: text(value) }));

  /** The changed fields of a diff row as "field: before → after" lines (one element each). */
  /** "field: before → after" lines of a diff row, the field and coded values in the page's language. */
  function changeLines(p, t, cfg, lang) {
    const lines = [];
    if (p.outside_gansu) lines.push(GL.el("div", { class: "cmp-warn", text: t.outside_gansu }));
    const before = p.before || {};
    const after = p.after || {};
    const field = (f) => ((cfg.fields || {})[f] || {})[lang] || f;
    const value = (f, v) => {
      const words = ((cfg.vocab || {})[f] || {})[v];
      return words ? words[lang] : text(v);
    };
    (p.changed_fields ? p.changed_fields.split(";") : []).forEach((f) => {
      lines.push(GL.el("div", { class: "cmp-change", "data-field": f },
        GL.el("b", { text: field(f) }), lang === "zh" ? "：" : ": ", value(f, before[f]) || "—", " → ", value(f, after[f]) || "—"));
    });
    return lines;
  }

  function init(ctx) {
    const { cfg, t, lang, maps, message } = ctx;
    const $ = (id) => document.getElementById(id);
    const fileInput = $("cmp-file");
    const layersSelect = $("cmp-version-layers");
    const vLayers = $("cmp-vdiff-layers");
    const pickA = $("cmp-version-a");
    const pickB = $("cmp-version-b");
    const names = new Map();  // version id -> name
    let last = null;  // {kind: "upload", file, result} | {kind: "versions", a, b, layers, result}

    [["bases,parks", t.layersBoth], ["bases", t.layersBases], ["parks", t.layersParks]].forEach(([v, label]) => {
      layersSelect.appendChild(GL.el("option", { value: v, text: label }));
    });
    vLayers.appendChild(GL.el("option", { value: "", text: t.layersAll }));
    cfg.versionLayers.forEach((n) => vLayers.appendChild(GL.el("option", { value: n, text: t.layerNames[n] || n })));
    const tolerance = () => $("cmp-tolerance").value || "50";
    // a version by its name (a baseline's worded in the page's language); ids are codes, kept for tooltips
    const versionName = (vid) => (names.has(vid) && names.get(vid) !== vid ? names.get(vid) : vid);

    function setTemplateLinks() {
      const q = new URLSearchParams({ version: pickA.value || cfg.baseVersion });
      $("cmp-template-geojson").href = `${cfg.urls.version}?${q}&format=geojson`;
      $("cmp-template-csv").href = `${cfg.urls.version}?${q}&format=csv`;
    }

    function versionsUrl(a, b, layers, format) {
      const q = new URLSearchParams({ a, b, tolerance_m: tolerance(), format, lang });
      if (layers) q.set("layers", layers);
      return `${cfg.urls.versionsDiff}?${q}`;
    }

    function post(file, format) {
      const body = new FormData();
      body.append("file", file, file.name);
      body.append("layers", layersSelect.value);
      body.append("tolerance_m", tolerance());
      body.append("against", pickA.value || cfg.baseVersion);
      body.append("format", format);
      // lang: a refused file is explained in the page's language
      return fetch(`${cfg.urls.diff}?lang=${lang}`, { method: "POST", body }).then((r) => {
        if (!r.ok) return r.json().then((b) => { throw new Error(b.message || r.statusText); });
        return format === "json" ? r.json() : r.blob();
      });
    }

    function renderTable(fc) {
      const table = $("cmp-diff-table");
      table.replaceChildren();
      const head = GL.el("tr");
      [t.status, t.layer, t.name, "id", t.distance, t.changes].forEach((h) => cell(head, h, "th"));
      table.appendChild(GL.el("thead", {}, head));
      const tbody = GL.el("tbody");
      const showAll = $("cmp-show-unchanged").checked;
      for (const f of fc.features) {
        const p = f.properties;
        if (p.status === "unchanged" && !showAll) continue;
        const tr = GL.el("tr", { class: "cmp-status-" + p.status, "data-id": p.id, "data-layer": p.layer });
        const s = cell(tr, t[p.status] || p.status);
        s.style.color = maps.sym.diff[p.status];
        cell(tr, t.layerNames[p.layer] || p.layer);
        cell(tr, GL.dataName(p, lang));
        cell(tr, p.id).dataset.code = "";  // an id: the same in both languages
        const km = cell(tr, p.moved ? p.moved_km : "");
        km.className = "cmp-num cmp-moved-km";
        tr.appendChild(GL.el("td", { class: "cmp-changes" }, ...changeLines(p, t, cfg, lang)));
        tbody.appendChild(tr);
      }
      table.appendChild(tbody);
    }

    function show(result) {
      const counts = result.summary.counts;
      const against = versionName(result.summary.a);
      const other = result.summary.b !== null ? versionName(result.summary.b) : result.summary.filename;
      $("cmp-diff-summary").textContent = GL.format(t.diffSummary, { a: against, b: other }) +
        ["added", "removed", "moved", "changed", "unchanged"].map((k) => `${t[k]} ${counts[k]}`).join(" · ");
      renderTable(result.diff);
      CompareMaps.showDiff(maps, result.diff, $("cmp-show-unchanged").checked, lang, t);
      $("cmp-diff-result").hidden = false;
      $("cmp-clear-diff").hidden = false;
      const right = result.summary.b !== null ? `${t.versionCaption} ${other}` : `${t.uploadedCaption} ${other}`;
      ctx.onDiff({ left: `${t.versionCaption} ${against}`, right });
    }

    function run(job, how) {
      message("");
      $("cmp-diff-result").dataset.state = "loading";
      return job.then((result) => {
        last.result = result;
        show(result);
        $("cmp-diff-result").dataset.state = "ready";
        if (last.kind === "versions") ctx.onVersions({ a: last.a, b: last.b }, how);
      }).catch((e) => {
        $("cmp-diff-result").dataset.state = "error";
        message(t.error + e.message);
      });
    }

    function compareVersions(how) {
      const a = pickA.value;
      const b = pickB.value;
      if (!a || !b) return message(t.noVersions);
      last = { kind: "versions", a, b, layers: vLayers.value };
      // not GL.fetchJSON: its cache would keep showing a diff after either version is edited
      const job = fetch(versionsUrl(a, b, vLayers.value, "json")).then((r) => r.json().then((body) => {
        if (!r.ok) throw new Error(body.message || r.statusText);
        return body;
      }));
      return run(job, how);
    }

    function upload() {
      const file = fileInput.files[0];
      if (!file) return message(t.noFile);
      if (file.size > cfg.limits.bytes) return message(`${t.tooBig}${file.name} (${file.size} > ${cfg.limits.bytes})`);
      last = { kind: "upload", file };
      ctx.onVersions(null, "push");
      return run(post(file, "json"), null);
    }

    function save(blob, name) {
      const a = GL.el("a", { href: URL.createObjectURL(blob), download: name });
      document.body.appendChild(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }

    function download(format) {
      if (!last || !last.result) return;
      if (last.kind === "versions") {
        const a = GL.el("a", { href: versionsUrl(last.a, last.b, last.layers, format), download: "" });
        document.body.appendChild(a);
        a.click();
        a.remove();
        return;
      }
      post(last.file, format).then((blob) => save(blob, `diff_${last.result.summary.a}_${last.file.name.replace(/\.[^.]*$/, "")}.${format}`))
        .catch((e) => message(t.error + e.message));
    }

    function clear(how) {
      last = null;
      CompareMaps.showDiff(maps, null);
      $("cmp-diff-result").hidden = true;
      $("cmp-clear-diff").hidden = true;
      fileInput.value = "";
      ctx.onDiff(null);
      ctx.onVersions(null, how);
    }

    /** Fill both selectors from GET /api/versions; ids from the URL are kept even if the list lacks them. */
    function fillVersions(list, wanted) {
      list.forEach((v) => names.set(v.id, v.baseline ? GL.format(t.baselineName, { vid: v.id }) : v.name || v.id));
      [wanted.a, wanted.b, cfg.baseVersion].forEach((vid) => { if (vid && !names.has(vid)) names.set(vid, vid); });
      for (const [select, value] of [[pickA, wanted.a || cfg.baseVersion], [pickB, wanted.b || wanted.a || cfg.baseVersion]]) {
        select.replaceChildren();
        for (const vid of names.keys()) select.appendChild(GL.el("option", { value: vid, text: versionName(vid) }));
        select.value = value;
      }
      setTemplateLinks();
    }

    $("cmp-vdiff").addEventListener("submit", (e) => { e.preventDefault(); compareVersions("push"); });
    $("cmp-vdiff-button").addEventListener("click", () => compareVersions("push"));
    $("cmp-upload").addEventListener("submit", (e) => { e.preventDefault(); upload(); });
    $("cmp-upload-button").addEventListener("click", upload);
    $("cmp-diff-csv").addEventListener("click", () => download("csv"));
    $("cmp-diff-geojson").addEventListener("click", () => download("geojson"));
    $("cmp-show-unchanged").addEventListener("change", () => { if (last && last.result) show(last.result); });
    $("cmp-clear-diff").addEventListener("click", () => clear("push"));
    pickA.addEventListener("change", setTemplateLinks);

    /** Show the diff of `pair` ({a, b} from the URL), or clear a shown diff of stored versions. */
    function select(pair) {
      if (pair && pair.a && pair.b) {
        [pair.a, pair.b].forEach((vid) => { if (!names.has(vid)) { names.set(vid, vid); fillVersions([], {}); } });
        pickA.value = pair.a;
        pickB.value = pair.b;
        setTemplateLinks();
        return compareVersions(null);
      }
      if (last && last.kind === "versions") clear(null);
      return null;
    }

    const wanted = ctx.versions() || {};
    const ready = fetch(cfg.urls.versions)
      .then((r) => (r.ok ? r.json() : { versions: [] }))
      .catch(() => ({ versions: [] }))
      .then((body) => {
        fillVersions(body.versions || [], wanted);
        return select(wanted);
      });
    return { ready, select };
  }

  window.CompareVersions = { init };
})();
