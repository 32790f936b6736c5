"""The one raster grid class: a north-up grid of square cells in any CRS.

The siting analysis uses 1 km cells in the equal-area CRS (`analysis.grid`); the resource rasters use cells of
whole fractions of a degree in EPSG:4326 over one extent (`resources.grid`). Both are `Grid`s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from affine import Affine
from rasterio import features

from . import config

#: Default cell size in metres.
CELL_M = 1000.0


@dataclass(frozen=True)
class Grid:
    """A north-up grid of square cells: `transform` maps (col, row) to projected (x, y) of cell corners."""

    transform: Affine
    shape: tuple[int, int]
    crs: str = config.EQUAL_AREA

    @classmethod
    def over(cls, extent: tuple[float, float, float, float], res: float, crs: str) -> Grid:
        """The grid whose `res`-sized cells tile `extent` (west/left, south, east, north) exactly."""
        west, south, east, north = extent
        shape = (int(round((north - south) / res)), int(round((east - west) / res)))
        return cls(Affine(res, 0.0, west, 0.0, -res, north), shape, crs)

    @classmethod
    def from_bounds(cls, left: float, bottom: float, right: float, top: float, cell: float = CELL_M,
                    crs: str = config.EQUAL_AREA) -> Grid:
        """The smallest grid of `cell`-metre cells snapped to multiples of `cell` that covers the bounds."""
        left, bottom = math.floor(left / cell) * cell, math.floor(bottom / cell) * cell
        right, top = math.ceil(right / cell) * cell, math.ceil(top / cell) * cell
        shape = (int(round((top - bottom) / cell)), int(round((right - left) / cell)))
        return cls(Affine(cell, 0.0, left, 0.0, -cell, top), shape, crs)

    @property
    def res(self) -> float:
        """Cell size in the units of the CRS (metres, or degrees for EPSG:4326)."""
        return float(self.transform.a)

    @property
    def cell_m(self) -> float:
        """Cell size in metres (of a projected grid)."""
        return self.res

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

    def axes(self) -> tuple[np.ndarray, np.ndarray]:
        """1-D arrays of the column-centre x and the row-centre y (north first)."""
        return self.centres(0, np.arange(self.shape[1]))[0], self.centres(np.arange(self.shape[0]), 0)[1]

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
