"""How far off the offline solar estimate is, measured when it is built rather than asserted.

Leave-one-out: each cited figure of `solar_calibration.csv` is left out of the calibration in turn, the factor
field is refitted from the others (the uncalibrated field does not change, so a refit costs ~0.1 s), and the
estimate's mean over the left-out region is compared with the figure. That is the error to expect where no
figure is cited. A `value` is compared with itself, a `range` with its midpoint; a `bound` counts only the
distance by which the estimate falls outside it.

Checks at places with a literature range (`CHECK_SITES`) say which calibration regions contain them: Lanzhou is
in none, so it is a held-out check; for the others the value with their own regions left out is given too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import boundaries
from . import calibration
from .grid import ESTIMATE, Grid

#: Places whose annual GHI is checked against literature ranges (DESIGN.md): lon, lat, low, high (kWh/m²/yr).
CHECK_SITES = {
    "Dunhuang": (94.66, 40.14, 1700, 1900),
    "Lanzhou": (103.83, 36.06, 1450, 1550),
    "Tianshui": (105.72, 34.58, 1250, 1400),
}


def sample(array: np.ndarray, lon: float, lat: float, grid: Grid = ESTIMATE) -> float:
    """The value of the `grid` cell holding (lon, lat)."""
    col, row = ~grid.transform @ (lon, lat)
    return float(array[int(row), int(col)])


def _pct(value: float, reference: float) -> float:
    return round(100 * (value / reference - 1), 1)


def _miss_pct(value: float, lo: float, hi: float) -> float:
    """Signed distance outside [lo, hi] in % of the edge passed; 0 inside."""
    return 0.0 if lo <= value <= hi else _pct(value, hi if value > hi else lo)


def _error(row, estimate: float) -> tuple[float | None, float]:
    """(figure compared with, signed error in %) of an estimate for a calibration row."""
    lo = row.lo_kwh
    hi = row.hi_kwh if pd.notna(row.hi_kwh) else np.inf
    if row.kind == "bound":
        return None, _miss_pct(estimate, lo, hi)
    figure = lo if row.kind == "value" else (lo + hi) / 2
    return round(float(figure), 1), _pct(estimate, figure)


def names_en(df: pd.DataFrame) -> list[str]:
    """The English name of each row's region (`region_level`, `region_zh`) of a table of cited figures."""
    out = []
    for row in df.itertuples():
        gdf = boundaries.load(row.region_level)
        out.append(str(gdf.loc[gdf["name_zh"] == row.region_zh, "name_en"].iloc[0]))
    return out


def leave_one_out(annual: np.ndarray, grid: Grid = ESTIMATE) -> list[dict]:
    """One dict per calibration row: its figure, the uncalibrated mean, and the estimate fitted without it."""
    df = calibration.table()
    raw = calibration.region_means(annual, df, grid)
    rows = []
    for i, (row, name_en) in enumerate(zip(df.itertuples(), names_en(df))):
        rest = df.drop(index=df.index[i])
        factor, _ = calibration.factor_field(annual, grid, rest)
        left_out = float(calibration.region_means(annual * factor, df.iloc[[i]], grid)[0])
        figure, error = _error(row, left_out)
        rows.append({"region": row.region_zh, "region_en": name_en, "kind": row.kind, "cited": row.as_printed,
                     "cited_lo_kwh": float(row.lo_kwh), "cited_hi_kwh": None if pd.isna(row.hi_kwh) else float(row.hi_kwh),
                     "compared_with_kwh": figure, "uncalibrated": round(float(raw[i]), 1),
                     "uncalibrated_error_pct": _error(row, float(raw[i]))[1],
                     "left_out": round(left_out, 1), "error_pct": error})
    return rows


def summary(rows: list[dict]) -> dict:
    """Mean and max absolute leave-one-out error over the figures with a value or range; bounds met."""
    figures = [r for r in rows if r["kind"] != "bound"]
    bounds = [r for r in rows if r["kind"] == "bound"]
    worst = max(figures, key=lambda r: abs(r["error_pct"]))
    return {"figures": len(figures),
            "mean_abs_pct": round(float(np.mean([abs(r["error_pct"]) for r in figures])), 1),
            "max_abs_pct": abs(worst["error_pct"]), "max_region": worst["region"], "max_region_en": worst["region_en"],
            "uncalibrated_mean_abs_pct": round(float(np.mean([abs(r["uncalibrated_error_pct"]) for r in figures])), 1),
            "bounds": len(bounds), "bounds_met": sum(r["error_pct"] == 0 for r in bounds),
            "bound_max_miss_pct": max((abs(r["error_pct"]) for r in bounds), default=0.0)}


def checks(annual: np.ndarray, factor: np.ndarray, grid: Grid = ESTIMATE) -> dict:
    """Each check site: literature range, uncalibrated and calibrated values, and whether it is held out."""
    df = calibration.table()
    masks = calibration.region_masks(df, grid)
    out = {}
    for place, (lon, lat, lo, hi) in CHECK_SITES.items():
        col, row = (int(v) for v in ~grid.transform @ (lon, lat))
        inside = [i for i, m in enumerate(masks) if m[row, col]]
        before, after = sample(annual, lon, lat, grid), sample(annual * factor, lon, lat, grid)
        if inside:
            refit, _ = calibration.factor_field(annual, grid, df.drop(index=df.index[inside]))
            left_out = sample(annual * refit, lon, lat, grid)
        else:
            left_out = after
        miss = 0.0 if lo <= after <= hi else (after - hi if after > hi else after - lo)
        out[place] = {"lon": lon, "lat": lat, "literature": [lo, hi], "uncalibrated": round(before, 1),
                      "calibrated": round(after, 1), "miss_kwh": round(miss, 1),
                      "miss_pct_of_range_edge": _miss_pct(after, lo, hi),
                      "anchored_by": [df["region_zh"].iloc[i] for i in inside], "held_out": not inside,
                      "without_its_anchors": round(left_out, 1),
                      "without_its_anchors_miss_pct": _miss_pct(left_out, lo, hi)}
    return out


def validate(annual: np.ndarray, factor: np.ndarray, grid: Grid = ESTIMATE) -> dict:
    """The estimate's measured error: leave-one-out rows and their summary, and the site checks."""
    rows = leave_one_out(annual, grid)
    return {"method": "leave-one-out over the cited calibration figures: each left out in turn, the factor field "
                      "refitted from the others, the estimate's mean over its region compared with it (a range "
                      "with its midpoint; a bound only when the estimate falls outside it)",
            "rows": rows, "summary": summary(rows), "checks": checks(annual, factor, grid)}
