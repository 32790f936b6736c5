"""Versions of the plan: the policy's own layout is version `2010`; a planner's file is compared against it.

`diff_upload` reads an uploaded version, diffs it against the policy's bases and parks and returns the
difference with a summary; `diff_csv` and `diff_geojson` are its two exports.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely

from .. import config, geojson, layers, uploads
from ..errors import BadParameter, number
from .diff import STATUSES, diff_versions
from .upload import read_version

BASE_VERSION = "2010"
#: The layers a version of the plan holds (issue: "another version of bases and parks").
VERSION_LAYERS = ("bases", "parks")
#: Largest move, in metres, still counted as the same place (points placed at a seat differ by rounding).
DEFAULT_TOLERANCE_M = 50.0
MAX_TOLERANCE_M = 100_000.0


def parse_layers(value: str | None) -> tuple[str, ...]:
    """The version layers named in a comma-separated `value` (default all), or BadParameter quoting it."""
    if value is None or not value.strip():
        return VERSION_LAYERS
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


def policy_version(names: tuple[str, ...] = VERSION_LAYERS) -> gpd.GeoDataFrame:
    """Version 2010: the policy's bases and parks as one GeoDataFrame, with the layer of each feature."""
    parts = [layers.load(n).assign(layer=n) for n in names]
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=config.WGS84)


@dataclass
class VersionDiff:
    """The difference between version 2010 and an uploaded version, and what it was computed from."""

    diff: gpd.GeoDataFrame
    filename: str
    layers: tuple[str, ...]
    tolerance_m: float
    counts: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """Counts by status and the inputs, as JSON-able data."""
        return {"base_version": BASE_VERSION, "layers": list(self.layers), "filename": self.filename,
                "tolerance_m": self.tolerance_m, "features": int(len(self.diff)), "counts": self.counts,
                "attribution": config.BOUNDARY_ATTRIBUTION, "policy": config.POLICY_CITATION}


def diff_upload(filename: str, data: bytes, names: tuple[str, ...] = VERSION_LAYERS,
                tolerance_m: float = DEFAULT_TOLERANCE_M) -> VersionDiff:
    """Read an uploaded version and diff it against version 2010 of `names`."""
    other = read_version(filename, data)
    base = policy_version(names)
    diff = diff_versions(base, other, move_tolerance_m=tolerance_m)
    layer_of = dict(zip(base["id"], base["layer"]))
    for column in ("gpkg_layer", "layer"):  # an added feature takes its layer from the file
        if column in other.columns:
            layer_of = dict(zip(other["id"], other[column].astype(object))) | layer_of
    diff.insert(1, "layer", [layer_of.get(i) for i in diff["id"]])
    counts = {s: int((diff["status"] == s).sum()) for s in STATUSES}
    return VersionDiff(diff, filename, names, tolerance_m, counts)


def diff_geojson(result: VersionDiff) -> str:
    """The diff as RFC 7946 GeoJSON text (new location; old one for removed features)."""
    return geojson.dumps(result.diff)


def diff_csv(result: VersionDiff) -> str:
    """The diff as CSV (UTF-8 with BOM), with the point's lon/lat and, for matched features, where it was."""
    df = pd.DataFrame(result.diff.drop(columns="geometry"))
    points = shapely.centroid(result.diff.geometry.values)
    df["lon"] = [round(p.x, 6) for p in points]
    df["lat"] = [round(p.y, 6) for p in points]
    buf = io.StringIO()
    uploads.neutralise_formulas(df).to_csv(buf, index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    return "\ufeff" + buf.getvalue()
