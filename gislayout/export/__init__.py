"""Exports of the layers that desktop GIS opens unchanged: GeoJSON, GeoPackage, Shapefile (zip), KML and CSV.

`export_layer(name, fmt, **filters)` is the one entry point for the API and the CLI; `bundle.build()` makes
the "download everything" zip. Every export names its file and carries its metadata (see `metadata`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import geopandas as gpd

from .. import config, dataversion, layers
from ..errors import BadParameter
from . import cache, kml, shapefile, table, vector
from .metadata import Metadata, for_layer


@dataclass(frozen=True)
class Format:
    """An export format: its `format=` name, a label, the file extension and the media type."""

    name: str
    label: str
    extension: str
    media_type: str


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("geojson", "GeoJSON (RFC 7946)", "geojson", "application/geo+json"),
    Format("gpkg", "GeoPackage", "gpkg", "application/geopackage+sqlite3"),
    Format("shp", "ESRI Shapefile (zip)", "zip", "application/zip"),
    Format("kml", "KML", "kml", "application/vnd.google-earth.kml+xml"),
    Format("csv", "CSV (UTF-8 with BOM)", "csv", "text/csv; charset=utf-8"),
)}


@dataclass(frozen=True)
class Export:
    """One exported file: its bytes, its name, its media type and its metadata."""

    content: bytes
    filename: str
    media_type: str
    metadata: Metadata


def check_format(fmt: str) -> Format:
    """The Format called `fmt`, or BadParameter quoting it and listing the formats."""
    if fmt not in FORMATS:
        raise BadParameter(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    return FORMATS[fmt]


def filename(name: str, filters: dict, extension: str) -> str:
    """A file name that says what is in it, e.g. `bases_scheme-2009_zone-hexi.gpkg`."""
    parts = [name] + [f"{k}-{v}" for k, v in filters.items()]
    stem = "_".join(re.sub(r"[^\w.+-]+", "+", p.replace(",", "+")).strip("+") for p in parts)
    return f"{stem[:150]}.{extension}"


_features = cache.BytesCache()


def geojson_bytes(name: str, *, display: bool = False, metadata: bool = True, **filters) -> tuple[bytes, Metadata]:
    """Layer `name` as RFC 7946 GeoJSON (UTF-8) and its metadata, from a cache while the data is unchanged.

    Parameters
    ----------
    name : a layer of `layers.CATALOGUE`.
    display : simplified boundary geometry, as the web map uses.
    metadata : add the metadata as a `metadata` foreign member of the FeatureCollection.
    **filters : the layer filters, as for `layers.load`.
    """
    layers.get_spec(name)

    def make() -> tuple[bytes, int]:
        gdf = layers.load(name, display=display, **filters)
        return vector.geojson_features(gdf), len(gdf)

    with dataversion.scope():  # filled from the very version it is keyed on
        key = (name, display, tuple(sorted((k, str(v)) for k, v in filters.items())), config.settings(),
               dataversion.token())
        features, count = _features.get_or_make(key, make)
    meta = for_layer(name, filters, count)
    return vector.geojson_document(features, name, meta if metadata else None), meta


def _gpkg(gdf: gpd.GeoDataFrame, name: str, meta: Metadata) -> bytes:
    return vector.gpkg_bytes(gdf, name, meta)


def _shp(gdf: gpd.GeoDataFrame, name: str, meta: Metadata) -> bytes:
    return shapefile.shapefile_zip(gdf, name, meta)


def _kml(gdf: gpd.GeoDataFrame, name: str, meta: Metadata) -> bytes:
    return kml.kml_bytes(gdf, name, meta)


def _csv(gdf: gpd.GeoDataFrame, name: str, meta: Metadata) -> bytes:
    return table.csv_bytes(gdf, points=layers.get_spec(name).geometry_type == "Point")


WRITERS: dict[str, Callable[[gpd.GeoDataFrame, str, Metadata], bytes]] = {
    "gpkg": _gpkg, "shp": _shp, "kml": _kml, "csv": _csv}


def export_layer(name: str, fmt: str = "geojson", *, display: bool = False, **filters) -> Export:
    """Layer `name` filtered like the map and written in format `fmt` (one of `FORMATS`).

    Raises NotFound for an unknown layer and BadParameter for an unknown format or a bad filter, each naming
    the value and listing the allowed ones.
    """
    layers.get_spec(name)
    form = check_format(fmt)
    given = {k: v for k, v in filters.items() if v not in (None, "")}
    if form.name == "geojson":
        content, meta = geojson_bytes(name, display=display, **given)
    else:
        gdf = layers.load(name, display=display, **given)
        meta = for_layer(name, given, len(gdf))
        content = WRITERS[form.name](gdf, name, meta)
    return Export(content, filename(name, meta.filters, form.extension), form.media_type, meta)


__all__ = ["FORMATS", "Export", "Format", "check_format", "export_layer", "filename", "geojson_bytes"]
