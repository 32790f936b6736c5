/* Version upload: send the planner's file to /api/compare/diff, show the difference on both maps and as a
   table, and export it (the same upload again with format=csv|geojson, saved from a blob URL). */
(function () {
  "use strict";

  const cell = (tr, text, tag) => tr.appendChild(GL.el(tag || "td", { text: text === null || text === undefined ? "" : String(text) }));

  function init(ctx) {
    const { cfg, t, lang, maps, message } = ctx;
    const $ = (id) => document.getElementById(id);
    const form = $("cmp-upload");
    const fileInput = $("cmp-file");
    const layersSelect = $("cmp-version-layers");
    let last = null;  // {file, fc}

    [["bases,parks", t.layersBoth], ["bases", t.layersBases], ["parks", t.layersParks]].forEach(([v, label]) => {
      layersSelect.appendChild(GL.el("option", { value: v, text: label }));
    });
    $("cmp-template-geojson").href = cfg.urls.version + "?format=geojson";
    $("cmp-template-csv").href = cfg.urls.version + "?format=csv";

    function post(file, format) {
      const body = new FormData();
      body.append("file", file, file.name);
      body.append("layers", layersSelect.value);
      body.append("tolerance_m", $("cmp-tolerance").value || "50");
      body.append("format", format);
      return fetch(cfg.urls.diff, { method: "POST", body }).then((r) => {
        if (!r.ok) return r.json().then((b) => { throw new Error(b.message || r.statusText); });
        return format === "json" ? r.json() : r.blob();
      });
    }

    function renderTable(fc) {
      const table = $("cmp-diff-table");
      table.replaceChildren();
      const head = GL.el("tr");
      ["id", t.layer, t.name, t.status, t.distance, t.changes].forEach((h) => cell(head, h, "th"));
      table.appendChild(GL.el("thead", {}, head));
      const tbody = GL.el("tbody");
      const showAll = $("cmp-show-unchanged").checked;
      for (const f of fc.features) {
        const p = f.properties;
        if (p.status === "unchanged" && !showAll) continue;
        const tr = GL.el("tr", { class: "cmp-status-" + p.status, "data-id": p.id });
        cell(tr, p.id);
        cell(tr, p.layer);
        cell(tr, p["name_" + lang] || p.name_zh);
        const s = cell(tr, t[p.status] || p.status);
        s.style.color = maps.sym.diff[p.status];
        cell(tr, p.moved ? p.distance_km : "");
        cell(tr, p.outside_gansu ? [t.outside_gansu, p.changes].filter(Boolean).join("; ") : p.changes);
        tbody.appendChild(tr);
      }
      table.appendChild(tbody);
    }

    function show(result) {
      const counts = result.summary.counts;
      $("cmp-diff-summary").textContent = t.diffSummary + ["added", "removed", "moved", "changed", "unchanged"]
        .map((k) => `${t[k]} ${counts[k]}`).join(" · ") + ` (${result.summary.filename})`;
      renderTable(result.diff);
      CompareMaps.showDiff(maps, result.diff, $("cmp-show-unchanged").checked, lang);
      $("cmp-diff-result").hidden = false;
      $("cmp-clear-diff").hidden = false;
      ctx.onDiff(true);
    }

    function upload() {
      const file = fileInput.files[0];
      if (!file) return message(t.noFile);
      if (file.size > cfg.limits.bytes) return message(`${t.tooBig}${file.name} (${file.size} > ${cfg.limits.bytes})`);
      message("");
      post(file, "json").then((result) => {
        last = { file, result };
        show(result);
      }).catch((e) => message(t.error + e.message));
    }

    function download(format) {
      if (!last) return;
      post(last.file, format).then((blob) => {
        const a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = `diff_2010_${last.file.name.replace(/\.[^.]*$/, "")}.${format}`;
        document.body.appendChild(a);
        a.click();
        setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      }).catch((e) => message(t.error + e.message));
    }

    form.addEventListener("submit", (e) => { e.preventDefault(); upload(); });
    $("cmp-upload-button").addEventListener("click", upload);
    $("cmp-diff-csv").addEventListener("click", () => download("csv"));
    $("cmp-diff-geojson").addEventListener("click", () => download("geojson"));
    $("cmp-show-unchanged").addEventListener("change", () => { if (last) show(last.result); });
    $("cmp-clear-diff").addEventListener("click", () => {
      last = null;
      CompareMaps.showDiff(maps, null);
      $("cmp-diff-result").hidden = true;
      $("cmp-clear-diff").hidden = true;
      fileInput.value = "";
      ctx.onDiff(false);
    });
  }

  window.CompareVersions = { init };
})();
