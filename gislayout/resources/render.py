"""The one colour specification of a resource: the branca colormap of its catalogue entry.

The legend, the map tiles (`gislayout.tiles`, through `tiles.palette`) and printouts all colour a resource
with this colormap, so they agree.
"""

from __future__ import annotations

from . import registry


def colormap(name: str):
    """The branca LinearColormap of resource `name` (its legend), with vmin/vmax and caption."""
    try:
        from branca.colormap import LinearColormap
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ImportError("overlay colours need branca: pip install branca") from exc
    entry = registry.entry(registry.get_spec(name))
    return LinearColormap(entry["colors"], vmin=entry["vmin"], vmax=entry["vmax"],
                          caption=f"{entry['title_en']} ({entry['units']})")
