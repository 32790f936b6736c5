/* Atlas print: the header's PNG and PDF links always point at /api/atlas/print for the current view — its
 * bounding box, visible layers, filters, language and choropleth — so the server draws the same map on an
 * A4 page with legend, scale bar, north arrow, attribution and date. */
(function () {
  "use strict";
  const A = window.Atlas, cfg = A.cfg, map = A.map;
  // the catalogue's layers and the context layers (place names, rivers): the printout draws both
  const catalogue = cfg.catalogue.map((c) => c.name).concat((cfg.context_layers || []).map((c) => c.name));

  /** The printout URL of the current view in `fmt` (png or pdf). */
  A.printUrl = function (fmt) {
    const b = map.getBounds(), r = (v) => Math.round(v * 1e4) / 1e4;
    const parts = [["bbox", [r(b.getWest()), r(b.getSouth()), r(b.getEast()), r(b.getNorth())].join(",")],
      ["layers", A.state.layers.filter((n) => catalogue.indexOf(n) >= 0).join(",")], ["lang", A.state.lang],
      ["scheme", A.state.scheme]];
    A.LIST_FILTERS.forEach((k) => A.state[k].length && parts.push([k, A.state[k].join(",")]));
    if (A.state.choro) parts.push(["choro", A.state.choro]);
    if (A.state.version) parts.push(["version", A.state.version]);  // the version of the layout shown
    return A.api.print.replace("__name__", fmt) + "?" + GL.url.query(parts);
  };
  function refresh() {
    document.getElementById("print-png").href = A.printUrl("png");
    document.getElementById("print-pdf").href = A.printUrl("pdf");
  }
  A.on("url", refresh);
  refresh();
})();
