"""The symbology of `gislayout.symbology` in the forms KML and QGIS want: colour notations and style keys.

The colours, shapes and sizes themselves live in `gislayout/symbology.json`, which the web atlas draws from
too, so a feature looks the same in the web atlas, Google Earth and QGIS.
"""

from __future__ import annotations

from .. import symbology
from ..symbology import ramp_for, zone_colour  # noqa: F401  (the exporters' names for them)

#: The marker size (mm) KML's icon scale 1.0 stands for.
KML_UNIT_MM = 3.0


def point_key(layer: str, row: dict) -> tuple[str, symbology.PointStyle]:
    """A style id for a point (shape and industry decide its look; a ground layer's class) and its style."""
    if layer in symbology.spec()["ground"]:
        value, style = symbology.ground_style(layer, row)
        return f"{layer}-{value}", style
    style = symbology.point_style(layer, row.get("sectors"), row.get("level"))
    return f"{style.shape}-{symbology.industry(row.get('sectors')) or 'none'}", style


def kml_icon(shape: str) -> str:
    """The Google Earth icon Google Earth tints for a marker `shape`."""
    return symbology.spec()["symbols"][shape]["kml_icon"]


def outline_colour() -> str:
    """The colour of the thin outline around point markers."""
    return symbology.spec()["symbol_outline"]


def zone_alpha() -> int:
    """The opacity of zone fills, 0-255."""
    return round(symbology.spec()["zones"]["fill_opacity"] * 255)


def outline(layer: str) -> tuple[str, float]:
    """Outline colour and width (mm) of a polygon layer that is drawn without a fill."""
    return symbology.boundary(layer)


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` → (r, g, b)."""
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def kml_colour(colour: str, alpha: int = 255) -> str:
    """`#rrggbb` → KML's `aabbggrr`."""
    r, g, b = hex_to_rgb(colour)
    return f"{alpha:02x}{b:02x}{g:02x}{r:02x}"

