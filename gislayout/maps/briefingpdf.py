"""A briefing as an A4 page (PDF or PNG), in Chinese or English: the area's map with its candidate PV and wind
zones, the ≥ 330 kV substations, the offtakers and the plants built, a legend, the figures of `briefing.area_row`,
the sources and the date. Frame, fonts, scale bar and north arrow are `gislayout.printing`'s, as for the atlas.
"""

from __future__ import annotations

import textwrap
from datetime import date

import geopandas as gpd
import pandas as pd

from .. import boundaries, config, layers, printing
from ..analysis import service
from .briefing import Area, area_row, run, sources

A4_PORTRAIT_IN = (210 / 25.4, 297 / 25.4)
_T = {
    "title": ("甘肃省新能源选址简报：{name}", "Solar and wind siting briefing: {name}"),
    "legend": ("图例", "Legend"), "north": ("北", "N"), "generated": ("生成日期", "Generated"),
    "version": ("数据版本", "Data version"), "area": ("简报范围", "Area"), "province": ("省界", "Province"),
    "pv_zones": ("光伏候选区", "PV candidate zones"), "wind_zones": ("风电候选区", "Wind candidate zones"),
    "subs": ("≥ 330 kV 变电站（OSM）", "Substations ≥ 330 kV (OSM)"),
    "offtakers": ("用电大户（园区、基地、企业、冶炼厂）", "Offtakers (parks, bases, enterprises, smelters)"),
    "built_wind": ("已建风电场（GPPD）", "Wind farms built (GPPD)"), "built_solar": ("已建光伏电站（GPPD）", "Solar plants built (GPPD)"),
    "baseline": ("政策基准版本（基线）", "the policy baseline"),
    "figures": ("主要数据", "Key figures"), "sources": ("资料来源", "Sources"),
    "basis": ("潜力为技术可开发潜力（上限），已排除土地覆被、冰川、机场和城镇、园区缓冲区；并非规划。",
              "Potential is technical potential (an upper bound) after excluding land cover, glaciers, runways and "
              "town and park buffers; not a plan."),
}


def _t(key: str, lang: str, **kw) -> str:
    zh, en = _T[key]
    return (zh if lang == "zh" else en).format(**kw)


def _fmt(v, digits: int = 1) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–"
    return f"{v:,.{digits}f}" if isinstance(v, (int, float)) else str(v)


def figures(row: dict, lang: str) -> list[tuple[str, str]]:
    """(label, value) lines of the page's table."""
    zh = lang == "zh"
    out = []
    for tech, name in (("pv", ("光伏", "PV")), ("wind", ("风电", "Wind"))):
        label = name[0] if zh else name[1]
        if not row.get(f"{tech}_available"):
            out.append((label, "未安装资源数据" if zh else "no resource installed"))
            continue
        out.append((f"{label}{'技术可开发潜力' if zh else ' technical potential'}",
                    f"{_fmt(row[f'{tech}_gw'])} GW（{row[f'{tech}_zones']} {'个候选区' if zh else 'zones'}）" if zh else
                    f"{_fmt(row[f'{tech}_gw'])} GW ({row[f'{tech}_zones']} zones)"))
        out.append((f"{label}{'度电成本' if zh else ' LCOE'}",
                    f"{_fmt(row[f'{tech}_lcoe_cny_kwh_min'], 3)}–{_fmt(row[f'{tech}_lcoe_cny_kwh_max'], 3)} 元/千瓦时"
                    f"（{_fmt(row[f'{tech}_lcoe_usd_mwh_min'])}–{_fmt(row[f'{tech}_lcoe_usd_mwh_max'])} 美元/MWh）" if zh else
                    f"{_fmt(row[f'{tech}_lcoe_cny_kwh_min'], 3)}–{_fmt(row[f'{tech}_lcoe_cny_kwh_max'], 3)} CNY/kWh "
                    f"({_fmt(row[f'{tech}_lcoe_usd_mwh_min'])}–{_fmt(row[f'{tech}_lcoe_usd_mwh_max'])} USD/MWh)"))
        out.append((f"{label}{'候选区距 ≥330 kV 变电站' if zh else ' zones to ≥ 330 kV'}",
                    f"{'最近' if zh else 'nearest'} {_fmt(row[f'{tech}_grid_km_min'])} km，"
                    f"{'中位' if zh else 'median'} {_fmt(row[f'{tech}_grid_km_median'])} km" if zh else
                    f"nearest {_fmt(row[f'{tech}_grid_km_min'])} km, median {_fmt(row[f'{tech}_grid_km_median'])} km"))
    out.append(("用电大户（按行业）" if zh else "Offtakers by sector",
                (row.get("offtakers_by_sector_zh") if zh else row.get("offtakers_by_sector")) or "–"))
    out.append(("2015 年目标（全省）" if zh else "2015 targets (province)",
                f"风电 ≥ {_fmt(row['target_wind_2015_mw'] / 1000, 0)} GW，光伏 ≥ {_fmt(row['target_pv_2015_mw'] / 1000, 0)} GW"
                if zh else f"wind ≥ {_fmt(row['target_wind_2015_mw'] / 1000, 0)} GW, solar ≥ "
                f"{_fmt(row['target_pv_2015_mw'] / 1000, 0)} GW"))
    out.append(("政策项目（本区）" if zh else "Policy projects here",
                f"风电 {_fmt(row['policy_projects_wind_mw'], 0)} MW，光伏 {_fmt(row['policy_projects_pv_mw'], 0)} MW" if zh
                else f"wind {_fmt(row['policy_projects_wind_mw'], 0)} MW, PV {_fmt(row['policy_projects_pv_mw'], 0)} MW"))
    out.append(("数据集记录的已建装机" if zh else "Recorded as built",
                f"GPPD 风电 {_fmt(row['built_wind_mw'], 0)} MW、光伏 {_fmt(row['built_solar_mw'], 0)} MW；"
                f"CDM 风电 {_fmt(row['cdm_wind_mw'], 0)} MW、光伏 {_fmt(row['cdm_solar_mw'], 0)} MW" if zh else
                f"GPPD wind {_fmt(row['built_wind_mw'], 0)} MW, solar {_fmt(row['built_solar_mw'], 0)} MW; "
                f"CDM wind {_fmt(row['cdm_wind_mw'], 0)} MW, solar {_fmt(row['cdm_solar_mw'], 0)} MW"))
    return out


