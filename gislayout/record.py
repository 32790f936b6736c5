"""Plan against the record: what the open-data layers record beside the policy's energy projects and targets.

Every figure here is *recorded in these datasets* (WRI GPPD as `plants`, the UNFCCC CDM registry as
`cdm_projects`), never installed capacity, and carries `ground.CAVEAT`. Two rules keep the sums honest:

* **No double counting.** Capacity by fuel comes from `plants` (GPPD) only. CDM projects are counted and summed
  separately and never added to it: many GPPD wind and solar rows are copies of CDM projects.
* **One place per CDM project.** A project may have several location points (powerhouse and dam, corners of a
  farm), a few of them in two prefectures; it counts once, in the prefecture of its first point (`cdm_<ref>_1`).
  Its MW is the capacity stated in its title; projects whose title states none are counted but add no MW.

Zones are sums over their member prefectures. Beside a policy feature the record is found by one stated rule:
the feature's footprint (the Jiuquan wind base: CDM projects with a point inside the hull), else its county,
else its prefecture; a province-wide target is set against the whole province.
"""

from __future__ import annotations

import copy
import re

import geopandas as gpd
import pandas as pd

from . import boundaries, config, dataversion, ground, layers, regions
from .errors import BadParameter, NotFound

#: Fuels shown, as (plants kind, cdm_projects kind); coal and hydro have no CDM counterpart shown.
FUELS: dict[str, tuple[str, str | None]] = {"wind": ("wind", "wind"), "solar": ("solar", "solar_pv"),
                                            "coal": ("coal", None), "hydro": ("hydro", None)}
CDM_FUELS = tuple(f for f, (_, cdm) in FUELS.items() if cdm)
#: The plan's technology (projects layer) → fuel.
TECHNOLOGY_FUEL = {"wind": "wind", "pv": "solar"}
TARGET_FUEL = {"target_wind_capacity_2015": "wind", "target_solar_capacity_2015": "solar"}
UNITS = ("prefectures", "zones")
WORDING = "recorded in these datasets"
RULES = {
    "plants": "capacity by fuel from the WRI GPPD rows (plants) only; never added to CDM figures",
    "cdm": "each CDM project once, in the prefecture of its first location point; MW as stated in its title "
           "(projects whose title states none count but add no MW)",
    "zones": "a zone is the sum of its member prefectures",
}
FEATURE_CDM_RULE = ("each CDM project once, listed when any of its location points meets the place rule; MW as "
                    "stated in its title (projects whose title states none are listed but add no MW)")


def _first_points() -> pd.DataFrame:
    """One row per CDM project: its first location point."""
    cdm = layers.ground_layer("cdm_projects")
    return cdm[cdm["id"].str.endswith("_1")]


@dataversion.cached(maxsize=2)
def by_prefecture() -> pd.DataFrame:
    """Plan and record per prefecture (index: name_zh, in boundary order): MW, counts and commissioning years."""
    names = list(boundaries.load("prefecture")["name_zh"])
    out = pd.DataFrame(index=pd.Index(names, name="prefecture"))
    projects = layers.load("projects")
    for tech, fuel in TECHNOLOGY_FUEL.items():
        rows = projects[projects["technology"] == tech]
        out[f"plan_{fuel}_mw"] = rows.groupby("prefecture")["capacity_mw"].sum()
    plants = layers.ground_layer("plants")
    cdm = _first_points()
    for fuel, (kind, cdm_kind) in FUELS.items():
        rows = plants[plants["kind"] == kind].groupby("prefecture")
        out[f"plants_{fuel}_mw"] = rows["capacity_mw"].sum()
        out[f"plants_{fuel}_count"] = rows.size()
        out[f"plants_{fuel}_year_known"] = rows["commissioning_year"].count()
        out[f"plants_{fuel}_year_min"] = rows["commissioning_year"].min()
        out[f"plants_{fuel}_year_max"] = rows["commissioning_year"].max()
        if cdm_kind:
            projects_ = cdm[cdm["kind"] == cdm_kind].groupby("prefecture")
            out[f"cdm_{fuel}_projects"] = projects_.size()
            out[f"cdm_{fuel}_projects_with_mw"] = projects_["capacity_mw"].count()
            out[f"cdm_{fuel}_mw"] = projects_["capacity_mw"].sum()
    mines = layers.ground_layer("mines")
    out["mines"] = mines[mines["kind"] == "mine"].groupby("prefecture").size()
    out["smelters_refineries"] = mines[mines["kind"].isin(["smelter", "refinery"])].groupby("prefecture").size()
    subs = layers.ground_layer("substations")
    out["substations_330kv_plus"] = subs[subs["max_voltage_kv"] >= 330].groupby("prefecture").size()
    years = [c for c in out.columns if c.endswith(("_year_min", "_year_max"))]
    out[[c for c in out.columns if c not in years]] = out[[c for c in out.columns if c not in years]].fillna(0)
    return out


def _is_mw(column: str) -> bool:
    return column.endswith("_mw") and not column.endswith("_with_mw")


