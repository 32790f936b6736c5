"""The difference between two versions of the layout: added, removed, moved (with distance), changed."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from .. import boundaries, config
from ..errors import InvalidData

_GEOD = Geod(ellps="WGS84")
#: Columns that are derived or positional, so not compared as attributes.
_IGNORED = {"geometry", "lon", "lat"}
STATUSES = ("added", "removed", "moved", "changed", "unchanged")


def _attributes(gdf: gpd.GeoDataFrame) -> set[str]:
    return {c for c in gdf.columns if c not in _IGNORED and not c.startswith("zone_")}


def _same(a, b) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def diff_versions(base: gpd.GeoDataFrame, other: gpd.GeoDataFrame, move_tolerance_m: float = 50.0) -> gpd.GeoDataFrame:
    """Match features of two versions by `id` and classify each.

    Parameters
    ----------
    base, other : point layers with an `id` column (e.g. the policy's bases+parks and a planner's version).
    move_tolerance_m : a feature is `moved` when its point shifts further than this.

    Returns
    -------
    GeoDataFrame in EPSG:4326, one row per id in either version: `id`, `name_zh`, `name_en`, `status`
    (the first of moved, changed that applies, else added/removed/unchanged), `moved`, `distance_km`,
    `changed_fields` (`;`-joined), `changes` (text "field: old → new"), `outside_gansu` (a location off the
    province, likely a typo in the upload), `from_lon`/`from_lat` and the geometry
    (the new location; the old one for removed features).
    """
    for label, gdf in (("base", base), ("other", other)):
        if "id" not in gdf.columns:
            raise InvalidData(f"the {label} version has no 'id' column; columns: {', '.join(map(str, gdf.columns))}")
        dupes = sorted(gdf.loc[gdf["id"].duplicated(), "id"].astype(str))
        if dupes:
            raise InvalidData(f"the {label} version repeats ids {dupes[:5]}")
    base = base.to_crs(config.WGS84).set_index("id", drop=False)
    other = other.to_crs(config.WGS84).set_index("id", drop=False)
    fields = sorted((_attributes(base) & _attributes(other)) - {"id"})
    rows = []
    for fid in list(base.index) + [i for i in other.index if i not in base.index]:
        old = base.loc[fid] if fid in base.index else None
        new = other.loc[fid] if fid in other.index else None
        row = {"id": fid, "moved": False, "distance_km": np.nan, "changed_fields": "", "changes": "",
               "from_lon": np.nan, "from_lat": np.nan}
        src = new if new is not None else old
        row["name_zh"], row["name_en"] = src.get("name_zh"), src.get("name_en")
        row["geometry"] = src.geometry
        if old is None:
            row["status"] = "added"
        elif new is None:
            row["status"] = "removed"
        else:
            o, n = old.geometry.centroid, new.geometry.centroid
            _, _, dist = _GEOD.inv(o.x, o.y, n.x, n.y)
            row["distance_km"] = round(dist / 1000, 3)
            row["moved"] = bool(dist > move_tolerance_m)
            row["from_lon"], row["from_lat"] = o.x, o.y
            changed = [f for f in fields if not _same(old.get(f), new.get(f))]
            row["changed_fields"] = ";".join(changed)
            row["changes"] = "; ".join(f"{f}: {old.get(f)} → {new.get(f)}" for f in changed)
            row["status"] = "moved" if row["moved"] else "changed" if changed else "unchanged"
        rows.append(row)
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=config.WGS84)
    province = boundaries.load("province").geometry.iloc[0]
    out["outside_gansu"] = ~out.geometry.intersects(province)
    cols = ["id", "name_zh", "name_en", "status", "moved", "distance_km", "changed_fields", "changes",
            "outside_gansu", "from_lon", "from_lat", "geometry"]
    return out[cols]
