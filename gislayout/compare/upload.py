"""Read a planner's version of the layout: GeoJSON, GeoPackage, or CSV with lon/lat, each feature with an `id`.

`read_version` returns a GeoDataFrame in WGS84, or raises InvalidData naming the file, the feature or row and
the bad value, or TooLarge naming the limit.
"""

from __future__ import annotations

import io
import json
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import config
from ..errors import InvalidData, TooLarge

#: Largest version file accepted, in bytes.
MAX_BYTES = 5 * 1024 * 1024
#: Most features accepted in one version (the policy's bases and parks are about 45).
MAX_FEATURES = 2000
FORMATS = ("geojson", "gpkg", "csv")
LON_COLUMNS = ("lon", "lng", "longitude", "x", "经度")
LAT_COLUMNS = ("lat", "latitude", "y", "纬度")
#: Point, Polygon, MultiPoint, MultiPolygon (shapely type ids); a moved feature is measured at its centroid.
_GEOMETRY_TYPES = {0, 3, 4, 6}


def detect_format(filename: str, data: bytes) -> str:
    """The file's format from its extension, else from its first bytes."""
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    if suffix in ("geojson", "json"):
        return "geojson"
    if suffix in ("gpkg", "csv"):
        return suffix
    if data.startswith(b"SQLite format 3"):
        return "gpkg"
    if data.lstrip()[:1] == b"{":
        return "geojson"
    if suffix and suffix != "txt":
        raise InvalidData(f"unsupported file type {filename!r}; upload .geojson, .json, .gpkg or .csv")
    return "csv"


