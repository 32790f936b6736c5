"""A planner's version of the layout: GeoJSON, GeoPackage, or CSV with lon/lat, each feature with an `id`.

Parsing is the shared reader's (`gislayout.uploads`); this module adds the rules of a version: ids present,
non-empty and unique, and points or polygons.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np

from .. import uploads
from ..errors import InvalidData

#: Largest version file accepted, in bytes.
MAX_BYTES = 5 * 1024 * 1024
#: Most features accepted in one version (the policy's bases and parks are about 45).
MAX_FEATURES = 2000
FORMATS = ("geojson", "gpkg", "csv")
_WHAT = "version file"


def read_version(filename: str, data: bytes) -> gpd.GeoDataFrame:
    """Parse and check an uploaded version of the layout; return it in WGS84 with a unique `id` per feature."""
    gdf = uploads.read(filename, data, what=_WHAT, max_bytes=MAX_BYTES, max_features=MAX_FEATURES, formats=FORMATS)
    if "id" not in gdf.columns:
        cols = [str(c) for c in gdf.columns if c != "geometry"]
        raise InvalidData(f"{_WHAT} {filename!r} has no 'id' column; columns: {', '.join(cols) or 'none'}. "
                          "Give each feature the id of the base or park it versions (e.g. base_jiuquan_wind), "
                          "and a new id to a new feature",
                          zh=f"版本文件“{filename}”没有“id”列；现有列：{'、'.join(f'“{c}”' for c in cols) or '无'}。请给每个要素填上它所对应的"
                             "基地或园区的 id（如 base_jiuquan_wind），新要素给新的 id")
    ids = gdf["id"].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    blank = np.flatnonzero((ids == "").to_numpy())
    if blank.size:
        raise InvalidData(f"{_WHAT} {filename!r}: feature {int(blank[0]) + 1} has an empty 'id'",
                          zh=f"版本文件“{filename}”：要素 {int(blank[0]) + 1} 的“id”为空")
    dupes = sorted(set(ids[ids.duplicated()]))
    if dupes:
        raise InvalidData(f"{_WHAT} {filename!r} repeats ids {dupes[:5]}",
                          zh=f"版本文件“{filename}”中有重复的 id：{'、'.join(f'“{d}”' for d in dupes[:5])}")
    uploads.check_geometries(gdf, filename, what=_WHAT, labels=list(ids),
                             allowed={0: "Point", 3: "Polygon", 4: "MultiPoint", 6: "MultiPolygon"},
                             expected="bases and parks must be points or polygons")
    gdf = gdf.copy()
    gdf["id"] = ids.to_numpy()
    return gdf.reset_index(drop=True)
