"""The zonal-statistics engine: exactextract's exact cell coverage, kept per zone set and grid, applied to values.

For every cell a polygon touches, exactextract gives the spherical area (km²) of the covered part. That is
the costly, geometric half of zonal statistics, and it depends only on the polygons and the grid, so it is
computed once and reused for every raster on that grid. Applying it is a gather and a weighted summary.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from pyproj import CRS

from .. import config

STATS = ("mean", "min", "max", "p10", "p50", "p90")
QUANTILES = np.array([0.1, 0.5, 0.9])
OPS = ["cell_id", "km2=coverage(coverage_weight=area_spherical_km2)"]


def _exactextract():
    try:
        import exactextract
        import exactextract.feature
        import exactextract.raster
        from exactextract._exactextract import Feature
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ImportError("zonal statistics need exactextract: pip install exactextract") from exc
    return exactextract, Feature


def _wkb_source(geoms):
    """The polygons as an exactextract FeatureSource handing over WKB (no GeoJSON round trip)."""
    ee, Feature = _exactextract()

    class WkbFeature(Feature):
        def __init__(self, wkb: bytes):
            super().__init__()
            self._wkb, self._props = wkb, {}

        def geometry(self):
            return self._wkb

        def set_geometry_format(self):
            return "wkb"

        def get(self, name):
            return self._props[name]

        def set(self, name, value):
            self._props[name] = value

        def fields(self):
            return list(self._props)

    class WkbSource(ee.feature.FeatureSource):
        def __init__(self, wkbs: list[bytes]):
            super().__init__()
            self._wkbs = wkbs

        def count(self):
            return len(self._wkbs)

        def __iter__(self):
            return (WkbFeature(w) for w in self._wkbs)

        def srs_wkt(self):
            return CRS(config.WGS84).to_wkt()

    return WkbSource([bytes(b) for b in shapely.to_wkb(np.asarray(geoms))])


@dataclass(frozen=True)
class Coverage:
    """Per zone: flat indices of the cells it touches, and the km² of each cell it covers."""

    shape: tuple[int, int]
    cells: tuple[np.ndarray, ...]
    km2: tuple[np.ndarray, ...]


def coverage(zones: gpd.GeoDataFrame, transform: Affine, shape: tuple[int, int]) -> Coverage:
    """exactextract's exact coverage of each zone (EPSG:4326 polygons) on the grid (transform, shape)."""
    ee, _ = _exactextract()
    rows, cols = shape
    xmin, ymax = transform.c, transform.f
    xmax, ymin = xmin + cols * transform.a, ymax + rows * transform.e
    # The values do not matter here, only the grid: zeros with no nodata, so every touched cell is reported.
    grid = ee.raster.NumPyRasterSource(np.zeros(shape, dtype="uint8"), xmin, ymin, xmax, ymax,
                                       srs_wkt=CRS(config.WGS84).to_wkt())
    features = ee.exact_extract(grid, _wkb_source(zones.geometry.values), OPS, output="geojson")
    cells = tuple(np.asarray(f["properties"]["cell_id"], dtype="int64") for f in features)
    km2 = tuple(np.asarray(f["properties"]["km2"], dtype="float64") for f in features)
    return Coverage(tuple(shape), cells, km2)


def merge(base: Coverage, groups: list[list[int]]) -> Coverage:
    """The coverage of unions of base zones, by concatenation (exact when the members tile the union).

    A cell on a shared border appears once per member, with each member's covered km²; every statistic
    here weights by km², so that is the same as one entry with the summed area.
    """
    cells = tuple(np.concatenate([base.cells[i] for i in g]) if g else np.empty(0, "int64") for g in groups)
    km2 = tuple(np.concatenate([base.km2[i] for i in g]) if g else np.empty(0, "float64") for g in groups)
    return Coverage(base.shape, cells, km2)


def sorted_parts(values: np.ndarray, cover: Coverage) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per zone, its valid cell values sorted ascending and the covered km² in the same order."""
    if tuple(values.shape) != cover.shape:
        raise ValueError(f"values of shape {values.shape} do not match the coverage grid {cover.shape}")
    flat = values.ravel()
    out = []
    for cells, km2 in zip(cover.cells, cover.km2):
        v = flat[cells]
        ok = np.isfinite(v)
        v, w = v[ok], km2[ok]
        order = np.argsort(v)
        out.append((v[order], w[order]))
    return out


def summarise_sorted(v: np.ndarray, w: np.ndarray) -> dict:
    """mean, min, max, p10, p50, p90 and valid km² of sorted cell values `v` weighted by covered km² `w`.

    Quantiles interpolate linearly between the area midpoints of the sorted cells.
    """
    if v.size == 0:
        return dict.fromkeys(STATS) | {"valid_km2": 0.0}
    cum = np.cumsum(w)
    total = float(cum[-1])
    mid = cum - 0.5 * w
    quantiles = np.interp(QUANTILES * total, mid, v.astype("float64")) if v.size > 1 else np.repeat(float(v[0]), 3)
    return {"mean": float(v @ w / total), "min": float(v[0]), "max": float(v[-1]), "p10": float(quantiles[0]),
            "p50": float(quantiles[1]), "p90": float(quantiles[2]), "valid_km2": total}


def zone_stats(values: np.ndarray, cover: Coverage) -> list[dict]:
    """`summarise_sorted` for every zone of `cover`, skipping nodata (NaN) cells."""
    return [summarise_sorted(v, w) for v, w in sorted_parts(values, cover)]


def grouped_stats(parts: list[tuple[np.ndarray, np.ndarray]], groups: list[list[int]]) -> list[dict]:
    """Statistics of unions of base zones from the base zones' sorted parts (a merge, not a fresh sort)."""
    out = []
    for g in groups:
        v = np.concatenate([parts[i][0] for i in g]) if g else np.empty(0, "float32")
        w = np.concatenate([parts[i][1] for i in g]) if g else np.empty(0, "float64")
        order = np.argsort(v, kind="stable")  # timsort: linear-ish on concatenated sorted runs
        out.append(summarise_sorted(v[order], w[order]))
    return out
