"""A QGIS 3 project (`.qgs` XML) that opens the bundle styled like the web atlas, with relative paths only.

Point layers are categorised by first sector and level (colour by industry, shape and size by layer and level,
as in the atlas), zones by zone, boundaries are outlines, and each raster gets a pseudocolour ramp stretched
between its 2nd and 98th percentiles. Symbols use the `<prop k= v=>` form that every QGIS 3 release reads.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from pyproj import CRS

from .. import config
from . import styles

#: The oldest QGIS release this writer's format is checked against (Debian bookworm's, by
#: tests/test_qgis_project.py). QGIS reads the attribute as "written by"; claiming a newer release makes older
#: ones warn, so it names the one the test opens the project with.
QGIS_VERSION = "3.22.16-Białowieża"
#: Gansu's bounding box in degrees (with a margin): the project opens on the province.
GANSU_EXTENT = (92.0, 32.3, 109.0, 43.0)


@dataclass(frozen=True)
class Category:
    """One class of a categorised renderer: the value it matches, its legend label, colour, size and shape."""

    value: str
    label: str
    colour: str
    size: float = 3.0
    shape: str | None = None  # a QGIS SimpleMarker name; None takes the layer's


@dataclass(frozen=True)
class VectorLayer:
    """A layer of the bundle's GeoPackage and how to draw it."""

    layer: str
    title: str
    geometry: str  # "Point" or "MultiPolygon"
    group: str
    abstract: str = ""
    attribute: str | None = None  # field or expression the categories are keyed on; None draws one symbol
    categories: tuple[Category, ...] = ()
    shape: str = "circle"
    outline: tuple[str | None, float] = ("#444444", 0.5)  # colour None: each category's own colour
    fill: str | None = None
    visible: bool = True


@dataclass(frozen=True)
class RasterLayer:
    """A raster file of the bundle and its colour ramp."""

    path: str  # relative to the project, e.g. "rasters/ghi.tif"
    title: str
    vmin: float
    vmax: float
    ramp: tuple[str, ...]
    units: str = ""
    crs_wkt: str = ""
    abstract: str = ""
    extent: tuple[float, float, float, float] = GANSU_EXTENT
    visible: bool = False


@dataclass
class Project:
    """Everything the project file shows, in drawing order from the top."""

    title: str
    gpkg: str  # the GeoPackage, relative to the project, e.g. "gislayout.gpkg"
    vectors: list[VectorLayer] = field(default_factory=list)
    rasters: list[RasterLayer] = field(default_factory=list)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: str(v) for k, v in attrib.items()})
    if text is not None:
        el.text = text
    return el


def _rgba(colour: str, alpha: int = 255) -> str:
    r, g, b = styles.hex_to_rgb(colour)
    return f"{r},{g},{b},{alpha}"


def _props(layer: ET.Element, props: dict[str, object]) -> None:
    for k, v in props.items():
        _sub(layer, "prop", k=k, v=v)


def _srs(parent: ET.Element, wkt: str = "") -> None:
    crs = CRS.from_wkt(wkt) if wkt else CRS.from_user_input(config.WGS84)
    ref = _sub(_sub(parent, "srs"), "spatialrefsys", nativeFormat="Wkt")
    _sub(ref, "wkt", crs.to_wkt())
    auth = crs.to_authority()
    _sub(ref, "authid", f"{auth[0]}:{auth[1]}" if auth else "")
    if auth and auth[0] == "EPSG":
        _sub(ref, "srid", auth[1])
    _sub(ref, "description", crs.name)
    _sub(ref, "geographicflag", "true" if crs.is_geographic else "false")


