"""Read a user's vector file: GeoJSON, GeoPackage, zipped Shapefile, or CSV with lon/lat, in one place.

Every surface that takes uploads (siting sites and exclusions, plan versions) parses through `read` and checks
geometry through `check_geometries`; each adds only its own rules (limits, geometry types, required columns).
Errors are InvalidData (malformed: naming the file, the feature or row and the bad value) or TooLarge.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import config, quiet
from .errors import InvalidData, TooLarge

FORMATS = ("geojson", "gpkg", "zip", "csv")
#: Largest total size of the files inside a zipped Shapefile (a guard against zip bombs).
MAX_UNZIPPED = 50 * 1024 * 1024
#: Most attribute columns accepted in one upload.
MAX_COLUMNS = 200
LON_COLUMNS = ("lon", "lng", "long", "longitude", "x", "经度")
LAT_COLUMNS = ("lat", "latitude", "y", "纬度")
_SIDECAR = re.compile(r"\.[a-z0-9]{3}")
_GEOJSON_GEOMETRIES = ("Point", "MultiPoint", "Polygon", "MultiPolygon", "LineString", "MultiLineString",
                       "GeometryCollection")


#: `what` (the name of a file in messages) in Chinese, for a request from a Chinese page.
WHAT_ZH = {"upload": "上传的文件", "version file": "版本文件"}


def named_zh(what: str, filename: str) -> str:
    """`what` and `filename` in Chinese: 上传的文件“x.csv”."""
    return f"{WHAT_ZH.get(what, what)}“{filename}”"


class _Reader:
    def __init__(self, filename: str, what: str, max_features: int):
        self.filename, self.what, self.max_features = filename, what, max_features

    def fail(self, message: str, zh: str | None = None) -> InvalidData:
        """InvalidData naming the file; `zh` is the message's tail in Chinese (else a Chinese lead only)."""
        return InvalidData(f"{self.what} {self.filename!r}{message}",
                           zh=named_zh(self.what, self.filename) + (zh or f"无法读取（{message.lstrip(' :')}）"))

    def count(self, n: int, unit: str = "features") -> None:
        if n > self.max_features:
            raise TooLarge(f"{self.what} {self.filename!r} has {n:,} {unit}; the limit is {self.max_features:,}",
                           zh=f"{named_zh(self.what, self.filename)}有 {n:,} 个{'要素' if unit == 'features' else '行'}，"
                              f"上限为 {self.max_features:,}")


def detect_format(filename: str, data: bytes, formats: Sequence[str] = FORMATS, what: str = "upload") -> str:
    """The file's format from its extension, else from its first bytes; only `formats` are accepted."""
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    names = {"geojson": ".geojson, .json", "gpkg": ".gpkg", "zip": ".zip (Shapefile)", "csv": ".csv"}
    accepted = ", ".join(names[f] for f in formats)
    if suffix in ("shp", "shx", "dbf", "prj") and "zip" in formats:
        raise InvalidData(f"a Shapefile must be uploaded as one .zip holding .shp, .shx, .dbf and .prj; "
                          f"got {filename!r}", zh=f"Shapefile 须打包为一个含 .shp、.shx、.dbf 和 .prj 的 .zip 上传；"
                                                  f"收到“{filename}”")
    fmt = {"geojson": "geojson", "json": "geojson", "gpkg": "gpkg", "zip": "zip", "csv": "csv", "txt": "csv"}.get(suffix)
    if fmt is None:
        if data.lstrip()[:1] == b"{":
            fmt = "geojson"
        elif data.startswith(b"PK"):
            fmt = "zip"
        elif data.startswith(b"SQLite format 3"):
            fmt = "gpkg"
        elif not suffix:
            fmt = "csv"
    if fmt not in formats:
        raise InvalidData(f"unsupported file type {filename!r} for this {what}; upload one of: {accepted}",
                          zh=f"不支持的文件类型“{filename}”；请上传以下之一：{accepted}")
    return fmt


