"""Uploaded exclusion polygons: stored by content hash under the build directory, rasterised once per grid.

The id is the first 16 hex digits of the SHA-256 of the stored GeoJSON, so the same upload gets the same id,
a permalink `…&exclude=<id>` keeps working across restarts, and nothing but hex ever reaches a file path.

The file is the truth, shared by every worker: each use checks it is still there and marks it used (its
modification time), the store drops the least recently *used* sets beyond its cap, and an in-memory mask is
only ever served while its file exists, so an evicted set is 404 on every worker alike.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np

from .. import config, fileio, geojson
from ..errors import BadParameter, NotFound
from .criterion_stack import Stack
from .grid import clip_project, wgs84_box



def store_dir() -> Path:
    """Where uploaded exclusion sets are kept (`<build>/siting/exclusions`)."""
    return config.settings().build_dir / "siting" / "exclusions"


#: Most exclusion sets kept (None: `config.settings().max_exclusion_sets`); the least recently used go first.
MAX_STORED: int | None = None


def save(gdf: gpd.GeoDataFrame) -> str:
    """Store a validated exclusion set (or mark it used if already stored); return its id."""
    return fileio.store_text(store_dir(), geojson.dumps(gdf[["fid", "geometry"]]),
                             MAX_STORED or config.settings().max_exclusion_sets)


def _use(ident: str) -> Path:
    """The file of set `ident`, marked as used now; NotFound if it is not (or no longer) stored."""
    return fileio.use_stored(store_dir(), ident, "exclusion", "exclusion set",
                             "upload it again with POST /api/siting/exclusions")


def load(ident: str) -> gpd.GeoDataFrame:
    """The exclusion set `ident`, or BadParameter/NotFound naming it."""
    path = _use(ident)
    try:
        return gpd.read_file(path, engine="pyogrio")
    except FileNotFoundError:  # evicted between the check and the read
        raise NotFound(f"no uploaded exclusion set {ident!r}; upload it again with POST /api/siting/exclusions",
                       zh=f"没有编号为“{ident}”的已上传排除区（可能已被清理）；请重新上传") from None


def polygon_mask(stack: Stack, gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Inside cells whose centre lies in any of the (WGS84) polygons."""
    geoms = clip_project(gdf.to_crs(config.WGS84).geometry.values, wgs84_box(stack.grid), stack.grid.crs)
    return stack.grid.rasterize(geoms).astype(bool).ravel()[stack.flat]


def mask(stack: Stack, ids: list[str]) -> np.ndarray | None:
    """The union of the masks of exclusion sets `ids` on this stack's grid, or None if no ids.

    Masks are cached per stack, but a set's file is checked (and marked used) on every call: NotFound once
    it is evicted, on whichever worker asks.
    """
    cache = stack.__dict__.setdefault("_exclusion_masks", {})
    out = None
    for ident in ids:
        _use(ident)
        if ident not in cache:
            if len(cache) > 64:
                cache.clear()
            cache[ident] = polygon_mask(stack, load(ident))
        out = cache[ident] if out is None else out | cache[ident]
    return out


def parse_ids(raw: str | None) -> list[str]:
    """Exclusion ids from a comma-separated query value (at most 8)."""
    ids = [s.strip() for s in (raw or "").split(",") if s.strip()]
    if len(ids) > 8:
        raise BadParameter(f"at most 8 exclusion sets per run; got {len(ids)}",
                           zh=f"每次运行最多使用 8 个排除区；收到 {len(ids)} 个")
    for ident in ids:
        if not fileio.STORED_ID.match(ident):
            raise BadParameter(f"exclusion id {ident!r} is not 16 hex digits",
                               zh=f"排除区编号“{ident}”不是 16 位十六进制数")
    return ids
