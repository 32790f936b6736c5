"""KML 2.2: placemarks named in Chinese, described in English with their attributes, styled like the atlas.

Written with the standard library's ElementTree, which escapes text properly (simplekml 1.3.6 emits malformed
XML for names holding `<` or `&`). Attributes go in typed ExtendedData (a Schema and SchemaData), which GDAL's
LIBKML driver, QGIS and ArcGIS read back as fields.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import regions, symbology
from ..geojson import to_rfc7946
from . import styles
from .metadata import Metadata

NS = "http://www.opengis.net/kml/2.2"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = _XML_INVALID.sub("", text)  # control characters are not allowed anywhere in XML 1.0
    return el


def _text(value) -> str:
    if isinstance(value, (float, np.floating)):
        return repr(float(value)) if not float(value).is_integer() else str(int(value))
    return str(value)


def _coords(ring) -> str:
    xy = shapely.get_coordinates(ring)
    return " ".join(f"{x!r},{y!r}" for x, y in xy.tolist())


def _geometry(parent: ET.Element, geom) -> None:
    if geom is None or geom.is_empty:
        return
    if geom.geom_type == "Point":
        _sub(_sub(parent, "Point"), "coordinates", f"{geom.x!r},{geom.y!r}")
        return
    polygons = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    target = _sub(parent, "MultiGeometry") if len(polygons) > 1 else parent
    for poly in polygons:
        el = _sub(target, "Polygon")
        _sub(_sub(_sub(el, "outerBoundaryIs"), "LinearRing"), "coordinates", _coords(poly.exterior))
        for hole in poly.interiors:
            _sub(_sub(_sub(el, "innerBoundaryIs"), "LinearRing"), "coordinates", _coords(hole))


def _style_key(layer: str, row: dict, zone_order: list[str]) -> tuple[str, dict]:
    """A style id for the feature and what the style holds (points: shape and industry; zones: the zone)."""
    if layer == "footprints":
        rule = symbology.spec()["ground"]["footprints"]
        return "footprints", {"fill": rule["colour"], "line": (rule["colour"], rule["mm"])}
    if "kind" in row:
        sid, style = styles.point_key(layer, row)
        # Google Earth tints a white shape icon with the colour (viewers offline fall back to their default).
        return sid, {"icon": style.colour, "href": styles.kml_icon(style.shape), "scale": style.mm / styles.KML_UNIT_MM}
    if layer == "regions":
        zone = row.get("zone") or ""
        colour = styles.zone_colour(zone, zone_order)
        return f"zone-{zone}", {"fill": colour, "line": (colour, symbology.spec()["zones"]["outline_mm"])}
    return f"{layer}-outline", {"fill": None, "line": styles.outline(layer)}


def _style(doc: ET.Element, sid: str, spec: dict) -> None:
    el = _sub(doc, "Style", id=sid)
    if "icon" in spec:
        icon = _sub(el, "IconStyle")
        _sub(icon, "color", styles.kml_colour(spec["icon"]))
        _sub(icon, "scale", f"{spec['scale']:.2f}")
        _sub(_sub(icon, "Icon"), "href", spec["href"])
        return
    colour, width = spec["line"]
    line = _sub(el, "LineStyle")
    _sub(line, "color", styles.kml_colour(colour))
    _sub(line, "width", f"{max(1.0, width * 3):.1f}")  # mm on paper → screen pixels
    poly = _sub(el, "PolyStyle")
    _sub(poly, "color", styles.kml_colour(spec["fill"] or "#ffffff", styles.zone_alpha() if spec["fill"] else 0))
    _sub(poly, "fill", "1" if spec["fill"] else "0")


def _description(row: dict) -> str:
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(_text(v))}</td></tr>"
                    for k, v in row.items() if v is not None)
    return f"<p>{html.escape(_text(row.get('name_en') or ''))}</p><table>{cells}</table>"


def _field_type(series: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "double"
    return "string"


def kml_bytes(gdf: gpd.GeoDataFrame, layer: str, meta: Metadata) -> bytes:
    """The layer as a KML document: one Folder named `layer`, a Schema of its columns, shared styles."""
    out = to_rfc7946(gdf)
    attrs = pd.DataFrame(out.drop(columns=out.geometry.name))
    rows = attrs.astype(object).where(attrs.notna(), None).to_dict(orient="records")
    scheme = regions.schemes().get(meta.scheme)
    zone_order = [z.id for z in scheme.zones] if scheme else []

    root = ET.Element("kml", xmlns=NS)
    doc = _sub(root, "Document", id=f"gislayout-{layer}")
    _sub(doc, "name", f"{meta.title_zh} {meta.title_en}")
    _sub(doc, "description", meta.as_text())
    keyed = [_style_key(layer, row, zone_order) for row in rows]
    for sid, spec in dict(keyed).items():
        _style(doc, sid, spec)
    data = _sub(doc, "ExtendedData")
    for key, value in meta.as_strings().items():
        _sub(_sub(data, "Data", name=key), "value", value)
    schema_id = f"{layer}_fields"
    schema = _sub(doc, "Schema", name=layer, id=schema_id)
    for column in attrs.columns:
        _sub(schema, "SimpleField", name=column, type=_field_type(attrs[column]))

    folder = _sub(doc, "Folder", id=f"{layer}-features")
    _sub(folder, "name", layer)
    for row, (sid, _), geom in zip(rows, keyed, out.geometry.values):
        # The feature id is also the Placemark id, which newer GDAL reads as its `id` field.
        pm = _sub(folder, "Placemark", **({"id": _text(row["id"])} if row.get("id") is not None else {}))
        _sub(pm, "name", _text(row.get("name_zh") or row.get("id") or ""))
        _sub(pm, "description", _description(row))
        _sub(pm, "styleUrl", f"#{sid}")
        sdata = _sub(_sub(pm, "ExtendedData"), "SchemaData", schemaUrl=f"#{schema_id}")
        for key, value in row.items():
            if value is not None:
                _sub(sdata, "SimpleData", _text(value), name=key)
        _geometry(pm, geom)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
