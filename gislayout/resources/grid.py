"""The grids every resource raster lives on, and Gansu masks rasterized onto them.

All rasters share one extent around the province (EPSG:4326, edges on whole 1/120° steps), so that an
imported atlas, the offline estimate and the display overlay line up pixel for pixel where resolutions match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import rasterio.features
import shapely
from affine import Affine

from .. import boundaries, config, dataversion

#: west, south, east, north: the province (92.34–108.71 E, 32.60–42.79 N) with room for the clip buffer.
EXTENT = (92.0, 32.25, 109.0, 43.0)
#: Buffer kept around the province when clipping, so edge pixels and zonal statistics are complete.
CLIP_BUFFER_KM = 5.0


@dataclass(frozen=True)
class Grid:
    """A north-up EPSG:4326 grid over `EXTENT` with square cells of `res` degrees."""

    res: float

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols)."""
        w, s, e, n = EXTENT
        return int(round((n - s) / self.res)), int(round((e - w) / self.res))

    @property
    def transform(self) -> Affine:
        """Affine transform of the upper-left corner."""
        return Affine(self.res, 0.0, EXTENT[0], 0.0, -self.res, EXTENT[3])

    @property
    def crs(self) -> str:
        """EPSG:4326."""
        return config.WGS84

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """1-D arrays of the cell-centre longitudes (cols) and latitudes (rows, north first)."""
        rows, cols = self.shape
        lon = EXTENT[0] + self.res * (np.arange(cols) + 0.5)
        lat = EXTENT[3] - self.res * (np.arange(rows) + 0.5)
        return lon, lat


#: The one grid imported rasters are reprojected to: 30″ (~0.9 km), the Global Solar Atlas resolution.
COMMON = Grid(1 / 120)
#: The grid of pvlib's Linke turbidity and altitude tables (1/12°, ~8 km), used by the offline estimate.
ESTIMATE = Grid(1 / 12)
#: The grid of the display overlay PNG (1′): fine enough for province zoom, small enough to send.
DISPLAY = Grid(1 / 60)


def overlay_bounds() -> list[list[float]]:
    """[[south, west], [north, east]] of every overlay image, as Leaflet's ImageOverlay wants them."""
    w, s, e, n = EXTENT
    return [[s, w], [n, e]]


@dataversion.cached(maxsize=4, parts=("boundaries",))
def province_shape(buffer_km: float = 0.0):
    """The province (display geometry) in EPSG:4326, grown by `buffer_km` in the equal-area CRS."""
    province = boundaries.load("province", display=True)
    if not buffer_km:
        return province.geometry.iloc[0]
    grown = province.to_crs(config.EQUAL_AREA).buffer(buffer_km * 1000.0).to_crs(config.WGS84)
    return grown.iloc[0]


@dataversion.cached(maxsize=8, parts=("boundaries",))
def province_mask(grid: Grid, buffer_km: float = 0.0) -> np.ndarray:
    """Boolean array on `grid`: True where a cell touches the (buffered) province."""
    geom = province_shape(buffer_km)
    mask = rasterio.features.geometry_mask([geom], out_shape=grid.shape, transform=grid.transform,
                                           invert=True, all_touched=bool(buffer_km))
    mask.flags.writeable = False
    return mask


def bbox_of(geom) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a shapely geometry."""
    return tuple(float(v) for v in shapely.bounds(geom))
