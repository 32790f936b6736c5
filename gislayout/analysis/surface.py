"""The suitability surface as a PNG for a Leaflet image overlay, resampled to Web Mercator (nearest cell).

Leaflet stretches an image linearly in Web Mercator between its lat/lon bounds, so the equal-area grid of
cell positions is warped once per stack to a Mercator pixel grid (a gather index, one int per pixel); each
render is then a lookup, a colour table and PNG compression.
"""

from __future__ import annotations

import math

import numpy as np

from .. import config, mercator
from .criteria import Stack

#: Colour ramp for scores 0 → 1 (viridis anchors), with the alpha of suitable cells.
_ANCHORS = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], float)
SUITABLE_ALPHA = 200
#: Inside the province but unsuitable: a light grey veil.
UNSUITABLE_RGBA = (120, 120, 120, 70)


def _ramp() -> np.ndarray:
    x = np.linspace(0, 1, 256)
    pos = np.linspace(0, 1, len(_ANCHORS))
    rgb = np.stack([np.interp(x, pos, _ANCHORS[:, i]) for i in range(3)], axis=1)
    lut = np.zeros((258, 4), np.uint8)
    lut[:256, :3] = np.round(rgb)
    lut[:256, 3] = SUITABLE_ALPHA
    lut[256] = UNSUITABLE_RGBA
    lut[257] = (0, 0, 0, 0)
    return lut


LUT = _ramp()


def legend() -> list[dict]:
    """Colour stops of the ramp for a map legend."""
    return [{"score": round(s, 2), "color": "#%02x%02x%02x" % tuple(LUT[int(round(s * 255)), :3])}
            for s in np.linspace(0, 1, 5)]


def overlay_index(stack: Stack) -> tuple[np.ndarray, list[list[float]]]:
    """(index into inside cells per Mercator pixel, -1 = none; Leaflet bounds [[S, W], [N, E]]), cached."""
    cache = stack.__dict__
    if "_overlay" in cache:
        return cache["_overlay"]
    from rasterio.warp import transform_bounds
    grid = stack.grid
    west, south, east, north = transform_bounds(grid.crs, config.WGS84, *grid.bounds, densify_pts=51)
    left, bottom, right, top = mercator.extent(west, south, east, north)
    # one pixel ≈ one cell on the ground at the middle latitude
    px = grid.cell_m / math.cos(math.radians((south + north) / 2))
    width, height = max(1, int(math.ceil((right - left) / px))), max(1, int(math.ceil((top - bottom) / px)))
    # nearest cell: the cell under each pixel centre
    rows, cols, on = grid.rowcol(*mercator.pixel_centres(west, south, east, north, width, height, grid.crs))
    pos = np.full(grid.shape[0] * grid.shape[1], -1, np.int32)
    pos[stack.flat] = np.arange(stack.flat.size, dtype=np.int32)
    index = np.full(width * height, -1, np.int32)
    index[on] = pos[rows[on] * grid.shape[1] + cols[on]]
    index = index.reshape(height, width)
    cache["_overlay"] = (index, [[south, west], [north, east]])
    return cache["_overlay"]


def rgba(stack: Stack, score: np.ndarray) -> np.ndarray:
    """RGBA image (height, width, 4) of a score vector over the inside cells (NaN = unsuitable)."""
    index, _ = overlay_index(stack)
    codes = np.full(stack.flat.size + 1, 257, np.int16)  # last slot: outside the province
    s = np.clip(score, 0, 1)
    codes[:-1] = np.where(np.isfinite(s), np.round(np.nan_to_num(s) * 255), 256)
    return LUT[codes[index]]


def png(stack: Stack, score: np.ndarray) -> bytes:
    """PNG bytes (RGBA) of the surface for the `overlay_index(stack)[1]` bounds."""
    return mercator.encode(np.moveaxis(rgba(stack, score), -1, 0), "PNG", ZLEVEL=3)
