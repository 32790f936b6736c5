"""pvlib's bundled `Altitude.h5`: the one reader of it, with one rule for its nodata code.

The file is a global 1/12° (~8 km) grid, rows from 90° N and columns from 180° W, of elevations coded in
28 m steps: metres = 28 × code − 450 (Mapzen terrain tiles: SRTM, GMTED2010, ETOPO1).

Nodata rule: code 255 is "no data". Worldwide it marks the sea, which is why pvlib's own `lookup_altitude`
reads it as 0 m. Gansu is landlocked and no cell within several degrees of it carries the code, so here it
can only be a gap in the data, and 0 m would be a silent error of 1–5 km: it is returned as NaN, and a
caller that cannot carry NaN asks for `complete=True`, which raises LayerDataError instead.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from affine import Affine

from .errors import LayerDataError

CELLS_PER_DEGREE = 12
NODATA_CODE = 255


def path() -> Path:
    """Where pvlib keeps `Altitude.h5`."""
    try:
        import pvlib
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ImportError("elevation needs the 'pvlib' package: pip install pvlib") from exc
    return Path(pvlib.__file__).parent / "data" / "Altitude.h5"


def read(west: float, south: float, east: float, north: float, margin: int = 0,
         complete: bool = False) -> tuple[np.ndarray, Affine]:
    """Elevation in metres (float64, NaN = nodata) of the whole cells covering the lon/lat box plus
    `margin` cells, and the EPSG:4326 transform of that window; LayerDataError on nodata if `complete`."""
    import h5py

    # a small tolerance keeps box edges that fall on cell edges (e.g. 32.25°) from adding a cell
    r0 = math.floor((90 - north) * CELLS_PER_DEGREE + 1e-9) - margin
    r1 = math.ceil((90 - south) * CELLS_PER_DEGREE - 1e-9) + margin
    c0 = math.floor((west + 180) * CELLS_PER_DEGREE + 1e-9) - margin
    c1 = math.ceil((east + 180) * CELLS_PER_DEGREE - 1e-9) + margin
    with h5py.File(path(), "r") as fh:
        coded = fh["Altitude"][r0:r1, c0:c1]
    metres = np.where(coded == NODATA_CODE, np.nan, coded.astype(np.float64) * 28 - 450)
    if complete and np.isnan(metres).any():
        raise LayerDataError(f"pvlib's Altitude.h5 has {int(np.isnan(metres).sum())} nodata cells in the box "
                             f"{(west, south, east, north)!r}; expected none inland")
    res = 1 / CELLS_PER_DEGREE
    return metres, Affine(res, 0.0, -180 + c0 * res, 0.0, -res, 90 - r0 * res)
