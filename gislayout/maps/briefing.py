"""A briefing per prefecture and per zone of any region scheme (planners' saved schemes too): what the siting
model finds after its exclusions, at what cost and how far from the grid, who would use the power, what the
policy asked for by 2015 and what the datasets record as built.

One row per area (`rows`), as a table for the page and the CSV; `area` gives one area's row with the features
its printed page draws (`briefingpdf`). Figures come from the default siting runs (every zone measured by the
distance rule of `service.DISTANCE_RULE`), the plan's layers of the version shown (bases, parks, enterprises,
mines, plants, CDM projects, projects) and layers/targets.csv.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import boundaries, dataversion, layers, regions
from ..analysis import costs as costs_mod, service, supply
from ..errors import NotFound, ResourceUnavailable

TECHS = ("pv", "wind")
_lock = threading.Lock()


@dataclass(frozen=True)
class Area:
    """A prefecture, or a zone of a scheme: id, names and member prefectures (name_zh)."""

    kind: str  # "prefecture" or "zone"
    id: str
    name_zh: str
    name_en: str
    members: tuple[str, ...]
    scheme: str | None = None


def areas(scheme: str | None = None) -> list[Area]:
    """The 14 prefectures, then the zones of `scheme` (every scheme when None)."""
    pref = boundaries.load("prefecture")
    out = [Area("prefecture", n, n, e, (n,)) for n, e in zip(pref["name_zh"], pref["name_en"])]
    schemes = regions.schemes()
    for sid in ([scheme] if scheme else list(schemes)):
        s = schemes.get(sid) or regions.get(sid)
        out += [Area("zone", f"{s.id}:{z.id}", z.name_zh, z.name_en, tuple(z.members), s.id) for z in s.zones]
    return out


def find(area_id: str, scheme: str | None = None) -> Area:
    """The area `area_id` (a prefecture's name_zh, or 'scheme:zone'), or NotFound listing some known."""
    known = areas(area_id.split(":", 1)[0] if ":" in area_id else scheme)
    for a in known:
        if area_id in (a.id, a.name_en):
            return a
    raise NotFound(f"no briefing area {area_id!r}; known: {', '.join(a.id for a in known[:20])}, …")


def run(tech: str) -> service.Run | None:
    """The default run of `tech` with every zone described (None when no resource for it is installed)."""
    with _lock:
        try:
            return _run(tech)
        except ResourceUnavailable:
            return None


@dataversion.cached(maxsize=2)
def _run(tech: str) -> service.Run:
    stack = service.stack(tech)
    return service.run(stack, service.parse(stack, {}), polygons=True, top=10**6)


def _zones_in(result: service.Run, members: tuple[str, ...]) -> np.ndarray:
    """Rows of the run's table whose zone lies (by majority of cells) in one of `members`."""
    return np.flatnonzero(result.top["prefecture"].isin(members).to_numpy())


def _tech_figures(tech: str, result: service.Run | None, members: tuple[str, ...]) -> dict:
    if result is None:
        return {f"{tech}_available": False}
    pref = result.by_prefecture
    cap = float(pref.loc[pref["prefecture"].isin(members), "capacity_mw"].sum())
    rows = _zones_in(result, members)
    t = result.top.iloc[rows]
    lcoe = t["lcoe_usd_mwh"].to_numpy(float) if "lcoe_usd_mwh" in t else np.array([])
    lcoe = lcoe[np.isfinite(lcoe)]
    km = t["grid_km"].to_numpy(float) if "grid_km" in t else np.array([])
    km = km[np.isfinite(km)]
    preset = result.costs.preset if result.costs else costs_mod.DEFAULT_PRESET
    to_cny = (lambda v: round(float(costs_mod.to_cny_per_kwh(v, preset)), 3))
    return {f"{tech}_available": True,
            f"{tech}_zones": int(len(rows)),
            f"{tech}_gw": round(cap / 1000.0, 1),
            f"{tech}_lcoe_usd_mwh_min": round(float(lcoe.min()), 1) if lcoe.size else None,
            f"{tech}_lcoe_usd_mwh_max": round(float(lcoe.max()), 1) if lcoe.size else None,
            f"{tech}_lcoe_cny_kwh_min": to_cny(lcoe.min()) if lcoe.size else None,
            f"{tech}_lcoe_cny_kwh_max": to_cny(lcoe.max()) if lcoe.size else None,
            f"{tech}_grid_km_min": round(float(km.min()), 1) if km.size else None,
            f"{tech}_grid_km_median": round(float(np.median(km)), 1) if km.size else None}


def _offtakers(members: tuple[str, ...], results: dict) -> dict:
    """Offtakers in the area by sector: how many, and how many have some potential within reach (either tech)."""
    offt = next((r.stack.offtakers for r in results.values() if r is not None), None)
    if offt is None or not len(offt):
        return {"offtakers": 0, "offtakers_by_sector": ""}
    reach = pd.Series(0.0, index=offt["id"])
    for r in results.values():
        if r is not None and r.economics is not None:
            for o in supply.inverse(r.stack, r.zones, r.economics, r.params):
                reach[o["id"]] = reach.get(o["id"], 0.0) + float(o.get("reachable_mw") or 0.0)
    pref = _prefecture_of(offt)
    inside = offt[pref.isin(members).to_numpy()]
    names = {c: (z, e) for c, z, e in zip(*(layers.sectors()[k] for k in ("code", "name_zh", "name_en")))}
    counts: dict[str, list[int]] = {}
    for sectors, ident in zip(inside["sectors"], inside["id"]):
        code = str(sectors).split(";")[0]
        code = "smelting" if code.startswith("smelting") else code
        c = counts.setdefault(code, [0, 0])
        c[0] += 1
        c[1] += int(reach.get(ident, 0.0) > 0)
    text = "; ".join(f"{code} {n} ({r} within reach)" for code, (n, r) in sorted(counts.items()))
    zh = "；".join(f"{names.get(code, (code,))[0] if code != 'smelting' else '冶炼'} {n} 家（{r} 家可及）"
                  for code, (n, r) in sorted(counts.items()))
    return {"offtakers": int(len(inside)), "offtakers_within_reach": int((reach[inside["id"]] > 0).sum()),
            "offtakers_by_sector": text, "offtakers_by_sector_zh": zh}


def _prefecture_of(frame: pd.DataFrame) -> pd.Series:
    """Prefecture (name_zh) of each point of `frame` (lon, lat) by the prefecture polygons."""
    pts = gpd.GeoDataFrame(frame[["id"]].copy(), geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
                           crs="EPSG:4326")
    pref = boundaries.load("prefecture")[["name_zh", "geometry"]].to_crs("EPSG:4326")
    joined = gpd.sjoin(pts, pref, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["name_zh"].reindex(frame.index)


def _built(members: tuple[str, ...]) -> dict:
    """What the datasets record in the area: GPPD plants (solar, wind) and CDM projects (MW)."""
    plants = layers.load("plants")
    p = plants[plants["prefecture"].isin(members)]
    mw = pd.to_numeric(p["capacity_mw"], errors="coerce")
    out = {f"built_{k}_mw": round(float(mw[p["kind"] == k].sum()), 1) for k in ("solar", "wind")}
    out.update({f"built_{k}_plants": int((p["kind"] == k).sum()) for k in ("solar", "wind")})
    cdm = layers.load("cdm_projects")
    c = cdm[cdm["prefecture"].isin(members)]
    kind = c["kind"].astype(str) if "kind" in c else pd.Series([], dtype=str)
    cmw = pd.to_numeric(c.get("capacity_mw"), errors="coerce") if "capacity_mw" in c else pd.Series(dtype=float)
    out["cdm_wind_mw"] = round(float(cmw[kind.str.contains("wind").to_numpy()].sum()), 1) if len(c) else 0.0
    out["cdm_solar_mw"] = round(float(cmw[kind.str.contains("solar_pv").to_numpy()].sum()), 1) if len(c) else 0.0
    proj = layers.load("projects")
    q = proj[proj["prefecture"].isin(members)]
    qmw = pd.to_numeric(q["capacity_mw"], errors="coerce")
    out["policy_projects_wind_mw"] = round(float(qmw[q["technology"] == "wind"].sum()), 1)
    out["policy_projects_pv_mw"] = round(float(qmw[q["technology"].isin(["pv", "solar", "solar_pv"])].sum()), 1)
    return out


#: CSV/page columns with their titles (zh, en), in order.
#: The kinds of area a briefing row is, in Chinese and English.
KINDS = {"prefecture": ("市（州）", "Prefecture"), "zone": ("区域", "Zone")}
COLUMNS = {
    "kind": ("类型", "Kind"), "id": ("编号", "Id"), "name_zh": ("名称", "Name (zh)"), "name_en": ("英文名", "Name"),
    "members": ("所辖市州", "Prefectures"),
    "pv_gw": ("光伏潜力 GW", "PV potential GW"), "pv_zones": ("光伏候选区", "PV zones"),
    "pv_lcoe_cny_kwh_min": ("光伏度电成本下限 元/千瓦时", "PV LCOE min CNY/kWh"),
    "pv_lcoe_cny_kwh_max": ("光伏度电成本上限 元/千瓦时", "PV LCOE max CNY/kWh"),
    "pv_lcoe_usd_mwh_min": ("光伏 LCOE 下限 美元/MWh", "PV LCOE min USD/MWh"),
    "pv_lcoe_usd_mwh_max": ("光伏 LCOE 上限 美元/MWh", "PV LCOE max USD/MWh"),
    "pv_grid_km_min": ("光伏距≥330kV 最近 km", "PV to ≥330 kV min km"),
    "pv_grid_km_median": ("光伏距≥330kV 中位 km", "PV to ≥330 kV median km"),
    "wind_gw": ("风电潜力 GW", "Wind potential GW"), "wind_zones": ("风电候选区", "Wind zones"),
    "wind_lcoe_cny_kwh_min": ("风电度电成本下限 元/千瓦时", "Wind LCOE min CNY/kWh"),
    "wind_lcoe_cny_kwh_max": ("风电度电成本上限 元/千瓦时", "Wind LCOE max CNY/kWh"),
    "wind_lcoe_usd_mwh_min": ("风电 LCOE 下限 美元/MWh", "Wind LCOE min USD/MWh"),
    "wind_lcoe_usd_mwh_max": ("风电 LCOE 上限 美元/MWh", "Wind LCOE max USD/MWh"),
    "wind_grid_km_min": ("风电距≥330kV 最近 km", "Wind to ≥330 kV min km"),
    "wind_grid_km_median": ("风电距≥330kV 中位 km", "Wind to ≥330 kV median km"),
    "offtakers": ("用电大户", "Offtakers"), "offtakers_within_reach": ("可及用电大户", "Offtakers within reach"),
    "offtakers_by_sector": ("按行业", "By sector"),
    "target_pv_2015_mw": ("2015 年光伏目标（全省）MW", "2015 PV target (province) MW"),
    "target_wind_2015_mw": ("2015 年风电目标（全省）MW", "2015 wind target (province) MW"),
    "policy_projects_wind_mw": ("政策项目 风电 MW", "Policy projects wind MW"),
    "policy_projects_pv_mw": ("政策项目 光伏 MW", "Policy projects PV MW"),
    "built_solar_mw": ("已建光伏（GPPD）MW", "Built solar (GPPD) MW"),
    "built_wind_mw": ("已建风电（GPPD）MW", "Built wind (GPPD) MW"),
    "cdm_solar_mw": ("CDM 光伏项目 MW", "CDM solar projects MW"),
    "cdm_wind_mw": ("CDM 风电项目 MW", "CDM wind projects MW"),
}


def area_row(area: Area) -> dict:
    """The briefing figures of one area."""
    results = {tech: run(tech) for tech in TECHS}
    row = {"kind": area.kind, "id": area.id, "name_zh": area.name_zh, "name_en": area.name_en,
           "members": ";".join(area.members), "scheme": area.scheme}
    for tech in TECHS:
        row.update(_tech_figures(tech, results[tech], area.members))
    row.update(_offtakers(area.members, results))
    row["target_pv_2015_mw"] = service.target_mw("pv")
    row["target_wind_2015_mw"] = service.target_mw("wind")
    row.update(_built(area.members))
    return row


def rows(scheme: str | None = None) -> list[dict]:
    """One row per prefecture and per zone of `scheme` (every scheme when None)."""
    return [area_row(a) for a in areas(scheme)]


def frame(scheme: str | None = None) -> pd.DataFrame:
    """`rows` as a table with the columns of `COLUMNS` first."""
    df = pd.DataFrame(rows(scheme))
    first = [c for c in COLUMNS if c in df]
    return df[first + [c for c in df.columns if c not in first]]


def sources(lang: str = "en") -> list[str]:
    """Where the briefing's figures come from (for the page, the CSV's notes and the PDF), in `lang`."""
    zh = lang == "zh"
    out = ["选址模型（gislayout）：默认参数；潜力＝按面积去向逐项排除后的技术可开发潜力（土地覆被：MODIS MCD12C1 2019，"
           "NASA LP DAAC doi:10.5067/MODIS/MCD12C1.006；Natural Earth 冰川；OSM 机场跑道；城镇和园区缓冲区）。距离："
           + service.DISTANCE_RULE["zh"] if zh else
           "Siting model (gislayout): default parameters; potential = technical potential after the exclusions "
           "of the waterfall (land cover MODIS MCD12C1 2019, NASA LP DAAC doi:10.5067/MODIS/MCD12C1.006; Natural "
           "Earth glaciers; OSM runways; town and park buffers). Distances: " + service.DISTANCE_RULE["en"]]
    for tech, tech_zh, r in (("PV", "光伏", run("pv")), ("wind", "风电", run("wind"))):
        if r is None:
            out.append(f"{tech_zh}：未安装资源，无数据" if zh else f"{tech}: no resource installed; no figures")
            continue
        source = r.stack.layers["resource"].source
        out.append(f"{tech_zh}资源：{source}" if zh else f"{tech} resource: {source}")
        if r.costs is not None:
            c = costs_mod.currency(r.costs.preset)
            status = {"cited": "有出处", "approximate": "近似值"}.get(c["status"], c["status"]) if zh else c["status"]
            # the rate's source by its address on a Chinese page (its title is a quotation in English)
            preset_zh = {"latest": "最新"}.get(r.costs.preset, r.costs.preset)
            out.append(f"{tech_zh}成本：预设 {preset_zh}；汇率 {c['cny_per_usd']} 元/美元（来源：{c['url']}，{status}）"
                       if zh else
                       f"{tech} costs: preset {r.costs.preset}; CNY at {c['cny_per_usd']} per USD "
                       f"({c['title']}, {c['url']}, {status})")
    out += (["目标：政策 三(一)2（layers/targets.csv）：2015 年风电 ≥ 17,000 MW、光伏 ≥ 1,000 MW（全省；政策未分解到各市州）。",
             "已建：WRI 全球电厂数据库 v1.3.0（CC BY 4.0）；UNFCCC CDM 项目位置；政策项目见 layers/projects.csv。",
             "用电大户：有高耗电行业的基地、园区、骨干企业和冶炼厂（layers/sector_intensity.csv）；“可及”＝在 LCOE 上限内、"
             "距其 offtaker_km 以内的潜力。"] if zh else
            ["Targets: policy 三(一)2 (layers/targets.csv): wind ≥ 17,000 MW and solar ≥ 1,000 MW by 2015 "
             "(province-wide; the policy sets no per-prefecture target).",
             "Built: WRI Global Power Plant Database v1.3.0 (CC BY 4.0); UNFCCC CDM project locations; policy "
             "projects from layers/projects.csv.",
             "Offtakers: bases, parks, anchor enterprises and smelters with electricity-intensive sectors "
             "(layers/sector_intensity.csv); 'within reach' = potential within offtaker_km of it at the LCOE limit."])
    return out
