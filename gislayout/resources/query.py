"""Point queries and resampling: every installed value at a point, and a raster on another grid.

Values come from the in-memory band-1 arrays (`store.band1`), never from a per-request file read.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from affine import Affine
from rasterio.enums import Resampling
from rasterio.warp import reproject

from .. import dataversion
from ..errors import BadParameter, number
from . import registry, places, store
from .registry import DISPLAYED, QUANTITIES, WIND


# reads the installed rasters and their sidecars only: keyed on that part of the data version, which is cheap
# to check on every point query (the full token also stats every layer file)
@dataversion.cached(maxsize=4, parts=("resources",), plan_aware=False)
def _readers() -> tuple[list[tuple[dict, np.ndarray, tuple]], list[dict]]:
    """(static response part, array, inverse transform) per installed resource, and the missing quantities."""
    readers = []
    for entry in registry.catalogue():
        if not entry["installed"]:
            continue
        arr, transform = store.band1(entry["name"])
        head = {k: entry.get(k) for k in ("name", "title_zh", "title_en", "quantity", "units", "height_m", "source",
                                          "source_zh", "source_en", "licence", "attribution", "is_estimate",
                                          "in_use")}
        head["measured_error"] = _measured_error(entry)
        readers.append((head, arr, tuple(~transform)[:6]))
    have_wind = any(registry.default_for(q) for q in WIND)
    missing = [{"quantity": q, "title_zh": QUANTITIES[q].title_zh, "title_en": QUANTITIES[q].title_en,
                "install_command": registry.get_spec(_best_builtin(q)).install_command}
               for q in DISPLAYED if registry.default_for(q) is None and _best_builtin(q)
               and not (q in WIND and have_wind)]  # a wind speed answers for wind; power density is optional
    return readers, missing


def _measured_error(entry: dict) -> dict | None:
    """The estimate's error as its leave-one-out validation measured it (per cent), or None if not measured."""
    choice = (entry.get("choice") or {}).get("this")
    if choice:
        return {"mean_abs_pct": choice["mean_abs_pct"], "max_abs_pct": choice["max_abs_pct"],
                "max_region_zh": choice["max_figure"], "max_region_en": choice["max_region_en"],
                "figures": choice["figures"], "method": "cited figures it did not use",
                "default_by_error": bool((entry.get("choice") or {}).get("is_default"))}
    summary = (entry.get("validation") or {}).get("summary")
    if not entry.get("is_estimate") or not summary:
        return None
    return {"mean_abs_pct": summary.get("mean_abs_pct"), "max_abs_pct": summary.get("max_abs_pct"),
            "max_region_zh": summary.get("max_region"), "max_region_en": summary.get("max_region_en"),
            "figures": summary.get("figures"), "method": "leave-one-out"}


def _best_builtin(quantity: str) -> str | None:
    """The built-in to suggest for `quantity`: one that installs offline (`flask build`) first, then by rank."""
    names = sorted(("fetch" in s.install_command, s.rank, s.name) for s in registry.BUILTIN.values()
                   if s.quantity == quantity)
    return names[0][2] if names else None


def value_at(arr: np.ndarray, inv: tuple, lon: float, lat: float) -> float | None:
    """The value of the cell holding (lon, lat), or None for nodata or outside the raster."""
    a, b, c, d, e, f = inv
    col, row = a * lon + b * lat + c, d * lon + e * lat + f
    if not (0 <= row < arr.shape[0] and 0 <= col < arr.shape[1]):
        return None
    v = float(arr[int(row), int(col)])
    return None if v != v else round(v, 3)


def point(lon, lat) -> dict:
    """Every installed resource value at (lon, lat), the prefecture, county and zones, and the nearest base,
    park, recorded plant and substation of at least 330 kV, with geodesic distances.

    Raises BadParameter naming the value for a malformed or out-of-range coordinate, or a point outside Gansu.
    """
    lon = number(lon, "lon", -180, 180)
    lat = number(lat, "lat", -90, 90)
    locator, (readers, missing), nearest = _tools()
    place = locator.place(lon, lat)
    if place is None:
        raise BadParameter(f"point ({lon!r}, {lat!r}) is outside Gansu")
    values = [dict(head, value=value_at(arr, inv, lon, lat)) for head, arr, inv in readers]
    return {"lon": lon, "lat": lat, **place, "resources": values, "not_installed": missing,
            **nearest(lon, lat)}


#: The nearest features a point query names: (answer key, layer, least voltage).
NEAREST = (("nearest_base", "bases", None), ("nearest_park", "parks", None), ("nearest_plant", "plants", None),
           ("nearest_substation", "substations", places.MIN_SUBSTATION_KV))


# one look-up of the data version per point query for all its parts (each is cached on its own key as well, so a
# new raster rebuilds the readers only)
@dataversion.cached(maxsize=2)
def _tools() -> tuple[places.Locator, tuple, places.Nearest]:
    """The locator, the raster readers and the nearest-feature finder of the current data."""
    return places.locator(), _readers(), places.nearest(NEAREST)


def read_array(name: str, crs, transform, shape: tuple[int, int]) -> np.ndarray:
    """Resource `name` resampled (bilinear) onto the grid (crs, transform, shape); float64, NaN for nodata.

    The result is cached per grid and installed file; each call returns a fresh copy the caller may modify.
    """
    registry.require(name)
    meta = store.installed_meta()[name]
    key = (name, f"{store.root()}|{meta.get('sha256')}", str(crs), tuple(transform)[:6], tuple(shape))
    return _resampled(*key).copy()


# keyed on the file's sha256 (in `token`): a pure function of its key, so it needs no data version
@lru_cache(maxsize=16)
def _resampled(name: str, token: str, crs: str, transform: tuple, shape: tuple) -> np.ndarray:
    src, src_transform = store.band1(name)
    out = np.full(shape, np.nan, dtype="float64")
    reproject(np.asarray(src, dtype="float64"), out, src_transform=src_transform,
              src_crs=store.installed_meta()[name]["crs"], src_nodata=np.nan, dst_transform=Affine(*transform),
              dst_crs=crs, dst_nodata=np.nan, resampling=Resampling.bilinear)
    out.flags.writeable = False
    return out
