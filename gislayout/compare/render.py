"""The printable comparison: two maps (with legend, scale bar and north arrow) above the table, as PNG or PDF.

The frame, scale bar, north arrow, symbols, fonts and page come from `gislayout.printing`, which the atlas
view's printout shares.
"""

from __future__ import annotations

import math
import textwrap
from datetime import date

import geopandas as gpd

from contextlib import nullcontext

from .. import boundaries, dataversion, layers, regions, symbology
from ..bilingual import VERSION_TEXT, layer_title, pick, version_line, version_name
from ..printing import CJK as _CJK, NO_CJK_EN, boundary_attribution, cjk_family, draw_points, fit, laea as _laea, north_arrow, \
    page, save, scale_bar, symbol_handle, wrap as _wrap
from ..printing import FORMATS, check, nice_length as _nice_length  # noqa: F401  (compare_api and tests read them here)

#: The point layers, drawn in this order (bases on top); their symbols come from `gislayout.symbology`.
POINT_LAYERS = ("projects", "enterprises", "parks", "bases")
_TEXT = {
    "title": ("区域比较", "Comparison"), "vs": ("与", "vs"), "legend": ("图例", "Legend"),
    "bases": ("国家级产业基地", "National industrial bases"),
    "bases_provincial": ("省级产业基地", "Provincial industrial bases"),
    **{name: layer_title(name) for name in ("parks", "enterprises", "projects")},
    "area": ("比较区域", "Compared area"), "prefectures": ("市（州）界", "Prefecture boundary"),
    "metric": ("指标", "Metric"), "units": ("单位", "Units"), "difference": ("差值", "Difference"),
    "north": ("北", "N"), "generated": ("生成日期", "Generated"),
    "no_cjk": ("", NO_CJK_EN),
}
POLICY_EN = ("Gansu Provincial Government, opinions on implementing the State Council decision on fostering and "
             "developing strategic emerging industries (2010-12-31)")


def _t(key: str, lang: str) -> str:
    return pick(_TEXT[key], lang)


def _points(prefectures: tuple[str, ...] | None) -> dict[str, gpd.GeoDataFrame]:
    where = {"prefecture": list(prefectures)} if prefectures else {}
    return {name: layers.load(name, **where) for name in POINT_LAYERS}


def _draw_map(ax, column: dict | None, scheme_id: str | None, side: str, lang: str) -> None:
    pref = boundaries.load("prefecture", display=True)
    if scheme_id:
        zones = regions.zones_gdf(scheme_id, display=True)
        crs = _laea(zones.union_all())
        zones = zones.to_crs(crs)
        order = [z.id for z in regions.get(scheme_id).zones]
        colours = [symbology.zone_colour(z, order) for z in zones["zone"]]
        zones.plot(ax=ax, color=colours, alpha=symbology.spec()["zones"]["fill_opacity"], edgecolor=colours,
                   linewidth=0.6)
        for (_, z), colour in zip(zones.iterrows(), colours):
            p = z.geometry.representative_point()
            ax.text(p.x, p.y, z[f"name_{lang}"], fontsize=6, ha="center", va="center", color="#111111",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "alpha": 0.8, "lw": 0.6})
        extent, points = zones.total_bounds, _points(None)
    else:
        members = set(column["prefectures"])
        inside = pref[pref["name_zh"].isin(members)]
        crs = _laea(inside.union_all())
        pref.to_crs(crs).plot(ax=ax, color="#f2f2f2", edgecolor="#9a9a9a", linewidth=0.4)
        inside = inside.to_crs(crs)
        colour = symbology.spec()["sides"][side]
        inside.plot(ax=ax, color=colour, alpha=0.25, edgecolor=colour, linewidth=0.8)
        extent, points = inside.total_bounds, _points(tuple(column["prefectures"]))
    draw_points(ax, points, crs)
    fit(ax, extent)
    scale_bar(ax)
    north_arrow(ax, _t("north", lang))


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, int) or float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.1f}"


def _table(ax, report: dict, lang: str) -> None:
    ax.axis("off")
    sides = report.get("versions") or {}
    cols = [(c[f"name_{lang}"] if report["kind"] == "areas" else f"{c['scheme']} · {c[f'name_{lang}']}")
            + (f" · {version_name(sides[c['side']], lang)}" if sides.get(c["side"]) else "")
            for c in report["columns"]]
    header = [_t("metric", lang), _t("units", lang)] + cols
    diff = report["kind"] == "areas"
    if diff:
        header.append(_t("difference", lang))
    body = []
    for row in report["rows"]:
        if all(v is None for v in row["values"]):
            continue
        cells = [row[f"label_{lang}"], row[f"units_{lang}"]] + [_fmt(v) for v in row["values"]]
        body.append(cells + ([_fmt(row["difference"])] if diff else []))
    body = body[:32]
    n = len(header)
    first = 0.34 if n <= 5 else 0.26
    widths = [first, 0.08] + [(1 - first - 0.08) / (n - 2)] * (n - 2)
    tbl = ax.table(cellText=body, colLabels=[_wrap(h, 20 if n > 5 else 44) for h in header], colWidths=widths,
                   loc="upper center", cellLoc="right")
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(5.6 if n > 5 or len(body) > 24 else 6.5)
    row_h = 1.0 / (len(body) + 2)  # the header takes two rows, so the table fills at most its axes
    for (r, c), cell in tbl.get_celld().items():
        cell.set_linewidth(0.3)
        cell.set_height(2 * row_h if r == 0 else row_h)
        if r == 0:
            cell.set_facecolor("#e8e8e8")
        if c == 0:
            cell.set_text_props(ha="left")
            cell.PAD = 0.02


