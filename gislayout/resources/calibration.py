"""Calibrate the solar estimate to cited Gansu figures (`solar_calibration.csv`).

Each row of the table is a region (prefecture or county) with a cited annual total:
- `value`: a single figure; the region's mean is brought to it;
- `range`: a closed class range; the mean is brought to its midpoint (half the width is the source's own
  uncertainty, not the estimate's error, which `validation` measures by leave-one-out);
- `bound`: an open bound or a range over stations; the mean is moved only if it falls outside.

Inside an anchor region the correction factor is the region's own (a county overrides its prefecture);
elsewhere it is the inverse-distance-squared blend of the anchors' factors, by distance to each region.
The log-factor field is then smoothed (σ ≈ 16 km) so no step shows at a border, and the anchor factors are
refined until every region's calibrated mean meets its target.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import rasterio.features

from .. import boundaries
from ..errors import LayerDataError
from .grid import ESTIMATE, Grid

TABLE = Path(__file__).with_name("solar_calibration.csv")
KINDS = ("value", "range", "bound")
_SMOOTH_CELLS = 2.0
_ITERATIONS = 30


def table() -> pd.DataFrame:
    """The cited calibration figures, validated."""
    df = pd.read_csv(TABLE, dtype={"region_level": str, "region_zh": str, "kind": str})
    bad = sorted(set(df["kind"]) - set(KINDS))
    if bad:
        raise LayerDataError(f"{TABLE.name}: unknown kind {bad[0]!r}; allowed: {', '.join(KINDS)}")
    return df


def region_masks(df: pd.DataFrame, grid: Grid) -> list[np.ndarray]:
    """One boolean mask on `grid` per row of `df`: the row's region (all cells it touches if it is that small)."""
    masks = []
    for row in df.itertuples():
        gdf = boundaries.load(row.region_level)
        match = gdf[gdf["name_zh"] == row.region_zh]
        if match.empty:
            raise LayerDataError(f"{TABLE.name}: no {row.region_level} named {row.region_zh!r}")
        geom = match.geometry.iloc[0]
        mask = rasterio.features.geometry_mask([geom], grid.shape, grid.transform, invert=True)
        if not mask.any():
            mask = rasterio.features.geometry_mask([geom], grid.shape, grid.transform, invert=True, all_touched=True)
        masks.append(mask)
    return masks


def _targets(df: pd.DataFrame, raw_means: np.ndarray) -> np.ndarray:
    out = np.empty(len(df))
    for i, row in enumerate(df.itertuples()):
        lo = row.lo_kwh if pd.notna(row.lo_kwh) else -np.inf
        hi = row.hi_kwh if pd.notna(row.hi_kwh) else np.inf
        out[i] = {"value": lo, "range": (lo + hi) / 2, "bound": min(max(raw_means[i], lo), hi)}[row.kind]
    return out


def _blend(log_f: np.ndarray, masks: list[np.ndarray], weights: np.ndarray, order: np.ndarray) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    field = (weights * log_f[:, None, None]).sum(axis=0) / weights.sum(axis=0)
    for i in order:  # largest regions first, so a county overrides its prefecture
        field[masks[i]] = log_f[i]
    return gaussian_filter(field, _SMOOTH_CELLS, mode="nearest")


def _mean(values: np.ndarray, mask: np.ndarray, area: np.ndarray) -> float:
    return float((values[mask] * area[mask]).sum() / area[mask].sum())


def _cell_area(grid: Grid) -> np.ndarray:
    _, lat = grid.axes()
    return np.broadcast_to(np.cos(np.radians(lat))[:, None], grid.shape)


def region_means(values: np.ndarray, df: pd.DataFrame, grid: Grid = ESTIMATE) -> np.ndarray:
    """The area-weighted mean of `values` over the region of each row of `df` (a slice of `table()`)."""
    area = _cell_area(grid)
    return np.array([_mean(values, m, area) for m in region_masks(df, grid)])


def factor_field(annual: np.ndarray, grid: Grid = ESTIMATE,
                 df: pd.DataFrame | None = None) -> tuple[np.ndarray, list[dict]]:
    """The multiplicative correction for `annual` (kWh/m²/yr on `grid`) and a per-anchor report.

    `df` is the calibration table to fit (default: all of `table()`); validation passes it with a row left out.
    """
    from scipy.ndimage import distance_transform_edt

    df = table() if df is None else df
    masks = region_masks(df, grid)
    _, lat = grid.axes()
    area = _cell_area(grid)
    km = grid.res * 111.32
    sampling = (km, km * float(np.cos(np.radians(lat.mean()))))
    dist = np.stack([distance_transform_edt(~m, sampling=sampling) for m in masks])
    weights = 1.0 / np.maximum(dist, km / 2) ** 2
    order = np.argsort([-m.sum() for m in masks])
    raw = np.array([_mean(annual, m, area) for m in masks])
    target = _targets(df, raw)
    log_f = np.log(target / raw)
    for _ in range(_ITERATIONS):
        field = _blend(log_f, masks, weights, order)
        now = np.array([_mean(annual * np.exp(field), m, area) for m in masks])
        log_f += np.log(target / now)
    factor = np.exp(_blend(log_f, masks, weights, order))
    final = [_mean(annual * factor, m, area) for m in masks]
    report = [{"region": row.region_zh, "kind": row.kind, "cited": row.as_printed, "source": row.source_title,
               "raw_mean": round(float(raw[i]), 1), "target": round(float(target[i]), 1),
               "calibrated_mean": round(float(final[i]), 1)} for i, row in enumerate(df.itertuples())]
    return factor, report
