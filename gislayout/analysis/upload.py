"""Read uploaded candidate sites and exclusion polygons: GeoJSON, GeoPackage, zipped Shapefile, CSV lon/lat.

Every reader returns a GeoDataFrame in WGS84, or raises InvalidData (malformed: the message names the file
part, feature or row and the bad value) or TooLarge (over `MAX_BYTES`, the feature limit, or `MAX_VERTICES`).
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import config
from ..errors import InvalidData, TooLarge

#: Largest upload accepted, in bytes (the app's MAX_CONTENT_LENGTH is larger, for other surfaces).
MAX_BYTES = 5 * 1024 * 1024
#: Largest total size of the files inside a zipped Shapefile (a guard against zip bombs).
MAX_UNZIPPED = 50 * 1024 * 1024
#: Most features accepted per upload, by purpose.
MAX_FEATURES = {"sites": 2000, "exclusions": 5000}
#: Most polygon vertices accepted in one exclusion upload.
MAX_VERTICES = 500_000

FORMATS = ("geojson", "gpkg", "zip", "csv")
_LON = ("lon", "lng", "long", "longitude", "x", "经度")
_LAT = ("lat", "latitude", "y", "纬度")


def detect_format(filename: str, data: bytes) -> str:
    """The upload's format from its extension, else from its first bytes."""
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    if suffix in ("geojson", "json"):
        return "geojson"
    if suffix in ("gpkg", "zip", "csv"):
        return suffix
    if suffix in ("shp", "shx", "dbf", "prj"):
        raise InvalidData(f"a Shapefile must be uploaded as one .zip holding .shp, .shx, .dbf and .prj; "
                          f"got {filename!r}")
    head = data[:16].lstrip()
    if head.startswith(b"{"):
        return "geojson"
    if data.startswith(b"PK"):
        return "zip"
    if data.startswith(b"SQLite format 3"):
        return "gpkg"
    if suffix:
        raise InvalidData(f"unsupported file type {filename!r}; upload one of: .geojson, .json, .gpkg, "
                          ".zip (Shapefile), .csv")
    return "csv"


