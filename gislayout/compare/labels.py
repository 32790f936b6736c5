"""Human labels (zh/en) for the comparison table's groups and metrics, built from the layer vocabularies."""

from __future__ import annotations

from .. import dataversion, layers, resources
from ..bilingual import LANGS, both, layer_title, pick  # noqa: F401  (the compare modules take LANGS from here)

GROUPS: dict[str, tuple[str, str]] = {
    "area": ("面积", "Area"),
    **{name: layer_title(name) for name in ("bases", "parks", "enterprises", "projects")},
    "targets": ("政策目标", "Policy targets"),
    "resource": ("资源统计", "Resource statistics"),
    "siting": ("选址潜力", "Siting potential"),
    "record": ("数据集记录（非装机普查）", "Recorded in these datasets"),
}

_FIXED: dict[str, tuple[str, str]] = {
    "area_km2": ("面积", "Area"),
    "bases_national": ("国家级基地", "National bases"),
    "bases_provincial": ("省级基地", "Provincial bases"),
    "parks": layer_title("parks"),
    "parks_national": ("其中国家级", "of which national"),
    "enterprises": layer_title("enterprises"),
    "enterprises_firms": ("其中企业", "of which enterprises"),
    "enterprises_research": ("其中科研院所与高校", "of which institutes and universities"),
    "projects": layer_title("projects"),
    "projects_wind_mw": ("风电项目规模", "Wind projects, capacity"),
    "projects_pv_mw": ("光伏项目规模", "PV projects, capacity"),
    "record_plants_wind_mw": ("记录的风电容量（GPPD）", "Wind capacity recorded (GPPD)"),
    "record_plants_solar_mw": ("记录的太阳能发电容量（GPPD）", "Solar capacity recorded (GPPD)"),
    "record_plants_coal_mw": ("记录的煤电容量（GPPD）", "Coal capacity recorded (GPPD)"),
    "record_plants_hydro_mw": ("记录的水电容量（GPPD）", "Hydro capacity recorded (GPPD)"),
    "record_cdm_wind_projects": ("CDM注册风电项目数", "CDM-registered wind projects"),
    "record_cdm_wind_mw": ("CDM风电项目规模（标题所载）", "CDM wind projects, MW stated in titles"),
    "record_cdm_solar_projects": ("CDM注册光伏项目数", "CDM-registered PV projects"),
    "record_cdm_solar_mw": ("CDM光伏项目规模（标题所载）", "CDM PV projects, MW stated in titles"),
    "record_mines": ("矿山（ICMM）", "Mines (ICMM)"),
    "record_smelters": ("冶炼厂与精炼厂（ICMM）", "Smelters and refineries (ICMM)"),
    "record_substations_330kv": ("330千伏及以上变电站（OSM）", "Substations ≥ 330 kV (OSM)"),
}
_STATS = {"mean": ("均值", "mean"), "p10": ("第10百分位", "10th percentile"),
          "p50": ("中位数", "median"), "p90": ("第90百分位", "90th percentile")}
_SITING = {"capacity_mw": ("可开发装机", "developable capacity"), "area_km2": ("适宜面积", "suitable area"),
           "generation_gwh": ("年发电量", "annual generation"), "zones": ("候选区数", "candidate zones"),
           "offtaker_reachable_mw": ("区内用电方可及装机之和（一个选址区可服务多个用电方，故为上限）",
                                     "reachable by the offtakers in the area, summed (a zone may serve several "
                                     "offtakers, so an upper bound)")}
_TECH = {"pv": ("光伏", "PV"), "wind": ("风电", "Wind")}


@dataversion.cached(maxsize=2)
def _sector_names() -> dict[str, tuple[str, str]]:
    df = layers.sectors()
    return {r.code: (r.name_zh, r.name_en) for r in df.itertuples()}


@dataversion.cached(maxsize=2)
def _target_names() -> dict[str, tuple[str, str]]:
    out = {}
    for r in layers.targets().itertuples():
        cmp = {">=": "≥", "<=": "≤"}.get(r.comparator, r.comparator)
        zh_value, en_value = f"{cmp}{r.value:g} {units_label(r.units, 'zh')}", f"{cmp} {r.value:g} {units_label(r.units, 'en')}"
        out[f"share_of_{r.id}"] = (f"占{r.year}年{r.indicator_zh}目标（{zh_value}）比例",
                                   f"Share of the {r.year} target: {r.indicator_en} ({en_value})")
        out[r.id] = (f"{r.year}年目标：{r.indicator_zh}（全省）", f"{r.year} target: {r.indicator_en} (province)")
    return out


def _resource_titles() -> dict[str, tuple[str, str]]:
    return {e["name"]: (e.get("title_zh", e["name"]), e.get("title_en", e["name"])) for e in resources.catalogue()}


def _pair(metric: str) -> tuple[str, str]:
    if metric in _FIXED:
        return _FIXED[metric]
    if metric.startswith("bases_sector_"):
        zh, en = _sector_names().get(metric.removeprefix("bases_sector_"), (metric, metric))
        return f"基地：{zh}", f"Bases: {en}"
    if metric.startswith(("share_of_", "target_")):
        return _target_names().get(metric, (metric, metric))
    if metric.startswith("siting_"):
        tech, _, what = metric.removeprefix("siting_").partition("_")
        if tech in _TECH and what in _SITING:
            return f"{_TECH[tech][0]}{_SITING[what][0]}", f"{_TECH[tech][1]}: {_SITING[what][1]}"
    name, _, stat = metric.rpartition("_")
    if stat in _STATS and name:
        zh, en = _resource_titles().get(name, (name, name))
        return f"{zh}（{_STATS[stat][0]}）", f"{en} ({_STATS[stat][1]})"
    return metric, metric


_UNITS = {"count": ("个", "count"), "100m_yuan": ("亿元", "100 million yuan"), "percent": ("%", "%")}


def units_label(units: str, lang: str = "zh") -> str:
    """How a table unit is written for people in `lang` (`100m_yuan` → 亿元)."""
    return pick(_UNITS.get(units, (units, units)), lang)


def label(metric: str, lang: str = "zh") -> str:
    """The label of a table metric in `lang` (zh or en); the metric code itself if it has none."""
    return pick(_pair(metric), lang)


def group_label(group: str, lang: str = "zh") -> str:
    """The label of a table group in `lang`."""
    return pick(GROUPS.get(group, (group, group)), lang)


def labels(metric: str) -> dict[str, str]:
    """Both labels of a metric: {'label_zh': ..., 'label_en': ...}."""
    return {f"label_{lang}": word for lang, word in both(_pair(metric)).items()}