def _legend(fig, report: dict, lang: str) -> None:
    from matplotlib.patches import Patch
    spec = symbology.spec()
    grey = spec["legend_grey"]
    symbol = symbol_handle
    handles = [symbol(symbology.shape_of("bases", "national"), grey, _t("bases", lang)),
               symbol(symbology.shape_of("bases", "provincial"), grey, _t("bases_provincial", lang))]
    handles += [symbol(symbology.shape_of(name), grey, _t(name, lang)) for name in ("parks", "enterprises", "projects")]
    names = {r.code: getattr(r, f"name_{lang}") for r in layers.sectors().itertuples()}
    handles += [symbol("circle", colour, names.get(code, code)) for code, colour in spec["industries"].items()]
    if report["kind"] == "areas":
        sides = spec["sides"]
        handles += [Patch(facecolor=sides[c["side"]], alpha=0.4, edgecolor=sides[c["side"]],
                          label=c[f"name_{lang}"]) for c in report["columns"]]
        handles.append(Patch(facecolor="#f2f2f2", edgecolor="#9a9a9a", label=_t("prefectures", lang)))
    fig.legend(handles=handles, loc="center", bbox_to_anchor=(0.5, 0.513), ncol=math.ceil(len(handles) / 2),
               fontsize=6, frameon=False, title=_t("legend", lang), title_fontsize=7)


def render(report: dict, fmt: str = "png", lang: str = "zh") -> tuple[bytes, str]:
    """The report as a printable A4-landscape page in `fmt` (png or pdf); returns (bytes, language used)."""
    check(fmt, lang)
    family = cjk_family()
    used = lang if (lang == "en" or family) else "en"
    with page(family) as fig:  # A4 landscape
        names = [c[f"name_{used}"] for c in report["columns"]]
        if report["kind"] == "areas":
            title = f"{_t('title', used)}：{names[0]} {_t('vs', used)} {names[1]}" if used == "zh" else \
                f"{_t('title', used)}: {names[0]} {_t('vs', used)} {names[1]}"
        else:
            titles = [s[f"title_{used}"] for s in report["schemes"]]
            title = f"{_t('title', used)}：{titles[0]} {_t('vs', used)} {titles[1]}" if used == "zh" else \
                f"{_t('title', used)}: {titles[0]} {_t('vs', used)} {titles[1]}"
        sides = report.get("versions") or {}
        drafts = [v for v in sides.values() if v and not v.get("baseline")]
        if drafts:  # anything but a baseline is a draft, not the plan: the page says so
            title += f" · {pick(VERSION_TEXT['draft'], used)}"
            fig.text(0.5, 0.5, pick(VERSION_TEXT["draft"], used), fontsize=90, color="#c0392b", alpha=0.13,
                     rotation=30, ha="center", va="center", fontweight="bold", zorder=0)
        fig.suptitle(title, fontsize=12, y=0.975)
        for i, side in enumerate(("left", "right")):
            ax = fig.add_axes((0.03 + i * 0.485, 0.545, 0.455, 0.36))
            version = sides.get(side)
            # each map shows the layout of the version its side is counted in
            under = dataversion.select_plan(dataversion.Plan(version["id"], int(version.get("revision") or 0))) \
                if version else nullcontext()
            with under:
                if report["kind"] == "areas":
                    column = report["columns"][i]
                    _draw_map(ax, column, None, side, used)
                    ax.set_title(column[f"name_{used}"] + (f" · {version_name(version, used)}" if version else ""),
                                 fontsize=9, color=symbology.spec()["sides"][side])
                else:
                    scheme = report["schemes"][i]
                    _draw_map(ax, None, scheme["id"], side, used)
                    ax.set_title(scheme[f"title_{used}"], fontsize=9)
            if version:
                ax.text(0.5, 1.09, version_line(version, used), transform=ax.transAxes, ha="center", fontsize=6.5,
                        color="#c0392b" if not version.get("baseline") else "#333333")
        _legend(fig, report, used)
        _table(fig.add_axes((0.03, 0.07, 0.94, 0.41)), report, used)
        policy = report["policy"] if used == "zh" else POLICY_EN
        foot = f"{boundary_attribution(used)}  {policy}  {_t('generated', used)}: {date.today().isoformat()}"
        if not family:
            foot = _CJK.sub("", (_t("no_cjk", "en") + "  " if used != lang else "") + foot).replace("()", "")
        fig.text(0.03, 0.015, textwrap.fill(foot, 150 if used == "zh" else 230), fontsize=5.5, color="#444444",
                 va="bottom")
        content = save(fig, fmt, title)
    return content, used
