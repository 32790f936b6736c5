"""The display overlay: a resource as a paletted PNG on the 1′ plate-carrée grid, transparent outside Gansu.

Its bounds are `grid.overlay_bounds()` for every resource, for a Leaflet ImageOverlay. The colours are the
branca colormap of the catalogue entry, so the legend and the picture agree. Rendered once per installed
file (per data version) and kept in memory and in `<build>/resources/overlays`.
"""

from __future__ import annotations


import numpy as np

from .. import dataversion, fileio, mercator
from . import registry, store
from .grid import DISPLAY, province_mask
from .query import read_array


def colormap(name: str):
    """The branca LinearColormap of resource `name` (its legend), with vmin/vmax and caption."""
    try:
        from branca.colormap import LinearColormap
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ImportError("overlay colours need branca: pip install branca") from exc
    entry = registry.entry(registry.get_spec(name))
    return LinearColormap(entry["colors"], vmin=entry["vmin"], vmax=entry["vmax"],
                          caption=f"{entry['title_en']} ({entry['units']})")


def _palette(cmap) -> dict[int, tuple[int, int, int, int]]:
    """Index 0 transparent; 1..255 spread over vmin..vmax."""
    steps = np.linspace(cmap.vmin, cmap.vmax, 255)
    table = {0: (0, 0, 0, 0)}
    for i, v in enumerate(steps, start=1):
        r, g, b, _ = cmap.rgba_bytes_tuple(float(v))
        table[i] = (r, g, b, 255)
    return table


def render_png(name: str) -> bytes:
    """PNG bytes of resource `name` (must be installed) on the display grid."""
    registry.require(name)
    cmap = colormap(name)
    values = read_array(name, DISPLAY.crs, DISPLAY.transform, DISPLAY.shape)
    scaled = (values - cmap.vmin) / (cmap.vmax - cmap.vmin)
    index = np.where(np.isfinite(scaled), 1 + np.clip(np.nan_to_num(scaled), 0, 1) * 254, 0).astype("uint8")
    index[~province_mask(DISPLAY)] = 0
    return mercator.encode(index, "PNG", _palette(cmap), ZLEVEL=9)  # a plain picture; bounds go in the catalogue


def overlay_png(name: str) -> bytes:
    """The overlay of `name`, from memory, else from the build directory, else rendered and saved."""
    registry.require(name)
    return _overlay(name, store.installed_meta()[name].get("sha256", ""))


@dataversion.cached(maxsize=16)
def _overlay(name: str, digest: str) -> bytes:
    path = store.root() / "overlays" / f"{name}-{digest[:16]}.png"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = render_png(name)
    fileio.write_bytes(path, data)
    for old in path.parent.glob(f"{name}-*.png"):
        if old != path:
            old.unlink(missing_ok=True)
    return data