def _sum_over(prefectures: list[str] | tuple[str, ...]) -> dict:
    """The columns of `by_prefecture` over several prefectures: sums, and the earliest/latest year."""
    part = by_prefecture().loc[list(prefectures)]
    out = {}
    for column in part.columns:
        values = part[column]
        if column.endswith("_year_min"):
            value = values.min()
        elif column.endswith("_year_max"):
            value = values.max()
        else:
            value = values.sum()
        out[column] = None if pd.isna(value) else (float(value) if _is_mw(column) else int(value))
    return out


def _by_year(plants: pd.DataFrame) -> dict[str, dict[str, float]]:
    """MW by commissioning year per fuel, for the plants whose year is known."""
    out = {}
    for fuel, (kind, _) in FUELS.items():
        rows = plants[(plants["kind"] == kind) & plants["commissioning_year"].notna()]
        if len(rows):
            sums = rows.groupby(rows["commissioning_year"].astype(int))["capacity_mw"].sum()
            out[fuel] = {str(year): float(mw) for year, mw in sums.items()}
    return out


@dataversion.cached(maxsize=16)
def table(unit: str = "prefectures", scheme: str | None = None) -> pd.DataFrame:
    """Plan and record per prefecture or per zone of `scheme`: one row per unit, flat columns (for CSV)."""
    if unit not in UNITS:
        raise BadParameter(f"unknown unit {unit!r}; allowed: {', '.join(UNITS)}")
    if unit == "prefectures":
        if scheme is not None:
            raise BadParameter(f"scheme {scheme!r} applies to unit=zones only")
        pref = boundaries.load("prefecture")
        units = [(zh, zh, en, (zh,)) for zh, en in zip(pref["name_zh"], pref["name_en"])]
    else:
        the_scheme = regions.get(scheme or config.DEFAULT_SCHEME)
        units = [(z.id, z.name_zh, z.name_en, z.members) for z in the_scheme.zones]
    rows = [{"id": uid, "name_zh": zh, "name_en": en, "members": ";".join(members), **_sum_over(members)}
            for uid, zh, en, members in units]
    df = pd.DataFrame(rows)
    counts = [c for c in df.columns[4:] if not _is_mw(c)]
    df[counts] = df[counts].astype("Int64")  # a year or count is an integer, blank where unknown
    return df


def report(unit: str = "prefectures", scheme: str | None = None) -> dict:
    """The JSON of `/api/record`: rows per unit with MW by commissioning year, the rules and the caveat."""
    df = table(unit, scheme)
    plants = layers.ground_layer("plants")
    counts = {c for c in df.columns[4:] if not _is_mw(c)}
    rows = []
    for row in df.to_dict(orient="records"):
        members = row["members"].split(";")
        rows.append({**{k: (None if pd.isna(v) else int(v) if k in counts else v) for k, v in row.items()},
                     "members": members, "plants_mw_by_year": _by_year(plants[plants["prefecture"].isin(members)])})
    if unit == "zones":
        scheme = regions.get(scheme or config.DEFAULT_SCHEME).id
    return {"unit": unit, "scheme": scheme, "wording": WORDING, "caveat": ground.CAVEAT, "rules": RULES,
            "fuels": list(FUELS), "rows": rows}


def area_rows(prefectures: tuple[str, ...]) -> list[tuple[str, str, float | int]]:
    """The record of an area as (metric, units, value) rows for the comparison table."""
    total = _sum_over(prefectures)
    rows: list[tuple[str, str, float | int]] = [(f"record_plants_{f}_mw", "MW", total[f"plants_{f}_mw"])
                                                for f in FUELS]
    for fuel in CDM_FUELS:
        rows.append((f"record_cdm_{fuel}_projects", "count", total[f"cdm_{fuel}_projects"]))
        rows.append((f"record_cdm_{fuel}_mw", "MW", total[f"cdm_{fuel}_mw"]))
    rows += [("record_mines", "count", total["mines"]), ("record_smelters", "count", total["smelters_refineries"]),
             ("record_substations_330kv", "count", total["substations_330kv_plus"])]
    return rows


# --- beside one policy feature -------------------------------------------------------------------------------

_CITED = {"plants": re.compile(r"(?:GPPD row|China\.csv row) (\d+)"), "cdm_projects": re.compile(r"\bref (\d+)")}


def _fuel_of(layer: str, row: pd.Series) -> str | None:
    if layer == "projects":
        return TECHNOLOGY_FUEL.get(row["technology"])
    if layer == "bases":  # a generation base lists exactly one of these; manufacturing bases list more
        return row["subsectors"] if row["subsectors"] in ("wind", "solar") else None
    return TARGET_FUEL.get(row.name)


def _find(feature_id: str) -> tuple[str, pd.Series]:
    for layer in ("projects", "bases"):
        gdf = layers.load(layer).set_index("id")
        if feature_id in gdf.index:
            return layer, gdf.loc[feature_id]
    targets = layers.targets().set_index("id")
    if feature_id in targets.index:
        return "targets", targets.loc[feature_id]
    raise NotFound(f"no policy project, base or target {feature_id!r}; the record is shown for the features of "
                   "the projects and bases layers and for the targets (e.g. base_jiuquan_wind)")


