"""Zones and scored sites as files: GeoJSON (RFC 7946, with a `metadata` member), GeoPackage, CSV.

Every file carries the run's parameters and notes and the boundary attribution: GeoJSON in `metadata`,
GeoPackage in a `siting_run` attribute table beside the layer, CSV in an `attribution` column.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import config, geojson, uploads

FORMATS = {"geojson": ("application/geo+json", "geojson"),
           "gpkg": ("application/geopackage+sqlite3", "gpkg"),
           "csv": ("text/csv; charset=utf-8", "csv")}


def metadata(tech: str, params: dict, notes: list[str], criteria: list[dict],
             caveat: list[str] | None = None, costs: dict | None = None,
             cost_sources: list[dict] | None = None, waterfall: dict | None = None,
             headline: dict | None = None, distance_rule: dict | None = None, currency: dict | None = None,
             tariffs: list[dict] | None = None) -> dict:
    """What produced a file: technology, parameters, criteria and cost sources, notes, caveat and attribution;
    where the area went (`waterfall`), the headline potential and the rule every distance follows."""
    out = {"generator": "gislayout siting", "tech": tech, "params": params,
           "criteria": [{k: c[k] for k in ("key", "units", "source", "resolution")} for c in criteria],
           "notes": notes, "attribution": config.BOUNDARY_ATTRIBUTION, "policy": config.POLICY_CITATION}
    if costs:
        # the cost values the LCOE used, and where each default comes from (cited or approximate)
        out["costs"] = costs
        out["cost_sources"] = cost_sources or []
    for key, value in (("waterfall", waterfall), ("headline", headline), ("distance_rule", distance_rule),
                       ("currency", currency), ("tariffs", tariffs)):
        if value:
            out[key] = value
    if caveat:
        out["basis"] = "technical upper bound"
        out["caveat"] = caveat
    return out


def to_bytes(gdf: gpd.GeoDataFrame, fmt: str, layer: str, meta: dict, geometry_type: str = "Unknown") -> bytes:
    """`gdf` (WGS84) as `fmt` bytes with `meta` attached.

    An empty `gdf` (no zone survived the thresholds) is still a valid file: an empty FeatureCollection, a
    GeoPackage layer of `geometry_type` with the columns and no rows, or a CSV of just the header.
    """
    if fmt == "geojson":
        return geojson.encode(gdf, name=layer, metadata=meta)
    if fmt == "gpkg":
        import pyogrio
        run = pd.DataFrame({"key": list(meta), "value": [json.dumps(v, ensure_ascii=False, default=geojson.plain)
                                                           if not isinstance(v, str) else v for v in meta.values()]})
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{layer}.gpkg"
            extra = {"geometry_type": geometry_type} if gdf.empty else {}
            gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio", **extra)
            pyogrio.write_dataframe(run, path, layer="siting_run", driver="GPKG", append=False)
            return path.read_bytes()
    out = pd.DataFrame(gdf.drop(columns="geometry"))
    out["attribution"] = config.BOUNDARY_ATTRIBUTION
    return uploads.neutralise_formulas(out).to_csv(index=False).encode("utf-8-sig")

