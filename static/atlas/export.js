/* Atlas export: the header's "Export" opens a small panel with a format and one link per layer shown, each the
 * layer API's file of that layer filtered as on the map (the version shown, the filters the layer takes), and
 * the bundle of everything. The links are written when the panel opens, so that they are the view as it is then. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, el = A.el;
  const FORMATS = ["gpkg", "geojson", "shp", "kml", "csv"];
  const toggle = document.getElementById("export-toggle");
  const panel = document.getElementById("export-panel");
  let format = "gpkg";

  /** The layer API's file of `name` in `fmt`, filtered as on the map. */
  A.exportUrl = function (name, fmt) {
    const spec = A.layerSpec(name) || { filters: [] };
    const parts = [["format", fmt]];
    (spec.filters || []).forEach((key) => {
      if (key === "scheme") return parts.push(["scheme", A.state.scheme]);
      let values = A.state[key] || [];
      if (key === "kind") values = values.filter((k) => (cfg.kinds[name] || []).indexOf(k) >= 0);  // this layer's kinds
      if (values.length) parts.push([key, values.join(",")]);
    });
    if (A.state.version) parts.push(["version", A.state.version]);
    return A.url("layer", name) + "?" + GL.url.query(parts);
  };
  function render() {
    const shown = cfg.catalogue.filter((c) => A.isVisible(c.name));
    const select = el("select", { id: "export-format", "aria-label": A.t("export_format"),
      onchange: (e) => { format = e.target.value; render(); } },
    ...FORMATS.map((f) => el("option", { value: f, selected: f === format, text: A.t("format_" + f) })));
    const links = shown.map((c) => el("li", {}, el("a", { class: "export-link", "data-layer": c.name, href: A.exportUrl(c.name, format),
      download: "", text: A.pick(c, "title") + " · " + A.t("format_" + format) })));
    panel.replaceChildren(
      el("label", { class: "export-row" }, el("span", { text: A.t("export_format") }), select),
      el("p", { class: "export-sub", text: A.t("export_layers") }),
      links.length ? el("ul", { class: "export-list" }, ...links) : el("p", { class: "note", text: A.t("export_none") }),
      el("p", { class: "export-sub" }, el("a", { id: "export-bundle", href: A.api.bundle, download: "", text: A.t("export_bundle") })));
  }
  function open(on) {
    panel.hidden = !on;
    toggle.setAttribute("aria-expanded", String(on));
    if (on) render();
  }
  toggle.addEventListener("click", () => open(panel.hidden));
  document.addEventListener("click", (e) => { if (!panel.hidden && !e.target.closest(".export-menu")) open(false); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && !panel.hidden) open(false); });
  ["url", "lang", "version"].forEach((name) => A.on(name, () => !panel.hidden && render()));
})();
