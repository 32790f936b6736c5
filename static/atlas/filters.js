/* Atlas side panel: filters (scheme and zone, sector, level, kind, prefecture) with counts, and the
 * feature list. Map, counts and list are redrawn together from the same filtered set (Atlas.shown). */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, el = A.el;
  const box = document.getElementById("filters");
  const list = document.getElementById("feature-list");
  const total = document.getElementById("total");
  const openGroups = { zone: true, sector: true, level: true };
  const openSubs = {};

  /** How many features on visible layers would show if `value` were the only choice of `filter`. */
  function facet(filter, test) {
    let n = 0;
    A.POINT_LAYERS.forEach((name) => {
      if (!A.isVisible(name)) return;
      (A.data[name] || []).forEach((f) => { if (A.matches(f.properties, filter) && test(f.properties)) n++; });
    });
    return n;
  }
  function toggle(filter, value, on) {
    const values = A.state[filter].filter((v) => v !== value);
    if (on) values.push(value);
    A.state[filter] = values;
    A.applyFilters();
  }
  function option(filter, value, label, count, swatch) {
    return el("label", { class: "option" + (count === 0 && A.state[filter].indexOf(value) < 0 ? " empty" : "") },
      el("input", { type: "checkbox", "data-filter": filter, value: value, checked: A.state[filter].indexOf(value) >= 0,
        onchange: (e) => toggle(filter, value, e.target.checked) }),
      swatch || null, el("span", { class: "option-label", text: label }), el("span", { class: "count", text: String(count) }));
  }
  function section(filter, children) {
    const details = el("details", { class: "filter", "data-filter-group": filter, open: openGroups[filter] || A.state[filter].length > 0 },
      el("summary", {}, el("span", { text: A.t(filter) }), A.state[filter].length ? el("span", { class: "badge", text: String(A.state[filter].length) }) : null),
      ...children);
    details.addEventListener("toggle", () => (openGroups[filter] = details.open));
    return details;
  }
  const hasCode = (p, code) => ((p.sectors || "") + ";" + (p.subsectors || "")).split(";").indexOf(code) >= 0;

  function renderFilters() {
    const scheme = el("select", { id: "scheme-select", "data-filter": "scheme", onchange: (e) => {
      A.state.scheme = e.target.value;
      A.state.zone = [];
      A.applyFilters();
      A.syncBoundary("regions").then(() => A.emit("boundaries"));
    } }, ...cfg.schemes.map((s) => el("option", { value: s.id, text: A.pick(s, "title"), selected: s.id === A.state.scheme })));
    const zones = A.scheme().zones.map((z) => {
      const sw = el("span", { class: "zone-swatch" });
      sw.style.background = A.zoneColour(z.id);
      return option("zone", z.id, A.pick(z, "name"), facet("zone", (p) => p["zone_" + A.state.scheme] === z.id), sw);
    });
    const industries = cfg.sectors.filter((s) => !s.parent);
    const sectors = industries.map((ind) => {
      const subs = cfg.sectors.filter((s) => s.parent === ind.code);
      const open = openSubs[ind.code] || subs.some((s) => A.state.sector.indexOf(s.code) >= 0);
      const head = option("sector", ind.code, A.pick(ind, "name"), facet("sector", (p) => hasCode(p, ind.code)), A.symbolNode("circle", A.INDUSTRY_COLOURS[ind.code], 11));
      head.prepend(el("button", { type: "button", class: "expand", "aria-expanded": String(open), "data-expand": ind.code, text: open ? "▾" : "▸",
        onclick: (e) => { e.preventDefault(); openSubs[ind.code] = !open; renderFilters(); } }));
      return el("div", { class: "sector-block" }, head,
        el("div", { class: "sub-options", hidden: !open }, ...subs.map((s) => option("sector", s.code, A.pick(s, "name"), facet("sector", (p) => hasCode(p, s.code))))));
    });
    const levels = cfg.levels.map((l) => option("level", l, A.vocab("level", l), facet("level", (p) => p.level === l)));
    const kinds = A.POINT_LAYERS.map((layer) => el("div", { class: "kind-block" },
      el("p", { class: "kind-layer", text: A.pick(A.layerSpec(layer), "title") }),
      ...cfg.kinds[layer].map((k) => option("kind", k, A.vocab("kind", k), facet("kind", (p) => p.kind === k)))));
    const prefs = cfg.prefectures.map((p) => option("prefecture", p.name_zh, A.pick(p, "name"), facet("prefecture", (q) => q.prefecture === p.name_zh)));
    const active = A.LIST_FILTERS.some((k) => A.state[k].length);
    box.replaceChildren(
      el("label", { class: "scheme-row" }, el("span", { text: A.t("scheme") }), scheme),
      cfg.urls.scheme_editor ? el("a", { class: "scheme-edit", id: "scheme-edit", text: A.t("edit_scheme"),
        href: cfg.urls.scheme_editor + "?" + GL.url.query([["scheme", A.state.scheme]].concat(A.state.lang === "zh" ? [] : [["lang", A.state.lang]])) }) : null,
      section("zone", zones), section("sector", sectors), section("level", levels), section("kind", kinds),
      section("prefecture", prefs),
      el("button", { type: "button", class: "btn btn-small", id: "clear-filters", disabled: !active, text: A.t("clear_filters"),
        onclick: () => { A.LIST_FILTERS.forEach((k) => (A.state[k] = [])); A.applyFilters(); } }));
  }

  function renderList() {
    let n = 0;
    const groups = [];
    A.POINT_LAYERS.forEach((name) => {
      const spec = A.layerSpec(name), features = A.shown[name] || [];
      const visible = A.isVisible(name);
      if (visible) n += features.length;
      const head = el("h3", { class: "list-head" + (visible ? "" : " hidden-layer") },
        A.symbolNode(A.shapeOf(name, { level: "national" }), A.sym.grey), el("span", { text: A.pick(spec, "title") }),
        el("span", { class: "count", "data-list-count": name, text: String(visible ? features.length : 0) }),
        visible ? null : el("small", { text: A.t("hidden_layer") }));
      const items = visible ? features.slice().sort((a, b) => A.pick(a.properties, "name").localeCompare(A.pick(b.properties, "name"), A.state.lang))
        .map((f) => el("li", {}, el("button", { type: "button", class: "list-item", "data-id": f.properties.id, onclick: () => A.openFeature(f.properties.id) },
          A.symbolNode(A.shapeOf(name, f.properties), A.colourOf(f.properties), 12),
          el("span", { class: "item-name", text: A.pick(f.properties, "name") }),
          el("span", { class: "item-where", text: A.prefectureName(f.properties.prefecture) })))) : [];
      groups.push(el("section", { class: "list-group", "data-list": name }, head, el("ul", {}, ...items)));
    });
    total.textContent = A.t("total", { n: n });
    total.dataset.total = String(n);
    list.replaceChildren(...groups, ...(n ? [] : [el("p", { class: "note", text: A.t("no_features") })]));
  }

  A.applyFilters = function () {
    A.refreshPoints();
    const regions = A.boundaryLayer("regions");
    if (regions && A.isVisible("regions")) A.syncBoundary("regions");
    A.writeUrl();
  };
  A.renderSide = function () {
    // Redrawing replaces the inputs; keep keyboard focus on the one the user was on.
    const focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement : null;
    const key = focused && [focused.dataset.filter, focused.value, focused.dataset.expand];
    renderFilters();
    renderList();
    if (key) {
      const again = [...box.querySelectorAll("input, select, button")].find((n) =>
        n.dataset.filter === key[0] && n.value === key[1] && n.dataset.expand === key[2]);
      if (again) again.focus();
    }
  };
  A.on("points", A.renderSide);
  A.on("lang", A.renderSide);
})();
