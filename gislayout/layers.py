"""`load(name, **filters)`: layer X of the selected version, the one way to get any layer as a GeoDataFrame.

Point layers come from the curated files (`layerfiles`, `ground`) or, for the layers a version edits, from the
version selected (`workspace`); each gets a zone column per scheme (`regions`, saved schemes too).
Boundary layers come from `boundaries`, region zones from `regions`. The catalogue is `layerfiles`'.
"""

from __future__ import annotations

from typing import Iterable

import geopandas as gpd
import pandas as pd

from . import boundaries, config, dataversion, ground, layerfiles, regions, schema, workspace
from .errors import BadParameter, LayerDataError
from .layerfiles import CATALOGUE, POINT_LAYERS, LayerSpec, chains, get_spec, sectors, targets  # noqa: F401
from .store.validation import EDITABLE

FILTERS = ("scheme", "zone", "prefecture", "sector", "level", "kind") + tuple(ground.RANGE_FILTERS)


def _point_layer(name: str) -> gpd.GeoDataFrame:
    return workspace.layer(name, _file_point_layer)


@dataversion.cached(maxsize=2 * len(POINT_LAYERS), plan_aware=False)
def _file_point_layer(name: str) -> gpd.GeoDataFrame:
    return regions.zone_columns(layerfiles.point_file(name).copy())


def ground_layer(name: str) -> gpd.GeoDataFrame:
    """Ground layer `name` (one of `ground.LAYERS`), validated, with prefecture, county and zone columns; the
    selected version's edits for the layers a version edits."""
    return _footprints() if name == "footprints" else workspace.layer(name, _file_ground_points)


@dataversion.cached(maxsize=8, plan_aware=False)
def _file_ground_points(name: str) -> gpd.GeoDataFrame:
    return regions.zone_columns(ground.file_points(name).copy())


@dataversion.cached(maxsize=2, plan_aware=False)
def _footprints() -> gpd.GeoDataFrame:
    return regions.zone_columns(ground.footprints().copy())


@dataversion.cached(maxsize=12, plan_aware=False)
def _boundary_layer(name: str, display: bool) -> gpd.GeoDataFrame:
    level = {"province": "province", "prefectures": "prefecture", "counties": "county"}[name]
    gdf = boundaries.load(level, display=display).copy()
    gdf.insert(0, "id", gdf["adcode"])
    if name == "prefectures":
        gdf["prefecture"] = gdf["name_zh"]
    return gdf if name == "province" else regions.zone_columns(gdf)


