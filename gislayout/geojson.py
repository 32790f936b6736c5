"""RFC 7946 GeoJSON: EPSG:4326, right-hand (counter-clockwise exterior) winding, no `crs` member.

The one GeoJSON writer of the package: API responses, exports, siting files, the atlas's boundary layers and
stored exclusion sets all go through `features` (compact UTF-8 JSON, Chinese kept as it is, null for every
missing value), so the same layer is the same bytes wherever it is served.
"""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import config


def to_rfc7946(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to WGS84 and orient polygon rings the way RFC 7946 requires."""
    out = gdf.to_crs(config.WGS84) if gdf.crs is not None and gdf.crs != config.WGS84 else gdf.copy()
    out["geometry"] = shapely.orient_polygons(out.geometry.values, exterior_cw=False)
    return out


def plain(value):
    """JSON `default` for values the json module does not know: numpy scalars and dates."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=plain).encode


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts, with None for every missing value (NaN, NA, None)."""
    data = df.astype(object)
    return data.where(data.notna(), None).to_dict(orient="records")


def features(gdf: gpd.GeoDataFrame) -> bytes:
    """The `features` array of `gdf` as compact RFC 7946 JSON (UTF-8)."""
    out = to_rfc7946(gdf)
    geometries = shapely.to_geojson(out.geometry.values)
    props = _records(pd.DataFrame(out.drop(columns=out.geometry.name)))
    return ("[" + ",".join(
        '{"type":"Feature","properties":' + _encode(p) + ',"geometry":' + (g if g is not None else "null") + "}"
        for p, g in zip(props, geometries)) + "]").encode("utf-8")


def document(encoded_features: bytes, **members) -> bytes:
    """A FeatureCollection (UTF-8) around an encoded `features` array, with foreign members (RFC 7946 §6.1)
    such as `name` (GDAL and QGIS take it as the layer name) and `metadata` placed before the features."""
    head = '{"type":"FeatureCollection",' + "".join(f"{_encode(k)}:{_encode(v)}," for k, v in members.items())
    # joined as bytes: callers cache the encoded features, and re-encoding megabytes per request costs more
    return b"".join((head.encode("utf-8"), b'"features":', encoded_features, b"}"))


def encode(gdf: gpd.GeoDataFrame, **members) -> bytes:
    """`gdf` as a compact RFC 7946 FeatureCollection (UTF-8), with foreign `members` if given."""
    return document(features(gdf), **members)


def dumps(gdf: gpd.GeoDataFrame) -> str:
    """`gdf` as compact RFC 7946 GeoJSON text."""
    return encode(gdf).decode("utf-8")


def feature_collection(gdf: gpd.GeoDataFrame) -> dict:
    """`gdf` as a FeatureCollection dict (for a JSON response that embeds it)."""
    return json.loads(encode(gdf))
