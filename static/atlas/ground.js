/* Atlas ground layers ("on the ground", group "ground"): power plants (WRI GPPD), CDM-registered projects, mines
 * and smelters (ICMM), substations (OSM, 750 kV distinct), published wind and solar figures, and base footprints.
 * Off by default; each is fetched compact and gzipped from /atlas/geo/<name>.json the first time it is switched
 * on, styled from the specification's "ground" section, and filtered by zone and prefecture like the layout.
 * Every figure is what these datasets record, never a census of what was built. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, map = A.map, el = A.el, sym = A.sym;
  const rules = sym.spec.ground;
  A.GROUND_LAYERS = cfg.catalogue.filter((c) => c.group === "ground").map((c) => c.name);
  const POINTS = A.GROUND_LAYERS.filter((n) => A.layerSpec(n).geometry_type === "Point");
  const data = {}, loading = {}, markers = {}, credits = {};
  let footprints = null;
  A.GROUND_LAYERS.forEach((name) => {
    markers[name] = [];
    credits[name] = L.layerGroup([], { attribution: (cfg.attribution.ground || {})[name] || "" });
  });

  /** The class of a feature: its kind, or for substations the voltage class (lowest bound it reaches). */
  function classOf(name, p) {
    const rule = rules[name];
    if (rule.by === "max_voltage_kv") {
      const kv = Number(p.max_voltage_kv);
      return rule.classes.find((c) => kv >= c.min_kv) || rule.classes[rule.classes.length - 1];
    }
    return { colour: rule.colours[p.kind] || sym.grey, scale: 1 };
  }
  function styleOf(name, p) {
    const c = classOf(name, p), shape = rules[name].shape;
    return { shape: shape, colour: c.colour, size: sym.size(shape) * 0.8 * (c.scale || 1) };
  }
  /** The filters that apply to ground layers: zone (in the current scheme) and prefecture. */
  function matches(p) {
    const s = A.state;
    if (s.zone.length && s.zone.indexOf(p["zone_" + s.scheme]) < 0) return false;
    return !s.prefecture.length || s.prefecture.indexOf(p.prefecture) >= 0;
  }

  /* ---- popups: text only; links are shown as text, not followed, since the atlas runs offline ---- */
  function row(table, label, value) {
    if (value === null || value === undefined || value === "") return;
    table.append(el("tr", {}, el("th", { text: label }), el("td", { text: String(value) })));
  }
  const num = (v) => (v === null || v === undefined || v === "" ? "" : Number(v).toLocaleString());
  A.groundPopup = function (name, p) {
    const table = el("table", { class: "popup-table" });
    row(table, A.t("kind"), A.vocab("kind", p.kind));
    row(table, A.t("recorded_mw"), num(p.capacity_mw));
    row(table, A.t("commissioning_year"), p.commissioning_year ? String(Math.round(p.commissioning_year)) : "");
    row(table, A.t("owner"), p.owner);
    row(table, A.t("cdm_ref"), p.cdm_ref ? String(Math.round(p.cdm_ref)) : "");
    row(table, A.t("max_voltage_kv"), num(p.max_voltage_kv));
    row(table, A.t("commodity"), [p.primary_commodity, p.secondary_commodity].filter(Boolean).join(", "));
    row(table, A.t("confidence"), p.confidence);
    row(table, A.t("approved"), p.approved);
    row(table, A.t("approval_doc"), p.approval_doc);
    row(table, A.t("value"), p.value ? p.value + " " + (p.units || "") + (p.height_m ? " · " + p.height_m + " m" : "") : "");
    row(table, A.t("period"), p.period);
    row(table, A.t("area_km2"), num(p.area_km2));
    row(table, A.t("prefecture"), [A.prefectureName(p.prefecture), p.county ? A.countyName(p.prefecture, p.county) : ""].filter(Boolean).join(" · "));
    row(table, A.t("precision"), A.vocab("precision", p.precision));
    row(table, A.t("location_basis"), p.location_basis ? A.vocab("location_basis", p.location_basis) : "");
    row(table, A.t("location_source"), p.location_source);
    row(table, A.t("data_source_row"), p.source);
    row(table, A.t("link"), p.source_url || p.registry_url);
    const title = A.pick(p, "name");
    return el("div", { class: "popup popup-ground", "data-id": p.id },
      el("h3", { class: "popup-name", text: title }),
      el("p", { class: "popup-layer", text: A.pick(A.layerSpec(name), "title") }), table,
      name === "mines" || name === "substations" ? null : el("p", { class: "popup-caveat", text: A.t("ground_note") }));
  };

  /* ---- loading and drawing ---- */
  // A ground layer a version of the plan holds comes from the version shown (static/atlas/versions.js).
  const versioned = (name) => (cfg.editable || []).indexOf(name) >= 0 && A.state.version;
  const geoUrl = (name) => A.url("geo", name) + (versioned(name)
    ? "?version=" + encodeURIComponent(A.state.version) + (A.asOf ? "&as_of=" + A.asOf : "") : "");
  function load(name) {
    if (!loading[name]) {
      loading[name] = A.fetchJSON(geoUrl(name)).then((fc) => (data[name] = fc.features)).catch((err) => {
        delete loading[name];
        console.warn(err);
        A.toast(A.t("load_failed", { name: A.pick(A.layerSpec(name), "title") }));
      });
    }
    return loading[name];
  }
  function drawPoints(name) {
    A.cluster.removeLayers(markers[name]);
    markers[name] = [];
    if (!A.isVisible(name) || !data[name]) return;
    markers[name] = data[name].filter((f) => matches(f.properties)).map((f) =>
      A.pointMarker(name, f, styleOf(name, f.properties), A.groundPopup));
    A.cluster.addLayers(markers[name]);
  }
  function drawFootprints() {
    if (footprints) footprints.remove();
    footprints = null;
    if (!A.isVisible("footprints") || !data.footprints) return;
    const r = rules.footprints;
    footprints = L.geoJSON({ type: "FeatureCollection", features: data.footprints.filter((f) => matches(f.properties)) }, {
      style: () => ({ color: r.colour, weight: 2, dashArray: "6 4", fillColor: r.colour, fillOpacity: r.fill_opacity }),
      onEachFeature: (f, layer) => {
        layer.bindTooltip(() => el("span", { text: A.pick(f.properties, "name") }), { sticky: true });
        layer.bindPopup(() => A.groundPopup("footprints", f.properties), { maxWidth: 340 });
      },
    }).addTo(map);
  }
  /** Fetch what is switched on, then draw every ground layer with the current filters. */
  A.syncGround = function () {
    A.GROUND_LAYERS.forEach((name) => (A.isVisible(name) ? credits[name].addTo(map) : credits[name].remove()));
    return Promise.all(A.GROUND_LAYERS.filter(A.isVisible).map(load)).then(() => {
      POINTS.forEach(drawPoints);
      drawFootprints();
    });
  };

  const toggle = A.toggleLayer;
  A.toggleLayer = function (name, on) {
    if (A.GROUND_LAYERS.indexOf(name) < 0) return toggle(name, on);
    A.setVisible(name, on);
    A.syncGround().then(A.renderLegend);
  };

  /* ---- panel and legend ---- */
  function swatch(name) {
    if (name === "footprints") {
      const sw = el("span", { class: "zone-swatch" });
      sw.style.background = rules.footprints.colour;
      return sw;
    }
    const rule = rules[name];
    return A.symbolNode(rule.shape, rule.by === "max_voltage_kv" ? rule.classes[0].colour : sym.grey, 12);
  }
  A.panelItems.groups.push(() => [A.layerGroup("ground",
    ...A.GROUND_LAYERS.map((name) => A.layerCheck(name, A.pick(A.layerSpec(name), "title"), { before: swatch(name) })),
    el("p", { class: "note", text: A.t("ground_note") }))]);
  A.panelItems.legend.push(() => {
    const parts = [];
    POINTS.filter(A.isVisible).forEach((name) => {
      const rule = rules[name];
      const items = rule.by === "max_voltage_kv"
        ? rule.classes.map((c) => el("li", {}, A.symbolNode(rule.shape, c.colour, Math.round(12 * (c.scale || 1))), A.pick(c, "label")))
        : Object.entries(rule.colours).filter(([k]) => (data[name] || []).some((f) => f.properties.kind === k))
          .map(([k, c]) => el("li", {}, A.symbolNode(rule.shape, c, 12), A.vocab("kind", k)));
      parts.push(el("div", { class: "legend-ground", "data-legend": name },
        el("p", { class: "legend-sub", text: A.pick(A.layerSpec(name), "title") }), el("ul", { class: "legend-list" }, ...items)));
    });
    if (A.isVisible("footprints")) parts.push(el("p", { class: "legend-sub", "data-legend": "footprints" }, swatch("footprints"), A.pick(A.layerSpec("footprints"), "title")));
    if (parts.length) parts.push(el("p", { class: "legend-source", text: A.t("ground_note") }));
    return parts;
  });
  // The solid/hollow key and the group key explain every point layer, so they go in whenever points are shown.
  A.panelItems.legend.push(() => {
    const any = A.POINT_LAYERS.concat(POINTS).some(A.isVisible);
    if (!any) return [];
    const solid = A.symbolNode("circle", sym.grey, 12), hollow = el("span", { class: "sym-swatch" });
    hollow.append(A.pointIcon("circle", sym.grey, true, 12).options.html);
    const group = el("span", { class: "seat-group legend-group" }, el("span", { text: "3" }));
    return [el("ul", { class: "legend-list legend-precision" },
      el("li", { "data-legend": "sited" }, solid, A.t("sym_sited")),
      el("li", { "data-legend": "approximate" }, hollow, A.t("sym_approx")),
      el("li", { "data-legend": "group" }, group, A.t("sym_group")))];
  });

  A.on("version", () => (cfg.editable || []).forEach((name) => {
    delete loading[name];
    delete data[name];
  }));
  A.on("points", () => A.syncGround());
  A.renderPanels();
  A.syncGround().then(() => {
    A.renderLegend();
    document.body.dataset.groundReady = "1";
  });
})();
