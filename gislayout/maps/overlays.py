"""Resource overlays (solar, wind) from the resource catalogue, with their legends and source lines.

Each installed raster becomes an image overlay, off until asked for; its legend, opacity control and
source line travel with it to the page. A resource quantity the atlas is about (solar, wind) with nothing
installed shows a notice carrying the command that installs it. A store that cannot be read leaves the
resources group empty (the resources API reports why); a programming error raises.

Each overlay is a Leaflet tile layer of XYZ tiles read from its COG (`gislayout.tiles`), so it lines up with
the vector layers and stays sharp at any zoom; the tile URL carries the data version, so a reinstall is seen.
"""

from __future__ import annotations

import html

import folium

from .. import dataversion, resources, tiles
from ..errors import GislayoutError
from .elements import named
from .state import DEFAULT_OPACITY

#: Quantities whose absence the atlas points out (the policy's solar and wind).
NOTICE_QUANTITIES = ("ghi", "wind_speed", "wind_power_density")
_FIELDS = ("name", "title_zh", "title_en", "quantity", "units", "height_m", "source", "method", "licence", "bias",
           "is_estimate", "installed", "in_use", "install_command", "vmin", "vmax", "colors", "caption_zh",
           "caption_en", "bounds", "attribution", "source_zh", "source_en", "caveat_zh", "caveat_en", "validation_zh",
           "validation_en")


@dataversion.cached(maxsize=4)
def catalogue() -> list[dict]:
    """The resource catalogue as the page needs it, read once per data version (an install changes the token)."""
    return _read_catalogue()


def forget() -> None:
    """Drop the cached catalogue, so the next call reads it afresh."""
    catalogue.cache_clear()


def _read_catalogue() -> list[dict]:

    try:
        entries = resources.catalogue()
    except (GislayoutError, OSError):
        # A broken or half-installed store must not take the atlas down; the resources API reports it.
        return []
    return [{k: e.get(k) for k in _FIELDS} for e in entries]


def split(entries: list[dict]) -> tuple[list[dict], list[dict]]:
    """(overlays, notices): installed rasters, in-use first; and one notice per missing install command."""
    overlays = sorted((e for e in entries if e["installed"] and e.get("bounds")),
                      key=lambda e: (not e["in_use"], e["quantity"], e["name"]))
    have = {e["quantity"] for e in overlays}
    missing = [e for e in entries if not e["installed"] and e["quantity"] in NOTICE_QUANTITIES
               and e["quantity"] not in have]
    # One notice per quantity, preferring what installs offline (an estimate built from packages),
    # and one per command (wind speed and power density come from the same download).
    missing.sort(key=lambda e: (NOTICE_QUANTITIES.index(e["quantity"]), not e["is_estimate"]))
    notices, quantities, commands = [], set(), set()
    for e in missing:
        if e["quantity"] in quantities or e["install_command"] in commands:
            continue
        quantities.add(e["quantity"])
        commands.add(e["install_command"])
        notices.append({k: e[k] for k in ("name", "title_zh", "title_en", "quantity", "install_command",
                                          "caption_zh", "caption_en")})
    return overlays, notices


#: Catalogue fields the page's script does not read for an overlay (its caption repeats title, source and
#: caveats; the method and full attribution are in /api/resources and every export): left out of the page.
_NOT_ON_PAGE = ("caption_zh", "caption_en", "method", "attribution")


def page_fields(entry: dict) -> dict:
    """An overlay's entry as the page config carries it (what the layer list, legend and opacity use)."""
    return {k: v for k, v in entry.items() if k not in _NOT_ON_PAGE}


def _short(source: str | None) -> str:
    """The map-corner credit, HTML-escaped (Leaflet shows attributions as markup): the source up to its
    first bracket or semicolon; the legend has it all."""
    return html.escape((source or "").split(" (")[0].split(";")[0].strip())


def add_to(m: folium.Map, overlays: list[dict], url_template: str, visible, opacity: dict) -> dict[str, str]:
    """Add each overlay to `m` as a tile layer (shown if in `visible`); return each overlay's JS variable name.

    `url_template` is an XYZ template ({z}/{x}/{y}) with `__name__` for the resource.
    """
    names = {}
    for e in overlays:
        (south, west), (north, east) = e["bounds"]
        layer = named(folium.TileLayer(
            url_template.replace("__name__", e["name"]), attr=_short(e["source"]) or e["name"], name=e["name"],
            overlay=True, control=False, show=e["name"] in visible, pane="resources",
            opacity=opacity.get(e["name"], DEFAULT_OPACITY), max_zoom=tiles.MAX_ZOOM,
            bounds=[[south, west], [north, east]],  # no requests for tiles off the raster
        ), "res_" + "".join(c if c.isalnum() else "_" for c in e["name"]))
        layer.add_to(m)
        names[e["name"]] = layer.get_name()
    return names


