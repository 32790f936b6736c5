/* The scheme editor (/schemes/edit): a planner names zones, clicks prefectures on the map to put them in the
 * selected zone, and saves the scheme through POST or PUT /api/schemes (DELETE removes a saved one). The server
 * validates (every prefecture in exactly one zone) and its message is shown as it is; the form changes only
 * what the planner typed or what the server answered, so nothing is half-saved. Names from data or the planner
 * only ever go in through textContent and input values (GL.el). */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("scheme-editor-config").textContent);
  const $ = (id) => document.getElementById(id);
  const el = GL.el;
  const sym = GL.symbology(cfg.symbology);
  const S = {
    lang: cfg.lang,
    schemes: [],        // from /api/schemes
    prefectures: [],    // [{name_zh, name_en}] in the map's order
    zones: [],          // [{key, id, name_zh, name_en}]; `key` stays while the planner edits the id
    assign: {},         // prefecture name_zh → zone key
    selected: null,     // zone key
    saved: null,        // {id, revision, author} of the saved scheme this form edits, or null (a new one)
    armedDelete: false,
  };
  let nextKey = 1;
  const t = GL.translator(() => cfg.strings[S.lang]);
  const pick = (obj, base) => obj[base + "_" + S.lang] || obj[base + "_" + (S.lang === "zh" ? "en" : "zh")] || "";

  const server = window.SchemeServer, request = server.request;  // static/schemes/server.js
  const schemeUrl = (id) => cfg.urls.save + "/" + encodeURIComponent(id);

  /* ---- messages and URL ---- */
  function say(text, kind, extra) {
    const box = $("se-message");
    box.className = "se-message se-" + (kind || "info");
    box.replaceChildren(el("span", { text: text }), ...(extra || []));
    box.hidden = !text;
  }
  function syncUrl() {
    const pairs = [];
    if (S.saved) pairs.push(["scheme", S.saved.id]);
    if (S.lang !== "zh") pairs.push(["lang", S.lang]);
    GL.url.replace(GL.url.query(pairs), "");
    $("se-back").href = cfg.urls.atlas + (pairs.length ? "?" + GL.url.query(pairs) : "");  // the atlas takes the same keys
  }

  /* ---- the form's state ---- */
  function newZone(fields) {
    const n = S.zones.length + 1;
    let id = "zone" + n;
    for (let i = n; S.zones.some((z) => z.id === id); i++) id = "zone" + (i + 1);
    const zone = Object.assign({ key: nextKey++, id: id, name_zh: "区域" + n, name_en: "Zone " + n }, fields || {});
    S.zones.push(zone);
    return zone;
  }

  /** Fill the form from a scheme of /api/schemes: a saved one is edited, a built-in one copied under a new id. */
  function open(scheme) {
    S.zones = [];
    S.assign = {};
    S.armedDelete = false;
    if (!scheme) {
      S.saved = null;
      $("se-id").value = $("se-title-zh").value = $("se-title-en").value = $("se-note").value = "";
    } else {
      const editable = scheme.origin === "store";
      S.saved = editable ? { id: scheme.id, revision: scheme.revision, author: scheme.author } : null;
      let id = scheme.id;
      if (!editable) {
        id = scheme.id + "-copy";
        for (let i = 2; S.schemes.some((s) => s.id === id); i++) id = scheme.id + "-copy" + i;
      }
      $("se-id").value = id;
      $("se-title-zh").value = editable ? scheme.title_zh : cfg.strings.zh.copy_of.replace("{title}", scheme.title_zh);
      $("se-title-en").value = editable ? scheme.title_en : cfg.strings.en.copy_of.replace("{title}", scheme.title_en);
      $("se-note").value = scheme.note || "";
      scheme.zones.forEach((z) => {
        const zone = newZone({ id: z.id, name_zh: z.name_zh, name_en: z.name_en });
        z.members.forEach((m) => (S.assign[m] = zone.key));
      });
    }
    S.selected = S.zones.length ? S.zones[0].key : null;
    $("se-open").value = scheme ? scheme.id : "";
    render();
    syncUrl();
  }

  function collect() {
    return {
      id: $("se-id").value.trim(), title_zh: $("se-title-zh").value, title_en: $("se-title-en").value,
      note: $("se-note").value, unit: "prefecture",
      zones: S.zones.map((z) => ({ id: z.id.trim(), name_zh: z.name_zh, name_en: z.name_en,
        members: S.prefectures.map((p) => p.name_zh).filter((name) => S.assign[name] === z.key) })),
    };
  }

  /* ---- rendering ---- */
  const zoneIndex = (key) => S.zones.findIndex((z) => z.key === key);
  const colourOf = (key) => sym.zoneColour(zoneIndex(key));

  function renderOpen() {
    const select = $("se-open");
    const current = select.value;
    select.replaceChildren(el("option", { value: "", text: t("open_new") }),
      ...S.schemes.map((s) => el("option", { value: s.id,
        text: pick(s, "title") + (s.origin === "store" ? t("open_saved") : t("open_file")) })));
    select.value = current;
  }

  function zoneItem(z) {
    const members = Object.keys(S.assign).filter((name) => S.assign[name] === z.key).length;
    const swatch = el("span", { class: "se-swatch", "aria-hidden": "true" });
    swatch.style.background = colourOf(z.key);
    const field = (key, label, attrs) => el("input", Object.assign({ type: "text", value: z[key], "data-field": key,
      "aria-label": label, title: label, placeholder: label, oninput: (e) => { z[key] = e.target.value; renderMap(); } }, attrs));
    return el("li", { class: "se-zone" + (z.key === S.selected ? " se-selected" : ""), "data-key": String(z.key) },
      el("label", { class: "se-pick", title: t("select_zone") },
        el("input", { type: "radio", name: "se-zone", checked: z.key === S.selected, "aria-label": t("select_zone"),
          onchange: () => { S.selected = z.key; render(); } }), swatch),
      field("id", t("zone_id"), { class: "se-zone-id", maxlength: "64", spellcheck: "false" }),
      el("span", { class: "se-count", text: t("members", { n: members }) }),
      el("button", { type: "button", class: "se-remove", title: t("remove_zone"), "aria-label": t("remove_zone"), text: "×",
        onclick: () => {
          S.zones = S.zones.filter((o) => o !== z);
          Object.keys(S.assign).forEach((name) => S.assign[name] === z.key && delete S.assign[name]);
          if (S.selected === z.key) S.selected = S.zones.length ? S.zones[0].key : null;
          render();
        } }),
      field("name_zh", t("name_zh"), { class: "se-zone-name se-zh", maxlength: "200" }),
      field("name_en", t("name_en"), { class: "se-zone-name se-en", maxlength: "200" }));
  }

  function renderZones() {
    const list = $("se-zone-list");
    list.replaceChildren(...S.zones.map(zoneItem));
    if (!S.zones.length) list.append(el("li", { class: "se-empty", text: t("no_zones") }));
  }

  function renderCounter() {
    const left = S.prefectures.filter((p) => !S.assign[p.name_zh]);
    const box = $("se-unassigned");
    box.dataset.count = String(left.length);
    box.classList.toggle("se-warn", left.length > 0);
    box.replaceChildren(el("b", { text: left.length ? t("unassigned", { n: left.length }) : t("all_assigned") }),
      ...(left.length ? [el("span", { class: "se-names", text: " " + left.map((p) => pick(p, "name")).join("、") })] : []));
  }

  function renderState() {
    $("se-id").readOnly = !!S.saved;
    $("se-delete").hidden = !S.saved;
    $("se-delete").textContent = S.armedDelete ? t("confirm_delete") : t("delete");
    $("se-state").textContent = S.saved ? t("revision", { revision: S.saved.revision, author: S.saved.author }) : t("unsaved");
  }

  function renderMap() {
    S.prefectures.forEach((p) => {
      const zone = S.zones.find((z) => z.key === S.assign[p.name_zh]);
      map.show(p.name_zh, pick(p, "name"), zone && { id: zone.id, colour: colourOf(zone.key), selected: zone.key === S.selected,
        label: pick(zone, "name") || zone.id });
    });
  }

  function render() {
    renderZones();
    renderCounter();
    renderState();
    renderMap();
  }

  /* ---- map ---- */
  function assign(name) {
    if (S.selected === null) {
      say(t("pick_zone_first"), "warn");
      return;
    }
    if (S.assign[name] === S.selected) delete S.assign[name];
    else S.assign[name] = S.selected;
    say("");
    render();
  }

  const map = window.SchemeMap.create("se-map", cfg, assign);  // static/schemes/map.js

  /* ---- actions ---- */
  function refreshSchemes() {
    return request("GET", cfg.urls.schemes).then((list) => {
      S.schemes = list;
      renderOpen();
    });
  }

  function signInLink() {
    if (!cfg.urls.login) return null;
    const next = location.pathname + location.search;
    return el("a", { class: "se-link", href: cfg.urls.login + "?" + GL.url.query([["lang", S.lang], ["next", next]]), text: t("sign_in") });
  }

  function failed(error) {
    const extra = [];
    if (error.status === 401) extra.push(" ", signInLink());
    if (error.status === 409 && error.body && error.body.current) {
      const current = error.body.current;
      extra.push(" ", el("button", { type: "button", class: "se-btn", id: "se-load-current", text: t("load_current"),
        onclick: () => { open(Object.assign({ origin: "store" }, current)); say(""); } }));
    }
    say(t("error", { message: error.message }), "error", extra.filter(Boolean));
  }

  function save(e) {
    e.preventDefault();
    const body = collect();
    const button = $("se-save");
    button.disabled = true;
    button.textContent = t("saving");
    const call = S.saved
      ? request("PUT", schemeUrl(S.saved.id), Object.assign(body, { revision: S.saved.revision }))
      : request("POST", cfg.urls.save, body);
    call.then((scheme) => {
      S.saved = { id: scheme.id, revision: scheme.revision, author: scheme.author };
      S.armedDelete = false;
      renderState();
      syncUrl();
      const atlas = cfg.urls.atlas + "?" + GL.url.query([["scheme", scheme.id]].concat(S.lang === "zh" ? [] : [["lang", S.lang]]));
      say(t("saved", { revision: scheme.revision }), "ok", [" ", el("a", { id: "se-atlas-link", class: "se-link", href: atlas, text: t("show_in_atlas") })]);
      return refreshSchemes().then(() => ($("se-open").value = scheme.id));
    }).catch(failed).finally(() => {
      button.disabled = false;
      button.textContent = t("save");
    });
  }

  function remove() {
    if (!S.saved) return;
    if (!S.armedDelete) {
      S.armedDelete = true;
      renderState();
      return;
    }
    request("DELETE", schemeUrl(S.saved.id) + "?revision=" + S.saved.revision).then(() => {
      S.saved = null;
      S.armedDelete = false;
      renderState();
      syncUrl();
      say(t("deleted"), "ok");
      return refreshSchemes().then(() => ($("se-open").value = ""));
    }).catch((error) => {
      S.armedDelete = false;
      renderState();
      failed(error);
    });
  }

  function setLang(lang) {
    S.lang = lang;
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = t("title") + " · gislayout";
    GL.relabel(document, t);
    renderOpen();
    renderAccount();
    render();
    syncUrl();
  }

  function renderAccount() {
    const box = $("se-account"), user = server.session.user;
    if (user === undefined) box.replaceChildren();
    else if (user) box.replaceChildren(el("span", { text: t("signed_in_as", { user: user }) }));
    else box.replaceChildren(signInLink() || "");
  }

  $("se-form").addEventListener("submit", save);
  $("se-delete").addEventListener("click", remove);
  $("se-add-zone").addEventListener("click", () => {
    S.selected = newZone().key;
    render();
    const inputs = $("se-zone-list").querySelectorAll(".se-selected input[data-field=id]");
    if (inputs.length) inputs[0].focus();
  });
  $("se-open").addEventListener("change", (e) => {
    open(S.schemes.find((s) => s.id === e.target.value) || null);
    say("");
  });
  $("se-lang").addEventListener("click", () => setLang(S.lang === "zh" ? "en" : "zh"));

  Promise.all([GL.fetchJSON(cfg.urls.prefectures), refreshSchemes(), server.whoAmI(cfg.urls.me).then(renderAccount)]).then(([fc]) => {
    S.prefectures = map.load(fc);
    const start = cfg.scheme && S.schemes.find((s) => s.id === cfg.scheme);
    if (cfg.scheme && !start) say(t("not_found", { id: cfg.scheme }), "error");
    open(start || null);
  }).catch((error) => say(t("load_failed", { message: error.message }), "error"))
    .finally(() => (document.body.dataset.ready = "1"));
})();
