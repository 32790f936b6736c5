"""Uploaded candidate sites and exclusion polygons: the shared reader (`gislayout.uploads`) plus siting's limits.

Every reader returns a GeoDataFrame in WGS84 with an `fid` column, or raises InvalidData (malformed: the
message names the file part, feature or row and the bad value) or TooLarge (over `MAX_BYTES`, the feature
limit, or `MAX_VERTICES`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from .. import boundaries, config, uploads
from ..errors import InvalidData, TooLarge

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
        raise TooLarge(f"upload {filename!r} has {len(gdf):,} features; the limit for {purpose} is {limit:,}",
                       zh=f"上传的文件“{filename}”有 {len(gdf):,} 个要素，上限为 {limit:,}")
    allowed, expected = _ALLOWED[purpose]
    uploads.check_geometries(gdf, filename, what="upload", allowed=allowed, expected=expected)
    vertices = int(shapely.get_num_coordinates(gdf.geometry.values).sum())
    if vertices > MAX_VERTICES:
        raise TooLarge(f"upload {filename!r} has {vertices:,} vertices; the limit is {MAX_VERTICES:,}",
                       zh=f"上传的文件“{filename}”有 {vertices:,} 个顶点，上限为 {MAX_VERTICES:,}")
    gdf = gdf.copy()
    gdf["geometry"], notes = _repaired(gdf.geometry.values, filename, purpose)
    _check_in_gansu(gdf.geometry.values, filename)
    if "fid" in gdf.columns:  # QGIS and GeoPackage exports carry their own fid; keep it under another name
        gdf = gdf.rename(columns={"fid": "source_fid"})
    gdf.insert(0, "fid", np.arange(1, len(gdf) + 1))
    gdf = gdf.reset_index(drop=True)
    gdf.attrs["notes"] = notes
    return gdf


def _polygonal(geom):
    """The polygons of a repaired geometry (make_valid may add the lines and points of a collapsed part)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _repaired(geoms: np.ndarray, filename: str, purpose: str) -> tuple[np.ndarray, list[dict]]:
    """`geoms` with every invalid one (a self-intersecting 'bowtie', a ring with a spike) repaired by shapely's
    make_valid, and a note {en, zh} naming the repaired features; InvalidData when one cannot be repaired."""
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if not invalid.size:
        return geoms, []
    fixed = geoms.copy()
    for i in invalid:
        geom = shapely.make_valid(geoms[i])
        if purpose != "grid" and shapely.get_type_id(geoms[i]) in (3, 6):
            geom = _polygonal(geom)
        if geom.is_empty:
            raise InvalidData(f"upload {filename!r}: feature {i + 1} is an invalid {geoms[i].geom_type} that cannot "
                              "be repaired (it encloses no area); fix it in a GIS and upload it again",
                              zh=f"上传的文件“{filename}”：要素 {i + 1} 的几何无效且无法修复（不围成面积）；"
                                 "请在 GIS 软件中修正后重新上传")
        fixed[i] = geom
    listed = ", ".join(str(i + 1) for i in invalid[:10]) + (" …" if invalid.size > 10 else "")
    note = {"en": f"{invalid.size} invalid geometr{'y' if invalid.size == 1 else 'ies'} (feature {listed}: "
                  "self-intersecting or otherwise malformed) repaired with shapely make_valid; check the result",
            "zh": f"已用 shapely make_valid 修复 {invalid.size} 个无效几何（要素 {listed}：自相交或其他畸形），请核对结果"}
    return fixed, [note]


#: The directions of `_check_in_gansu` in Chinese.
_DIRECTION_ZH = {"north": "北面", "south": "南面", "east": "东面", "west": "西面", "north-east": "东北面",
                 "north-west": "西北面", "south-east": "东南面", "south-west": "西南面", "around": "附近"}


def _check_in_gansu(geoms: np.ndarray, filename: str) -> None:
    """InvalidData saying where the features lie when none of them touches Gansu."""
    province = boundaries.load("province", display=True).geometry.union_all()
    if shapely.intersects(geoms, province).any():
        return
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    centre = shapely.Point((minx + maxx) / 2, (miny + maxy) / 2)
    here = province.centroid
    dx, dy = centre.x - here.x, centre.y - here.y
    direction = {(0, 1): "north", (0, -1): "south", (1, 0): "east", (-1, 0): "west", (1, 1): "north-east",
                 (-1, 1): "north-west", (1, -1): "south-east", (-1, -1): "south-west"}[
        (int(np.sign(dx)) if abs(dx) > abs(dy) / 2 else 0, int(np.sign(dy)) if abs(dy) > abs(dx) / 2 else 0)] \
        if (dx, dy) != (0, 0) else "around"
    km = gpd.GeoSeries([centre, province], crs=config.WGS84).to_crs(config.EQUAL_AREA)
    distance = km.iloc[0].distance(km.iloc[1]) / 1000
    raise InvalidData(f"upload {filename!r}: none of its {len(geoms):,} features lies in Gansu; they lie around "
                      f"{centre.x:.2f}°E {centre.y:.2f}°N (bounds {minx:.2f}, {miny:.2f} to {maxx:.2f}, {maxy:.2f}), "
                      f"{distance:,.0f} km from Gansu's border, {direction} of its centre; are lon and lat swapped, or the "
                      "coordinate system wrong?",
                      zh=f"上传的文件“{filename}”：{len(geoms):,} 个要素均不在甘肃省内；它们位于 {centre.x:.2f}°E "
                         f"{centre.y:.2f}°N 附近（范围 {minx:.2f}, {miny:.2f} 至 {maxx:.2f}, {maxy:.2f}），距甘肃省界 "
                         f"{distance:,.0f} 千米，在其中心的{_DIRECTION_ZH[direction]}；是否经纬度颠倒，或坐标系有误？")
