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

import pandera.pandas as pa

from .. import boundaries, dataversion, layerfiles, schema
from ..bilingual import field_problem
from ..errors import BadParameter
from . import rowcheck

#: Layers a version can edit: the policy's point layers and the ground layers a plan would change.
POLICY = ("bases", "parks", "enterprises", "projects")
EDITABLE = POLICY + ("plants", "mines", "substations")


def check_layer(layer: str) -> str:
    """`layer` if it is editable, else BadParameter listing the editable layers."""
    if layer not in EDITABLE:
        raise BadParameter(f"layer {layer!r} is not editable in a version; editable: {', '.join(EDITABLE)}",
                           zh=f"图层“{layer:.80}”在版本中不可编辑；可编辑：" + "、".join(f"“{e}”" for e in EDITABLE))
    return layer


class FieldErrors(BadParameter):
    """A feature refused field by field: `details["fields"]` maps each field at fault to {"zh", "en"} messages
    (the editor shows each beside its field); the message quotes them in English."""

    def __init__(self, layer: str, fields: dict[str, dict[str, str]]):
        super().__init__(f"invalid {layer} feature: " + "; ".join(f"{k}: {v['en']}" for k, v in fields.items()),
                         zh="要素有误：" + "；".join(v["zh"] for v in fields.values()))
        self.details = {"fields": fields}


@dataversion.cached(maxsize=2 * len(EDITABLE), parts=("layers", "boundaries"), plan_aware=False)
def layer_schema(layer: str, proposal: bool = False):
    """The pandera schema of `layer`'s file; a planner's `proposal` may leave the policy clause out."""
    prefectures = set(boundaries.load("prefecture")["name_zh"])
    if layer in POLICY:
        return schema.point_schema(layer, set(layerfiles.sectors()["code"]), prefectures, proposal=proposal)
    return schema.ground_schema(layer, prefectures)


@dataversion.cached(maxsize=len(EDITABLE), parts=("layers",), plan_aware=False)
def columns(layer: str) -> tuple[str, ...]:
    """The columns of `layers/<layer>.csv`, in the file's order (the order a version's layer is returned in)."""
    return tuple(schema.read_csv(f"{layer}.csv").columns)


def feature_columns(layer: str) -> tuple[str, ...]:
    """The fields a feature of a version may have: the file's columns, and for the policy's layers the basis a
    planner's proposal gives in place of a clause."""
    cols = columns(layer)
    return cols + (schema.PROPOSAL_BASIS,) if layer in POLICY and schema.PROPOSAL_BASIS not in cols else cols


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
        raise BadParameter(f"geometry must be a GeoJSON object, got {value!r:.80}",
                           zh=f"几何应为 GeoJSON 对象，收到“{value!s:.80}”")
    try:
        geom = shapely.geometry.shape(value)
    except Exception as exc:  # shapely raises several types for malformed GeoJSON
        raise BadParameter(f"geometry is not valid GeoJSON: {exc}", zh="几何不是有效的 GeoJSON") from None
    if geom.geom_type != "Point":
        raise BadParameter(f"geometry must be a Point for a layout feature, got {geom.geom_type}",
                           zh=f"布局要素的几何应为“Point”，收到“{geom.geom_type}”")
    if geom.is_empty or not all(math.isfinite(c) for c in geom.coords[0]):
        raise BadParameter(f"geometry has no finite coordinates: {value!r:.80}",
                           zh=f"几何没有有限的坐标：“{value!s:.80}”")
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
    err = FieldErrors("point", {"geometry": field_problem("outside", "geometry")})
    err.message = f"point ({point.x:.5f}, {point.y:.5f}) is outside Gansu"
    err.zh = f"点（{point.x:.5f}, {point.y:.5f}）在甘肃省以外"
    raise err


def _problem(column: str, check: str, value) -> dict[str, str]:
    """The planner's words for a failed schema check of `column` (pandera's check name is `check`)."""
    missing = value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""
    if "not_nullable" in check or "column_in_dataframe" in check or (missing and "str_length" in check):
        return field_problem("required", column)
    if "isin" in check:
        return field_problem("choice", column, value)
    if "str_matches" in check and column == "source":
        return field_problem("clause", column, value)
    if "sector" in check:
        return field_problem("codes", column, value)
    if "range" in check or "greater" in check or "coerce" in check or "dtype" in check:
        return field_problem("number", column, value)
    if "location_basis" in check:
        return field_problem("basis_fit", "location_basis")
    return field_problem("invalid", column, value)


