"""The wind resource against the cited station and wind-farm figures (`layers/published_figures.csv`).

gislayout shows wind speed only; no power density layer is made. To compare the speed with the cited wind power
densities (W/m²) and with station speeds at other heights, these checks state and use three assumptions:

- height: the 100 m speed is scaled to the figure's height with the power law v(h) = v100 · (h/100)^α,
  α = `SHEAR` (1/7, open flat terrain); a figure without a height is taken at 10 m, the standard anemometer height;
- distribution: Weibull with k = `K` (2, Rayleigh), so WPD = ½ ρ v̄³ Γ(1 + 3/k) / Γ(1 + 1/k)³ (factor 1.91);
- air density: the ISA standard atmosphere at the cell's elevation (pvlib's 1/12° Altitude.h5, averaged over
  the 0.25° cell): ρ = p / (R T), T = 288.15 − 0.0065 h, p = 101325 (T / 288.15)^5.25588, R = 287.058 J/(kg K),
  the formula the siting model's `analysis.energy.air_density` takes from windpowerlib.

Each figure is compared with the area-weighted mean over the places it covers (cells whose centre is inside; all
touched cells for a region smaller than a cell) and, for a figure given at one place, with the cell holding it. A
value is compared with itself (~ marks an approximate one), a range with its midpoint, a bound only by how far
the model falls outside it. The numbers are computed by `flask build` from the installed raster, never typed in.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import rasterio.features
import shapely
from affine import Affine
from rasterio.enums import Resampling
from rasterio.warp import reproject

from .. import altitude, boundaries, config, layers

SHEAR = 1 / 7
K = 2.0
DEFAULT_HEIGHT_M = 10.0
WPD_FACTOR = math.gamma(1 + 3 / K) / math.gamma(1 + 1 / K) ** 3
ASSUMPTIONS = {
    "shear_exponent": round(SHEAR, 4), "weibull_k": K, "wpd_factor": round(WPD_FACTOR, 3),
    "default_height_m": DEFAULT_HEIGHT_M,
    "air_density": "ISA standard atmosphere at the cell's mean elevation (pvlib Altitude.h5), ideal gas",
    "text_en": f"Speeds scaled from 100 m by the power law with α = 1/7; a figure without a height is taken at "
               f"{DEFAULT_HEIGHT_M:g} m; power density from the mean speed with a Weibull k = {K:g} (Rayleigh, "
               f"factor {WPD_FACTOR:.2f}) and ISA air density at the cell's elevation. No power density layer "
               f"is shown: these are checks only.",
    "text_zh": f"风速按幂律（α = 1/7）由 100 m 换算至数值所注高度，未注高度者按 {DEFAULT_HEIGHT_M:g} m；风功率密度由平均"
               f"风速按 Weibull k = {K:g}（瑞利分布，系数 {WPD_FACTOR:.2f}）及格点海拔处的标准大气密度计算。"
               f"地图不显示风功率密度，仅作检验。",
}
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def parse(value: str) -> tuple[str, float, float]:
    """(kind, lo, hi) of a cited value: '2.9' value, '~140' value, '1.7-2.7' range, '>100' bound."""
    text = str(value).strip()
    nums = [float(n) for n in _NUMBER.findall(text.replace("–", "-").replace("-", " "))]
    if text.startswith(">"):
        return "bound", nums[0], math.inf
    if text.startswith("<"):
        return "bound", -math.inf, nums[0]
    if len(nums) == 2:
        return "range", nums[0], nums[1]
    return "value", nums[0], nums[0]


def _error(kind: str, lo: float, hi: float, model: float) -> float:
    if kind == "bound":
        if lo <= model <= hi:
            return 0.0
        edge = hi if model > hi else lo
        return round(100 * (model / edge - 1), 1)
    ref = (lo + hi) / 2
    return round(100 * (model / ref - 1), 1)


def air_density(elevation_m: np.ndarray) -> np.ndarray:
    """ISA air density in kg/m³ at `elevation_m` (ideal gas)."""
    t = 288.15 - 0.0065 * np.asarray(elevation_m, dtype=float)
    return 101325.0 * (t / 288.15) ** 5.25588 / (287.058 * t)


def _cell_elevation(transform: Affine, shape: tuple[int, int]) -> np.ndarray:
    cols, rows = shape[1], shape[0]
    west, north = transform.c, transform.f
    east, south = west + transform.a * cols, north + transform.e * rows
    src, src_transform = altitude.read(west, south, east, north, margin=2)
    out = np.full(shape, np.nan)
    reproject(src.astype("float64"), out, src_transform=src_transform, src_crs=config.WGS84, src_nodata=np.nan,
              dst_transform=transform, dst_crs=config.WGS84, dst_nodata=np.nan, resampling=Resampling.average)
    return out


def _region(covers: str):
    pref, county = boundaries.load("prefecture"), boundaries.load("county")
    parts = []
    for name in str(covers).split(";"):
        hit = pref[pref["name_zh"] == name]
        if hit.empty:
            hit = county[county["name_zh"] == name]
        parts.extend(hit.geometry)
    return shapely.union_all(parts) if parts else None


def _region_mean(values: np.ndarray, transform: Affine, geom) -> float:
    mask = rasterio.features.geometry_mask([geom], values.shape, transform, invert=True)
    if not mask.any():
        mask = rasterio.features.geometry_mask([geom], values.shape, transform, invert=True, all_touched=True)
    lat = transform.f + transform.e * (np.arange(values.shape[0]) + 0.5)
    w = np.broadcast_to(np.cos(np.radians(lat))[:, None], values.shape)[mask]
    return float((values[mask] * w).sum() / w.sum())


def check(speed100: np.ndarray, transform: Affine) -> dict:
    """Every cited wind figure against the raster (speed at 100 m, EPSG:4326): assumptions, rows, summary."""
    figs = layers.load("published_figures")
    figs = figs[figs["kind"].isin(["wind_speed_mean", "wind_power_density"])]
    rho = air_density(_cell_elevation(transform, speed100.shape))
    rows = []
    for f in figs.itertuples():
        quantity = "speed" if f.kind == "wind_speed_mean" else "wpd"
        effective = "effective" in str(f.units)
        height = float(f.height_m) if pd.notna(f.height_m) else DEFAULT_HEIGHT_M
        scaled = speed100 * (height / 100.0) ** SHEAR
        field = scaled if quantity == "speed" else 0.5 * rho * scaled ** 3 * WPD_FACTOR
        kind, lo, hi = parse(f.value)
        region = _region(f.covers)
        mean = _region_mean(field, transform, region)
        col, row = (int(v) for v in ~transform @ (float(f.geometry.x), float(f.geometry.y)))
        cell = float(field[row, col])
        block = field[max(row - 1, 0):row + 2, max(col - 1, 0):col + 2]
        rows.append({
            "id": f.id, "name_zh": f.name_zh, "name_en": f.name_en, "quantity": quantity, "cited": str(f.value),
            "units": "m/s" if quantity == "speed" else "W/m²", "height_m": height,
            "height_stated": bool(pd.notna(f.height_m)), "kind": kind, "covers": f.covers,
            "source": f.source_title, "source_type": f.source_type,
            "region_mean": round(mean, 2 if quantity == "speed" else 0),
            "region_error_pct": None if effective else _error(kind, lo, hi, mean),
            "cell": round(cell, 2 if quantity == "speed" else 0), "cell_3x3_max": round(float(np.nanmax(block)),
                                                                                       2 if quantity == "speed" else 0),
            "cell_error_pct": None if effective else _error(kind, lo, hi, cell),
            "comparable": not effective,
            "note": ("'effective' power density (speeds within the turbine's range only), not the mean power "
                     "density: not compared" if effective else ""),
        })
    comparable = [r for r in rows if r["comparable"]]
    summary = {}
    for q in ("speed", "wpd"):
        mine = [r for r in comparable if r["quantity"] == q]
        if mine:
            errors = np.array([r["region_error_pct"] for r in mine], dtype=float)
            summary[q] = {"figures": len(mine), "mean_abs_region_error_pct": round(float(np.abs(errors).mean()), 1),
                          "mean_region_error_pct": round(float(errors.mean()), 1)}
    return {"assumptions": ASSUMPTIONS, "rows": rows, "summary": summary,
            "method": "region: area-weighted mean over the places the figure covers; cell: the 0.25° cell holding "
                      "the figure's point; value vs itself, range vs midpoint, bound by distance outside"}


def markdown(checks: dict) -> str:
    """The wind checks as a Markdown table with their summary."""
    out = ["| figure | cited | height (m) | region mean | error | cell at the point (3×3 max) | error | source |",
           "|" + " --- |" * 8]
    for r in checks["rows"]:
        h = f"{r['height_m']:g}" + ("" if r["height_stated"] else " (assumed)")
        e1 = "not compared" if r["region_error_pct"] is None else f"{r['region_error_pct']:+.1f} %"
        e2 = "not compared" if r["cell_error_pct"] is None else f"{r['cell_error_pct']:+.1f} %"
        out.append(f"| {r['name_en']} | {r['cited']} {r['units']} | {h} | {r['region_mean']:g} | {e1} | "
                   f"{r['cell']:g} ({r['cell_3x3_max']:g}) | {e2} | {r['source_type']} |")
    out.append("")
    for q, s in checks["summary"].items():
        label = "wind speed" if q == "speed" else "wind power density"
        out.append(f"- {label}: mean |error| of the region means {s['mean_abs_region_error_pct']:.1f} % over "
                   f"{s['figures']} figures (mean signed error {s['mean_region_error_pct']:+.1f} %)")
    return "\n".join(out) + "\n"
