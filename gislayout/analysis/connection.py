"""Distance to the grid: from every inside cell to the nearest substation at or above a chosen voltage.

Substations come from the ground layer `substations` (max_voltage_kv). The distance is between cell centres
on the equal-area grid (one exact Euclidean distance transform, `scipy.ndimage.distance_transform_edt`), so it
is within half a cell diagonal (≈ 0.7 km on the 1 km grid) of the point distance. The transform is computed
once per voltage threshold and kept on the stack, so a recompute with the same `grid_kv` costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .. import layers
from . import gridstore
from .criterion_stack import Layer, Stack, distance_km
from .grid import project

if TYPE_CHECKING:
    import pandas as pd

#: How many voltage thresholds' distance fields a stack keeps.
MAX_CACHED = 6


def substations() -> pd.DataFrame:
    """The substations layer as id, name_zh, name_en, max_voltage_kv, lon, lat."""
    import pandas as pd


    gdf = layers.load("substations")
    return pd.DataFrame({"id": gdf["id"].to_numpy(), "name_zh": gdf["name_zh"].to_numpy(),
                         "name_en": gdf["name_en"].to_numpy(),
                         "max_voltage_kv": pd.to_numeric(gdf["max_voltage_kv"], errors="coerce").to_numpy(),
                         "lon": gdf.geometry.x.to_numpy(), "lat": gdf.geometry.y.to_numpy()})


@dataclass
class Field:
    """Per inside cell: km to the nearest qualifying substation and its index into `table` (None: the stack's)."""

    km: np.ndarray
    nearest: np.ndarray
    table: pd.DataFrame | None = None
    criterion: Layer | None = None  # the `grid` criterion over `km`, built on first use by `layer`


def uploaded_field(stack: Stack, ident: str, grid_kv: float) -> Field:
    """The distance field to an uploaded grid (`gridstore`): cells its lines or points touch are at 0 km."""
    from scipy import ndimage


    gridstore.check(ident)
    cache = stack.__dict__.setdefault("_grid_cache", {})
    key = (ident, float(grid_kv))
    if key not in cache:
        gdf = gridstore.load(ident)
        owner = gridstore.owners(stack, gdf, float(grid_kv))
        n = stack.flat.size
        if not (owner >= 0).any():
            km, near = np.full(n, np.nan, np.float32), np.full(n, -1, np.int32)
        else:
            dist, (ir, ic) = ndimage.distance_transform_edt(owner < 0, sampling=stack.grid.cell_m,
                                                            return_indices=True)
            km = (dist[stack.inside] / 1000.0).astype(np.float32)
            near = owner[ir[stack.inside], ic[stack.inside]]
        cache[key] = Field(km, near, gridstore.table(gdf))
        if len(cache) > MAX_CACHED:
            cache.pop(next(iter(cache)))
    return cache[key]


def field(stack: Stack, grid_kv: float) -> Field:
    """The distance field to substations ≥ `grid_kv` kV (all NaN / -1 when there is none), cached per kV."""

    cache = stack.__dict__.setdefault("_grid_cache", {})
    key = float(grid_kv)
    if key not in cache:
        subs = stack.substations
        n = stack.flat.size
        if subs is None or not len(subs):
            cache[key] = Field(np.full(n, np.nan, np.float32), np.full(n, -1, np.int32))
        else:
            sel = np.flatnonzero(np.nan_to_num(subs["max_voltage_kv"].to_numpy(float), nan=-1) >= key)
            x, y = project(subs["lon"].to_numpy(float)[sel], subs["lat"].to_numpy(float)[sel], stack.grid.crs)
            km, near = distance_km(stack.grid, stack.inside, x, y)
            cache[key] = Field(km, np.where(near >= 0, sel[np.maximum(near, 0)] if sel.size else -1, -1))
        if len(cache) > MAX_CACHED:
            cache.pop(next(iter(cache)))
    return cache[key]


def zone_nearest(cell_zone: np.ndarray, n_zones: int, km: np.ndarray, nearest: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per zone (row of the zone table): the smallest `km` over its cells and the `nearest` index there."""
    best, first = zone_argmin(cell_zone, n_zones, km)
    return best, np.where(first >= 0, nearest[np.maximum(first, 0)], -1)


def zone_argmin(cell_zone: np.ndarray, n_zones: int, km: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per zone: the smallest `km` over its cells (NaN if none finite) and the first cell attaining it (-1).

    Vectorised: one minimum.at over the zone cells, then the first cell of each zone that attains it.
    """
    sel = np.flatnonzero(cell_zone >= 0)
    z = cell_zone[sel]
    d = np.nan_to_num(km[sel].astype(np.float64), nan=np.inf)
    best = np.full(n_zones, np.inf)
    np.minimum.at(best, z, d)
    hit = d == best[z]
    first = np.full(n_zones, -1, np.int64)
    zs, pos = np.unique(z[hit], return_index=True)
    first[zs] = sel[np.flatnonzero(hit)[pos]]
    best[~np.isfinite(best)] = np.nan
    return best, first


def layer(stack: Stack, grid_kv: float, grid_id: str | None = None) -> Layer | None:
    """The `grid` siting criterion: km to the same grid the LCOE connects to (substations ≥ `grid_kv`, or the
    uploaded grid `grid_id`), kept on the cached field so its percentiles are computed once per grid and kV.

    None when no cell has a finite distance (no qualifying substation): the criterion is then absent, like slope
    without a fine DEM, rather than failing every cell.
    """

    f = uploaded_field(stack, grid_id, grid_kv) if grid_id else field(stack, grid_kv)
    if not np.isfinite(f.km).any():
        return None
    if f.criterion is None:
        what = f"uploaded grid {grid_id!r}" if grid_id else f"substations ≥ {float(grid_kv):g} kV (layer substations)"
        f.criterion = Layer("grid", f.km, "km", f"nearest {what}; the distance the LCOE's connection cost uses",
                            f"{stack.grid.cell_m:g} m grid, distances between cell centres")
    return f.criterion
