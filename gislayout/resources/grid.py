"""The grids every resource raster lives on (EPSG:4326 `Grid`s over `EXTENT`), and Gansu masks on them.

All rasters share one extent around the province (EPSG:4326, edges on whole 1/120° steps), so that an
imported atlas, the offline estimate and the display overlay line up pixel for pixel where resolutions match.
"""

from __future__ import annotations

import numpy as np
import rasterio.features
import shapely

from .. import boundaries, config, dataversion
from ..grid import Grid

#: west, south, east, north: the province (92.34–108.71 E, 32.60–42.79 N) with room for the clip buffer.
EXTENT = (92.0, 32.25, 109.0, 43.0)
#: Buffer kept around the province when clipping, so edge pixels and zonal statistics are complete.
CLIP_BUFFER_KM = 5.0

#: The one grid imported rasters are reprojected to: 30″ (~0.9 km), the Global Solar Atlas resolution.
COMMON = Grid.over(EXTENT, 1 / 120, config.WGS84)
#: The grid of pvlib's Linke turbidity and altitude tables (1/12°, ~8 km), used by the offline estimate.
ESTIMATE = Grid.over(EXTENT, 1 / 12, config.WGS84)
#: The grid of the display overlay PNG (1′): fine enough for province zoom, small enough to send.
DISPLAY = Grid.over(EXTENT, 1 / 60, config.WGS84)


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
