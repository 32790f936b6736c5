"""The offline basemap: shaded relief of Gansu rendered from pvlib's `Altitude.h5` into the build directory.

`Altitude.h5` ships with pvlib (a declared dependency): a 1/12° (~8 km) global grid of elevations coded
in 28 m steps (Mapzen terrain tiles: SRTM, GMTED2010, ETOPO1). That is too coarse for slope analysis but
right for a basemap at province zoom. The image is resampled to Web Mercator rows, so that a Leaflet
ImageOverlay over `BOUNDS` lines up with the WGS84 vector layers, and it is written as a JPEG.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
from affine import Affine

from .. import altitude, boundaries, config, mercator

#: [[south, west], [north, east]] of the relief image: Gansu with a margin (the schema's box).
BOUNDS = ((32.0, 92.0), (43.0, 109.0))
ATTRIBUTION = ("Relief: pvlib Altitude.h5, 1/12° (Mapzen terrain tiles: SRTM, GMTED2010, ETOPO1); "
               "rendered by gislayout")
SHORT_ATTRIBUTION = "Relief: pvlib Altitude.h5"
#: Output pixels per degree of longitude (the source has 12; more only smooths the shading).
PIXELS_PER_DEGREE = 48
_CELLS_PER_DEGREE = altitude.CELLS_PER_DEGREE
# Hypsometric tint: elevation (m) → RGB, muted so that the layout symbols and overlays stand out.
_TINT = np.array([
    (0, 200, 216, 190), (1000, 218, 228, 200), (1500, 236, 232, 200), (2200, 228, 214, 182),
    (3000, 214, 196, 168), (3800, 200, 190, 178), (4600, 214, 210, 204), (5600, 244, 244, 244),
], dtype=float)


def path() -> Path:
    """Where the built relief image lives."""
    return config.settings().build_dir / "atlas" / "relief.jpg"


def read_elevation(bounds=BOUNDS, margin: int = 2) -> tuple[np.ndarray, Affine]:
    """Elevation in metres over `bounds` plus `margin` cells, and the EPSG:4326 transform of its cells."""
    (south, west), (north, east) = bounds
    return altitude.read(west, south, east, north, margin=margin, complete=True)


def _hillshade(dem: np.ndarray, lat: np.ndarray, exaggeration: float = 8.0) -> np.ndarray:
    cell = 111_320.0 / _CELLS_PER_DEGREE
    dz_dy, dz_dx = np.gradient(dem * exaggeration, cell)
    dz_dx = dz_dx / np.cos(np.radians(lat))[:, None]
    azimuth, altitude = np.radians(315.0), np.radians(45.0)
    slope = np.arctan(np.hypot(dz_dx, dz_dy))
    aspect = np.arctan2(-dz_dx, dz_dy)  # rows run north→south, so +dy points south
    shade = (np.sin(altitude) * np.cos(slope)
             + np.cos(altitude) * np.sin(slope) * np.cos(azimuth - aspect))
    return np.clip(shade, 0, 1)


def _tint(dem: np.ndarray) -> np.ndarray:
    return np.stack([np.interp(dem, _TINT[:, 0], _TINT[:, i]) for i in (1, 2, 3)], axis=-1)


def _province_mask(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """True inside Gansu on the output grid."""
    import shapely

    province = boundaries.load("province", display=True).geometry.union_all()
    lon_grid, lat_grid = np.meshgrid(lons, lats)
    return shapely.contains_xy(province, lon_grid, lat_grid)


def render(bounds=BOUNDS, pixels_per_degree: int = PIXELS_PER_DEGREE) -> np.ndarray:
    """The relief as an (rows, cols, 3) uint8 RGB array on Web Mercator rows spanning `bounds`."""
    from scipy import ndimage

    dem, src = read_elevation(bounds)
    dem = ndimage.gaussian_filter(dem, 0.8)  # hides the 28 m coding steps
    src_lats = src.f + src.e * (np.arange(dem.shape[0]) + 0.5)
    shade = _hillshade(dem, src_lats)
    (south, west), (north, east) = bounds
    cols = int(round((east - west) * pixels_per_degree))
    left, bottom, right, top = mercator.extent(west, south, east, north)
    rows = int(round(cols * (top - bottom) / (right - left)))
    dst = mercator.grid(west, south, east, north, cols, rows)
    elevation = mercator.warp(dem, src, config.WGS84, dst, (rows, cols), "bilinear")
    shading = mercator.warp(shade, src, config.WGS84, dst, (rows, cols), "bilinear")
    lons = west + (np.arange(cols) + 0.5) * (east - west) / cols  # Mercator x is linear in longitude
    lats = mercator.latitudes(west, south, east, north, rows)
    rgb = _tint(elevation) * (0.5 + 0.5 * shading)[..., None] + 40 * (shading[..., None] - 0.6)
    # Outside Gansu: washed out towards paper white, so the province reads as the subject.
    rgb = np.where(_province_mask(lats, lons)[..., None], rgb, 0.45 * rgb + 0.55 * 246)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def build(force: bool = False) -> Path:
    """Render the relief JPEG into the build directory (again only if `force` or the boundaries changed)."""

    out = path()
    source = boundaries.build()  # the province outline masks the relief
    if out.exists() and not force and out.stat().st_mtime >= source.stat().st_mtime:
        return out
    data = mercator.encode(np.moveaxis(render(), -1, 0), "JPEG", QUALITY=82)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")  # several workers may build at once
    tmp.write_bytes(data)
    tmp.replace(out)
    return out


# a pure function of pvlib's Altitude.h5 (a package file): the same bytes whatever the data version
@lru_cache(maxsize=1)
def image_bytes() -> bytes:
    """The built relief JPEG, read once."""
    return build().read_bytes()
