"""Images for Leaflet image overlays: rasters warped to Web Mercator (EPSG:3857) by rasterio, encoded by GDAL.

Leaflet stretches an ImageOverlay linearly in Web Mercator between its lat/lon bounds, so the one picture the
atlas still lays over the map whole (the offline relief) is warped here to an EPSG:3857 pixel grid spanning its
bounds. Resource overlays and the suitability surface are XYZ tiles (`gislayout.tiles`), which use only `encode`.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from affine import Affine

from . import config

WEB_MERCATOR = "EPSG:3857"


@lru_cache(maxsize=8)
def _transformer(source: str, target: str):
    from pyproj import Transformer
    return Transformer.from_crs(source, target, always_xy=True)


def extent(west: float, south: float, east: float, north: float) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in EPSG:3857 metres of a lon/lat box."""
    (left, right), (bottom, top) = _transformer(config.WGS84, WEB_MERCATOR).transform([west, east], [south, north])
    return float(left), float(bottom), float(right), float(top)


def box_transform(left: float, bottom: float, right: float, top: float, width: int, height: int) -> Affine:
    """The north-up transform of a `width` × `height` image spanning a box in its own CRS.

    (rasterio's `from_bounds`, which the installed affine warns about for its use of `*`.)
    """
    return Affine((right - left) / width, 0.0, left, 0.0, (bottom - top) / height, top)


def grid(west: float, south: float, east: float, north: float, width: int, height: int) -> Affine:
    """The transform of a `width` × `height` EPSG:3857 image spanning the lon/lat box exactly."""
    return box_transform(*extent(west, south, east, north), width, height)


def pixel_centres(west: float, south: float, east: float, north: float, width: int, height: int,
                  crs: str) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) in `crs` of every pixel centre, row by row, of a `width` × `height` EPSG:3857 image over the box."""
    left, bottom, right, top = extent(west, south, east, north)
    xs = left + (np.arange(width) + 0.5) * (right - left) / width
    ys = top - (np.arange(height) + 0.5) * (top - bottom) / height
    x, y = np.meshgrid(xs, ys)
    return _transformer(WEB_MERCATOR, crs).transform(x.ravel(), y.ravel())


def latitudes(west: float, south: float, east: float, north: float, height: int) -> np.ndarray:
    """Latitude of each row centre of a `height`-row EPSG:3857 image spanning the box, north first."""
    return np.asarray(pixel_centres(west, south, east, north, 1, height, config.WGS84)[1])


def warp(source: np.ndarray, src_transform: Affine, src_crs: str, dst_transform: Affine, shape: tuple[int, int],
         resampling: str = "nearest", nodata: float | None = None) -> np.ndarray:
    """`source` (rows, cols) or (bands, rows, cols) resampled onto the EPSG:3857 grid `dst_transform`, `shape`.

    Pixels no source cell reaches are `nodata` (0 if None); `resampling` names a rasterio Resampling.
    """
    from rasterio.warp import Resampling, reproject

    out = np.full(source.shape[:-2] + tuple(shape), 0 if nodata is None else nodata, source.dtype)
    reproject(source, out, src_transform=src_transform, src_crs=src_crs, src_nodata=nodata,
              dst_transform=dst_transform, dst_crs=WEB_MERCATOR, dst_nodata=nodata,
              resampling=Resampling[resampling])
    return out


def encode(image: np.ndarray, driver: str = "PNG", colormap: dict | None = None, **options) -> bytes:
    """A uint8 image (bands, rows, cols) as PNG or JPEG bytes; `options` are GDAL creation options.

    The file carries no georeferencing: Leaflet places it by the bounds that travel beside it. The writer is
    given a pixel-space transform (not the identity) so that rasterio has no NotGeoreferencedWarning to raise:
    silencing it with `warnings.catch_warnings` is not thread-safe under a threaded server.
    """
    from rasterio.io import MemoryFile

    image = image[None] if image.ndim == 2 else image
    pixel_space = Affine(1.0, 0.0, 0.0, 0.0, -1.0, float(image.shape[1]))
    with MemoryFile() as mem:
        with mem.open(driver=driver, width=image.shape[2], height=image.shape[1], count=image.shape[0],
                      dtype=image.dtype, transform=pixel_space, **options) as dst:
            dst.write(image)
            if colormap is not None:
                dst.write_colormap(1, colormap)
        return mem.read()


def decode(data: bytes) -> tuple[np.ndarray, dict | None]:
    """(bands, rows, cols) pixels of a PNG or JPEG, and the palette of a paletted image as {index: (r, g, b, a)}.

    Read with Pillow: rasterio would warn that a plain picture has no georeferencing, and that warning cannot be
    silenced thread-safely.
    """
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        pixels = np.asarray(im)
        palette = None
        if im.mode == "P":
            rgb = im.getpalette() or []
            alpha = im.info.get("transparency")
            alphas = list(alpha) if isinstance(alpha, bytes) else []
            palette = {i: (rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2], alphas[i] if i < len(alphas) else 255)
                       for i in range(len(rgb) // 3)}
            if isinstance(alpha, int):
                palette[alpha] = palette[alpha][:3] + (0,)
    return (pixels[None] if pixels.ndim == 2 else np.moveaxis(pixels, 2, 0)), palette