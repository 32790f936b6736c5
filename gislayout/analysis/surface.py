"""The suitability surface: its colours, its extent, and the score grid as a GeoTIFF that map tiles are cut from.

The score vector over the inside cells is laid back on the 1 km equal-area grid as palette codes (0 outside the
province, 1 inside but unsuitable, 2..255 the score 0 → 1) in an in-memory GeoTIFF; `gislayout.tiles` cuts
Web Mercator tiles from it with rio-tiler (nearest cell), so the surface stays sharp at any zoom. The ramp is
the symbology's "default" ramp (viridis anchors), shared with the legend.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import config
from .criterion_stack import Stack

SUITABLE_ALPHA = 200
#: Inside the province but unsuitable: a light grey veil.
UNSUITABLE_RGBA = (120, 120, 120, 70)
#: Palette codes of the surface GeoTIFF.
OUTSIDE, UNSUITABLE, FIRST_SCORE = 0, 1, 2


# the shipped style file, not data: read once (symbology imports the layers package, which pulls in pandas,
# so it is imported here on first use to keep the model's import cheap)
@lru_cache(maxsize=1)
def lut() -> np.ndarray:
    """The 258-row RGBA table: 256 ramp steps for scores 0 → 1, then unsuitable, then outside."""
    from .. import symbology

    anchors = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in symbology.spec()["ramps"]["default"]],
                       float)
    x = np.linspace(0, 1, 256)
    pos = np.linspace(0, 1, len(anchors))
    rgb = np.stack([np.interp(x, pos, anchors[:, i]) for i in range(3)], axis=1)
    table = np.zeros((258, 4), np.uint8)
    table[:256, :3] = np.round(rgb)
    table[:256, 3] = SUITABLE_ALPHA
    table[256] = UNSUITABLE_RGBA
    table[257] = (0, 0, 0, 0)
    return table


def legend() -> list[dict]:
    """Colour stops of the ramp for a map legend."""
    return [{"score": round(s, 2), "color": "#%02x%02x%02x" % tuple(lut()[int(round(s * 255)), :3])}
            for s in np.linspace(0, 1, 5)]


def bounds(stack: Stack) -> list[list[float]]:
    """Leaflet bounds [[S, W], [N, E]] of the stack's grid (densified, so the curved edges are inside), cached."""
    cache = stack.__dict__
    if "_bounds" not in cache:
        from rasterio.warp import transform_bounds
        west, south, east, north = transform_bounds(stack.grid.crs, config.WGS84, *stack.grid.bounds,
                                                    densify_pts=51)
        cache["_bounds"] = [[south, west], [north, east]]
    return cache["_bounds"]


def overlay_index(stack: Stack) -> tuple[None, list[list[float]]]:
    """(None, `bounds(stack)`): kept for callers that unpack it; the Mercator gather index went with the PNG."""
    return None, bounds(stack)


def codes(stack: Stack, score: np.ndarray) -> np.ndarray:
    """uint8 palette codes on the stack's grid: OUTSIDE, UNSUITABLE (score NaN), else 2..255 for score 0 → 1."""
    s = np.clip(score, 0, 1)
    inside = np.where(np.isfinite(s), FIRST_SCORE + np.round(np.nan_to_num(s) * (255 - FIRST_SCORE)), UNSUITABLE)
    out = np.full(stack.grid.shape[0] * stack.grid.shape[1], OUTSIDE, np.uint8)
    out[stack.flat] = inside.astype(np.uint8)
    return out.reshape(stack.grid.shape)


def palette() -> dict[int, tuple[int, int, int, int]]:
    """RGBA of each palette code (the ramp's 256 steps resampled onto codes 2..255)."""
    table = {OUTSIDE: (0, 0, 0, 0), UNSUITABLE: tuple(int(v) for v in UNSUITABLE_RGBA)}
    for code in range(FIRST_SCORE, 256):
        table[code] = tuple(int(v) for v in lut()[int(round((code - FIRST_SCORE) / (255 - FIRST_SCORE) * 255))])
    return table


def geotiff(stack: Stack, score: np.ndarray) -> bytes:
    """The surface's palette codes as GeoTIFF bytes on the stack's equal-area grid (nodata = OUTSIDE)."""
    from rasterio.enums import Resampling
    from rasterio.io import MemoryFile

    grid = stack.grid
    with MemoryFile() as mem:
        with mem.open(driver="GTiff", width=grid.shape[1], height=grid.shape[0], count=1, dtype="uint8",
                      crs=grid.crs, transform=grid.transform, nodata=OUTSIDE, tiled=True, blockxsize=256,
                      blockysize=256, compress="deflate") as dst:
            dst.write(codes(stack, score), 1)
            # province-wide tiles read an overview, not every cell
            dst.build_overviews([2, 4, 8], Resampling.nearest)
        return mem.read()
