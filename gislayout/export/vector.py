"""GeoJSON and GeoPackage writers: each takes a layer's GeoDataFrame and its Metadata."""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from .. import geojson, layers
from ..geojson import to_rfc7946
from .metadata import Metadata

#: GeoPackage 1.2 rather than GDAL's newest: ArcGIS, older QGIS and Debian's GDAL 3.6 read it without warnings.
GPKG_VERSION = "1.2"


def geojson_features(gdf: gpd.GeoDataFrame) -> bytes:
    """The `features` array of a layer as compact RFC 7946 JSON (EPSG:4326, counter-clockwise exteriors)."""
    return geojson.features(gdf)


def geojson_document(features: bytes, name: str, meta: Metadata | None) -> bytes:
    """A FeatureCollection (UTF-8 bytes) around the encoded `features` array, with `name` and `metadata`."""
    members = {"name": name} if meta is None else {"name": name, "metadata": meta.as_dict()}
    return geojson.document(features, **members)


def geometry_type(layer: str) -> str:
    """The declared geometry type of a catalogue layer (Point or MultiPolygon), right even when it is empty."""
    return layers.get_spec(layer).geometry_type


def _identifier(meta: Metadata) -> str:
    """The GeoPackage identifier (a human title, unique per file): the titles, and the filters if any."""
    title = f"{meta.title_zh} {meta.title_en}"
    return f"{title} ({meta.filters_text()})" if meta.filters else title


def write_gpkg(gdf: gpd.GeoDataFrame, path: Path, layer: str, meta: Metadata, *, append: bool = False) -> None:
    """Write `gdf` as layer `layer` of a GeoPackage, with `meta` as layer metadata and as its description."""
    gtype = geometry_type(meta.layer)
    pyogrio.write_dataframe(
        to_rfc7946(gdf), path, layer=layer, driver="GPKG", append=append,
        geometry_type=gtype, promote_to_multi=gtype == "MultiPolygon",
        layer_metadata=meta.as_strings(), dataset_options={"VERSION": GPKG_VERSION},
        layer_options={"IDENTIFIER": _identifier(meta), "DESCRIPTION": meta.as_text()})


def write_table_gpkg(df: pd.DataFrame, path: Path, layer: str, description: str) -> None:
    """Append a table without geometry (e.g. the sector vocabulary) to a GeoPackage."""
    pyogrio.write_dataframe(df, path, layer=layer, driver="GPKG", append=path.exists(),
                            dataset_options={"VERSION": GPKG_VERSION}, layer_options={"DESCRIPTION": description})


def gpkg_bytes(gdf: gpd.GeoDataFrame, layer: str, meta: Metadata) -> bytes:
    """A GeoPackage holding one layer, as bytes."""
    with tempfile.TemporaryDirectory(prefix="gislayout-") as tmp:
        path = Path(tmp) / f"{layer}.gpkg"
        write_gpkg(gdf, path, layer, meta)
        return path.read_bytes()