def _symbol(parent: ET.Element, name: str, v: VectorLayer, colour: str | None, size: float,
            shape: str | None = None) -> None:
    if v.geometry == "Point":
        sym = _sub(parent, "symbol", type="marker", name=name, alpha=1, clip_to_extent=1, force_rhr=0)
        layer = _sub(sym, "layer", **{"class": "SimpleMarker", "enabled": 1, "locked": 0, "pass": 0})
        _props(layer, {"name": shape or v.shape, "color": _rgba(colour),
                       "outline_color": _rgba(styles.outline_colour()),
                       "outline_style": "solid", "outline_width": "0.2", "outline_width_unit": "MM",
                       "size": f"{size:g}", "size_unit": "MM", "scale_method": "diameter"})
        return
    sym = _sub(parent, "symbol", type="fill", name=name, alpha=1, clip_to_extent=1, force_rhr=0)
    layer = _sub(sym, "layer", **{"class": "SimpleFill", "enabled": 1, "locked": 0, "pass": 0})
    line, width = v.outline
    filled = colour is not None
    line = line or colour or "#444444"
    _props(layer, {"color": _rgba(colour or "#ffffff", styles.zone_alpha() if filled else 0),
                   "style": "solid" if filled else "no",
                   "outline_color": _rgba(line), "outline_style": "solid", "outline_width": f"{width:g}",
                   "outline_width_unit": "MM", "joinstyle": "bevel"})


def _renderer(parent: ET.Element, v: VectorLayer) -> None:
    if not v.categories:
        r = _sub(parent, "renderer-v2", type="singleSymbol", symbollevels=0, forceraster=0, enableorderby=0)
        _symbol(_sub(r, "symbols"), "0", v, v.fill, 3.0)
        return
    r = _sub(parent, "renderer-v2", type="categorizedSymbol", attr=v.attribute, symbollevels=0, forceraster=0,
             enableorderby=0)
    cats, syms = _sub(r, "categories"), _sub(r, "symbols")
    for i, c in enumerate(v.categories):
        _sub(cats, "category", render="true", value=c.value, symbol=i, label=c.label, type="string")
        _symbol(syms, str(i), v, c.colour, c.size, c.shape)
    _symbol(_sub(r, "source-symbol"), "0", v, styles.outline_colour(), 3.0)


def _extent(parent: ET.Element, box: tuple[float, float, float, float]) -> None:
    ext = _sub(parent, "extent")
    for tag, value in zip(("xmin", "ymin", "xmax", "ymax"), box):
        _sub(ext, tag, f"{value:.6f}")


def _metadata(parent: ET.Element, title: str, abstract: str) -> None:
    meta = _sub(parent, "resourceMetadata")
    _sub(meta, "type", "dataset")
    _sub(meta, "title", title)
    _sub(meta, "abstract", abstract)


def vector_source(gpkg: str, layer: str) -> str:
    """The OGR data source string QGIS stores for one layer of a GeoPackage beside the project."""
    return f"./{gpkg}|layername={layer}"


def _vector_layer(parent: ET.Element, v: VectorLayer, gpkg: str, layer_id: str) -> None:
    ml = _sub(parent, "maplayer", type="vector", geometry="Point" if v.geometry == "Point" else "Polygon",
              wkbType=v.geometry, hasScaleBasedVisibilityFlag=0)
    _extent(ml, GANSU_EXTENT)
    _sub(ml, "id", layer_id)
    _sub(ml, "datasource", vector_source(gpkg, v.layer))
    _sub(ml, "layername", v.title)
    _srs(ml)
    _metadata(ml, v.title, v.abstract)
    _sub(ml, "provider", "ogr", encoding="UTF-8")
    _renderer(ml, v)
    _sub(ml, "blendMode", "0")
    _sub(ml, "featureBlendMode", "0")
    _sub(ml, "layerOpacity", "1")


