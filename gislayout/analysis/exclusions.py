"""Uploaded exclusion polygons: stored by content hash under the build directory, rasterised once per grid.

The id is the first 16 hex digits of the SHA-256 of the stored GeoJSON, so the same upload gets the same id,
a permalink `…&exclude=<id>` keeps working across restarts, and nothing but hex ever reaches a file path.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import geopandas as gpd
import numpy as np

from .. import config, geojson
from ..errors import BadParameter, NotFound
from .criteria import Stack
from .grid import clip_project, wgs84_box

_ID = re.compile(r"^[0-9a-f]{16}$")


def store_dir() -> Path:
    """Where uploaded exclusion sets are kept (`<build>/siting/exclusions`)."""
    return config.BUILD_DIR / "siting" / "exclusions"


#: Most exclusion sets kept; the least recently stored are dropped first (a shared link then asks for a re-upload).
MAX_STORED = 500


def save(gdf: gpd.GeoDataFrame) -> str:
    """Store a validated exclusion set; return its id."""
    text = geojson.dumps(gdf[["fid", "geometry"]])
    ident = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    path = store_dir() / f"{ident}.geojson"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        stored = sorted(path.parent.glob("*.geojson"), key=lambda p: p.stat().st_mtime)
        for old in stored[:max(0, len(stored) - MAX_STORED + 1)]:
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return ident


def load(ident: str) -> gpd.GeoDataFrame:
    """The exclusion set `ident`, or BadParameter/NotFound naming it."""
    if not _ID.match(ident):
        raise BadParameter(f"exclusion id {ident!r} is not 16 hex digits")
    path = store_dir() / f"{ident}.geojson"
    if not path.exists():
        raise NotFound(f"no uploaded exclusion set {ident!r}; upload it again with POST /api/siting/exclusions")
    return gpd.read_file(path, engine="pyogrio")


def polygon_mask(stack: Stack, gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Inside cells whose centre lies in any of the (WGS84) polygons."""
    geoms = clip_project(gdf.to_crs(config.WGS84).geometry.values, wgs84_box(stack.grid), stack.grid.crs)
    return stack.grid.rasterize(geoms).astype(bool).ravel()[stack.flat]


def mask(stack: Stack, ids: list[str]) -> np.ndarray | None:
    """The union of the masks of exclusion sets `ids` on this stack's grid (cached), or None if no ids."""
    cache = stack.__dict__.setdefault("_exclusion_masks", {})
    out = None
    for ident in ids:
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
        raise BadParameter(f"at most 8 exclusion sets per run; got {len(ids)}")
    for ident in ids:
        if not _ID.match(ident):
            raise BadParameter(f"exclusion id {ident!r} is not 16 hex digits")
    return ids