def _zones(tech: str, members: tuple[str, ...]) -> gpd.GeoDataFrame | None:
    r = run(tech)
    if r is None:
        return None
    gdf = service.zones_gdf(r)
    return gdf[gdf["prefecture"].isin(members)]


def render(area: Area, lang: str = "zh", fmt: str = "pdf", version: str | None = None) -> tuple[bytes, str]:
    """The briefing page of `area` as `fmt` bytes; returns (bytes, language used: English without a CJK font)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    printing.check(fmt, lang)
    family = printing.cjk_family()
    used = lang if (lang == "en" or family) else "en"
    row = area_row(area)
    pref = boundaries.load("prefecture", display=True)
    shape = pref[pref["name_zh"].isin(area.members)]
    geom = shape.to_crs(config.WGS84).union_all()
    crs = printing.laea(geom)
    name = area.name_zh if used == "zh" else area.name_en
    title = _t("title", used, name=name)
    with printing.page(family, A4_PORTRAIT_IN) as fig:
        fig.suptitle(title, fontsize=13, y=0.975)
        stamp = f"{_t('generated', used)}: {date.today().isoformat()}    {_t('version', used)}: {version or _t('baseline', used)}"
        fig.text(0.5, 0.952, stamp, ha="center", fontsize=7, color="#444444")
        ax = fig.add_axes((0.04, 0.47, 0.64, 0.47))
        boundaries.load("province", display=True).to_crs(crs).boundary.plot(ax=ax, color="#999999", linewidth=0.6)
        pref.to_crs(crs).boundary.plot(ax=ax, color="#cccccc", linewidth=0.3)
        shape.to_crs(crs).plot(ax=ax, color="#f5f1e6", edgecolor="#333333", linewidth=1.0, zorder=1)
        handles = [Patch(facecolor="#f5f1e6", edgecolor="#333333", label=f"{_t('area', used)}: {name}")]
        for tech, colour, key in (("pv", "#f39c12", "pv_zones"), ("wind", "#2e86c1", "wind_zones")):
            z = _zones(tech, area.members)
            if z is not None and len(z):
                z.to_crs(crs).plot(ax=ax, color=colour, alpha=0.55, edgecolor=colour, linewidth=0.3, zorder=2)
                handles.append(Patch(facecolor=colour, alpha=0.55, edgecolor=colour, label=_t(key, used)))
        subs = layers.load("substations")
        subs = subs[pd.to_numeric(subs["max_voltage_kv"], errors="coerce") >= 330].to_crs(crs)
        plants = layers.load("plants")
        points = [(subs, "^", "#000000", 18, "subs")]
        for kind, marker, colour, key in (("wind", "P", "#1a5276", "built_wind"), ("solar", "s", "#b9770e", "built_solar")):
            p = plants[plants["kind"] == kind]
            points.append((p.to_crs(crs) if len(p) else p, marker, colour, 14, key))
        offt = next((r.stack.offtakers for r in (run("pv"), run("wind")) if r is not None), None)
        if offt is not None and len(offt):
            og = gpd.GeoDataFrame(offt, geometry=gpd.points_from_xy(offt["lon"], offt["lat"]), crs=config.WGS84)
            points.append((og.to_crs(crs), "D", "#c0392b", 14, "offtakers"))
        for gdf, marker, colour, size, key in points:
            if len(gdf):
                ax.scatter(gdf.geometry.x, gdf.geometry.y, marker=marker, c=colour, s=size, linewidths=0.3,
                           edgecolors="white", zorder=5)
                handles.append(Line2D([], [], linestyle="", marker=marker, markerfacecolor=colour,
                                      markeredgecolor="white", markersize=6, label=_t(key, used)))
        extent = shape.to_crs(crs).total_bounds
        printing.fit(ax, extent, margin=0.56)
        printing.scale_bar(ax)
        printing.north_arrow(ax, _t("north", used))
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.70, 0.93), fontsize=6.5, frameon=False,
                   title=_t("legend", used), title_fontsize=8, alignment="left")
        fig.text(0.04, 0.445, _t("figures", used), fontsize=9, fontweight="bold")
        y = 0.425
        for label, value in figures(row, used):
            fig.text(0.05, y, label, fontsize=7, va="top")
            fig.text(0.36, y, printing.wrap(value, 78), fontsize=7, va="top")
            y -= 0.019 * (1 + value.count("\n") + len(printing.wrap(value, 78).splitlines()) - 1)
        fig.text(0.05, y - 0.004, printing.wrap(_t("basis", used), 120), fontsize=6.5, va="top", color="#444444")
        y -= 0.04
        fig.text(0.04, y, _t("sources", used), fontsize=8, fontweight="bold", va="top")
        text = "\n".join(textwrap.fill(s, 170 if used == "en" else 95) for s in sources(used)
                          + [printing.boundary_attribution(used)])
        if not family:
            text = printing.CJK.sub("", text)
        fig.text(0.05, y - 0.016, text, fontsize=5, va="top", color="#333333")
        content = printing.save(fig, fmt, title)
    return content, used
