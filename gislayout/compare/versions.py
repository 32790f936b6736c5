"""Versions of the plan: any two versions in the store are compared, or a planner's file against one of them.

The store's baseline `2010` is the policy's own layout (from `layers/`); planners branch and edit other versions.
`diff_versions_of` diffs two stored versions, `diff_upload` reads a file from outside and diffs it against a
stored version (by default the baseline); each returns the difference with a summary, and `diff_csv` and
`diff_geojson` are its two exports.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from .. import config, geojson, uploads
from ..errors import BadParameter, number
from ..store import baseline, features as store_features
from .diff import STATUSES, diff_versions
from .upload import read_version

#: The baseline: the policy's layout as curated in `layers/`, loaded into the store.
BASE_VERSION = baseline.BASE_ID
#: The layers of a version of the plan that a diff compares: every layer the store lets planners edit.
VERSION_LAYERS = store_features.EDITABLE
#: The layers an uploaded file is compared with unless told otherwise: the template the page offers holds these.
UPLOAD_LAYERS = ("bases", "parks")
#: Largest move, in metres, still counted as the same place (points placed at a seat differ by rounding).
DEFAULT_TOLERANCE_M = 50.0
MAX_TOLERANCE_M = 100_000.0


def parse_layers(value: str | None, default: tuple[str, ...] = VERSION_LAYERS) -> tuple[str, ...]:
    """The version layers named in a comma-separated `value` (else `default`), or BadParameter quoting it."""
    if value is None or not value.strip():
        return default
    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    bad = [n for n in names if n not in VERSION_LAYERS]
    if bad or not names:
        raise BadParameter(f"unknown version layer {bad[0] if bad else value!r}; allowed: {', '.join(VERSION_LAYERS)}")
    return names


def parse_tolerance(value: str | float | None) -> float:
    """The move tolerance in metres from `value` (default 50), or BadParameter quoting it."""
    if value is None or value == "":
        return DEFAULT_TOLERANCE_M
    return number(value, "tolerance_m (metres)", 0, MAX_TOLERANCE_M)


def version_gdf(version_id: str, names: tuple[str, ...] = VERSION_LAYERS) -> gpd.GeoDataFrame:
    """Layers `names` of the stored version `version_id` as one GeoDataFrame, with the layer of each feature.

    An unknown version raises NotFound naming it (from the store).
    """
    baseline.ensure()  # an empty store (a fresh instance) gets its baseline on first use
    parts = [store_features.layer_gdf(version_id, n).assign(layer=n) for n in names]
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=config.WGS84)


def policy_version(names: tuple[str, ...] = UPLOAD_LAYERS, version_id: str = BASE_VERSION) -> gpd.GeoDataFrame:
    """A stored version (default the baseline 2010) of `names` as one file's worth of features: the template a
    planner edits outside the atlas and uploads again."""
    return version_gdf(version_id, names)


@dataclass
class VersionDiff:
    """The difference from version `a` to version `b` (a stored version or an uploaded file), and its inputs."""

    diff: gpd.GeoDataFrame
    a: str
    b: str | None
    filename: str | None
    layers: tuple[str, ...]
    tolerance_m: float
    counts: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """Counts by status and the inputs, as JSON-able data."""
        return {"a": self.a, "b": self.b, "base_version": self.a, "filename": self.filename,
                "layers": list(self.layers), "tolerance_m": self.tolerance_m, "features": int(len(self.diff)),
                "counts": self.counts, "attribution": config.BOUNDARY_ATTRIBUTION, "policy": config.POLICY_CITATION}

    def stem(self) -> str:
        """A file name stem for the diff's exports: `diff_<a>_<b or the uploaded file's name>`."""
        other = self.b if self.b is not None else (self.filename or "upload").rsplit(".", 1)[0]
        return "diff_" + "_".join(re.sub(r"[^\w.-]+", "-", p) for p in (self.a, other))


def _with_layer(diff: gpd.GeoDataFrame, base: gpd.GeoDataFrame, other: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """`diff` with the layer of each feature: from the base version, else (an added feature) from the other."""
    layer_of = dict(zip(base["id"], base["layer"]))
    for column in ("gpkg_layer", "layer"):
        if column in other.columns:
            layer_of = dict(zip(other["id"], other[column].astype(object))) | layer_of
    diff.insert(1, "layer", [layer_of.get(i) for i in diff["id"]])
    return diff


def _counts(diff: gpd.GeoDataFrame) -> dict:
    return {s: int((diff["status"] == s).sum()) for s in STATUSES}


def diff_versions_of(a: str, b: str, layers: tuple[str, ...] = VERSION_LAYERS,
                     tolerance_m: float = DEFAULT_TOLERANCE_M) -> VersionDiff:
    """Diff two stored versions: what `b` adds, removes, moves (by km) and changes (fields, before → after)
    relative to `a`, over `layers`. The same id twice gives every feature unchanged."""
    base, other = version_gdf(a, layers), version_gdf(b, layers)
    diff = _with_layer(diff_versions(base, other, move_tolerance_m=tolerance_m), base, other)
    return VersionDiff(diff, a, b, None, layers, tolerance_m, _counts(diff))


def diff_upload(filename: str, data: bytes, names: tuple[str, ...] = UPLOAD_LAYERS,
                tolerance_m: float = DEFAULT_TOLERANCE_M, against: str = BASE_VERSION) -> VersionDiff:
    """Read an uploaded version and diff it against layers `names` of the stored version `against`."""
    other = read_version(filename, data)
    base = version_gdf(against, names)
    diff = _with_layer(diff_versions(base, other, move_tolerance_m=tolerance_m), base, other)
    return VersionDiff(diff, against, None, filename, names, tolerance_m, _counts(diff))


def diff_geojson(result: VersionDiff) -> str:
    """The diff as RFC 7946 GeoJSON text (new location; old one for removed features)."""
    return geojson.dumps(result.diff)


def diff_csv(result: VersionDiff) -> str:
    """The diff as CSV (UTF-8 with BOM), with the point's lon/lat and, for matched features, where it was.

    The changed values are in `changes` ("field: before → after; ..."), so the before/after maps are left out.
    """
    df = pd.DataFrame(result.diff.drop(columns=["geometry", "before", "after"]))
    points = shapely.centroid(result.diff.geometry.values)
    df["lon"] = [round(p.x, 6) for p in points]
    df["lat"] = [round(p.y, 6) for p in points]
    buf = io.StringIO()
    uploads.neutralise_formulas(df).to_csv(buf, index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    return "\ufeff" + buf.getvalue()
