/* The symbology every page draws with, from the style specification the server embeds in the page config
 * (gislayout/symbology.json via gislayout.symbology.page_spec): points coloured by the industry of their
 * first sector and shaped by layer (national bases a star, other bases a diamond), zones from one palette.
 * The same file drives KML, the QGIS project and the printout, so a feature looks the same everywhere. */
(function () {
  "use strict";
  const GL = (window.GL = window.GL || {});

  /* SVG bodies of the shapes in an s × s box; built from numbers only, never from data. */
  const SHAPES = {
    star: (s) => {
      const p = [];
      for (let i = 0; i < 10; i++) {
        const r = i % 2 ? s * 0.2 : s * 0.48, a = Math.PI * i / 5 - Math.PI / 2;
        p.push((s / 2 + r * Math.cos(a)).toFixed(1) + "," + (s / 2 + r * Math.sin(a) + s * 0.04).toFixed(1));
      }
      return '<polygon points="' + p.join(" ") + '"/>';
    },
    diamond: (s) => '<polygon points="' + [s / 2 + ",1", s - 1 + "," + s / 2, s / 2 + "," + (s - 1), "1," + s / 2].join(" ") + '"/>',
    square: (s) => '<rect x="2" y="2" width="' + (s - 4) + '" height="' + (s - 4) + '" rx="2"/>',
    circle: (s) => '<circle cx="' + s / 2 + '" cy="' + s / 2 + '" r="' + (s / 2 - 1.5) + '"/>',
    triangle: (s) => '<polygon points="' + [s / 2 + ",1.5", s - 1.5 + "," + (s - 2), "1.5," + (s - 2)].join(" ") + '"/>',
  };

  /** The symbology of a style specification `spec` (see gislayout/symbology.json). */
  GL.symbology = function (spec) {
    const sym = { spec: spec, industries: spec.industries, sides: spec.sides, diff: spec.diff, grey: spec.legend_grey };
    /** The industry of a sector code, or null when it has no colour. */
    sym.industry = (code) => {
      const top = spec.industry_of[code] || code;
      return Object.prototype.hasOwnProperty.call(spec.industries, top) ? top : null;
    };
    sym.industryColour = (code) => spec.industries[code] || spec.no_industry;
    /** The fill of a point: the colour of the industry of its first sector. */
    sym.colourOf = (props) => sym.industryColour(sym.industry((props.sectors || "").split(";")[0]));
    /** The shape of a point of `layer` (its level decides for bases). */
    sym.shapeOf = (layer, props) => {
      const rule = spec.shapes[layer];
      return rule[(props && props.level) || "*"] || rule["*"];
    };
    sym.size = (shape) => spec.symbols[shape].px;
    /** The zone colour at place `index` of its scheme. */
    sym.zoneColour = (index) => spec.zones.palette[Math.max(0, index) % spec.zones.palette.length];
    sym.zonePalette = spec.zones.palette;
    sym.boundary = (name) => spec.boundaries[name];
    /** An SVG symbol as markup (shape, colour and size are the specification's, never data). */
    sym.svg = (shape, colour, size) => {
      const s = size || sym.size(shape);
      return '<svg xmlns="http://www.w3.org/2000/svg" width="' + s + '" height="' + s + '" viewBox="0 0 ' + s + " " + s +
        '"><g fill="' + colour + '" stroke="' + spec.symbol_outline + '" stroke-width="1.2" stroke-linejoin="round">' +
        SHAPES[shape](s) + "</g></svg>";
    };
    /** The symbol in a <span class="sym-swatch">, for legends and lists. */
    sym.node = (shape, colour, size) => {
      const span = GL.el("span", { class: "sym-swatch", "aria-hidden": "true" });
      span.innerHTML = sym.svg(shape, colour, size);
      return span;
    };
    /** A Leaflet divIcon of the symbol, shifted by `offset` [x, y] pixels (points sharing a place fan out). */
    sym.icon = (shape, colour, offset) => {
      const size = sym.size(shape), o = offset || [0, 0];
      return L.divIcon({
        html: sym.svg(shape, colour, size), className: "sym sym-" + shape,
        iconSize: [size, size], iconAnchor: [size / 2 - o[0], size / 2 - o[1]],
        popupAnchor: [o[0], o[1] - size / 2], tooltipAnchor: [o[0], o[1] - size / 2],
      });
    };
    return sym;
  };
})();
