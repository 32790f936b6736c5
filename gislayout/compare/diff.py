"""The difference between two versions of the layout: added, removed, moved (with distance), changed."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from .. import boundaries, config
from ..errors import InvalidData

_GEOD = Geod(ellps="WGS84")
#: Columns that are derived, positional or bookkeeping, so not compared as attributes (`revision` moves on
#: every write of a stored feature, even one that puts back the same values).
_IGNORED = {"geometry", "lon", "lat", "revision"}
STATUSES = ("added", "removed", "moved", "changed", "unchanged")
#: The columns of a diff, in order.
COLUMNS = ["id", "name_zh", "name_en", "status", "moved", "distance_km", "moved_km", "changed_fields", "changes",
           "before", "after", "outside_gansu", "from_lon", "from_lat", "geometry"]


def _attributes(gdf: gpd.GeoDataFrame) -> set[str]:
    return {c for c in gdf.columns if c not in _IGNORED and not c.startswith("zone_")}


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT


def _same(a, b) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def _plain(v):
    """A value as JSON-able Python: numpy scalars unwrapped, every kind of missing as None."""
    if isinstance(v, np.generic):
        v = v.item()
    return None if _missing(v) else v


def _check(label: str, gdf: gpd.GeoDataFrame) -> None:
    if "id" not in gdf.columns:
        raise InvalidData(f"the {label} version has no 'id' column; columns: {', '.join(map(str, gdf.columns))}")
    dupes = sorted(gdf.loc[gdf["id"].duplicated(), "id"].astype(str))
    if dupes:
        raise InvalidData(f"the {label} version repeats ids {dupes[:5]}")


def _records(gdf: gpd.GeoDataFrame) -> dict:
    """{id: (attributes as a dict, geometry)} in row order."""
    attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(object).to_dict(orient="records")
    return {a["id"]: (a, g) for a, g in zip(attrs, gdf.geometry.values)}


def _compare(old: tuple, new: tuple, fields: list[str], move_tolerance_m: float) -> dict:
    """The row of a feature in both versions: distance, moved, and the changed fields before and after."""
    (oa, og), (na, ng) = old, new
    o, n = og.centroid, ng.centroid
    _, _, dist = _GEOD.inv(o.x, o.y, n.x, n.y)
    moved = bool(dist > move_tolerance_m)
    changed = [f for f in fields if not _same(oa.get(f), na.get(f))]
    before = {f: _plain(oa.get(f)) for f in changed}
    after = {f: _plain(na.get(f)) for f in changed}
    return {"moved": moved, "distance_km": round(dist / 1000, 3), "moved_km": round(dist / 1000, 3) if moved else None,
            "from_lon": o.x, "from_lat": o.y, "changed_fields": ";".join(changed),
            "changes": "; ".join(f"{f}: {before[f]} → {after[f]}" for f in changed),
            "before": before, "after": after,
            "status": "moved" if moved else "changed" if changed else "unchanged"}


def diff_versions(base: gpd.GeoDataFrame, other: gpd.GeoDataFrame, move_tolerance_m: float = 50.0) -> gpd.GeoDataFrame:
    """Match features of two versions by `id` and classify each.

    Parameters
    ----------
    base, other : point (or polygon) layers with an `id` column, e.g. two versions of the plan from the store,
        or a stored version and a planner's file.
    move_tolerance_m : a feature is `moved` when its point (centroid) shifts further than this.

    Returns
    -------
    GeoDataFrame in EPSG:4326, one row per id in either version: `id`, `name_zh`, `name_en`, `status`
    (moved if it moved, else changed if an attribute changed, else added/removed/unchanged), `moved`,
    `distance_km` (between its two places, for a feature in both), `moved_km` (the same, for a moved feature
    only), `changed_fields` (`;`-joined, also for a moved feature), `changes` (text "field: old → new; ..."),
    `before` and `after` ({field: value} of the changed fields), `outside_gansu` (a location off the province,
    likely a typo in an upload), `from_lon`/`from_lat` (the old place) and the geometry (the new place; the
    old one for a removed feature).
    """
    _check("base", base)
    _check("other", other)
    base, other = base.to_crs(config.WGS84), other.to_crs(config.WGS84)
    fields = sorted((_attributes(base) & _attributes(other)) - {"id"})
    old_of, new_of = _records(base), _records(other)
    rows = []
    for fid in list(old_of) + [i for i in new_of if i not in old_of]:
        old, new = old_of.get(fid), new_of.get(fid)
        attrs, geometry = new if new is not None else old
        row = {"id": fid, "name_zh": _plain(attrs.get("name_zh")), "name_en": _plain(attrs.get("name_en")),
               "geometry": geometry, "moved": False, "distance_km": np.nan, "moved_km": None,
               "changed_fields": "", "changes": "", "before": None, "after": None,
               "from_lon": np.nan, "from_lat": np.nan}
        if old is None:
            row["status"] = "added"
        elif new is None:
            row["status"] = "removed"
        else:
            row.update(_compare(old, new, fields, move_tolerance_m))
        rows.append(row)
    out = gpd.GeoDataFrame(rows, columns=[c for c in COLUMNS if c != "outside_gansu"], geometry="geometry",
                           crs=config.WGS84)
    out["moved_km"] = pd.to_numeric(out["moved_km"], errors="coerce")
    province = boundaries.load("province").geometry.iloc[0]
    out["outside_gansu"] = ~out.geometry.intersects(province)
    return out[COLUMNS]