def _raster_layer(parent: ET.Element, r: RasterLayer, layer_id: str) -> None:
    ml = _sub(parent, "maplayer", type="raster", hasScaleBasedVisibilityFlag=0)
    _extent(ml, r.extent)
    _sub(ml, "id", layer_id)
    _sub(ml, "datasource", f"./{r.path}")
    _sub(ml, "layername", r.title)
    _srs(ml, r.crs_wkt)
    _metadata(ml, r.title, r.abstract)
    _sub(ml, "provider", "gdal")
    pipe = _sub(ml, "pipe")
    rr = _sub(pipe, "rasterrenderer", type="singlebandpseudocolor", band=1, opacity="0.75", alphaBand=-1,
              classificationMin=f"{r.vmin:g}", classificationMax=f"{r.vmax:g}")
    _sub(rr, "rasterTransparency")
    mmo = _sub(rr, "minMaxOrigin")
    for tag, text in (("limits", "None"), ("extent", "WholeRaster"), ("statAccuracy", "Estimated"),
                      ("cumulativeCutLower", "0.02"), ("cumulativeCutUpper", "0.98"), ("stdDevFactor", "2")):
        _sub(mmo, tag, text)
    shader = _sub(_sub(rr, "rastershader"), "colorrampshader", colorRampType="INTERPOLATED", classificationMode=1,
                  clip=0, minimumValue=f"{r.vmin:g}", maximumValue=f"{r.vmax:g}")
    ramp = _sub(shader, "colorramp", type="gradient", name="[source]")
    n = len(r.ramp) - 1
    stops = ":".join(f"{i / n:g};{_rgba(c)}" for i, c in enumerate(r.ramp[1:-1], start=1))
    _props(ramp, {"color1": _rgba(r.ramp[0]), "color2": _rgba(r.ramp[-1]), "discrete": "0",
                  "rampType": "gradient", "stops": stops})
    for i, colour in enumerate(r.ramp):
        value = r.vmin + (r.vmax - r.vmin) * i / n
        _sub(shader, "item", alpha=255, value=f"{value:g}", label=f"{value:.4g} {r.units}".strip(), color=colour)
    _sub(pipe, "brightnesscontrast", brightness=0, contrast=0, gamma=1)
    _sub(pipe, "huesaturation", saturation=0, grayscaleMode=0, colorizeOn=0, colorizeRed=255, colorizeGreen=128,
         colorizeBlue=128, colorizeStrength=100)
    _sub(pipe, "rasterresampler", maxOversampling=2)
    _sub(ml, "blendMode", "0")


def _tree_layer(group: ET.Element, layer_id: str, name: str, source: str, provider: str, visible: bool) -> None:
    node = _sub(group, "layer-tree-layer", id=layer_id, name=name, source=source, providerKey=provider,
                checked="Qt::Checked" if visible else "Qt::Unchecked", expanded=1)
    _sub(node, "customproperties")


def project_xml(project: Project) -> bytes:
    """The `.qgs` document for `project`, as UTF-8 bytes."""
    root = ET.Element("qgis", projectname=project.title, version=QGIS_VERSION)
    _sub(root, "homePath", path="")
    _sub(root, "title", project.title)
    crs = _sub(root, "projectCrs")
    _srs(crs)
    crs.append(crs.find("srs/spatialrefsys"))
    crs.remove(crs.find("srs"))

    tree = _sub(root, "layer-tree-group")
    _sub(tree, "customproperties")
    groups: dict[str, ET.Element] = {}
    maplayers = ET.Element("projectlayers")
    order: list[str] = []

    def group(name: str) -> ET.Element:
        if name not in groups:
            groups[name] = _sub(tree, "layer-tree-group", name=name, checked="Qt::Checked", expanded=1)
            _sub(groups[name], "customproperties")
        return groups[name]

    for v in project.vectors:
        layer_id = f"gislayout_{v.layer}"
        _tree_layer(group(v.group), layer_id, v.title, vector_source(project.gpkg, v.layer), "ogr", v.visible)
        _vector_layer(maplayers, v, project.gpkg, layer_id)
        order.append(layer_id)
    for i, r in enumerate(project.rasters):
        layer_id = f"gislayout_raster_{i}"
        _tree_layer(group("资源 Resources"), layer_id, r.title, f"./{r.path}", "gdal", r.visible)
        _raster_layer(maplayers, r, layer_id)
        order.append(layer_id)

    canvas = _sub(root, "mapcanvas", name="theMapCanvas")
    _sub(canvas, "units", "degrees")
    _extent(canvas, GANSU_EXTENT)
    dest = _sub(canvas, "destinationsrs")
    _srs(dest)
    dest.append(dest.find("srs/spatialrefsys"))
    dest.remove(dest.find("srs"))
    root.append(maplayers)
    layer_order = _sub(root, "layerorder")
    for layer_id in order:
        _sub(layer_order, "layer", id=layer_id)
    props = _sub(root, "properties")
    _sub(_sub(props, "Paths"), "Absolute", "false", type="bool")
    # QGIS ignores <projectCrs> unless on-the-fly projection is enabled in the project properties.
    srs = _sub(props, "SpatialRefSys")
    _sub(srs, "ProjectionsEnabled", "1", type="int")
    _sub(srs, "ProjectCrs", config.WGS84, type="QString")
    ET.indent(root)
    return (b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n")