def _split(value: str | float | Iterable[str] | None) -> list[str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    items = value.split(",") if isinstance(value, str) else list(value)
    return [v.strip() for v in items if v.strip()] or None


def _check(values: list[str], choices: Iterable[str], what: str) -> None:
    choices = sorted(set(choices))
    bad = [v for v in values if v not in choices]
    if bad:
        raise BadParameter(f"unknown {what} {bad[0]!r}; allowed: {', '.join(choices)}")


def filter_choices(name: str) -> dict[str, list[str]]:
    """The allowed values of each filter that applies to layer `name`."""
    spec = get_spec(name)
    prefectures = list(boundaries.load("prefecture")["name_zh"])
    scheme_ids = list(regions.schemes())
    out: dict[str, list[str]] = {}
    for f in spec.filters:
        if f == "scheme":
            out[f] = scheme_ids
        elif f == "zone":
            out[f] = sorted({z.id for s in regions.schemes().values() for z in s.zones})
        elif f == "prefecture":
            out[f] = prefectures
        elif f == "sector":
            out[f] = list(sectors()["code"])
        elif f == "level":
            out[f] = list(schema.LEVELS)
        elif f == "kind":
            out[f] = list(schema.KINDS[name])
    return out


def load(name: str, *, display: bool = False, **filters) -> gpd.GeoDataFrame:
    """Layer `name` as a GeoDataFrame in EPSG:4326, filtered.

    Parameters
    ----------
    name : one of `CATALOGUE`.
    display : simplified geometry for the web map (boundary layers only; points are unchanged).
    **filters : scheme, zone, prefecture, sector, level, kind. Each takes a value, a comma-separated string
        or a list; values within a filter are OR-ed, filters are AND-ed. `zone` is a zone of `scheme`
        (default the 2009 scheme). min_mw, max_mw, min_kv, max_kv take one number each (ground layers).
        A filter that does not apply to the layer, or an unknown value, raises BadParameter naming it and
        listing what is allowed.
    """
    spec = get_spec(name)
    given = {k: _split(v) for k, v in filters.items() if k in FILTERS}
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        raise BadParameter(f"unknown filter {unknown[0]!r}; allowed: {', '.join(FILTERS)}")
    given = {k: v for k, v in given.items() if v}
    not_here = [k for k in given if k not in spec.filters]
    if not_here:
        raise BadParameter(f"filter {not_here[0]!r} does not apply to layer {name!r}; "
                           f"it takes: {', '.join(spec.filters) or 'no filters'}")
    scheme_ids = given.get("scheme", [config.DEFAULT_SCHEME])
    if len(scheme_ids) > 1:
        raise BadParameter(f"scheme takes one value, got {','.join(scheme_ids)!r}")
    _check(scheme_ids, regions.schemes(), "scheme")
    scheme = regions.schemes()[scheme_ids[0]]
    if "zone" in given:
        _check(given["zone"], [z.id for z in scheme.zones], f"zone of scheme {scheme.id}")
    choices = filter_choices(name)
    for key in ("prefecture", "sector", "level", "kind"):
        if key in given:
            _check(given[key], choices[key], key)
    ranges = ground.parse_ranges(given)

    if name == "regions":
        gdf = regions.zones_gdf(scheme.id, display=display)
        return gdf[gdf["zone"].isin(given["zone"])].reset_index(drop=True) if "zone" in given else gdf
    if name in POINT_LAYERS:
        gdf = _point_layer(name)
    elif name in ground.LAYERS:
        gdf = ground_layer(name)
    else:
        gdf = _boundary_layer(name, display)
    mask = pd.Series(True, index=gdf.index)
    if "zone" in given:
        mask &= gdf[f"zone_{scheme.id}"].isin(given["zone"])
    if "prefecture" in given:
        mask &= gdf["prefecture"].isin(given["prefecture"])
    if "sector" in given:
        wanted = set(given["sector"])
        codes = gdf["sectors"].fillna("") + ";" + gdf.get("subsectors", pd.Series("", index=gdf.index)).fillna("")
        mask &= codes.map(lambda c: bool(wanted & set(c.split(";"))))
    if "level" in given:
        mask &= gdf["level"].isin(given["level"])
    if "kind" in given:
        mask &= gdf["kind"].isin(given["kind"])
    if ranges:
        mask &= ground.range_mask(gdf, ranges)
    return gdf[mask].reset_index(drop=True)


@dataversion.cached(maxsize=4, plan_aware=False)
def _file_counts() -> dict[str, int]:
    with dataversion.select_plan(None):  # the files' counts, whichever version the caller has selected
        return {name: len(load(name)) for name in CATALOGUE}


def catalogue() -> list[dict]:
    """Every layer with titles, geometry type, feature count, source and the filters it takes."""
    counts = _file_counts()
    if dataversion.plan() is not None:  # the layers a version edits are counted in that version
        counts = counts | {name: len(load(name)) for name in EDITABLE}
    return [{"name": s.name, "title_zh": s.title_zh, "title_en": s.title_en, "geometry_type": s.geometry_type,
             "count": counts[s.name], "source": s.source, "group": s.group, "filters": list(s.filters)}
            for s in CATALOGUE.values()]


def validate_all() -> dict[str, int]:
    """Validate every layer, scheme and table as they are now; return the feature count of each layer."""
    counts = {s.name: len(load(s.name)) for s in CATALOGUE.values()}
    ids = pd.concat([load(n)["id"] for n in POINT_LAYERS + ground.LAYERS])
    dupes = sorted(ids[ids.duplicated()])
    if dupes:
        raise LayerDataError(f"feature ids repeat across layers: {dupes}")
    unknown = sorted({m for members in chains()["members"].fillna("") for m in members.split(";") if m} - set(ids))
    if unknown:
        raise LayerDataError(f"chains.csv names members that are no layer feature: {unknown}")
    return counts
