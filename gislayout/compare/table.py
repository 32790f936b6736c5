"""The comparison table: what each area holds of the layout, its area, resources and targets."""

from __future__ import annotations

import pandas as pd

from .. import boundaries, dataversion, ground, layers, record, regions, resources
from ..errors import ResourceUnavailable
from . import siting
from .areas import Area, parse_area

#: Targets shown as the area's share of them rather than as a value.
SHARE_TARGETS = ("target_wind_capacity_2015", "target_solar_capacity_2015")
#: The note under the record rows: how they are counted and the datasets' coverage caveat.
RECORD_NOTE = ("recorded in these datasets: plants MW by fuel from WRI GPPD only; CDM wind/PV projects counted "
               "apart (each once, at its first location point; MW as stated in its title), never added to GPPD; "
               "mines, smelters/refineries (ICMM) and substations ≥ 330 kV (OpenStreetMap, a lower bound). "
               + ground.CAVEAT)
RECORD_NOTE_ZH = ("这些数据集所记录的数字，并非实际建成规模的普查：电厂容量按燃料仅取自WRI GPPD；CDM风电/光伏项目另行计数"
                  "（每个项目只计一次，按其第一个位置点；MW为项目标题所载），不与GPPD相加；矿山、冶炼厂/精炼厂（ICMM）与"
                  "330千伏及以上变电站（OpenStreetMap，下限）。GPPD中国表约2015年后的风电、光伏不全，并将酒泉风电基地合为"
                  "一个6000 MW点；CDM登记册仅涵盖约2005–2013年注册的项目。")


def _resource_rows(area: Area) -> tuple[list[tuple[str, str, str, float | None]], list[str]]:
    """Mean and percentiles of every installed resource over the area, and a note when there are none."""
    entries = [e for e in resources.catalogue() if e["installed"]]
    if not entries:
        return [], ["resource statistics: not computed (no resource raster is installed; the offline solar "
                    f"estimate installs with `{resources.CLI} build-default`)"]
    rows = []
    for entry in entries:
        try:
            stats = resources.stats_for_geometry(entry["name"], area.geometry)
        except ResourceUnavailable:  # uninstalled by another process since the catalogue was read
            continue
        for key in ("mean", "p10", "p50", "p90"):
            value = stats.get(key)
            rows.append(("resource", f"{entry['name']}_{key}", entry["units"],
                         None if value is None else round(float(value), 2)))
    return rows, []


def summarise(area: Area) -> pd.DataFrame:
    """One area as rows of (group, metric, units, value); `attrs['notes']` says what could not be computed."""
    rows: list[tuple[str, str, str, float | None]] = [("area", "area_km2", "km²", round(area.area_km2, 1))]
    where = {"prefecture": list(area.prefectures)}
    bases = layers.load("bases", **where)
    for level in ("national", "provincial"):
        rows.append(("bases", f"bases_{level}", "count", int((bases["level"] == level).sum())))
    sectors = layers.sectors()
    for code in sectors[sectors["parent"].isna()]["code"]:
        hit = bases["sectors"].str.split(";").map(lambda s, c=code: c in s)
        rows.append(("bases", f"bases_sector_{code}", "count", int(hit.sum())))
    parks = layers.load("parks", **where)
    rows.append(("parks", "parks", "count", len(parks)))
    rows.append(("parks", "parks_national", "count", int((parks["level"] == "national").sum())))
    enterprises = layers.load("enterprises", **where)
    rows.append(("enterprises", "enterprises", "count", len(enterprises)))
    rows.append(("enterprises", "enterprises_firms", "count", int((enterprises["kind"] == "enterprise").sum())))
    rows.append(("enterprises", "enterprises_research", "count", int((enterprises["kind"] != "enterprise").sum())))
    projects = layers.load("projects", **where)
    rows.append(("projects", "projects", "count", len(projects)))
    for tech in ("wind", "pv"):
        mw = projects.loc[projects["technology"] == tech, "capacity_mw"].sum()
        rows.append(("projects", f"projects_{tech}_mw", "MW", float(mw)))
    targets = layers.targets().set_index("id")
    for tech, target_id in zip(("wind", "pv"), SHARE_TARGETS):
        if target_id in targets.index:
            share = 100 * projects.loc[projects["technology"] == tech, "capacity_mw"].sum() / targets.loc[target_id, "value"]
            rows.append(("targets", f"share_of_{target_id}", "%", round(float(share), 1)))
    # Province-wide targets (value added, GDP share) apply to the whole province only; elsewhere they are blank.
    whole = set(area.prefectures) == set(boundaries.load("prefecture")["name_zh"])
    for target in targets[targets["scope"] == "province"].itertuples():
        if target.Index not in SHARE_TARGETS:
            rows.append(("targets", target.Index, target.units, float(target.value) if whole else None))
    # What the open datasets record (issue 11 §3): GPPD MW by fuel and CDM projects apart, never added together.
    rows += [("record", metric, units, value) for metric, units, value in record.area_rows(area.prefectures)]
    resource_rows, notes = _resource_rows(area)
    siting_rows, siting_notes = siting.potential(area)
    out = pd.DataFrame(rows + resource_rows + siting_rows, columns=["group", "metric", "units", "value"])
    out.attrs["notes"] = [RECORD_NOTE] + notes + siting_notes
    return out


def _side_by_side(frames: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """Summaries joined on (group, metric, units), one value column per key, in first-seen row order."""
    index = ["group", "metric", "units"]
    columns = [f.set_index(index)["value"].rename(key) for f, key in zip(frames, keys)]
    order = list(dict.fromkeys(row for f in frames for row in f[index].itertuples(index=False, name=None)))
    out = pd.concat(columns, axis=1).reindex(pd.MultiIndex.from_tuples(order, names=index)).reset_index()
    out.attrs["notes"] = list(dict.fromkeys(n for f in frames for n in f.attrs.get("notes", [])))
    return out


#: The versions of the plan the two sides read their layers from: (left, right); None for the one selected.
Plans = tuple[dataversion.Plan | None, dataversion.Plan | None]


def _summary_under(plan: dataversion.Plan | None, area: Area) -> pd.DataFrame:
    """`summarise(area)` with the layers of version `plan` (the selection in force when None)."""
    if plan is None:
        return summarise(area)
    with dataversion.select_plan(plan):
        return summarise(area)


def compare_areas(left: str, right: str, plans: Plans = (None, None)) -> pd.DataFrame:
    """Two areas side by side: group, metric, units, then one value column per area, and the difference.
    `plans` are the versions each side is counted in (left under A, right under B on /compare?a=&b=)."""
    a, b = parse_area(left), parse_area(right)
    right_key = b.key if b.key != a.key else f"{b.key} (2)"
    out = _side_by_side([_summary_under(plans[0], a), _summary_under(plans[1], b)], [a.key, right_key])
    out["difference"] = pd.to_numeric(out[right_key], errors="coerce") - pd.to_numeric(out[a.key], errors="coerce")
    return out


def compare_schemes(left: str, right: str, plans: Plans = (None, None)) -> dict[str, pd.DataFrame]:
    """Two schemes: for each, a table of its zones (columns) by metric (rows), counted in its side's version."""
    out = {}
    for scheme_id, plan in zip((left, right), plans):
        scheme = regions.get(scheme_id)
        frames = [_summary_under(plan, parse_area(f"zone:{scheme.id}:{zone.id}")) for zone in scheme.zones]
        out[scheme_id] = _side_by_side(frames, [zone.id for zone in scheme.zones])
    return out