def _checked_by_pandera(layer: str, row: dict, proposal: bool, fields_of: tuple[str, ...]) -> dict:
    """`row` validated by pandera itself, or FieldErrors naming each field at fault in the planner's words."""
    df = pd.DataFrame([row]).astype(object)
    try:
        checked = layer_schema(layer, proposal).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:  # the data is the request's here, not the server's
        fields: dict[str, dict[str, str]] = {}
        for case in exc.failure_cases.itertuples():
            column = case.column if isinstance(case.column, str) and case.column in row else None
            if column is None and "location_basis" in str(case.check):
                column = "location_basis"
            column = column or "properties"
            if column not in fields:
                value = row.get(column, case.failure_case)
                fields[column] = _problem(column, str(case.check), value)
        raise FieldErrors(layer, fields) from None
    return {c: plain(checked.iloc[0][c]) if c in checked.columns else None for c in fields_of if c not in ("lon", "lat")}


def validate(layer: str, props: dict, point: BaseGeometry, placed: bool = True) -> dict:
    """`props` checked and typed by `layer`'s schema, with prefecture and county from `point` when `placed` (a
    new or moved point; an edit of attributes keeps them as they are); or FieldErrors naming each field at
    fault in both languages. The result holds every column of the layer's file except lon and lat.

    A planner's proposal (precision `planned`) needs a name, a kind, and what its layer needs to draw it (a base's
    level, the sectors); its policy clause is optional, and a free `basis` says what it rests on."""
    if not isinstance(props, dict):
        raise BadParameter(f"properties must be an object, got {props!r:.80}",
                           zh=f"属性应为对象，收到“{props!s:.80}”")
    fields_of = feature_columns(layer)
    unknown = sorted(set(props) - set(fields_of) - {"layer", "lon", "lat"})
    if unknown:
        raise BadParameter(f"unknown field {unknown[0]!r} for layer {layer!r}; fields: {', '.join(fields_of)}",
                           zh=f"图层“{layer}”没有字段“{unknown[0]:.80}”；字段有：" + "、".join(f"“{f}”" for f in fields_of))
    row = {c: props.get(c) for c in fields_of} | {"lon": round(point.x, 6), "lat": round(point.y, 6)}
    proposal = layer in POLICY and row.get("precision") == "planned"
    if proposal:
        kinds = schema.KINDS[layer]
        row["kind"] = row.get("kind") or (kinds[0] if len(kinds) == 1 else None)  # a base is a base
        row["location_basis"] = row.get("location_basis") or "planner"
        row["location_source"] = row.get("location_source") or "placed by a planner"
        row = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in row.items()}
    if placed:
        row["prefecture"], row["county"] = place(point)
    fast = rowcheck.passes(layer_schema(layer, proposal), row)  # the same checks on one row; None: pandera decides
    if fast is not None:
        out = {c: plain(fast[c]) if c in fast else None for c in fields_of if c not in ("lon", "lat")}
    else:
        out = _checked_by_pandera(layer, row, proposal, fields_of)
    if not out.get(schema.PROPOSAL_BASIS):
        out.pop(schema.PROPOSAL_BASIS, None)
    return out


def frame(layer: str, rows: list[tuple[dict, BaseGeometry, int]]) -> gpd.GeoDataFrame:
    """A layer as `gislayout.layers.load` gives it (same columns and types) from (props, geometry, revision)."""
    cols = columns(layer)
    if any(p.get(schema.PROPOSAL_BASIS) for p, _, _ in rows):  # a planner's proposal says what it rests on
        cols = feature_columns(layer)
    records = [{**{c: p.get(c) for c in cols}, "lon": g.x, "lat": g.y} for p, g, _ in rows]
    # as text first, like `schema.read_csv`, then the numeric columns as the schema types them: the very types
    # the CSV path gets. Every row was validated when it was written, so the checks are not run again here.
    df = pd.DataFrame(records, columns=list(cols)).astype(object).astype("str")
    df = df.astype({c: "float64" for c in numeric_columns(layer) if c in df.columns})
    geometry = gpd.GeoSeries(gpd.array.from_shapely([g for _, g, _ in rows], crs="EPSG:4326"), index=df.index)
    gdf = gpd.GeoDataFrame(df, geometry=geometry)
    gdf["revision"] = [r for _, _, r in rows]
    return gdf
