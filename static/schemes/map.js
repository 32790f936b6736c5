/* The scheme editor's map (window.SchemeMap): the atlas's offline relief under the 14 prefectures, each
 * filled with the colour of its zone (a pale dashed outline while unassigned) and labelled with its name.
 * A click on a prefecture calls back; static/schemes/editor.js decides what it means. Names go into the
 * labels and tooltips as text nodes only. */
(function () {
  "use strict";
  const el = GL.el;

  /** A map in element `id` from the page config; `onClick(name_zh)` is called for a clicked prefecture. */
  function create(id, cfg, onClick) {
    const map = L.map(id, { zoomSnap: 0.25 }).setView([37.5, 100.5], 5);
    map.attributionControl.addAttribution(cfg.attribution);
    L.imageOverlay(cfg.urls.relief, cfg.relief.bounds, { pane: "tilePane", attribution: cfg.relief.attribution }).addTo(map);
    const line = cfg.symbology.boundaries.prefectures;
    const paths = {};  // name_zh → {layer, label, tip}
    const prefectures = [];  // [{name_zh, name_en}] in the layer's order

    /** Draw the prefectures of GeoJSON `fc`; returns them as [{name_zh, name_en}]. */
    function load(fc) {
      const group = L.geoJSON(fc, {
        onEachFeature: (f, layer) => {
          const p = { name_zh: f.properties.name_zh, name_en: f.properties.name_en };
          prefectures.push(p);
          paths[p.name_zh] = { layer: layer, label: el("span"), tip: el("span") };
          layer.bindTooltip(paths[p.name_zh].tip, { sticky: true });
          layer.on("click", () => onClick(p.name_zh));
        },
      }).addTo(map);
      prefectures.forEach((p) => {
        const { layer, label } = paths[p.name_zh];
        layer.getElement().setAttribute("data-name", p.name_zh);
        L.tooltip({ permanent: true, direction: "center", className: "se-label" }, layer)
          .setLatLng(layer.getCenter()).setContent(label).addTo(map);
      });
      map.fitBounds(group.getBounds(), { padding: [8, 8] });
      return prefectures;
    }

    /** Restyle prefecture `name_zh`: in `zone` ({id, colour, selected, label}) or none, labelled `name`. */
    function show(nameZh, name, zone) {
      const { layer, label, tip } = paths[nameZh];
      // an unassigned prefecture is a pale dashed outline; the selected zone's members get a heavier one
      layer.setStyle(zone
        ? { color: line.colour, weight: zone.selected ? 2.6 : line.px, fillColor: zone.colour, fillOpacity: 0.6, dashArray: null }
        : { color: line.colour, weight: line.px, fillColor: "#ffffff", fillOpacity: 0.25, dashArray: "4 3" });
      layer.getElement().setAttribute("data-zone", zone ? zone.id : "");
      label.textContent = name;
      tip.textContent = name + (zone ? " · " + zone.label : "");
    }

    return { map: map, load: load, show: show };
  }

  window.SchemeMap = { create: create };
})();
