"""Compact display GeoJSON of the boundary and ground layers for the atlas, built once and kept in memory.

The API's `display=1` geometry is simplified (~300 m) but carries full float precision and every
attribute; at ~40 bytes a vertex the county layer alone is over 1 MB. The atlas needs neither: coordinates
are rounded to 1e-3° (~55 m at most, inside the simplification tolerance) and only the properties the map
shows are kept. The result is still RFC 7946 GeoJSON, and it is gzip-compressed once for the wire.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

import numpy as np
import shapely

from .. import config, dataversion, geojson, ground, layers, regions
from ..errors import NotFound

#: Boundary layers the atlas draws from this module (the policy's point layers come from the API as they are).
BOUNDARY_LAYERS = ("province", "prefectures", "counties", "regions")
#: Ground layers, fetched only when switched on; every attribute is kept (popups show them) but the API's
#: uncompressed 0.6 MB shrinks to ~50 kB gzipped, which keeps the full atlas's first load under 1 MB.
GROUND_LAYERS = ground.LAYERS
#: Decimal places of ground points: 1e-5° (~1 m) keeps every source's precision.
GROUND_PRECISION = 5
#: Decimal places kept in coordinates: 1e-3° moves a vertex at most ~55 m, well inside the ~300 m
#: tolerance the display geometry is already simplified to.
PRECISION = 3
_KEEP = ("id", "name_zh", "name_en", "prefecture", "zone", "members", "scheme")


@dataclass(frozen=True)
class Payload:
    """One encoded layer: the JSON bytes, their gzip and an ETag."""

    raw: bytes
    gzipped: bytes
    etag: str


def _round(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, PRECISION)


def compact_geojson(name: str, scheme: str | None = None) -> bytes:
    """Layer `name` as compact display GeoJSON bytes (rounded coordinates, map properties only)."""
    if name in GROUND_LAYERS:
        gdf = layers.load(name, display=True).drop(columns=["lon", "lat"], errors="ignore")
        gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 10 ** -GROUND_PRECISION)
        return geojson.encode(gdf)
    if name not in BOUNDARY_LAYERS:
        allowed = BOUNDARY_LAYERS + GROUND_LAYERS
        raise NotFound(f"unknown atlas boundary or ground layer {name!r}; allowed: {', '.join(allowed)}")
    if name == "regions":
        gdf = layers.load("regions", display=True, scheme=scheme or config.DEFAULT_SCHEME)
    else:
        gdf = layers.load(name, display=True)
    keep = [c for c in gdf.columns if c in _KEEP or c.startswith("zone_")]
    gdf = gdf[keep + ["geometry"]].copy()
    gdf["geometry"] = shapely.transform(gdf.geometry.values, _round)
    return geojson.encode(gdf)


@dataversion.cached(maxsize=32)
def payload(name: str, scheme: str | None = None) -> Payload:
    """The encoded layer with its gzip and ETag, computed once per (layer, scheme) and data version."""
    if name == "regions":
        regions.get(scheme or config.DEFAULT_SCHEME)  # NotFound for an unknown scheme
    raw = compact_geojson(name, scheme if name == "regions" else None)
    return Payload(raw, gzip.compress(raw, compresslevel=6, mtime=0),
                   hashlib.sha256(raw).hexdigest()[:20])