def read(filename: str, data: bytes, *, what: str = "upload", max_bytes: int, max_features: int,
         formats: Sequence[str] = FORMATS) -> gpd.GeoDataFrame:
    """Parse `data` (the bytes of `filename`) into a GeoDataFrame in WGS84.

    `what` names the file in messages ("upload", "version file"); the byte and feature limits raise TooLarge
    before the whole file is parsed where the format allows.
    """
    if len(data) > max_bytes:
        # callers may read only max_bytes + 1 of a large body, so the true size is not known here
        raise TooLarge(f"{what} {filename!r} is larger than the limit of {max_bytes:,} bytes",
                       zh=f"{named_zh(what, filename)}超过 {max_bytes:,} 字节的上限")
    if not data.strip():
        raise InvalidData(f"{what} {filename!r} is empty", zh=f"{named_zh(what, filename)}是空文件")
    reader = _Reader(filename, what, max_features)
    fmt = detect_format(filename, data, formats, what)
    gdf = {"geojson": _geojson, "gpkg": _gpkg, "zip": _zip, "csv": _csv}[fmt](data, reader)
    reader.count(len(gdf))
    if len(gdf.columns) - 1 > MAX_COLUMNS:
        raise TooLarge(f"{what} {filename!r} has {len(gdf.columns) - 1:,} attribute columns; the limit is {MAX_COLUMNS}",
                       zh=f"{named_zh(what, filename)}有 {len(gdf.columns) - 1:,} 个属性列，上限为 {MAX_COLUMNS}")
    if len(gdf) == 0:
        raise reader.fail(" has no features", "没有要素")
    if gdf.crs is None:
        raise reader.fail(" has no coordinate reference system; save it with one (or as GeoJSON / CSV lon-lat "
                          "in WGS84)", "没有坐标参考系；请带坐标系保存（或存为 WGS84 经纬度的 GeoJSON / CSV）")
    return gdf.to_crs(config.WGS84) if not gdf.crs.equals(config.WGS84) else gdf


def check_geometries(gdf: gpd.GeoDataFrame, filename: str, *, what: str, allowed: dict[int, str],
                     expected: str, labels: Sequence[str] | None = None) -> None:
    """Raise InvalidData for a missing or empty geometry, a type outside `allowed`, or non-degree coordinates.

    `allowed` maps shapely type ids to names; `labels` name features in messages (default: their number).
    """
    name = (lambda i: repr(labels[i])) if labels is not None else (lambda i: str(i + 1))
    geoms = gdf.geometry.values
    missing = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if missing.size:
        raise InvalidData(f"{what} {filename!r}: feature {name(int(missing[0]))} has no geometry",
                          zh=f"{named_zh(what, filename)}：要素 {name(int(missing[0]))} 没有几何")
    wrong = np.flatnonzero(~np.isin(shapely.get_type_id(geoms), list(allowed)))
    if wrong.size:
        i = int(wrong[0])
        raise InvalidData(f"{what} {filename!r}: feature {name(i)} is a {geoms[i].geom_type}; {expected}",
                          zh=f"{named_zh(what, filename)}：要素 {name(i)} 是“{geoms[i].geom_type}”，应为 "
                             + "、".join(f"“{t}”" for t in allowed.values()))
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    bad = owner[~np.isfinite(coords).all(axis=1)]
    if bad.size:
        raise InvalidData(f"{what} {filename!r}: feature {name(int(bad[0]))} has a coordinate that is NaN or infinite",
                          zh=f"{named_zh(what, filename)}：要素 {name(int(bad[0]))} 的坐标为空值或无穷大")
    bounds = shapely.bounds(geoms)
    outside = np.flatnonzero(~np.isfinite(bounds).all(axis=1) | (np.abs(bounds[:, [0, 2]]) > 180).any(axis=1)
                             | (np.abs(bounds[:, [1, 3]]) > 90).any(axis=1))
    if outside.size:
        i = int(outside[0])
        raise InvalidData(f"{what} {filename!r}: feature {name(i)} has coordinates "
                          f"{tuple(round(float(v), 3) for v in bounds[i, :2])} outside longitude/latitude range; give WGS84 "
                          "lon/lat or a file with its CRS",
                          zh=f"{named_zh(what, filename)}：要素 {name(i)} 的坐标 "
                             f"{tuple(round(float(v), 3) for v in bounds[i, :2])} 超出经纬度范围；请给出 WGS84 经纬度，"
                             "或带坐标系的文件")


