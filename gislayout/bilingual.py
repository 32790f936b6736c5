"""The package's bilingual (zh/en) words: the two languages, how a (zh, en) pair is read, and the vocabularies.

Every label is a (Chinese, English) pair. Layer titles live in the layer catalogue (`layer_title`); the code
vocabularies of the data files (kind, level, precision, technology, status) live here, and the atlas, the
bundle, the compare table and its printout all read them through `pick`, `both` and `joined`.
"""

from __future__ import annotations

from .errors import allowed
from .layerfiles import get_spec

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
Pair = tuple[str, str]


def pick(pair: Pair, lang: str) -> str:
    """The word of `pair` in `lang` (zh or en); BadParameter for another language."""
    allowed(lang, LANGS, "lang")
    return pair[LANGS.index(lang)]


def both(pair: Pair) -> dict[str, str]:
    """`pair` as {"zh": ..., "en": ...}."""
    return dict(zip(LANGS, pair))


def joined(pair: Pair) -> str:
    """Both words on one line, Chinese first ("产业基地 Industrial bases"), as the files for GIS programs show them."""
    return " ".join(w for w in pair if w)


def layer_title(name: str) -> Pair:
    """The (zh, en) title of catalogue layer `name`."""
    spec = get_spec(name)
    return spec.title_zh, spec.title_en


#: Labels of the codes the data files use, per vocabulary.
VOCAB: dict[str, dict[str, tuple[str, str]]] = {
    "kind": {
        "base": ("产业基地", "Industrial base"),
        "high_tech_zone": ("高新技术开发区", "High-tech zone"),
        "etdz": ("经济技术开发区", "Economic and technological development zone"),
        "development_zone": ("开发区", "Development zone"),
        "circular_economy_park": ("循环经济园区", "Circular-economy park"),
        "software_park": ("软件园", "Software park"),
        "university_science_park": ("大学科技园", "University science park"),
        "industry_park": ("产业园", "Industry park"),
        "cluster_area": ("产业集聚区", "Industry cluster area"),
        "enterprise": ("骨干企业", "Anchor enterprise"),
        "institute": ("科研院所", "Research institute"),
        "university": ("高等院校", "University"),
        "research_facility": ("科研设施", "Research facility"),
        "wind_farm": ("风电场", "Wind farm"),
        "pv_plant": ("光伏电站", "PV plant"),
        "pv_base": ("光伏发电基地", "PV base"),
        "nuclear_site": ("核能项目", "Nuclear site"),
        "pumped_storage": ("抽水蓄能", "Pumped storage"),
        # ground layers (recorded in open datasets)
        "coal": ("煤电", "Coal"), "hydro": ("水电", "Hydro"), "solar": ("太阳能发电", "Solar"), "wind": ("风电", "Wind"),
        "solar_pv": ("光伏发电", "Solar PV"), "solar_cooker": ("太阳灶", "Solar cookers"),
        "biomass": ("生物质能", "Biomass"), "waste_heat": ("余热发电", "Waste-heat power"),
        "methane": ("甲烷回收利用", "Methane recovery"), "waste": ("废弃物处理", "Waste"),
        "transport": ("交通", "Transport"), "energy_efficiency": ("节能", "Energy efficiency"),
        "unknown": ("类型不明", "Type not stated"), "mine": ("矿山", "Mine"), "smelter": ("冶炼厂", "Smelter"),
        "refinery": ("精炼厂", "Refinery"), "substation": ("变电站", "Substation"),
        "ghi_annual": ("年总辐射", "Annual global irradiation"), "wind_speed_mean": ("平均风速", "Mean wind speed"),
        "wind_power_density": ("风功率密度", "Wind power density"), "project_hull": ("项目范围", "Project hull"),
        "new_area": ("国家级新区", "State-level new area"), "bonded_zone": ("综合保税区", "Comprehensive bonded zone"),
    },
    "level": {"national": ("国家级", "National"), "provincial": ("省级", "Provincial")},
    "precision": {
        "site": ("具体地点", "Site"),
        "county": ("县（区）驻地（示意）", "County seat (indicative)"),
        "prefecture": ("市（州）驻地（示意）", "Prefecture seat (indicative)"),
        "proxy": ("同址设施（代理点）", "Proxy (a co-located facility)"),
        "representative": ("代表点（跨多处场址）", "Representative point (spans many sites)"),
        "region": ("区域标注点（示意）", "Region label point (indicative)"),
        "planned": ("规划人员标注（方案）", "Placed by a planner (a proposal)"),
    },
    "location_basis": {
        "named": ("数据源按名称给出", "Named in the source"),
        "candidate": ("同地同容量，来源未点名", "Same place and capacity; the source does not name it"),
        "co_located": ("同址设施", "Co-located facility"),
        "aggregate": ("基地汇总点", "Aggregate point of a base"),
        "seat": ("行政驻地", "Administrative seat"),
        "region_label": ("区域内标注点", "Label point in the region"),
        "hull_of_registered_projects": ("注册项目的外包络", "Hull of registered projects"),
        "planner": ("规划版本中由规划人员放置", "Placed by a planner in a version of the plan"),
    },
    "technology": {
        "wind": ("风电", "Wind"), "pv": ("光伏", "Photovoltaic"), "nuclear": ("核电", "Nuclear"),
        "pumped_storage": ("抽水蓄能", "Pumped storage"),
        "low_temperature_heating_reactor": ("低温供热堆", "Low-temperature heating reactor"),
    },
    "status": {
        "planned": ("规划", "Planned"), "proposed": ("拟建", "Proposed"),
        "under_construction": ("在建", "Under construction"), "operating": ("运行", "Operating"),
    },
}


