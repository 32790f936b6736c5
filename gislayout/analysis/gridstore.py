"""A planner's own grid (substations as points, or lines), uploaded and used instead of the substations layer.

Stored exactly as exclusion sets are (`exclusions`: content-addressed 16-hex-digit id, atomic write, least
recently used evicted beyond the same cap), under `<build>/siting/grid`. A feature's voltage is its
`max_voltage_kv` (or `voltage_kv`, or `voltage` in volts as in OSM) when it has one; a feature without a voltage
counts at every `grid_kv` (the planner said it is grid). Its name is `name_zh`, `name` or `name_en`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import config, fileio, geojson
from ..errors import NotFound
from .grid import clip_project, wgs84_box
from . import exclusions

_KEEP = ("fid", "name_zh", "name", "name_en", "max_voltage_kv", "geometry")


def store_dir() -> Path:
    """Where uploaded grids are kept (`<build>/siting/grid`)."""
    return config.settings().build_dir / "siting" / "grid"


def _voltage_kv(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Per feature, the first voltage given among max_voltage_kv, voltage_kv and voltage (V, OSM style)."""
    out = np.full(len(gdf), np.nan)
    for col, scale in (("max_voltage_kv", 1.0), ("voltage_kv", 1.0), ("voltage", 1e-3)):
        if col in gdf.columns:
            first = gdf[col].astype(str).str.split(";").str[0]
            kv = pd.to_numeric(first, errors="coerce").to_numpy(float) * scale
            if col == "voltage":  # OSM gives volts; a value under 2 (kV) was given in kV
                kv = np.where(kv < 2.0, kv * 1e3, kv)
            out = np.where(np.isnan(out), kv, out)
    return out


def save(gdf: gpd.GeoDataFrame) -> str:
    """Store a validated grid upload (or mark it used); return its id."""

    out = gdf.copy()
    out["max_voltage_kv"] = _voltage_kv(gdf)
    out = out[[c for c in _KEEP if c in out.columns]]
    return fileio.store_text(store_dir(), geojson.dumps(out),
                             exclusions.MAX_STORED or config.settings().max_exclusion_sets)


def check(ident: str | None) -> str | None:
    """`ident` if it is a stored grid (marked used now); None for none; BadParameter/NotFound otherwise."""
    if not ident:
        return None
    fileio.use_stored(store_dir(), ident, "grid", "grid", "upload it again with POST /api/siting/grid")
    return ident


def load(ident: str) -> gpd.GeoDataFrame:
    """The uploaded grid `ident` (WGS84)."""
    check(ident)
    try:
        return gpd.read_file(store_dir() / f"{ident}.geojson", engine="pyogrio")
    except FileNotFoundError:
        raise NotFound(f"no uploaded grid {ident!r}; upload it again with POST /api/siting/grid",
                       zh=f"没有编号为“{ident}”的已上传电网（可能已被清理）；请重新上传") from None


def table(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """The uploaded features as the substations table: id, name_zh, name_en, max_voltage_kv."""
    def col(*names):
        for n in names:
            if n in gdf.columns:
                return gdf[n].astype(object).where(gdf[n].notna(), None).to_numpy()
        return np.full(len(gdf), None, dtype=object)
    return pd.DataFrame({"id": [f"upload_{int(f)}" for f in gdf["fid"]], "name_zh": col("name_zh", "name", "name_en"),
                         "name_en": col("name_en", "name", "name_zh"),
                         "max_voltage_kv": pd.to_numeric(gdf.get("max_voltage_kv"), errors="coerce")})


def owners(stack, gdf: gpd.GeoDataFrame, grid_kv: float) -> np.ndarray:
    """A grid-shaped int32 array: index of the feature touching each cell (-1 none), features ≥ `grid_kv` only."""
    from rasterio import features

    kv = pd.to_numeric(gdf.get("max_voltage_kv"), errors="coerce").to_numpy(float)
    keep = np.flatnonzero(~(kv < grid_kv))  # NaN voltage: always kept
    geoms = clip_project(gdf.geometry.values[keep], wgs84_box(stack.grid), stack.grid.crs)
    out = np.full(stack.grid.shape, -1, np.int32)
    shapes = [(g, int(i)) for g, i in zip(geoms, keep) if g is not None and not g.is_empty]
    if shapes:
        burnt = features.rasterize(shapes, out_shape=stack.grid.shape, transform=stack.grid.transform,
                                   fill=-1, all_touched=True, dtype="int32")
        out[:] = burnt
    return out
