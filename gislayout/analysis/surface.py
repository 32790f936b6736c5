"""The suitability surface as a PNG for a Leaflet image overlay, resampled to Web Mercator (nearest cell).

Leaflet stretches an image linearly in Web Mercator between its lat/lon bounds, so the equal-area grid is
resampled once per process to a Mercator pixel grid (a gather index, one int per pixel); each render is
then a lookup, a colour table and PNG compression.
"""

from __future__ import annotations

import math
import struct
import zlib

import numpy as np

from .. import config
from .criteria import Stack
from .grid import project

_R = 6378137.0
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
    west, south, east, north = transform_bounds(stack.grid.crs, config.WGS84, *stack.grid.bounds, densify_pts=51)
    mx0, mx1 = _R * math.radians(west), _R * math.radians(east)
    my0, my1 = (_R * math.log(math.tan(math.pi / 4 + math.radians(v) / 2)) for v in (south, north))
    # one pixel ≈ one cell on the ground at the middle latitude
    px = stack.grid.cell_m / math.cos(math.radians((south + north) / 2))
    width, height = max(1, int(math.ceil((mx1 - mx0) / px))), max(1, int(math.ceil((my1 - my0) / px)))
    xs = mx0 + (np.arange(width) + 0.5) * (mx1 - mx0) / width
    ys = my1 - (np.arange(height) + 0.5) * (my1 - my0) / height
    lon = np.degrees(xs / _R)
    lat = np.degrees(2 * np.arctan(np.exp(ys / _R)) - math.pi / 2)
    lon2, lat2 = np.meshgrid(lon, lat)
    x, y = project(lon2.ravel(), lat2.ravel(), stack.grid.crs)
    rows, cols, on = stack.grid.rowcol(x, y)
    pos = np.full(stack.grid.shape[0] * stack.grid.shape[1], -1, np.int64)
    pos[stack.flat] = np.arange(stack.flat.size)
    index = np.full(width * height, -1, np.int32)
    index[on] = pos[rows[on] * stack.grid.shape[1] + cols[on]]
    cache["_overlay"] = (index.reshape(height, width), [[south, west], [north, east]])
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
    return encode_png(rgba(stack, score))


def encode_png(img: np.ndarray, level: int = 3) -> bytes:
    """An RGBA uint8 image (height, width, 4) as PNG bytes (filter 0 on every row, zlib `level`)."""
    height, width = img.shape[:2]
    raw = np.zeros((height, width * 4 + 1), np.uint8)
    raw[:, 1:] = img.reshape(height, width * 4)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
            + chunk(b"IEND", b""))
