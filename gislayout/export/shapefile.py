"""ESRI Shapefile as a zip: .shp/.shx/.dbf, a WGS 84 .prj, a UTF-8 .cpg, README.txt and fields.csv.

dBASE limits field names to 10 characters (see `fieldnames` for the mapping) and text to 254 bytes. Rather
than cut longer text, it is split at character boundaries into continuation fields (`loc_note`, `loc_note_2`,
…), listed in fields.csv, so joining them gives back the original.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ..geojson import to_rfc7946
from . import fieldnames
from .metadata import Metadata
from .vector import geometry_type

#: The most bytes GDAL writes into one dBASE text field.
DBF_TEXT_BYTES = 254


def split_text(value: str, size: int = DBF_TEXT_BYTES) -> list[str]:
    """`value` in pieces of at most `size` UTF-8 bytes, never splitting a character.

    No piece but the last ends in white space and none but the first starts with it: dBASE pads fields with
    spaces and readers strip them (at both ends), so white space at a boundary would be lost; the break moves
    back until the characters on both sides of it are not white space.
    """
    pieces, current, used = [], [], 0
    for char in value:
        n = len(char.encode("utf-8"))
        if used + n > size:
            carried = []
            while len(current) > 1 and (current[-1].isspace() or (carried[0] if carried else char).isspace()):
                carried.insert(0, current.pop())
            pieces.append("".join(current))
            current, used = carried, len("".join(carried).encode("utf-8"))
        current.append(char)
        used += n
    pieces.append("".join(current))
    return pieces


def continuation(short: str, part: int) -> str:
    """The field holding part `part` (2, 3, …) of a long text field `short`."""
    return f"{short[:fieldnames.MAX_LENGTH - 2]}_{part}"


def dbf_table(gdf: gpd.GeoDataFrame) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """The attributes under their Shapefile names, long text split; and the rows of fields.csv."""
    data = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    names = fieldnames.mapping(list(data.columns))
    out: dict[str, pd.Series] = {}
    rows = []
    for column in data.columns:
        series = data[column]
        short = names[column]
        rows.append((short, column, fieldnames.description(column)))
        is_text = series.dtype == object or pd.api.types.is_string_dtype(series)
        if not is_text:
            out[short] = series
            continue
        parts = series.map(lambda v: split_text(v) if isinstance(v, str) else [v])
        out[short] = parts.map(lambda p: p[0])
        for i in range(2, int(parts.map(len).max() if len(parts) else 1) + 1):
            name = continuation(short, i)
            out[name] = parts.map(lambda p, i=i: p[i - 1] if len(p) >= i else None)
            rows.append((name, column, f"continued: part {i} of long {column} text (join the parts in order)"))
    shorts = [r[0].lower() for r in rows]
    if len(set(shorts)) != len(shorts):
        raise ValueError(f"Shapefile field names collide: {[r[0] for r in rows]}")
    return pd.DataFrame(out, index=data.index), rows


def fields_csv(rows: list[tuple[str, str, str]]) -> bytes:
    """fields.csv: Shapefile field, full column name, what it holds (UTF-8 with BOM for Excel)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["shapefile_field", "column", "description"])
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def readme(meta: Metadata, layer: str, rows: list[tuple[str, str, str]]) -> str:
    """README.txt of the zip: the metadata, the files, and the fields that differ from the column names."""
    renamed = [f"  {short:<10} ← {column}" for short, column, _ in rows if short != column]
    return meta.as_text() + (
        f"\nFiles: {layer}.shp/.shx/.dbf (geometry and attributes), {layer}.prj (WGS 84), "
        f"{layer}.cpg (attribute encoding: UTF-8), fields.csv (every field, its full name and meaning).\n\n"
        "dBASE allows field names of 10 characters, so longer names are shortened the same way in every layer; "
        f"text longer than {DBF_TEXT_BYTES} bytes continues in fields ending _2, _3, …:\n"
        + ("\n".join(renamed) or "  (no field renamed)") + "\n")


def shapefile_zip(gdf: gpd.GeoDataFrame, layer: str, meta: Metadata) -> bytes:
    """The layer as a zipped ESRI Shapefile named `layer`, with .prj, UTF-8 .cpg, README.txt and fields.csv."""
    table, rows = dbf_table(gdf)
    out = to_rfc7946(gpd.GeoDataFrame(table, geometry=list(gdf.geometry.values), crs=gdf.crs))
    gtype = geometry_type(meta.layer)
    with tempfile.TemporaryDirectory(prefix="gislayout-") as tmp:
        path = Path(tmp) / f"{layer}.shp"
        pyogrio.write_dataframe(out, path, driver="ESRI Shapefile", encoding="UTF-8",
                                geometry_type=gtype, promote_to_multi=gtype == "MultiPolygon")
        cpg = path.with_suffix(".cpg")
        if not cpg.exists():
            cpg.write_text("UTF-8", encoding="ascii")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                zf.write(path.with_suffix(ext), f"{layer}{ext}")
            zf.writestr("README.txt", readme(meta, layer, rows))
            zf.writestr("fields.csv", fields_csv(rows))
        return buf.getvalue()
