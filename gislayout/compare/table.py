"""The comparison table: what each area holds of the layout, its area, resources and targets."""

from __future__ import annotations

import pandas as pd

from .. import layers, regions
from .areas import Area, parse_area


def _resource_rows(area: Area) -> list[tuple[str, str, str, float | None]]:
    """Mean and percentiles of every installed resource over the area (empty if none is installed)."""
    try:
        from .. import resources
    except ImportError:
        return []
    rows = []
    for entry in resources.catalogue():
        if not entry.get("installed"):
            continue
        stats = resources.stats_for_geometry(entry["name"], area.geometry)
        for key in ("mean", "p10", "p50", "p90"):
            rows.append(("resource", f"{entry['name']}_{key}", entry["units"], stats.get(key)))
    return rows


def summarise(area: Area) -> pd.DataFrame:
    """One area as rows of (group, metric, units, value)."""
    rows: list[tuple[str, str, str, float | None]] = [("area", "area_km2", "km²", round(area.area_km2, 1))]
    where = {"prefecture": list(area.prefectures)}
    bases = layers.load("bases", **where)
    for level in ("national", "provincial"):
        rows.append(("bases", f"bases_{level}", "count", int((bases["level"] == level).sum())))
    sectors = layers.sectors()
    for code in sectors[sectors["parent"].isna()]["code"]:
        hit = bases["sectors"].str.split(";").map(lambda s, c=code: c in s)
        rows.append(("bases", f"bases_sector_{code}", "count", int(hit.sum())))
    rows.append(("parks", "parks", "count", len(layers.load("parks", **where))))
    enterprises = layers.load("enterprises", **where)
    rows.append(("enterprises", "enterprises", "count", len(enterprises)))
    projects = layers.load("projects", **where)
    rows.append(("projects", "projects", "count", len(projects)))
    for tech in ("wind", "pv"):
        mw = projects.loc[projects["technology"] == tech, "capacity_mw"].sum()
        rows.append(("projects", f"projects_{tech}_mw", "MW", float(mw)))
    targets = layers.targets().set_index("id")
    for tech, target_id in (("wind", "target_wind_capacity_2015"), ("pv", "target_solar_capacity_2015")):
        if target_id in targets.index:
            share = 100 * projects.loc[projects["technology"] == tech, "capacity_mw"].sum() / targets.loc[target_id, "value"]
            rows.append(("targets", f"share_of_{target_id}", "%", round(float(share), 1)))
    rows += _resource_rows(area)
    return pd.DataFrame(rows, columns=["group", "metric", "units", "value"])


def compare_areas(left: str, right: str) -> pd.DataFrame:
    """Two areas side by side: group, metric, units, then one value column per area, and the difference."""
    a, b = parse_area(left), parse_area(right)
    sa, sb = summarise(a), summarise(b)
    out = sa.rename(columns={"value": a.key}).copy()
    out[b.key if b.key != a.key else f"{b.key} (2)"] = sb["value"].to_numpy()
    out["difference"] = pd.to_numeric(out.iloc[:, 4], errors="coerce") - pd.to_numeric(out.iloc[:, 3], errors="coerce")
    return out


def compare_schemes(left: str, right: str) -> dict[str, pd.DataFrame]:
    """Two schemes: for each, a table of its zones (columns) by metric (rows)."""
    out = {}
    for scheme_id in (left, right):
        scheme = regions.get(scheme_id)
        table = None
        for zone in scheme.zones:
            s = summarise(parse_area(f"zone:{scheme.id}:{zone.id}")).rename(columns={"value": zone.id})
            table = s if table is None else table.assign(**{zone.id: s[zone.id].to_numpy()})
        out[scheme_id] = table
    return out
