"""The analysis grid: square cells in the equal-area CRS (`config.EQUAL_AREA`), 1 km by default.

Gansu's bounding box is about 1,450 × 1,240 km, so the 1 km grid has about 1.8 million cells, of which
about 430,000 (the province's 425,800 km²) are inside the province. The model works on those only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from affine import Affine
from pyproj import Transformer
from rasterio import features

from .. import config

#: Default cell size in metres.
CELL_M = 1000.0


@dataclass(frozen=True)
class Grid:
    """A north-up grid of square cells: `transform` maps (col, row) to projected (x, y) of cell corners."""

    transform: Affine
    shape: tuple[int, int]
    crs: str = config.EQUAL_AREA

    @classmethod
    def from_bounds(cls, left: float, bottom: float, right: float, top: float, cell: float = CELL_M,
                    crs: str = config.EQUAL_AREA) -> Grid:
        """The smallest grid of `cell`-metre cells snapped to multiples of `cell` that covers the bounds."""
        left, bottom = math.floor(left / cell) * cell, math.floor(bottom / cell) * cell
        right, top = math.ceil(right / cell) * cell, math.ceil(top / cell) * cell
        shape = (int(round((top - bottom) / cell)), int(round((right - left) / cell)))
        return cls(Affine(cell, 0.0, left, 0.0, -cell, top), shape, crs)

    @property
    def cell_m(self) -> float:
        """Cell size in metres."""
        return float(self.transform.a)

    @property
    def cell_km2(self) -> float:
        """Area of one cell in km² (exact: the CRS is equal-area)."""
        return self.cell_m * self.cell_m / 1e6

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in the grid's CRS."""
        left, top = self.transform.c, self.transform.f
        return left, top - self.shape[0] * self.cell_m, left + self.shape[1] * self.cell_m, top

    def rowcol(self, x, y) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row and column of the cells holding projected points (x, y), and whether each is on the grid."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        with np.errstate(invalid="ignore"):  # NaN or infinite coordinates are simply off the grid
            colf = np.floor((x - self.transform.c) / self.cell_m)
            rowf = np.floor((self.transform.f - y) / self.cell_m)
            on = (rowf >= 0) & (rowf < self.shape[0]) & (colf >= 0) & (colf < self.shape[1])
        # only on-grid values are cast (a NaN or huge float has no int64); off the grid they are -1
        col, row = np.where(on, colf, -1).astype(np.int64), np.where(on, rowf, -1).astype(np.int64)
        return row, col, on

    def centres(self, rows, cols) -> tuple[np.ndarray, np.ndarray]:
        """Projected (x, y) of the centres of cells (rows, cols)."""
        rows, cols = np.asarray(rows), np.asarray(cols)
        return self.transform.c + (cols + 0.5) * self.cell_m, self.transform.f - (rows + 0.5) * self.cell_m

    def window(self, row0: int, col0: int, rows: int, cols: int) -> Grid:
        """The sub-grid starting at (row0, col0)."""
        return Grid(self.transform @ Affine.translation(col0, row0), (rows, cols), self.crs)

    def rasterize(self, geoms, values=None, fill: int = 0, all_touched: bool = False, dtype="uint8") -> np.ndarray:
        """Burn projected geometries into an array on the grid (cells whose centre is inside, by default)."""
        geoms = list(geoms)
        if values is None:
            values = [1] * len(geoms)
        pairs = [(g, v) for g, v in zip(geoms, values) if g is not None and not g.is_empty]
        if not pairs:
            return np.full(self.shape, fill, dtype=dtype)
        return features.rasterize(pairs, out_shape=self.shape, transform=self.transform, fill=fill,
                                  all_touched=all_touched, dtype=dtype)


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


@lru_cache(maxsize=2)
def gansu(cell_m: float = CELL_M) -> tuple[Grid, np.ndarray]:
    """The grid over Gansu and the boolean mask of cells whose centre lies inside the province."""
    from .. import boundaries

    province = boundaries.load("province").geometry.iloc[0]
    projected = project_geometries([province])[0]
    grid = Grid.from_bounds(*projected.bounds, cell=cell_m)
    inside = grid.rasterize([projected]).astype(bool)
    return grid, inside
