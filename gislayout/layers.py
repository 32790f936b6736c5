"""The catalogue of layers and `load(name, **filters)`, the one way to get any layer as a GeoDataFrame.

Point layers (bases, parks, enterprises, projects) come from the curated CSV files in `layers/`, validated
against `schema` on load; boundary layers come from `boundaries`, region zones from `regions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import geopandas as gpd
import pandas as pd

from . import boundaries, config, dataversion, ground, regions, schema
from .errors import BadParameter, LayerDataError, lookup

POINT_LAYERS = ("bases", "parks", "enterprises", "projects")
FILTERS = ("scheme", "zone", "prefecture", "sector", "level", "kind") + tuple(ground.RANGE_FILTERS)


@dataclass(frozen=True)
class LayerSpec:
    name: str
    title_zh: str
    title_en: str
    geometry_type: str
    source: str
    filters: tuple[str, ...]
    group: str


CATALOGUE: dict[str, LayerSpec] = {s.name: s for s in (
    LayerSpec("province", "甘肃省", "Gansu Province", "MultiPolygon", config.BOUNDARY_ATTRIBUTION, (), "boundaries"),
    LayerSpec("prefectures", "市（州）", "Prefectures", "MultiPolygon", config.BOUNDARY_ATTRIBUTION,
              ("scheme", "zone", "prefecture"), "boundaries"),
    LayerSpec("counties", "县（市、区）", "Counties", "MultiPolygon", config.BOUNDARY_ATTRIBUTION,
              ("scheme", "zone", "prefecture"), "boundaries"),
    LayerSpec("regions", "区域发展格局", "Development regions", "MultiPolygon",
              "layers/schemes/*.json (each scheme cites its own source)", ("scheme", "zone"), "boundaries"),
    LayerSpec("bases", "产业基地", "Industrial bases", "Point", "policy 三(二)2",
              ("scheme", "zone", "prefecture", "sector", "level", "kind"), "layout"),
    LayerSpec("parks", "开发区与园区", "Development zones and parks", "Point",
              "policy 三(二)3, 三(一)4, 三(一)5, 三(三)3", ("scheme", "zone", "prefecture", "sector", "level", "kind"),
              "layout"),
    LayerSpec("enterprises", "骨干企业与科研院所", "Anchor enterprises and institutes", "Point",
              "policy 三(一)1–5, 三(三)", ("scheme", "zone", "prefecture", "sector", "kind"), "layout"),
    LayerSpec("projects", "能源项目", "Energy projects", "Point", "policy 三(一)2",
              ("scheme", "zone", "prefecture", "sector", "kind"), "layout"),
    LayerSpec("plants", "电厂（GPPD）", "Power plants (GPPD)", "Point", ground.ATTRIBUTION["plants"],
              ("scheme", "zone", "prefecture", "kind", "min_mw", "max_mw"), "ground"),
    LayerSpec("cdm_projects", "CDM注册项目", "CDM-registered projects", "Point", ground.ATTRIBUTION["cdm_projects"],
              ("scheme", "zone", "prefecture", "kind", "min_mw", "max_mw"), "ground"),
    LayerSpec("mines", "矿山与冶炼厂（ICMM）", "Mines and smelters (ICMM)", "Point",
              ground.ATTRIBUTION["mines"], ("scheme", "zone", "prefecture", "kind"), "ground"),
    LayerSpec("substations", "变电站（OSM，≥110 kV）", "Substations (OSM, ≥ 110 kV)", "Point",
              ground.ATTRIBUTION["substations"], ("scheme", "zone", "prefecture", "min_kv", "max_kv"), "ground"),
    LayerSpec("published_figures", "已发表的风能与太阳能数据", "Published wind and solar figures", "Point",
              ground.ATTRIBUTION["published_figures"], ("scheme", "zone", "prefecture", "kind"), "ground"),
    LayerSpec("footprints", "基地范围", "Base footprints", "MultiPolygon", ground.ATTRIBUTION["footprints"],
              ("scheme", "zone", "prefecture"), "ground"),
    LayerSpec("zones_after_2010", "2010 年后设立的新区与开发区（非 2010 年政策）",
              "Zones set up after the 2010 policy (not in it)", "Point", ground.ATTRIBUTION["zones_after_2010"],
              ("scheme", "zone", "prefecture", "kind"), "ground"),
)}


@dataversion.cached(maxsize=4, plan_aware=False)
def sectors() -> pd.DataFrame:
    """The one vocabulary of the five industries and their sub-sectors (`layers/sectors.csv`)."""
    df = schema.read_csv("sectors.csv")
    if df["code"].duplicated().any():
        raise LayerDataError(f"sectors.csv repeats codes {sorted(df.loc[df['code'].duplicated(), 'code'])}")
    return df


@dataversion.cached(maxsize=4, plan_aware=False)
def chains() -> pd.DataFrame:
    """The ten industrial chains of 三(二)1 with their member feature ids (`layers/chains.csv`)."""
    return schema.read_csv("chains.csv")


@dataversion.cached(maxsize=4, plan_aware=False)
def targets() -> pd.DataFrame:
    """The policy's quantitative targets (`layers/targets.csv`)."""
    return schema.validate(schema.read_csv("targets.csv"), schema.targets_schema(), "targets.csv")


def _point_layer(name: str) -> gpd.GeoDataFrame:
    from .store import workspace  # the store imports this module
    return workspace.layer(name, _file_point_layer)


@dataversion.cached(maxsize=2 * len(POINT_LAYERS), plan_aware=False)
def _file_point_layer(name: str) -> gpd.GeoDataFrame:
    codes = set(sectors()["code"])
    prefectures = set(boundaries.load("prefecture")["name_zh"])
    df = schema.validate(schema.read_csv(f"{name}.csv"), schema.point_schema(name, codes, prefectures), f"{name}.csv")
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=config.WGS84)
    return regions.zone_columns(gdf)


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


def get_spec(name: str) -> LayerSpec:
    """The catalogue entry for `name`, or NotFound listing the known layers."""
    return lookup(CATALOGUE, name, "layer")


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
        gdf = ground.load(name)
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
    from .store.validation import EDITABLE  # the store imports this module
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