def _geojson(data: bytes, r: _Reader) -> gpd.GeoDataFrame:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise r.fail(f" is not UTF-8 text: {exc.reason} at byte {exc.start}",
                     f"不是 UTF-8 文本（第 {exc.start} 字节出错）") from None
    except json.JSONDecodeError as exc:
        raise r.fail(f" is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                     f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    except RecursionError:
        raise r.fail(" nests JSON too deeply to be GeoJSON", "的 JSON 嵌套过深，不是 GeoJSON") from None
    kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise r.fail(f": 'features' must be a list, got {type(feats).__name__}", "：“features”应为列表")
    elif kind == "Feature":
        feats = [doc]
    elif kind in _GEOJSON_GEOMETRIES:
        feats = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise r.fail(f" is not a GeoJSON FeatureCollection, Feature or geometry (type {kind!r})",
                     f"不是 GeoJSON 要素集合、要素或几何（类型“{kind}”）")
    r.count(len(feats))
    geoms, props = [], []
    for i, feat in enumerate(feats, start=1):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise r.fail(f": item {i} of 'features' is not a GeoJSON Feature", f"：“features”的第 {i} 项不是 GeoJSON 要素")
        try:
            with quiet.ignoring(RuntimeWarning):  # NaN vertices warn here; check_geometries names them
                geoms.append(shapely.geometry.shape(feat["geometry"]) if feat.get("geometry") else None)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
            raise r.fail(f": feature {i} has a malformed geometry ({exc})", f"：要素 {i} 的几何格式有误") from None
        except RecursionError:
            raise r.fail(f": feature {i} nests geometry collections too deeply", f"：要素 {i} 的几何集合嵌套过深") from None
        p = feat.get("properties") or {}
        if not isinstance(p, dict):
            raise r.fail(f": feature {i} has properties that are not an object", f"：要素 {i} 的属性不是对象")
        p = {k: _scalar(v) for k, v in p.items() if k != "geometry"}
        if "id" not in p and feat.get("id") is not None:
            p["id"] = feat["id"]
        props.append(p)
    # RFC 7946 GeoJSON is WGS84 by definition; a legacy `crs` member is not honoured.
    return gpd.GeoDataFrame(pd.DataFrame(props, index=range(len(props))), geometry=geoms, crs=config.WGS84)


def _scalar(value):
    """A GeoJSON property as a value one table column can hold: nested values as JSON text, huge ints as text."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**63:
        return str(value)
    return value


def _read_path(path: Path, r: _Reader, kind: str) -> gpd.GeoDataFrame:
    """Every layer with geometry in a GDAL-readable file; several layers are stacked with `gpkg_layer`."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    # GDAL warns about odd headers before failing or reading anyway; the outcome is what we report.
    with quiet.ignoring(RuntimeWarning):
        try:
            names = [str(n) for n, geom_type in pyogrio.list_layers(path) if geom_type]
            if not names:
                raise r.fail(" holds no layer with geometry", "没有带几何的图层")
            r.count(sum(pyogrio.read_info(path, layer=n)["features"] for n in names))
            parts = [pyogrio.read_dataframe(path, layer=n) for n in names]
        except (DataSourceError, DataLayerError) as exc:
            # GDAL's message names our temporary copy; show the user's file name instead
            detail = str(exc).split(";")[0].replace(f"'{path}'", "the file").replace(str(path), "the file")
            raise r.fail(f" could not be read as {kind}: {detail}", "无法读取，文件可能已损坏") from None
    if any(p.crs is None for p in parts):
        raise r.fail(": a layer has no coordinate reference system", "：有图层没有坐标参考系")
    parts = [p.to_crs(config.WGS84) for p in parts]
    if len(parts) > 1:
        parts = [p.assign(gpkg_layer=n) for p, n in zip(parts, names)]
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=config.WGS84)


def _gpkg(data: bytes, r: _Reader) -> gpd.GeoDataFrame:
    if not data.startswith(b"SQLite format 3"):
        raise r.fail(" is not a GeoPackage (no SQLite header)", "不是 GeoPackage 文件（无 SQLite 文件头）")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(data)
        return _read_path(path, r, "a GeoPackage")


