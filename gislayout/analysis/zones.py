"""Candidate zones: contiguous suitable cells, cut to project size, ranked by mean score, with polygons.

Zones are 4-connected groups of suitable cells (`scipy.ndimage.label`). With `max_zone` > 0 the labelling
runs inside square tiles of that side (a 4-D view of the grid, labelled in one call), so a large desert
plain becomes several project-sized zones instead of one of 50,000 km². Statistics come from `np.bincount`
over the labels; polygons (`rasterio.features.shapes`) are traced only for the zones asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio import features
from scipy import ndimage

from .criterion_stack import Stack
from .model import Params, Surface, resource_factor

_ROOK = ndimage.generate_binary_structure(2, 1)


def label(mask: np.ndarray, tile: int = 0) -> np.ndarray:
    """Labels (int32, 0 = background) of 4-connected components of a 2-D mask, cut along `tile`-cell squares."""
    rows, cols = mask.shape
    if tile <= 0 or (tile >= rows and tile >= cols):
        return ndimage.label(mask, structure=_ROOK)[0].astype(np.int32)
    h, w = -(-rows // tile) * tile, -(-cols // tile) * tile
    padded = np.zeros((h, w), bool)
    padded[:rows, :cols] = mask
    blocks = padded.reshape(h // tile, tile, w // tile, tile).transpose(0, 2, 1, 3)
    structure = np.zeros((3, 3, 3, 3), bool)
    structure[1, 1] = _ROOK  # neighbours only within a tile
    labels = ndimage.label(blocks, structure=structure)[0]
    return labels.transpose(0, 2, 1, 3).reshape(h, w)[:rows, :cols].astype(np.int32)


@dataclass
class Zones:
    """Ranked zones (`table`, rank 1 = best) and, per inside cell, the row of `table` it belongs to (-1 = none)."""

    table: pd.DataFrame
    cell_zone: np.ndarray
    cell_km2: float

    def __len__(self) -> int:
        return len(self.table)


def find(stack: Stack, surface: Surface, params: Params, yield_mwh_per_mw: np.ndarray) -> Zones:
    """Label the suitable cells, drop zones under `min_area`, rank the rest and compute their statistics."""
    grid = stack.grid
    tile = int(round(float(params["max_zone"]) * 1000.0 / grid.cell_m))
    mask = stack.to_grid(surface.suitable, fill=False, dtype=bool)
    raw = label(mask, tile).ravel()[stack.flat]
    n = int(raw.max()) + 1
    on = raw > 0
    lab = raw[on]
    counts = np.bincount(lab, minlength=n)
    min_cells = max(1, int(np.ceil(float(params["min_area"]) / grid.cell_km2 - 1e-9)))
    keep = np.flatnonzero(counts >= min_cells)
    keep = keep[keep > 0]
    score = surface.score[on].astype(np.float64)
    mean_score = np.bincount(lab, score, n)[keep] / counts[keep]
    cells = counts[keep]
    order = np.lexsort((keep, -cells, -np.round(mean_score, 6)))
    keep, mean_score, cells = keep[order], mean_score[order], cells[order]

    row_of = np.full(n, -1, np.int64)
    row_of[keep] = np.arange(keep.size)
    cell_zone = np.full(stack.flat.size, -1, np.int64)
    cell_zone[on] = row_of[lab]

    def per_zone(values: np.ndarray) -> np.ndarray:
        return np.bincount(lab, np.asarray(values, dtype=np.float64)[on], n)[keep]

    area = cells * grid.cell_km2
    capacity = area * float(params["density"])
    generation_mwh = per_zone(yield_mwh_per_mw) * grid.cell_km2 * float(params["density"])
    resource = per_zone(np.nan_to_num(stack.layers["resource"].values)) / cells * resource_factor(stack, params)
    max_score = np.full(n, -np.inf)
    np.maximum.at(max_score, lab, score)
    centres = stack.__dict__.get("_centres")
    if centres is None:  # fixed for the stack: computed once
        centres = stack.__dict__["_centres"] = grid.centres(stack.rows, stack.cols)
    x, y = centres
    cx, cy = per_zone(x) / cells, per_zone(y) / cells

    table = pd.DataFrame({
        "rank": np.arange(1, keep.size + 1),
        "label": keep,
        "cells": cells,
        "area_km2": area,
        "capacity_mw": capacity,
        "generation_gwh": generation_mwh / 1000.0,
        "yield_mwh_per_mw": np.divide(generation_mwh, capacity, out=np.zeros_like(capacity), where=capacity > 0),
        "score": mean_score,
        "score_max": max_score[keep],
        "resource_mean": resource,
        "x": cx, "y": cy,
        "prefecture_index": _majority(lab, stack.prefecture[on], n)[keep],
    })
    return Zones(table, cell_zone, grid.cell_km2)


def _majority(lab: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    """For each label, the most frequent value of `group` (≥ 0) among its cells, or -1."""
    g = group.astype(np.int64) + 1
    m = int(g.max()) + 1 if g.size else 1
    counts = np.bincount(lab.astype(np.int64) * m + g, minlength=n * m).reshape(n, m)
    counts[:, 0] = 0  # cells with no group never win
    best = counts.argmax(axis=1) - 1
    best[counts.max(axis=1) == 0] = -1
    return best


def cells_of(zones: Zones, rows: np.ndarray) -> list[np.ndarray]:
    """Indices (into the inside cells) of the cells of each zone in table rows `rows`."""
    rows = np.asarray(rows)
    wanted = np.zeros(len(zones) + 1, bool)
    wanted[rows] = True
    sel = np.flatnonzero(zones.cell_zone >= 0)
    sel = sel[wanted[zones.cell_zone[sel]]]
    sel = sel[np.argsort(zones.cell_zone[sel], kind="stable")]
    bounds = np.searchsorted(zones.cell_zone[sel], rows, side="left"), np.searchsorted(zones.cell_zone[sel], rows, side="right")
    return [sel[a:b] for a, b in zip(*bounds)]


def nearest_demand(stack: Stack, zones: Zones, rows: np.ndarray) -> list[tuple[int, float] | None]:
    """For each zone in `rows`: (index into `stack.demand`, km from its nearest cell), or None."""
    dist = stack.layers["demand"].values if "demand" in stack.layers else None
    out = []
    for idx in cells_of(zones, rows):
        if dist is None or idx.size == 0:
            out.append(None)
            continue
        best = idx[np.nanargmin(dist[idx])] if np.isfinite(dist[idx]).any() else None
        if best is None or stack.nearest_demand[best] < 0:
            out.append(None)
        else:
            out.append((int(stack.nearest_demand[best]), float(dist[best])))
    return out


def polygons(stack: Stack, zones: Zones, rows: np.ndarray) -> list:
    """Polygons (grid CRS) of the zones in table `rows`, traced cell edge by cell edge.

    One raster of the zones' numbers over the window that holds them, traced in one `features.shapes` call (a
    call per zone cost a GDAL environment each: 5× slower for 50 zones); a zone in several parts becomes a
    MultiPolygon.
    """
    idxs = cells_of(zones, np.asarray(rows))
    if not idxs:
        return []
    every = np.concatenate(idxs)
    if not every.size:
        return [shapely.Polygon() for _ in idxs]
    r, c = stack.rows[every], stack.cols[every]
    r0, c0 = int(r.min()), int(c.min())
    local = np.zeros((int(r.max()) - r0 + 1, int(c.max()) - c0 + 1), np.int32)
    for k, idx in enumerate(idxs):
        local[stack.rows[idx] - r0, stack.cols[idx] - c0] = k + 1
    window = stack.grid.window(r0, c0, *local.shape)
    parts: dict[int, list] = {}
    with rasterio.Env():
        for geom, value in features.shapes(local, mask=local > 0, transform=window.transform, connectivity=4):
            parts.setdefault(int(value), []).append(shapely.geometry.shape(geom))
    out = []
    for k in range(len(idxs)):
        got = parts.get(k + 1, [])
        out.append(got[0] if len(got) == 1 else shapely.MultiPolygon(got) if got else shapely.Polygon())
    return out


def rollup_by_prefecture(stack: Stack, zones: Zones, params: Params, yield_mwh_per_mw: np.ndarray) -> pd.DataFrame:
    """Area, capacity and generation of the cells in zones, summed by the prefecture each cell lies in."""
    in_zone = zones.cell_zone >= 0
    pref = stack.prefecture[in_zone].astype(np.int64)
    m = len(stack.prefectures)
    valid = pref >= 0
    cells = np.bincount(pref[valid], minlength=m)
    gen = np.bincount(pref[valid], yield_mwh_per_mw[in_zone][valid].astype(np.float64), minlength=m)
    zone_count = np.bincount(zones.table["prefecture_index"][zones.table["prefecture_index"] >= 0], minlength=m)
    density = float(params["density"])
    return pd.DataFrame({
        "prefecture": stack.prefectures,
        "zones": zone_count[:m],
        "area_km2": cells * zones.cell_km2,
        "capacity_mw": cells * zones.cell_km2 * density,
        "generation_gwh": gen * zones.cell_km2 * density / 1000.0,
    })
