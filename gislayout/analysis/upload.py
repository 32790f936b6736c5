"""Uploaded candidate sites and exclusion polygons: the shared reader (`gislayout.uploads`) plus siting's limits.

Every reader returns a GeoDataFrame in WGS84 with an `fid` column, or raises InvalidData (malformed: the
message names the file part, feature or row and the bad value) or TooLarge (over `MAX_BYTES`, the feature
limit, or `MAX_VERTICES`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from .. import uploads
from ..errors import TooLarge

#: Largest upload accepted, in bytes (the app's MAX_CONTENT_LENGTH is larger, for other surfaces).
MAX_BYTES = 5 * 1024 * 1024
#: Most features accepted per upload, by purpose.
MAX_FEATURES = {"sites": 2000, "exclusions": 5000, "grid": 20000}
#: Most polygon vertices accepted in one exclusion upload.
MAX_VERTICES = 500_000
FORMATS = uploads.FORMATS
_ALLOWED = {"sites": ({0: "Point", 3: "Polygon", 4: "MultiPoint", 6: "MultiPolygon"}, "sites must be Point or Polygon"),
            "exclusions": ({3: "Polygon", 6: "MultiPolygon"}, "exclusions must be Polygon or MultiPolygon"),
            "grid": ({0: "Point", 1: "LineString", 4: "MultiPoint", 5: "MultiLineString"},
                     "a grid upload must be substations (Point) or lines (LineString)")}


def read(filename: str, data: bytes, purpose: str = "sites") -> gpd.GeoDataFrame:
    """Parse an upload for `purpose` ('sites', 'exclusions' or 'grid') into a validated GeoDataFrame in WGS84."""
    gdf = uploads.read(filename, data, what="upload", max_bytes=MAX_BYTES, max_features=MAX_FEATURES[purpose])
    return validate(gdf, filename, purpose)


def validate(gdf: gpd.GeoDataFrame, filename: str, purpose: str) -> gpd.GeoDataFrame:
    """Check count, geometry types, coordinates and vertices; return the frame with an `fid` column."""
    limit = MAX_FEATURES[purpose]
    if len(gdf) > limit:
        raise TooLarge(f"upload {filename!r} has {len(gdf):,} features; the limit for {purpose} is {limit:,}")
    allowed, expected = _ALLOWED[purpose]
    uploads.check_geometries(gdf, filename, what="upload", allowed=allowed, expected=expected)
    vertices = int(shapely.get_num_coordinates(gdf.geometry.values).sum())
    if vertices > MAX_VERTICES:
        raise TooLarge(f"upload {filename!r} has {vertices:,} vertices; the limit is {MAX_VERTICES:,}")
    gdf = gdf.copy()
    gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
    if "fid" in gdf.columns:  # QGIS and GeoPackage exports carry their own fid; keep it under another name
        gdf = gdf.rename(columns={"fid": "source_fid"})
    gdf.insert(0, "fid", np.arange(1, len(gdf) + 1))
    return gdf.reset_index(drop=True)
