"""Score uploaded candidate sites by the same criteria, thresholds, weights and exclusions as the zones.

A point site is the grid cell it falls in. A polygon site is every cell whose centre it covers (or, if it
covers none, the cell at its representative point). Sites outside the province are kept, unscored.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import config
from ..errors import InvalidData
from . import model, service
from .criterion_stack import SPECS, Stack
from .grid import clip_project, wgs84_box
from .model import Params


def _position(stack: Stack) -> np.ndarray:
    """Full-grid flat index → index among the inside cells, or -1."""
    cache = stack.__dict__
    if "_position" not in cache:
        pos = np.full(stack.grid.shape[0] * stack.grid.shape[1], -1, np.int64)
        pos[stack.flat] = np.arange(stack.flat.size)
        cache["_position"] = pos
    return cache["_position"]


def site_cells(stack: Stack, gdf: gpd.GeoDataFrame) -> list[np.ndarray]:
    """For each site (WGS84 geometry), the indices of the inside cells it covers."""
    geoms = clip_project(gdf.to_crs(config.WGS84).geometry.values, wgs84_box(stack.grid), stack.grid.crs)
    pos = _position(stack)
    width = stack.grid.shape[1]
    cells: list[np.ndarray] = [np.empty(0, np.int64)] * len(geoms)
    areal = np.flatnonzero(shapely.get_dimensions(geoms) == 2)
    if areal.size:
        burnt = stack.grid.rasterize([geoms[i] for i in areal], values=(areal + 1).tolist(), dtype="int32").ravel()
        idx = np.flatnonzero(burnt[stack.flat])
        owner = burnt[stack.flat][idx] - 1
        order = np.argsort(owner, kind="stable")
        idx, owner = idx[order], owner[order]
        for i in areal:
            a, b = np.searchsorted(owner, i), np.searchsorted(owner, i, side="right")
            cells[i] = idx[a:b]
    pts = shapely.point_on_surface(geoms)
    some = ~shapely.is_empty(pts)  # empty where the site lies wholly outside the region around the grid
    x, y = np.full(len(geoms), np.nan), np.full(len(geoms), np.nan)
    x[some], y[some] = shapely.get_x(pts[some]), shapely.get_y(pts[some])
    rows, cols, on = stack.grid.rowcol(x, y)
    for i in range(len(geoms)):
        if cells[i].size == 0 and on[i]:
            p = pos[rows[i] * width + cols[i]]
            cells[i] = np.array([p]) if p >= 0 else cells[i]
    return cells


def score(stack: Stack, params: Params, gdf: gpd.GeoDataFrame, exclude: np.ndarray | None = None) -> gpd.GeoDataFrame:
    """Each site with its score, suitability, criterion values, failures, nearest base or park, and prefecture.

    Columns: fid, site_rank, suitable_share, score (mean over its suitable cells), fails (criteria or
    buffers that its cells fail), `<criterion>` means, prefecture, zone per scheme, nearest base or park
    and km, area_km2, capacity_mw and generation_gwh (polygon sites), yield_mwh_per_mw; and the upload's
    own columns.
    """
    surface = model.evaluate(stack, params, exclude)
    yields = service.yield_per_mw(stack, params)
    factor = model.resource_factor(stack, params)
    cells = site_cells(stack, gdf)
    if not any(c.size for c in cells):
        raise InvalidData(f"none of the {len(gdf)} uploaded sites lies in Gansu; are lon and lat swapped?",
                          zh=f"上传的 {len(gdf)} 个场址均不在甘肃省内；是否经纬度颠倒？")
    lookups = service._scheme_lookups()
    rows = []
    # area over the region around the grid (a continent-sized polygon projected whole would fold)
    area_km2 = shapely.area(clip_project(gdf.to_crs(config.WGS84).geometry.values, wgs84_box(stack.grid),
                                         stack.grid.crs)) / 1e6
    for i, idx in enumerate(cells):
        row: dict = {"fid": int(gdf["fid"].iloc[i]) if "fid" in gdf else i + 1, "cells": int(idx.size)}
        if idx.size == 0:
            row.update({"suitable_share": None, "score": None, "fails": "outside Gansu"})
            rows.append(row)
            continue
        suitable = surface.suitable[idx]
        row["suitable_share"] = round(float(suitable.mean()), 3)
        row["score"] = round(float(np.nanmean(surface.score[idx][suitable])), 4) if suitable.any() else None
        row["fails"] = ";".join(_fails(stack, params, idx, exclude))
        for key, layer in stack.layers.items():
            v = layer.values[idx] * (factor if key == "resource" else 1.0)
            row[key] = round(float(np.nanmean(v)), 3) if np.isfinite(v).any() else None
        pref = stack.prefecture[idx]
        pref = pref[pref >= 0]
        name = stack.prefectures[int(np.bincount(pref).argmax())] if pref.size else None
        row["prefecture"] = name
        for scheme_id, zone_of in lookups.items():
            row[f"zone_{scheme_id}"] = zone_of.get(name)
        if "demand" in stack.layers and np.isfinite(stack.layers["demand"].values[idx]).any():
            best = idx[np.nanargmin(stack.layers["demand"].values[idx])]
            k = int(stack.nearest_demand[best])
            for col in ("id", "name_zh", "name_en", "layer"):
                row[f"nearest_{col}"] = stack.demand[col].iloc[k] if k >= 0 and col in stack.demand else None
            row["nearest_km"] = round(float(stack.layers["demand"].values[best]), 1)
        site_yield = yields[idx]
        has_yield = bool(np.isfinite(site_yield).any())  # no resource data under the site: no yield
        row["yield_mwh_per_mw"] = round(float(np.nanmean(site_yield)), 1) if has_yield else None
        if shapely.get_dimensions(gdf.geometry.values[i]) == 2:
            row["area_km2"] = round(float(area_km2[i]), 3)
            row["capacity_mw"] = round(float(area_km2[i] * float(params["density"])), 1)
            row["generation_gwh"] = (round(row["capacity_mw"] * row["yield_mwh_per_mw"] / 1000.0, 1)
                                     if has_yield else None)
        rows.append(row)
    table = pd.DataFrame(rows)
    order = table["score"].astype(float).fillna(-1).rank(ascending=False, method="first").astype(int)
    table.insert(1, "site_rank", order)
    own = gdf.drop(columns=["fid", "geometry"], errors="ignore").reset_index(drop=True)
    own = own[[c for c in own.columns if c not in table.columns]]
    out = gpd.GeoDataFrame(pd.concat([table, own], axis=1), geometry=gdf.geometry.values, crs=config.WGS84)
    return out.sort_values("site_rank").reset_index(drop=True)


def _fails(stack: Stack, params: Params, idx: np.ndarray, exclude: np.ndarray | None) -> list[str]:
    out = []
    if not np.isfinite(stack.layers["resource"].values[idx]).all():
        out.append("no resource data")
    for key, layer in stack.layers.items():
        t = params.threshold(key)
        if t is None:
            continue
        v = layer.values[idx] * (model.resource_factor(stack, params) if key == "resource" else 1.0)
        passes = v >= t if SPECS[key].threshold_kind == "min" else v <= t
        if not passes.all():
            out.append(key)
    for name, dist in stack.distances.items():
        radius = params.values.get(f"{name}_buffer") or 0.0
        if radius > 0 and (dist[idx] < radius).any():
            out.append(f"{name}_buffer")
    if exclude is not None and exclude[idx].any():
        out.append("uploaded exclusion")
    if stack.excluded[idx].any():
        out.append("excluded land")
    return out
