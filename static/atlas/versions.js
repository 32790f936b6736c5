/* Atlas versions: which version of the layout the map shows (the URL's `version=`), the selector in the bar, and the
 * versions panel: every version (name, author, time, parent, locked) with branch, rename, lock and delete, and the
 * history of the version or of one feature, with "restore" for a deleted feature and "view as of" a past change.
 * A switch reloads only the four layout layers (/api/layers/<name>?display=1&version=<vid>); the page stays.
 * Names and descriptions are user text: they go in through GL.el (textContent), never as markup. */
(function () {
  "use strict";
  const A = window.Atlas, el = GL.el, et = A.et;
  const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;
  // the server parsed the link's version and checked that it exists (an unknown one gets a page saying so), so
  // the page starts from that one state: cfg.state.version, with its name, author and time in cfg.version
  const asked = new URLSearchParams(location.search).get("version") || "";
  A.state.version = A.state.version || (SLUG.test(asked) ? asked : "");
  A.shownVersion = A.cfg.version || null;
  A.versions = [];
  A.asOf = null;  // a change number while the map shows a past state

  /** The version shown: the one the URL names, else the newest baseline (what /api/layers serves by default). */
  A.currentVersion = function () {
    const named = A.versions.find((v) => v.id === A.state.version);
    if (named) return named;
    if (!A.versions.length && A.shownVersion && (A.shownVersion.id === A.state.version || (!A.state.version && A.shownVersion.baseline))) {
      return A.shownVersion;  // before the list is in
    }
    const bases = A.versions.filter((v) => v.baseline).sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    return bases[0] || null;
  };
  /** A version's name in the page's language: a baseline's is worded here (as gislayout.bilingual.version_name). */
  A.versionLabel = (v) => (v ? (v.baseline ? et("baseline_name", { vid: v.id }) : v.name) : "");
  A.versionAuthor = (v) => (v && v.baseline && (v.author === "layers/" || !v.author) ? et("curated") : (v && v.author) || "");
  A.changeAuthor = (who) => (who === "layers/" ? et("curated") : who);
  A.versionName = (id) => { const v = A.versions.find((x) => x.id === id); return v ? A.versionLabel(v) : id || ""; };
  /** Whether features of the version shown may be edited by the signed-in user now. */
  A.editBlock = function () {
    const v = A.currentVersion();
    if (!A.canEdit()) return et("edit_viewer");
    if (!v || v.baseline) return et("edit_baseline");
    if (v.locked) return et("edit_locked");
    if (A.asOf) return et("edit_as_of");
    return "";
  };

  /* ---- the layout layers of the version shown (features.js asks A.fetchLayer) ----
   * A version's layers come straight from the store (/api/versions/<vid>/features?layer=…), with each feature's
   * revision, which the editor's writes are based on. The layer API's ?version= gives the same features, but
   * validates and caches the whole layer again after every edit (0.3–0.5 s for the four); this is ~20 ms, so a
   * switch stays well within 200 ms of server time. What the layer API adds for the map is derived here: the
   * zone of each scheme, from the prefecture (as gislayout.regions.zone_columns). */
  const plainFetch = A.fetchLayer;
  const zoneOf = {};  // scheme id → prefecture → zone id
  A.cfg.schemes.forEach((s) => {
    zoneOf[s.id] = {};
    s.zones.forEach((z) => z.members.forEach((m) => (zoneOf[s.id][m] = z.id)));
  });
  const asLayer = (fc) => {
    fc.features.forEach((f) => {
      const p = f.properties;
      p.id = p.id || f.id;
      Object.keys(zoneOf).forEach((sid) => (p["zone_" + sid] = zoneOf[sid][p.prefecture] || ""));
    });
    return fc;
  };
  A.fetchLayer = function (name) {
    const v = A.currentVersion(), vid = A.state.version || (A.asOf && v ? v.id : "");
    if (!vid) return plainFetch(name);  // the default baseline never changes under the page: cached
    const asOf = A.asOf ? "&as_of=" + A.asOf : "";
    return A.getFresh(A.versionPath(vid) + "/features?layer=" + encodeURIComponent(name) + asOf).then(asLayer);
  };
  /** Load the layout layers again and redraw (after a switch or a write). */
  A.reloadPoints = function () {
    return A.loadPoints().then(() => A.refreshPoints()).catch((err) => {
      console.warn(err);
      A.toast(A.t("load_failed", { name: A.t("group_layout") }) + " " + err.message);
    });
  };

  A.setVersion = function (vid, asOf) {
    A.asOf = asOf || null;
    A.state.version = vid;
    A.state.selected = "";
    A.map.closePopup();
    A.emit("version");
    A.writeUrl();
    render();
    return A.reloadPoints().then(() => showHistory(historyOf));
  };
  A.viewAsOf = (seq) => A.setVersion(A.state.version || (A.currentVersion() || {}).id || "", seq);

  A.loadVersions = function () {
    return A.getFresh("/versions").then((body) => {
      A.versions = body.versions || [];
      render();
      A.emit("versions");
    }).catch((err) => {
      console.warn(err);
      panel.replaceChildren(el("p", { class: "note", text: et("versions_failed") + " " + err.message }));
    });
  };

  /* ---- the bar: selector and account ---- */
  const bar = document.getElementById("version-bar");
  const panel = document.getElementById("versions-panel");
  function renderBar() {
    const cur = A.currentVersion();
    const select = el("select", { id: "version-select", "aria-label": et("version"), title: et("version"),
      onchange: (e) => A.setVersion(e.target.value) },
    ...A.versions.map((v) => el("option", { value: v.id, selected: cur && v.id === cur.id,
      text: A.versionLabel(v) + (v.baseline ? " · " + et("baseline") : v.locked ? " · " + et("locked") : " · " + et("draft")) })));
    const s = A.session;
    // the sign-in link is written when clicked, so that it comes back to the view as it is then
    const signIn = el("a", { id: "sign-in", class: "btn", href: A.signInUrl(), text: et("sign_in"),
      onclick: (e) => (e.currentTarget.href = A.signInUrl()) });
    const account = s.user
      ? el("span", { id: "account", class: "account", title: et("signed_in", { user: s.user, role: et("role_" + s.role) }) },
        el("span", { class: "account-name", text: s.user }),
        el("button", { type: "button", class: "btn btn-small", id: "sign-out", text: et("sign_out"), onclick: A.signOut }))
      : A.hasAccounts ? signIn : null;
    bar.replaceChildren(...[select, account].filter(Boolean));
  }

  /* ---- the panel: versions ---- */
  const open = {};  // version id → the inline form open under it ("branch" | "rename" | "delete")
  const problems = {};  // version id → the server's message about the last action on it
  function act(v, promise, after) {
    delete problems[v.id];
    return promise.then((answer) => {
      delete open[v.id];
      A.toast(et("version_saved"));
      return A.loadVersions().then(() => after && after(answer));
    }).catch((err) => { problems[v.id] = err.message; render(); });
  }
  function inline(v) {
    const kind = open[v.id];
    if (!kind) return null;
    const close = el("button", { type: "button", class: "btn btn-small", text: et("cancel"), onclick: () => { delete open[v.id]; render(); } });
    if (kind === "delete") {
      return el("div", { class: "version-form", role: "group" }, el("span", { text: et("confirm_delete_version", { name: v.name }) }),
        el("button", { type: "button", class: "btn btn-small danger", "data-confirm": "delete", text: et("delete"),
          onclick: () => act(v, A.send("DELETE", A.versionPath(v.id) + "?revision=" + v.revision), () => {
            if (v.id === A.state.version) A.setVersion("");
            A.toast(et("version_deleted"));
          }) }), close);
    }
    const input = el("input", { type: "text", name: kind === "branch" ? "branch-name" : "rename", maxlength: "200", required: true,
      value: kind === "rename" ? v.name : "", placeholder: et("branch_name"), "aria-label": et(kind === "branch" ? "branch_name" : "rename") });
    const submit = (e) => {
      e.preventDefault();
      const name = input.value.trim();
      if (!name) return;
      if (kind === "branch") act(v, A.send("POST", "/versions", { parent_id: v.id, name: name }), (created) => created && A.setVersion(created.id));
      else act(v, A.send("PATCH", A.versionPath(v.id), { name: name, revision: v.revision }));
    };
    setTimeout(() => input.focus(), 0);
    return el("form", { class: "version-form", onsubmit: submit }, input,
      el("button", { type: "submit", class: "btn btn-small", text: et(kind === "branch" ? "create" : "save") }), close);
  }
  function item(v, cur) {
    const button = (key, fn, extra) => el("button", Object.assign({ type: "button", class: "btn btn-small", "data-action": key,
      text: et(key), onclick: fn }, extra || {}));
    const toggle = (kind) => () => { open[v.id] = open[v.id] === kind ? undefined : kind; render(); };
    const mayLock = A.canEdit() && (A.session.role === "admin" || v.author === A.session.user || (v.locked && v.locked_by === A.session.user));
    const actions = A.canEdit() ? el("div", { class: "version-actions" }, button("branch", toggle("branch")),
      v.baseline ? null : button("rename", toggle("rename")),
      v.baseline || !mayLock ? null : button(v.locked ? "unlock" : "lock", () => act(v, A.send("PATCH", A.versionPath(v.id), { locked: !v.locked, revision: v.revision }))),
      v.baseline ? null : button("delete", toggle("delete"))) : null;
    // the author is an account name (user data, marked as such); the rest is worded in the page's language
    const meta = [A.when(v.created_at), v.parent_id ? et("parent") + ": " + A.versionName(v.parent_id) : "",
      v.features !== undefined ? et("features_n", { n: v.features }) : ""].filter(Boolean).join(" · ");
    return el("li", { class: "version-item" + (cur && cur.id === v.id ? " current" : ""), "data-version": v.id },
      el("div", { class: "version-head" },
        el("button", { type: "button", class: "version-name", text: A.versionLabel(v), title: v.id, onclick: () => A.setVersion(v.id) }),
        v.baseline ? el("span", { class: "badge", text: et("baseline") }) : null,
        v.locked ? el("span", { class: "badge locked", text: et("locked") + (v.locked_by ? " · " + v.locked_by : "") }) : null),
      el("p", { class: "version-meta" }, el("span", { class: "version-author", "data-code": "", text: A.versionAuthor(v) }), " · " + meta),
      v.baseline ? el("p", { class: "version-desc", text: et("baseline_desc") }) : v.description ? el("p", { class: "version-desc", text: v.description }) : null,
      actions, inline(v), problems[v.id] ? el("p", { class: "form-error", role: "alert", text: problems[v.id] }) : null);
  }

  /* ---- the panel: history ---- */
  let historyOf = null;  // {fid, name} of the feature whose history is shown, or null for the whole version
  const historyBox = el("div", { id: "history", class: "history" });
  function changeName(c) {
    const p = (c.after && (c.after.properties || c.after)) || (c.before && (c.before.properties || c.before)) || {};
    return A.pick(p, "name") || c.fid || "";
  }
  /** What an update changed: the fields, and how far the point moved. */
  function changeDetail(c) {
    if (c.action !== "update" || !c.before || !c.after) return "";
    const pb = c.before.properties || c.before, pa = c.after.properties || c.after;
    const fields = Object.keys(Object.assign({}, pb, pa)).filter((k) => k !== "layer" && k !== "geometry" &&
      JSON.stringify(pb[k]) !== JSON.stringify(pa[k]) && ["id", "deleted", "prefecture", "county", "lon", "lat"].indexOf(k) < 0);
    const gb = c.before.geometry, ga = c.after.geometry;
    const km = gb && ga ? A.map.distance(L.latLng(gb.coordinates[1], gb.coordinates[0]), L.latLng(ga.coordinates[1], ga.coordinates[0])) / 1000 : 0;
    return fields.join(", ") + (km >= 0.001 ? (fields.length ? "; " : "") + "↔ " + km.toFixed(km < 10 ? 2 : 1) + " km" : "");
  }
  function changeItem(c, mayRestore) {
    const what = [et("action_" + c.action), c.layer ? A.pick(A.layerSpec(c.layer) || {}, "title") : "", changeName(c),
      changeDetail(c)].filter(Boolean).join(" · ");
    return el("li", { class: "change", "data-seq": String(c.seq), "data-action": c.action },
      el("span", { class: "change-what", text: "#" + c.seq + " " + what }),
      el("span", { class: "change-who" }, el("span", { "data-code": "", text: A.changeAuthor(c.author) }), " · " + A.when(c.at)),
      el("span", { class: "change-actions" },
        el("button", { type: "button", class: "btn btn-small", "data-action": "as-of", text: et("view_as_of"), onclick: () => A.viewAsOf(c.seq) }),
        mayRestore && c.action === "delete" && c.fid && !A.byId[c.fid] ? el("button", { type: "button", class: "btn btn-small", "data-action": "restore",
          text: et("restore"), onclick: () => restore(c) }) : null));
  }
  function restore(c) {
    const path = A.versionPath(A.currentVersion().id) + "/features/" + encodeURIComponent(c.layer) + "/" + encodeURIComponent(c.fid);
    A.getFresh(path)  // the deleted state's revision: the restore is based on it
      .then((f) => A.send("POST", path + "/restore", { revision: f.revision }))
      .then(() => { A.toast(et("restored")); return A.reloadPoints(); })
      .then(() => showHistory(historyOf))
      .catch((err) => A.toast(et("failed", { message: err.message })));
  }
  /** Show the history of the version shown, or of the feature `of` = {fid, name}. */
  function showHistory(of) {
    historyOf = of || null;
    const v = A.currentVersion();
    if (!v) return Promise.resolve();
    const q = "?limit=50" + (of ? "&fid=" + encodeURIComponent(of.fid) : "");
    const head = el("h3", { class: "history-head", text: of ? et("history_feature", { name: of.name }) : et("history_version") });
    const back = of ? el("button", { type: "button", class: "btn btn-small", text: et("history_version"), onclick: () => showHistory(null) }) : null;
    return A.getFresh(A.versionPath(v.id) + "/history" + q).then((body) => {
      const changes = body.changes || [];
      const mayRestore = !A.editBlock();
      historyBox.dataset.fid = of ? of.fid : "";  // what the list shows, once it is there
      historyBox.replaceChildren(...[head, back].filter(Boolean), changes.length ? el("ol", { class: "history-list" }, ...changes.map((c) => changeItem(c, mayRestore)))
        : el("p", { class: "note", text: et("no_changes") }));
    }).catch((err) => historyBox.replaceChildren(...[head, back].filter(Boolean), el("p", { class: "note", text: err.message })));
  }
  A.showHistory = showHistory;

  /** The link to /compare compares the draft shown with the version it was branched from (or the baseline). */
  function compareLink() {
    const link = document.querySelector("a[data-nav$='/compare']");
    const v = A.currentVersion();
    if (!link) return;
    const parts = A.state.lang === "en" ? [["lang", "en"]] : [];
    if (v && !v.baseline) parts.unshift(["a", v.parent_id || "2010"], ["b", v.id]);
    link.href = link.dataset.nav + (parts.length ? "?" + GL.url.query(parts) : "");
  }
  function render() {
    renderBar();
    compareLink();
    const cur = A.currentVersion();
    const banner = A.asOf ? el("div", { class: "banner as-of", id: "as-of", role: "status" }, el("span", { text: et("as_of", { seq: A.asOf }) }),
      el("button", { type: "button", class: "btn btn-small", text: et("back_now"), onclick: () => A.setVersion(A.state.version) })) : null;
    panel.replaceChildren(...[banner].filter(Boolean), el("ul", { class: "version-list" }, ...A.versions.map((v) => item(v, cur))), historyBox);
    const title = document.getElementById("versions-title");
    if (title) title.textContent = et("versions");
    document.body.classList.toggle("viewing-past", !!A.asOf);
  }
  A.renderVersions = render;

  A.on("lang", () => { render(); showHistory(historyOf); });
  A.on("session", () => { render(); showHistory(historyOf); });
  A.on("written", () => { A.loadVersions(); showHistory(historyOf); });
  /** Settles once the session and the versions list are in (main.js waits for it before `data-ready`). */
  A.versionsReady = Promise.all([A.loadSession(), A.loadVersions()]).then(() => {
    showHistory(null);
    document.body.dataset.versionsReady = "1";
  });
})();