def read_version(filename: str, data: bytes) -> gpd.GeoDataFrame:
    """Parse and check an uploaded version of the layout; return it in WGS84 with a unique `id` per feature."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"version file {filename!r} is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes")
    if not data.strip():
        raise InvalidData(f"version file {filename!r} is empty")
    fmt = detect_format(filename, data)
    gdf = {"geojson": _geojson, "gpkg": _gpkg, "csv": _csv}[fmt](data, filename)
    return _check(gdf, filename)


def _too_many(n: int, filename: str) -> None:
    if n > MAX_FEATURES:
        raise TooLarge(f"version file {filename!r} has {n:,} features; the limit is {MAX_FEATURES:,}")


def _check(gdf: gpd.GeoDataFrame, filename: str) -> gpd.GeoDataFrame:
    _too_many(len(gdf), filename)
    if len(gdf) == 0:
        raise InvalidData(f"version file {filename!r} has no features")
    if "id" not in gdf.columns:
        cols = [str(c) for c in gdf.columns if c != "geometry"]
        raise InvalidData(f"version file {filename!r} has no 'id' column; columns: {', '.join(cols) or 'none'}. "
                          "Give each feature the id of the base or park it versions (e.g. base_jiuquan_wind), "
                          "and a new id to a new feature")
    ids = gdf["id"].map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    blank = np.flatnonzero((ids == "").to_numpy())
    if blank.size:
        raise InvalidData(f"version file {filename!r}: feature {int(blank[0]) + 1} has an empty 'id'")
    dupes = sorted(set(ids[ids.duplicated()]))
    if dupes:
        raise InvalidData(f"version file {filename!r} repeats ids {dupes[:5]}")
    if gdf.crs is None:
        raise InvalidData(f"version file {filename!r} has no coordinate reference system; save it with one "
                          "(or as GeoJSON / CSV lon-lat in WGS84)")
    gdf = gdf.to_crs(config.WGS84) if not gdf.crs.equals(config.WGS84) else gdf.copy()
    geoms = gdf.geometry.values
    missing = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if missing.size:
        raise InvalidData(f"version file {filename!r}: feature {ids.iloc[missing[0]]!r} has no geometry")
    types = shapely.get_type_id(geoms)
    wrong = np.flatnonzero(~np.isin(types, list(_GEOMETRY_TYPES)))
    if wrong.size:
        i = int(wrong[0])
        raise InvalidData(f"version file {filename!r}: feature {ids.iloc[i]!r} is a {geoms[i].geom_type}; "
                          "bases and parks must be points or polygons")
    bounds = shapely.bounds(geoms)
    outside = np.flatnonzero(~np.isfinite(bounds).all(axis=1) | (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1)
                             | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1))
    if outside.size:
        i = int(outside[0])
        raise InvalidData(f"version file {filename!r}: feature {ids.iloc[i]!r} has coordinates "
                          f"{tuple(np.round(bounds[i, :2], 3))} outside longitude/latitude range")
    gdf["id"] = ids.to_numpy()
    return gdf.reset_index(drop=True)


def _geojson(data: bytes, filename: str) -> gpd.GeoDataFrame:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidData(f"version file {filename!r} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise InvalidData(f"version file {filename!r} is not valid JSON: {exc.msg} at line {exc.lineno} "
                          f"column {exc.colno}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise InvalidData(f"version file {filename!r} is not a GeoJSON FeatureCollection (type {kind!r})")
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise InvalidData(f"version file {filename!r}: 'features' must be a list, got {type(feats).__name__}")
    _too_many(len(feats), filename)
    geoms, props = [], []
    for i, feat in enumerate(feats, start=1):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise InvalidData(f"version file {filename!r}: item {i} of 'features' is not a GeoJSON Feature")
        try:
            geoms.append(shapely.geometry.shape(feat["geometry"]) if feat.get("geometry") else None)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
            raise InvalidData(f"version file {filename!r}: feature {i} has a malformed geometry ({exc})") from None
        p = feat.get("properties") or {}
        if not isinstance(p, dict):
            raise InvalidData(f"version file {filename!r}: feature {i} has properties that are not an object")
        p = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
             for k, v in p.items() if k != "geometry"}
        if "id" not in p and feat.get("id") is not None:
            p["id"] = feat["id"]
        props.append(p)
    # RFC 7946 GeoJSON is WGS84 by definition; a legacy `crs` member is not honoured.
    return gpd.GeoDataFrame(pd.DataFrame(props, index=range(len(props))), geometry=geoms, crs=config.WGS84)


def _gpkg(data: bytes, filename: str) -> gpd.GeoDataFrame:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    if not data.startswith(b"SQLite format 3"):
        raise InvalidData(f"version file {filename!r} is not a GeoPackage (no SQLite header)")
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        # GDAL warns about odd headers before failing or reading anyway; the outcome is what we report.
        warnings.simplefilter("ignore", RuntimeWarning)
        path = Path(tmp) / "version.gpkg"
        path.write_bytes(data)
        try:
            names = [str(n) for n, geom_type in pyogrio.list_layers(path) if geom_type]
            if not names:
                raise InvalidData(f"version file {filename!r} holds no layer with geometry")
            _too_many(sum(pyogrio.read_info(path, layer=n)["features"] for n in names), filename)
            parts = [pyogrio.read_dataframe(path, layer=n).to_crs(config.WGS84) for n in names]
        except (DataSourceError, DataLayerError) as exc:
            raise InvalidData(f"version file {filename!r} could not be read as a GeoPackage: "
                              f"{str(exc).split(';')[0]}") from None
        except ValueError as exc:  # to_crs on a layer without CRS
            raise InvalidData(f"version file {filename!r}: a layer has no coordinate reference system ({exc})") from None
    # Several layers (e.g. bases and parks) form one version; each feature keeps the name of its layer in
    # `gpkg_layer`, which labels the diff but is no attribute of the plan to compare.
    if len(parts) > 1:
        parts = [p.assign(gpkg_layer=n) for p, n in zip(parts, names)]
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=config.WGS84)


def _decode(data: bytes, filename: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # spreadsheets saved on Chinese Windows write GBK/GB18030
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InvalidData(f"version file {filename!r} is neither UTF-8 nor GB18030 text "
                          f"(bad byte at {exc.start})") from None


def _csv(data: bytes, filename: str) -> gpd.GeoDataFrame:
    try:
        df = pd.read_csv(io.StringIO(_decode(data, filename)), dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidData(f"version file {filename!r} is not a readable CSV: {str(exc).strip()}") from None
    _too_many(len(df), filename)
    cols = {str(c).strip().lower(): c for c in df.columns}
    lon = next((cols[c] for c in LON_COLUMNS if c in cols), None)
    lat = next((cols[c] for c in LAT_COLUMNS if c in cols), None)
    if lon is None or lat is None:
        raise InvalidData(f"version file {filename!r}: a CSV needs 'lon' and 'lat' columns (WGS84 degrees); "
                          f"found {', '.join(map(str, df.columns))}")
    values = {}
    for name, col in (("lon", lon), ("lat", lat)):
        num = pd.to_numeric(df[col].str.strip(), errors="coerce")
        bad = np.flatnonzero((num.isna() | ~np.isfinite(num.fillna(0))).to_numpy())
        if bad.size:
            i = int(bad[0])
            value = df[col].iloc[i]
            raise InvalidData(f"version file {filename!r}: row {i + 2}: {name} "
                              f"{'' if pd.isna(value) else value!r} is not a number")
        values[name] = num.to_numpy(float)
    props = df.drop(columns=[lon, lat])
    return gpd.GeoDataFrame(props, geometry=gpd.points_from_xy(values["lon"], values["lat"]), crs=config.WGS84)