def _place(layer: str, feature_id: str, row: pd.Series) -> tuple[dict, pd.Series, pd.Series]:
    """The rule that finds the record beside a feature, and masks of the plants and CDM points it selects."""
    plants, cdm = layers.ground_layer("plants"), layers.ground_layer("cdm_projects")
    footprints = layers.ground_layer("footprints")
    hull = footprints[footprints["feature_id"] == feature_id]
    if len(hull):
        shape = hull.geometry.iloc[0]
        rule = {"rule": "footprint", "footprint": hull["id"].iloc[0], "counties": hull["counties"].iloc[0],
                "text": f"a point inside the footprint {hull['id'].iloc[0]} (the hull of the base's registered "
                        "projects; boundary included)"}
        return rule, plants.geometry.covered_by(shape), cdm.geometry.covered_by(shape)
    if layer == "targets":
        rule = {"rule": "province", "text": "the whole province (the target is province-wide)"}
        return rule, pd.Series(True, index=plants.index), pd.Series(True, index=cdm.index)
    county = row.get("county")
    if isinstance(county, str) and county:
        rule = {"rule": "county", "county": county, "text": f"in the feature's county {county}"}
        return rule, plants["county"] == county, cdm["county"] == county
    where = row["prefecture"]
    rule = {"rule": "prefecture", "prefecture": where, "text": f"in the feature's prefecture {where}"}
    return rule, plants["prefecture"] == where, cdm["prefecture"] == where


def _plant_items(rows: gpd.GeoDataFrame) -> dict:
    items = [{"id": r.id, "name_en": r.name_en, "capacity_mw": float(r.capacity_mw), "county": r.county,
              "commissioning_year": None if pd.isna(r.commissioning_year) else int(r.commissioning_year),
              "row_source": r.row_source} for r in rows.sort_values("capacity_mw", ascending=False).itertuples()]
    years = rows["commissioning_year"].dropna()
    return {"count": len(rows), "mw": float(rows["capacity_mw"].sum()), "year_known": len(years),
            "year_min": int(years.min()) if len(years) else None, "year_max": int(years.max()) if len(years) else None,
            "mw_by_year": _by_year(rows), "items": items}


def _cdm_items(points: gpd.GeoDataFrame) -> dict:
    """CDM points grouped into projects (each once, MW as stated in its title)."""
    items = []
    for ref, group in points.groupby("cdm_ref", sort=True):
        first = group.iloc[0]
        mw = first["capacity_mw"]
        items.append({"cdm_ref": int(ref), "title": first["name_en"], "capacity_mw": None if pd.isna(mw) else float(mw),
                      "counties": sorted(set(group["county"].dropna())), "points": len(group),
                      "registry_url": first["registry_url"]})
    stated = [i["capacity_mw"] for i in items if i["capacity_mw"] is not None]
    return {"projects": len(items), "projects_with_mw": len(stated), "mw": float(sum(stated)), "items": items}


def feature(feature_id: str) -> dict:
    """What the datasets record beside one policy project, base or target: the rule used, the GPPD plants and
    the CDM projects of the feature's fuel (never summed together), and the rows its location cites."""
    return copy.deepcopy(_feature(feature_id))  # a copy: callers may change it, the cache must not change


@dataversion.cached(maxsize=128)
def _feature(feature_id: str) -> dict:
    layer, row = _find(feature_id)
    fuel = _fuel_of(layer, row)
    out = {"id": feature_id, "layer": layer, "fuel": fuel, "wording": WORDING, "caveat": ground.CAVEAT,
           "rules": {"plants": RULES["plants"], "cdm": FEATURE_CDM_RULE}}
    if layer == "targets":
        out |= {"name_zh": row["indicator_zh"], "plan": {"value": float(row["value"]), "units": row["units"],
                                                         "comparator": row["comparator"], "year": int(row["year"])}}
    else:
        out |= {"name_zh": row["name_zh"], "name_en": row["name_en"], "prefecture": row["prefecture"],
                "county": row["county"] if isinstance(row["county"], str) else None,
                "plan": {"capacity_mw": None if pd.isna(row.get("capacity_mw")) else float(row["capacity_mw"]),
                         "target_year": None if pd.isna(row.get("target_year")) else int(row["target_year"])}}
    cited = {name: sorted(set(rx.findall(str(row.get("location_source", ""))))) for name, rx in _CITED.items()}
    out["cited"] = {"gppd_ids": [int(x) for x in cited["plants"]], "cdm_refs": [int(x) for x in cited["cdm_projects"]]}
    if fuel is None:
        out |= {"place": None, "plants": None, "cdm": None,
                "note": "no fuel of the record (wind, solar) matches this feature"}
        return out
    place, in_plants, in_cdm = _place(layer, feature_id, row)
    plants, cdm = layers.ground_layer("plants"), layers.ground_layer("cdm_projects")
    kind, cdm_kind = FUELS[fuel]
    out["place"] = place
    out["plants"] = _plant_items(plants[in_plants & (plants["kind"] == kind)])
    out["cdm"] = _cdm_items(cdm[in_cdm & (cdm["kind"] == cdm_kind)])
    return out
