"""Check a feature of a version against the same schema as the curated files in `layers/`.

A planner's feature is validated exactly like a row of `layers/<layer>.csv` (pandera, `gislayout.schema`), with
its position from the geometry; prefecture and county follow from where the point is, so they can never
disagree with the map.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .. import boundaries, dataversion, schema
from ..errors import BadParameter, LayerDataError
from . import rowcheck

#: Layers a version can edit: the policy's point layers and the ground layers a plan would change.
POLICY = ("bases", "parks", "enterprises", "projects")
EDITABLE = POLICY + ("plants", "mines", "substations")


def check_layer(layer: str) -> str:
    """`layer` if it is editable, else BadParameter listing the editable layers."""
    if layer not in EDITABLE:
        raise BadParameter(f"layer {layer!r} is not editable in a version; editable: {', '.join(EDITABLE)}")
    return layer


@dataversion.cached(maxsize=len(EDITABLE), parts=("layers", "boundaries"), plan_aware=False)
def layer_schema(layer: str):
    """The pandera schema of `layer`'s file."""
    from .. import layers
    prefectures = set(boundaries.load("prefecture")["name_zh"])
    if layer in POLICY:
        return schema.point_schema(layer, set(layers.sectors()["code"]), prefectures)
    return schema.ground_schema(layer, prefectures)


@dataversion.cached(maxsize=len(EDITABLE), parts=("layers",), plan_aware=False)
def columns(layer: str) -> tuple[str, ...]:
    """The columns of `layers/<layer>.csv`, in the file's order (the order a version's layer is returned in)."""
    return tuple(schema.read_csv(f"{layer}.csv").columns)


@dataversion.cached(maxsize=len(EDITABLE), parts=("layers",), plan_aware=False)
def numeric_columns(layer: str) -> tuple[str, ...]:
    """The columns `layer`'s schema types as numbers."""
    return tuple(name for name, col in layer_schema(layer).columns.items() if str(col.dtype).startswith("float"))


def plain(value):
    """A JSON-native value: NaN/NA → None, numpy scalars → Python numbers."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
        return None if isinstance(value, float) and math.isnan(value) else value
    return value


def geometry(value) -> BaseGeometry:
    """A point in Gansu from a GeoJSON geometry, or BadParameter saying what is wrong with it."""
    if not isinstance(value, dict):
        raise BadParameter(f"geometry must be a GeoJSON object, got {value!r:.80}")
    try:
        geom = shapely.geometry.shape(value)
    except Exception as exc:  # shapely raises several types for malformed GeoJSON
        raise BadParameter(f"geometry is not valid GeoJSON: {exc}") from None
    if geom.geom_type != "Point":
        raise BadParameter(f"geometry must be a Point for a layout feature, got {geom.geom_type}")
    if geom.is_empty or not all(math.isfinite(c) for c in geom.coords[0]):
        raise BadParameter(f"geometry has no finite coordinates: {value!r:.80}")
    return geom


@dataversion.cached(maxsize=4, parts=("boundaries",), plan_aware=False)
def _tree(level: str) -> shapely.STRtree:
    """A spatial index of the boundaries of `level`, in their order."""
    return shapely.STRtree(boundaries.load(level).geometry.values)


def place(point: BaseGeometry) -> tuple[str, str | None]:
    """The prefecture and county a point lies in, or BadParameter when it is outside Gansu."""
    for level in ("county", "prefecture"):
        gdf = boundaries.load(level)
        hits = _tree(level).query(point, predicate="intersects")  # = gdf.geometry.intersects(point), indexed
        if len(hits):
            row = gdf.iloc[int(hits.min())]
            return (row["prefecture"], row["name_zh"]) if level == "county" else (row["name_zh"], None)
    raise BadParameter(f"point ({point.x:.5f}, {point.y:.5f}) is outside Gansu")


def validate(layer: str, props: dict, point: BaseGeometry, placed: bool = True) -> dict:
    """`props` checked and typed by `layer`'s schema, with prefecture and county from `point` when `placed` (a
    new or moved point; an edit of attributes keeps them as they are); or BadParameter naming each field at
    fault. The result holds every column of the layer's file except lon and lat."""
    if not isinstance(props, dict):
        raise BadParameter(f"properties must be an object, got {props!r:.80}")
    unknown = sorted(set(props) - set(columns(layer)) - {"layer", "lon", "lat"})
    if unknown:
        raise BadParameter(f"unknown field {unknown[0]!r} for layer {layer!r}; fields: {', '.join(columns(layer))}")
    row = {c: props.get(c) for c in columns(layer)} | {"lon": round(point.x, 6), "lat": round(point.y, 6)}
    if placed:
        row["prefecture"], row["county"] = place(point)
    fast = rowcheck.passes(layer_schema(layer), row)  # the same checks on one row; None: pandera decides and says why
    if fast is not None:
        return {c: plain(fast[c]) for c in columns(layer) if c not in ("lon", "lat")}
    df = pd.DataFrame([row]).astype(object)
    try:
        checked = schema.validate(df, layer_schema(layer), f"{layer} feature")
    except LayerDataError as exc:  # the data is the request's here, not the server's
        raise BadParameter(exc.message.replace(f"{layer} feature fails its schema: ", f"invalid {layer} feature: "))
    out = {c: plain(checked.iloc[0][c]) for c in columns(layer) if c not in ("lon", "lat")}
    return out


def frame(layer: str, rows: list[tuple[dict, BaseGeometry, int]]) -> gpd.GeoDataFrame:
    """A layer as `gislayout.layers.load` gives it (same columns and types) from (props, geometry, revision)."""
    cols = columns(layer)
    records = [{**{c: p.get(c) for c in cols}, "lon": g.x, "lat": g.y} for p, g, _ in rows]
    # as text first, like `schema.read_csv`, then the numeric columns as the schema types them: the very types
    # the CSV path gets. Every row was validated when it was written, so the checks are not run again here.
    df = pd.DataFrame(records, columns=list(cols)).astype(object).astype("str")
    df = df.astype({c: "float64" for c in numeric_columns(layer) if c in df.columns})
    geometry = gpd.GeoSeries(gpd.array.from_shapely([g for _, g, _ in rows], crs="EPSG:4326"), index=df.index)
    gdf = gpd.GeoDataFrame(df, geometry=geometry)
    gdf["revision"] = [r for _, _, r in rows]
    return gdf