def read(filename: str, data: bytes, purpose: str = "sites") -> gpd.GeoDataFrame:
    """Parse an upload for `purpose` ('sites' or 'exclusions') into a validated GeoDataFrame in WGS84."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"upload {filename!r} is {len(data):,} bytes; the limit is {MAX_BYTES:,} bytes")
    if not data.strip():
        raise InvalidData(f"upload {filename!r} is empty")
    fmt = detect_format(filename, data)
    gdf = {"geojson": _geojson, "gpkg": _gpkg, "zip": _zip, "csv": _csv}[fmt](data, filename)
    return validate(gdf, filename, purpose)


def validate(gdf: gpd.GeoDataFrame, filename: str, purpose: str) -> gpd.GeoDataFrame:
    """Check count, geometry types, coordinates and vertices; return the frame in WGS84 with an `fid` column."""
    limit = MAX_FEATURES[purpose]
    if len(gdf) > limit:
        raise TooLarge(f"upload {filename!r} has {len(gdf):,} features; the limit for {purpose} is {limit:,}")
    if len(gdf) == 0:
        raise InvalidData(f"upload {filename!r} has no features")
    if gdf.crs is None:
        gdf = gdf.set_crs(config.WGS84)
    elif not gdf.crs.equals(config.WGS84):
        gdf = gdf.to_crs(config.WGS84)
    geoms = gdf.geometry.values
    empty = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if empty.size:
        raise InvalidData(f"upload {filename!r}: feature {int(empty[0]) + 1} has no geometry")
    kinds = set(shapely.get_type_id(geoms))
    allowed = {"sites": {0, 3, 4, 6}, "exclusions": {3, 6}}[purpose]
    bad = sorted(kinds - allowed)
    if bad:
        first = int(np.flatnonzero(shapely.get_type_id(geoms) == bad[0])[0])
        want = "Point or Polygon" if purpose == "sites" else "Polygon or MultiPolygon"
        raise InvalidData(f"upload {filename!r}: feature {first + 1} is a {geoms[first].geom_type}; "
                          f"{purpose} must be {want}")
    bounds = shapely.bounds(geoms)
    if not (np.all(bounds[:, [0, 2]] >= -180) and np.all(bounds[:, [0, 2]] <= 180)
            and np.all(bounds[:, [1, 3]] >= -90) and np.all(bounds[:, [1, 3]] <= 90)):
        i = int(np.flatnonzero((np.abs(bounds[:, [0, 2]]) > 180).any(axis=1) | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1))[0])
        raise InvalidData(f"upload {filename!r}: feature {i + 1} has coordinates {tuple(np.round(bounds[i, :2], 3))} "
                          "outside longitude/latitude range; give WGS84 lon/lat or a file with its CRS")
    vertices = int(shapely.get_num_coordinates(geoms).sum())
    if vertices > MAX_VERTICES:
        raise TooLarge(f"upload {filename!r} has {vertices:,} vertices; the limit is {MAX_VERTICES:,}")
    gdf = gdf.copy()
    gdf["geometry"] = shapely.make_valid(geoms)
    gdf.insert(0, "fid", np.arange(1, len(gdf) + 1))
    return gdf.reset_index(drop=True)


def _geojson(data: bytes, filename: str) -> gpd.GeoDataFrame:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InvalidData(f"upload {filename!r} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise InvalidData(f"upload {filename!r} is not valid JSON: {exc.msg} at line {exc.lineno} "
                          f"column {exc.colno}") from None
    if not isinstance(doc, dict) or "type" not in doc:
        raise InvalidData(f"upload {filename!r} is JSON but not GeoJSON: no 'type' member")
    if doc["type"] == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise InvalidData(f"upload {filename!r}: 'features' must be a list, got {type(feats).__name__}")
    elif doc["type"] == "Feature":
        feats = [doc]
    elif doc["type"] in ("Point", "MultiPoint", "Polygon", "MultiPolygon", "LineString", "MultiLineString",
                         "GeometryCollection"):
        feats = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise InvalidData(f"upload {filename!r}: unknown GeoJSON type {doc['type']!r}")
    geoms, props = [], []
    for i, feat in enumerate(feats, start=1):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise InvalidData(f"upload {filename!r}: item {i} of 'features' is not a GeoJSON Feature")
        try:
            geoms.append(shapely.geometry.shape(feat["geometry"]) if feat.get("geometry") else None)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
            raise InvalidData(f"upload {filename!r}: feature {i} has a malformed geometry ({exc})") from None
        p = feat.get("properties") or {}
        props.append({k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                      for k, v in p.items()} if isinstance(p, dict) else {})
    crs = config.WGS84
    named = (doc.get("crs") or {}).get("properties", {}).get("name") if isinstance(doc.get("crs"), dict) else None
    if named:
        from pyproj import CRS
        from pyproj.exceptions import CRSError
        try:
            crs = CRS.from_user_input(named)
        except CRSError:
            raise InvalidData(f"upload {filename!r}: unknown crs {named!r}") from None
    return gpd.GeoDataFrame(pd.DataFrame(props), geometry=geoms, crs=crs)


def _read_path(path: Path, filename: str) -> gpd.GeoDataFrame:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        layers = pyogrio.list_layers(path)
        if len(layers) == 0:
            raise InvalidData(f"upload {filename!r} holds no layer")
        info = pyogrio.read_info(path, layer=layers[0][0])
        if info["features"] > max(MAX_FEATURES.values()):
            raise TooLarge(f"upload {filename!r} has {info['features']:,} features; the limit is "
                           f"{max(MAX_FEATURES.values()):,}")
        return pyogrio.read_dataframe(path, layer=layers[0][0])
    except (DataSourceError, DataLayerError) as exc:
        raise InvalidData(f"upload {filename!r} could not be read as {path.suffix.lstrip('.').upper()}: "
                          f"{str(exc).split(';')[0]}") from None


def _gpkg(data: bytes, filename: str) -> gpd.GeoDataFrame:
    if not data.startswith(b"SQLite format 3"):
        raise InvalidData(f"upload {filename!r} is not a GeoPackage (no SQLite header)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        return _read_path(path, filename)


def _zip(data: bytes, filename: str) -> gpd.GeoDataFrame:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidData(f"upload {filename!r} is not a valid zip archive") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and not PurePosixPath(i.filename).name.startswith(".")]
        if sum(i.file_size for i in infos) > MAX_UNZIPPED:
            raise TooLarge(f"upload {filename!r} unzips to {sum(i.file_size for i in infos):,} bytes; the limit "
                           f"is {MAX_UNZIPPED:,}")
        shps = [i for i in infos if i.filename.lower().endswith(".shp") and "__macosx" not in i.filename.lower()]
        if len(shps) != 1:
            raise InvalidData(f"upload {filename!r} must hold exactly one .shp file; found {len(shps)}"
                              + (f": {[i.filename for i in shps]}" if shps else ""))
        stem = shps[0].filename[:-4]
        members = {i.filename[len(stem):].lower(): i for i in infos if i.filename[:-4] == stem}
        missing = [ext for ext in (".shx", ".dbf") if ext not in members]
        if missing:
            raise InvalidData(f"upload {filename!r}: Shapefile {PurePosixPath(stem).name!r} lacks {missing}")
        with tempfile.TemporaryDirectory() as tmp:
            for ext, info in members.items():
                (Path(tmp) / f"upload{ext}").write_bytes(archive.read(info))
            gdf = _read_path(Path(tmp) / "upload.shp", filename)
    if ".prj" not in members:
        gdf = gdf.set_crs(config.WGS84, allow_override=True)
    return gdf


def _csv(data: bytes, filename: str) -> gpd.GeoDataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidData(f"upload {filename!r} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidData(f"upload {filename!r} is not a readable CSV: {str(exc).strip()}") from None
    cols = {c.strip().lower(): c for c in df.columns}
    lon = next((cols[c] for c in _LON if c in cols), None)
    lat = next((cols[c] for c in _LAT if c in cols), None)
    if lon is None or lat is None:
        raise InvalidData(f"upload {filename!r}: a CSV needs lon and lat columns (or longitude/latitude, x/y); "
                          f"found {list(df.columns)}")
    if len(df) > max(MAX_FEATURES.values()):
        raise TooLarge(f"upload {filename!r} has {len(df):,} rows; the limit is {max(MAX_FEATURES.values()):,}")
    values = {}
    for name, col, limit in (("lon", lon, 180), ("lat", lat, 90)):
        num = pd.to_numeric(df[col].str.strip(), errors="coerce")
        bad = np.flatnonzero(num.isna().to_numpy())
        if bad.size:
            i = int(bad[0])
            raise InvalidData(f"upload {filename!r}: row {i + 2}: {name} {df[col].iloc[i]!r} is not a number")
        out = np.flatnonzero((num.abs() > limit).to_numpy())
        if out.size:
            i = int(out[0])
            raise InvalidData(f"upload {filename!r}: row {i + 2}: {name} {df[col].iloc[i]!r} is outside "
                              f"-{limit}..{limit}")
        values[name] = num.to_numpy(float)
    props = df.drop(columns=[lon, lat])
    return gpd.GeoDataFrame(props, geometry=gpd.points_from_xy(values["lon"], values["lat"]), crs=config.WGS84)
