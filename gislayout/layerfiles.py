"""The curated files of `layers/` as they are: the catalogue of layers, the vocabularies (sectors, chains,
targets) and the point layers, each read and validated against `schema` on load.

This is the bottom of the house: it knows nothing of versions or saved schemes. `layers.load` adds zone columns
and the selected version's edits; the store's baseline is loaded from `read`.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from . import boundaries, config, dataversion, ground, schema
from .errors import LayerDataError, lookup

POINT_LAYERS = ("bases", "parks", "enterprises", "projects")


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


@dataversion.cached(maxsize=2 * len(POINT_LAYERS), plan_aware=False)
def point_file(name: str) -> gpd.GeoDataFrame:
    """Policy point layer `name` (one of `POINT_LAYERS`) as its file holds it, validated (no zone columns)."""
    codes = set(sectors()["code"])
    prefectures = set(boundaries.load("prefecture")["name_zh"])
    df = schema.validate(schema.read_csv(f"{name}.csv"), schema.point_schema(name, codes, prefectures), f"{name}.csv")
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=config.WGS84)


def read(name: str) -> gpd.GeoDataFrame:
    """Point layer `name`, policy or ground, as its file holds it (the baseline a version starts from)."""
    return point_file(name) if name in POINT_LAYERS else ground.file_points(name)


def get_spec(name: str) -> LayerSpec:
    """The catalogue entry for `name`, or NotFound listing the known layers."""
    return lookup(CATALOGUE, name, "layer")
