"""The analysis grid: square cells in the equal-area CRS (`config.EQUAL_AREA`), 1 km by default.

Gansu's bounding box is about 1,450 × 1,240 km, so the 1 km grid has about 1.8 million cells, of which
about 430,000 (the province's 425,800 km²) are inside the province. The model works on those only.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer

from .. import config
from ..grid import CELL_M, Grid  # noqa: F401  (the analysis modules take the grid class from here)


@lru_cache(maxsize=4)
def _to_grid(crs: str) -> Transformer:
    return Transformer.from_crs(config.WGS84, crs, always_xy=True)


@lru_cache(maxsize=4)
def _from_grid(crs: str) -> Transformer:
    return Transformer.from_crs(crs, config.WGS84, always_xy=True)


def project(lon, lat, crs: str = config.EQUAL_AREA) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat → projected x/y in `crs`."""
    return _to_grid(crs).transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def unproject(x, y, crs: str = config.EQUAL_AREA) -> tuple[np.ndarray, np.ndarray]:
    """Projected x/y in `crs` → WGS84 lon/lat."""
    return _from_grid(crs).transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))


def project_geometries(geoms, crs: str = config.EQUAL_AREA):
    """Shapely geometries in WGS84 → the same geometries projected to `crs`."""
    t = _to_grid(crs)
    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


#: Gansu (92.34–108.71 E, 32.60–42.79 N) with a margin, in WGS84: the region uploads are clipped to.
GANSU_WGS84 = (90.0, 30.0, 111.0, 45.0)
#: Longest edge, in degrees, of a clipped upload before it is projected (edges are straight in lon/lat).
DENSIFY_DEG = 0.05


def wgs84_box(grid: Grid, margin_deg: float = 1.0) -> tuple[float, float, float, float]:
    """A lon/lat box (west, south, east, north) covering `grid`, widened by `margin_deg`."""
    from rasterio.warp import transform_bounds
    w, s, e, n = transform_bounds(grid.crs, config.WGS84, *grid.bounds, densify_pts=51)
    return (max(-180.0, w - margin_deg), max(-90.0, s - margin_deg), min(180.0, e + margin_deg),
            min(90.0, n + margin_deg))


def clip_project(geoms, box: tuple[float, float, float, float] = GANSU_WGS84, crs: str = config.EQUAL_AREA):
    """WGS84 geometries clipped to the lon/lat `box`, densified, then projected to `crs`.

    Projecting a polygon of continental or global size vertex by vertex into a conic projection folds or
    collapses it (a polygon covering the globe came out with no area and excluded nothing); clipped to the
    region first, and with edges no longer than `DENSIFY_DEG`, it becomes the right shape on the grid.
    """
    geoms = np.asarray(geoms, dtype=object)
    clipped = shapely.clip_by_rect(geoms, *box)
    return project_geometries(shapely.segmentize(clipped, DENSIFY_DEG), crs)