def _zip(data: bytes, r: _Reader) -> gpd.GeoDataFrame:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise r.fail(" is not a valid zip archive", "不是有效的 zip 压缩包") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and not PurePosixPath(i.filename).name.startswith(".")]
        size = sum(i.file_size for i in infos)
        if size > MAX_UNZIPPED:
            raise TooLarge(f"{r.what} {r.filename!r} unzips to {size:,} bytes; the limit is {MAX_UNZIPPED:,}")
        shps = [i for i in infos if i.filename.lower().endswith(".shp") and "__macosx" not in i.filename.lower()]
        if len(shps) != 1:
            raise r.fail(f" must hold exactly one .shp file; found {len(shps)}"
                         + (f": {[i.filename for i in shps]}" if shps else ""),
                         f"应恰好包含一个 .shp 文件，实有 {len(shps)} 个")
        stem = shps[0].filename[:-4]
        # only the Shapefile's siblings ('x.shx', 'x.dbf'…): a member like 'x/y.z' shares the stem but is no part
        members = {ext: i for i in infos if i.filename[:-4] == stem
                   and _SIDECAR.fullmatch(ext := i.filename[len(stem):].lower())}
        missing = [ext for ext in (".shx", ".dbf") if ext not in members]
        if missing:
            raise r.fail(f": Shapefile {PurePosixPath(stem).name!r} lacks {missing}",
                         f"：Shapefile“{PurePosixPath(stem).name}”缺少 {'、'.join(missing)}")
        with tempfile.TemporaryDirectory() as tmp:
            for ext, info in members.items():
                try:
                    (Path(tmp) / f"upload{ext}").write_bytes(archive.read(info))
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                    raise r.fail(f": member {info.filename!r} cannot be unzipped ({exc})",
                                 f"：其中的“{info.filename}”无法解压") from None
            if ".prj" not in members:  # a Shapefile without .prj: its coordinates are taken as WGS84 lon/lat
                (Path(tmp) / "upload.prj").write_text(
                    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
                    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]')
            return _read_path(Path(tmp) / "upload.shp", r, "a Shapefile")


def _decode(data: bytes, r: _Reader) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # spreadsheets saved on Chinese Windows write GBK/GB18030
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise r.fail(f" is neither UTF-8 nor GB18030 text (bad byte at {exc.start})",
                     f"既不是 UTF-8 也不是 GB18030 编码的文本（第 {exc.start} 字节出错）") from None


def _csv(data: bytes, r: _Reader) -> gpd.GeoDataFrame:
    try:
        df = pd.read_csv(io.StringIO(_decode(data, r)), dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise r.fail(f" is not a readable CSV: {str(exc).strip()}", "不是可读的 CSV 文件") from None
    r.count(len(df), "rows")
    cols = {str(c).strip().lower(): c for c in df.columns}
    lon = next((cols[c] for c in LON_COLUMNS if c in cols), None)
    lat = next((cols[c] for c in LAT_COLUMNS if c in cols), None)
    if lon is None or lat is None:
        raise r.fail(f": a CSV needs 'lon' and 'lat' columns (WGS84 degrees; or longitude/latitude, x/y); "
                     f"found {', '.join(map(str, df.columns))}",
                     "：CSV 需要经度、纬度两列（列名“lon”与“lat”，或“longitude”/“latitude”、“x”/“y”、“经度”/“纬度”；WGS84 度）；"
                     f"现有列：{'、'.join(f'“{c}”' for c in df.columns)}")
    values = {}
    for name, col, limit in (("lon", lon, 180), ("lat", lat, 90)):
        num = pd.to_numeric(df[col].str.strip(), errors="coerce")
        bad = np.flatnonzero((num.isna() | ~np.isfinite(num.fillna(0))).to_numpy())
        if bad.size:
            i = int(bad[0])
            value = df[col].iloc[i]
            raise r.fail(f": row {i + 2}: {name} {'' if pd.isna(value) else value!r} is not a number",
                         f"：第 {i + 2} 行的{'经度' if name == 'lon' else '纬度'}“{'' if pd.isna(value) else value}”不是数字")
        out = np.flatnonzero((num.abs() > limit).to_numpy())
        if out.size:
            i = int(out[0])
            raise r.fail(f": row {i + 2}: {name} {df[col].iloc[i]!r} is outside -{limit}..{limit}",
                         f"：第 {i + 2} 行的{'经度' if name == 'lon' else '纬度'}“{df[col].iloc[i]}”超出 -{limit}..{limit}")
        values[name] = num.to_numpy(float)
    props = df.drop(columns=[lon, lat])
    return gpd.GeoDataFrame(props, geometry=gpd.points_from_xy(values["lon"], values["lat"]), crs=config.WGS84)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` safe to open in a spreadsheet: text cells (and column names) that a spreadsheet would run
    as a formula (starting = + - @ tab CR, and not a plain number) get a leading apostrophe (OWASP CSV injection)."""
    def safe(value):
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            try:
                float(value)
                return value
            except ValueError:
                return "'" + value
        return value
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe)
    return out.rename(columns={c: safe(c) for c in out.columns if isinstance(c, str)})