def vocabulary_label(vocabulary: str, code: str) -> Pair:
    """The (zh, en) label of `code` in `vocabulary`; the code itself (and no English) if it has none."""
    return VOCAB.get(vocabulary, {}).get(code, (code, ""))


#: How a version of the plan is named on pages and printouts (a baseline is named here, in both languages; a
#: planner's version by the name its author gave it).
VERSION_TEXT: dict[str, Pair] = {
    "baseline_name": ("{vid} 政策基准版本", "{vid} policy baseline"),
    "curated": ("政策原文整理数据", "curated policy data"),
    "version": ("版本", "Version"), "author": ("作者", "Author"), "saved": ("保存于", "Saved"),
    "draft": ("草案", "DRAFT"),
    "draft_note": ("草案（规划人员的方案），并非正式规划；以{base}为基础修改。",
                   "A draft (a planner's proposal), not the official plan; edited from {base}."),
}


def version_name(version: dict, lang: str) -> str:
    """The name of a version (a store record: id, name, baseline) in `lang`: a baseline's is worded here."""
    if version.get("baseline"):
        return pick(VERSION_TEXT["baseline_name"], lang).format(vid=version["id"])
    return str(version.get("name") or version.get("id") or "")


def version_author(version: dict, lang: str) -> str:
    """Who made a version; the loader of the curated files (`layers/`) is named in `lang`."""
    author = str(version.get("author") or "")
    return pick(VERSION_TEXT["curated"], lang) if author in ("layers/", "") and version.get("baseline") else author


def version_line(version: dict, lang: str) -> str:
    """'Version: name · Author: who · Saved: 2026-12-07 14:20 UTC' in `lang`, for printouts."""
    when = str(version.get("updated_at") or version.get("created_at") or "")
    when = when[:16].replace("T", " ") + " UTC" if when else ""
    sep = "：" if lang == "zh" else ": "
    parts = [pick(VERSION_TEXT["version"], lang) + sep + version_name(version, lang),
             pick(VERSION_TEXT["author"], lang) + sep + version_author(version, lang)]
    if when:
        parts.append(pick(VERSION_TEXT["saved"], lang) + sep + when)
    return " · ".join(parts)


#: The fields of a layout feature as the editor's form names them, for messages beside each field.
FIELD_LABELS: dict[str, Pair] = {
    "name_zh": ("中文名称", "Chinese name"), "name_en": ("英文名称", "English name"), "kind": ("类型", "Kind"),
    "level": ("级别", "Level"), "sectors": ("产业", "Sectors"), "subsectors": ("细分产业", "Sub-sectors"),
    "precision": ("位置精度", "Location precision"), "location_basis": ("定位依据", "Location basis"),
    "location_source": ("位置来源", "Location from"), "source": ("政策条款", "Policy clause"),
    "basis": ("依据（方案说明）", "Basis (what the proposal rests on)"), "location_note": ("位置说明", "Location note"),
    "technology": ("技术", "Technology"), "capacity_mw": ("装机容量（MW）", "Capacity (MW)"),
    "status": ("状态", "Status"), "target_year": ("目标年份", "Target year"), "area_ha": ("面积（公顷）", "Area (ha)"),
    "national_since": ("升级国家级时间", "National since"), "geometry": ("位置", "Position"),
    "prefecture": ("市（州）", "Prefecture"), "county": ("县（市、区）", "County"),
}
#: What is wrong with a field, by kind of failure; {field} is its label, {value} the value given.
FIELD_PROBLEMS: dict[str, Pair] = {
    "required": ("请填写{field}", "{field} is required"),
    "choice": ("{field}“{value}”不在可选值中", "{field} {value!r} is not one of the allowed values"),
    "clause": ("{field}“{value}”格式不对，应如 三(二)2；方案可留空并在“依据”中说明",
               "{field} {value!r} is not a clause like 三(二)2; a proposal may leave it empty and give its basis"),
    "codes": ("{field}“{value}”含未知的产业代码", "{field} {value!r} holds an unknown sector code"),
    "number": ("{field}“{value}”不是允许范围内的数字", "{field} {value!r} is not a number in the allowed range"),
    "basis_fit": ("定位依据与位置精度不符", "The location basis does not fit the precision"),
    "outside": ("该位置不在甘肃省内", "The position is outside Gansu"),
    "invalid": ("{field}“{value}”无效", "{field} {value!r} is not valid"),
}


def field_problem(problem: str, field: str, value: object = None) -> dict[str, str]:
    """{"zh": ..., "en": ...}: what is wrong with `field` (a FIELD_PROBLEMS key), quoting `value`."""
    text = "" if value is None else str(value)[:80]
    return {lang: FIELD_PROBLEMS[problem][i].format(field=FIELD_LABELS.get(field, (field, field))[i], value=text)
            for i, lang in enumerate(LANGS)}
