"""The atlas's symbology as data: a colour per kind and per zone, a size per level, ramps for rasters.

KML styles and the QGIS project are built from these tables, so a layer looks the same in the web atlas,
Google Earth and QGIS. Colours are `#rrggbb`.
"""

from __future__ import annotations

from .. import schema

#: Point colours by `kind`; one hue family per layer so layers stay apart on the map.
KIND_COLOURS: dict[str, str] = {
    "base": "#d7301f",
    "high_tech_zone": "#6a3d9a", "etdz": "#1f78b4", "development_zone": "#33a02c",
    "circular_economy_park": "#b2df8a", "software_park": "#a6cee3", "university_science_park": "#cab2d6",
    "industry_park": "#fdbf6f", "cluster_area": "#ff7f00",
    "enterprise": "#252525", "institute": "#737373", "university": "#969696", "research_facility": "#525252",
    "wind_farm": "#0570b0", "pv_plant": "#fec44f", "pv_base": "#ec7014", "nuclear_site": "#ce1256",
    "pumped_storage": "#02818a",
}
DEFAULT_COLOUR = "#888888"
#: Marker diameter in millimetres by `level`; features without a level use the default.
LEVEL_SIZES: dict[str, float] = {"national": 4.6, "provincial": 3.4}
DEFAULT_SIZE = 3.0
#: Marker shape per point layer (QGIS SimpleMarker names).
LAYER_SHAPES: dict[str, str] = {"bases": "star", "parks": "square", "enterprises": "circle", "projects": "triangle"}
#: Fill colours of zones; zone ids not listed take colours from `ZONE_FALLBACK` in order.
ZONE_COLOURS: dict[str, str] = {"centre": "#e41a1c", "hexi": "#377eb8", "longdong": "#4daf4a",
                                "clusters": "#ff7f00"}
ZONE_FALLBACK = ("#984ea3", "#a65628", "#f781bf", "#999999", "#66c2a5", "#fc8d62")
#: Outline colours and widths (mm) of the boundary layers.
OUTLINES: dict[str, tuple[str, float]] = {"province": ("#000000", 0.8), "prefectures": ("#444444", 0.5),
                                          "counties": ("#999999", 0.2), "regions": ("#222222", 0.4)}
#: Raster colour ramps (low → high) by resource family, chosen by words in the raster's name.
RAMPS: dict[str, tuple[str, ...]] = {
    "solar": ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"),
    "wind": ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"),
    "elevation": ("#1a9641", "#a6d96a", "#ffffbf", "#fdae61", "#d7191c"),
    "default": ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"),
}


def kind_colour(kind: str | None) -> str:
    """The colour of a point `kind`."""
    return KIND_COLOURS.get(kind or "", DEFAULT_COLOUR)


def level_size(level: str | None) -> float:
    """The marker size in mm of a `level` (national, provincial or none)."""
    return LEVEL_SIZES.get(level or "", DEFAULT_SIZE)


def zone_colour(zone: str, order: list[str]) -> str:
    """The fill colour of `zone`, given the order of the zones of its scheme for the fallback colours."""
    if zone in ZONE_COLOURS:
        return ZONE_COLOURS[zone]
    return ZONE_FALLBACK[order.index(zone) % len(ZONE_FALLBACK)] if zone in order else DEFAULT_COLOUR


def ramp_for(name: str) -> tuple[str, ...]:
    """The colour ramp for a raster called `name` (solar, wind, elevation, else viridis-like)."""
    lowered = name.lower()
    for family, words in (("solar", ("ghi", "solar", "pv", "irradi", "radiation")),
                          ("wind", ("wind", "ws", "wpd", "power_density")),
                          ("elevation", ("dem", "elev", "altitude", "slope"))):
        if any(w in lowered for w in words):
            return RAMPS[family]
    return RAMPS["default"]


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` → (r, g, b)."""
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def kml_colour(colour: str, alpha: int = 255) -> str:
    """`#rrggbb` → KML's `aabbggrr`."""
    r, g, b = hex_to_rgb(colour)
    return f"{alpha:02x}{b:02x}{g:02x}{r:02x}"


def kinds_of(layer: str) -> tuple[str, ...]:
    """The kinds a point layer may hold."""
    return schema.KINDS.get(layer, ())
