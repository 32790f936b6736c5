"""RFC 7946 GeoJSON: EPSG:4326, right-hand (counter-clockwise exterior) winding, no `crs` member."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import shapely

from . import config


def to_rfc7946(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to WGS84 and orient polygon rings the way RFC 7946 requires."""
    out = gdf.to_crs(config.WGS84) if gdf.crs is not None and gdf.crs != config.WGS84 else gdf.copy()
    out["geometry"] = shapely.orient_polygons(out.geometry.values, exterior_cw=False)
    return out


def feature_collection(gdf: gpd.GeoDataFrame) -> dict:
    """A FeatureCollection dict with null for missing values and no `crs` member."""
    out = to_rfc7946(gdf)
    data = json.loads(out.to_json(na="null", drop_id=True, to_wgs84=False))
    data.pop("crs", None)
    return data


def dumps(gdf: gpd.GeoDataFrame) -> str:
    """Serialise `gdf` as compact RFC 7946 GeoJSON text, keeping Chinese characters as they are."""
    return json.dumps(feature_collection(gdf), ensure_ascii=False, separators=(",", ":"), default=_default)


def _default(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot serialise {type(value).__name__} to GeoJSON")
