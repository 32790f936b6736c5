"""The printable comparison: two maps (with legend, scale bar and north arrow) above the table, as PNG or PDF.

Each map is drawn in a Lambert azimuthal equal-area projection centred on its area, so north is up at the
centre and the scale bar is true there. Chinese needs a CJK font (Debian `fonts-noto-cjk`); without one the
printout is in English and says so.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
import unicodedata
import threading
from datetime import date
from functools import lru_cache

import geopandas as gpd

from .. import boundaries, config, layers, regions, symbology
from ..errors import BadParameter
from ..bilingual import layer_title, pick
from .labels import LANGS

FORMATS = {"png": "image/png", "pdf": "application/pdf"}
#: The point layers, drawn in this order (bases on top); their symbols come from `gislayout.symbology`.
POINT_LAYERS = ("projects", "enterprises", "parks", "bases")
#: Resolution of the PNG printout (A4 at 150 dpi is 1753 × 1240 pixels).
DPI = 150
#: Families tried, in order, for Chinese text.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN", "SimHei", "Microsoft YaHei")
_TEXT = {
    "title": ("区域比较", "Comparison"), "vs": ("与", "vs"), "legend": ("图例", "Legend"),
    "bases": ("国家级产业基地", "National industrial bases"),
    "bases_provincial": ("省级产业基地", "Provincial industrial bases"),
    **{name: layer_title(name) for name in ("parks", "enterprises", "projects")},
    "area": ("比较区域", "Compared area"), "prefectures": ("市（州）界", "Prefecture boundary"),
    "metric": ("指标", "Metric"), "units": ("单位", "Units"), "difference": ("差值", "Difference"),
    "north": ("北", "N"), "generated": ("生成日期", "Generated"),
    "no_cjk": ("", "No CJK font is installed (Debian: fonts-noto-cjk), so this printout is in English."),
}
POLICY_EN = ("Gansu Provincial Government, opinions on implementing the State Council decision on fostering and "
             "developing strategic emerging industries (2010-12-31)")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The first installed font family that has Chinese glyphs, or None."""
    from matplotlib import font_manager
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in names), None)


def _t(key: str, lang: str) -> str:
    return pick(_TEXT[key], lang)


def _laea(geom) -> str:
    c = geom.centroid
    return f"+proj=laea +lat_0={c.y:.4f} +lon_0={c.x:.4f} +datum=WGS84 +units=m +no_defs"


def _nice_length(width_m: float) -> float:
    """A round scale-bar length near a quarter of the map width, in metres."""
    target = width_m / 4
    exp = 10 ** math.floor(math.log10(target))
    return max(f * exp for f in (1, 2, 5) if f * exp <= target)


def _scale_bar(ax) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    left, base, h = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0), 0.012 * (y1 - y0)
    for i in range(4):
        ax.add_patch(_rect((left + i * length / 4, base), length / 4, h, "black" if i % 2 == 0 else "white"))
    km = length / 1000
    for frac in (0, 0.5, 1):
        ax.text(left + frac * length, base + 1.8 * h, f"{km * frac:g}", ha="center", va="bottom", fontsize=6)
    ax.text(left + length + 0.01 * (x1 - x0), base + h / 2, "km", ha="left", va="center", fontsize=6)


def _rect(xy, w, h, colour):
    from matplotlib.patches import Rectangle
    return Rectangle(xy, w, h, facecolor=colour, edgecolor="black", linewidth=0.5, zorder=10)


def _north_arrow(ax, lang: str) -> None:
    ax.annotate(_t("north", lang), xy=(0.93, 0.95), xytext=(0.93, 0.83), xycoords="axes fraction",
                ha="center", va="center", fontsize=8, fontweight="bold",
                arrowprops={"facecolor": "black", "width": 3, "headwidth": 9, "headlength": 8})


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
    for name, gdf in points.items():
        if len(gdf):
            g = gdf.to_crs(crs)
            styles = [symbology.point_style(name, s, lv) for s, lv in
                      zip(g["sectors"], g["level"] if "level" in g.columns else [None] * len(g))]
            for shape in dict.fromkeys(st.shape for st in styles):
                mask = [st.shape == shape for st in styles]
                symbol = symbology.spec()["symbols"][shape]
                ax.scatter(g.geometry.x[mask], g.geometry.y[mask], c=[st.colour for st in styles if st.shape == shape],
                           marker=symbol["mpl"], s=symbol["mpl_size"], edgecolors=symbology.spec()["symbol_outline"],
                           linewidths=0.3, zorder=5)
    x0, y0, x1, y1 = extent
    # Fit the extent into the axes box at 1:1 (equal metres in x and y), with a margin.
    bbox = ax.get_position()
    box_ratio = (bbox.width * ax.figure.get_figwidth()) / (bbox.height * ax.figure.get_figheight())
    half_w, half_h = (x1 - x0) * 0.56, (y1 - y0) * 0.56
    half_w, half_h = max(half_w, half_h * box_ratio), max(half_h, half_w / box_ratio)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax)
    _north_arrow(ax, lang)


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, int) or float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.1f}"


def _table(ax, report: dict, lang: str) -> None:
    ax.axis("off")
    cols = [c[f"name_{lang}"] if report["kind"] == "areas" else f"{c['scheme']} · {c[f'name_{lang}']}"
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


def _wrap(text: str, width: int) -> str:
    """Break `text` into lines of at most `width` half-width cells (a CJK character takes two)."""
    lines, line, used = [], "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line, used = line + ch, used + w
    return "\n".join(lines + [line])


def _legend(fig, report: dict, lang: str) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    spec = symbology.spec()
    grey = spec["legend_grey"]

    def symbol(shape: str, colour: str, label: str) -> Line2D:
        size = math.sqrt(spec["symbols"][shape]["mpl_size"]) * 0.9
        return Line2D([], [], linestyle="", marker=spec["symbols"][shape]["mpl"], markersize=size, label=label,
                      markerfacecolor=colour, markeredgecolor=spec["symbol_outline"], markeredgewidth=0.3)

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
    if fmt not in FORMATS:
        raise BadParameter(f"unknown print format {fmt!r}; allowed: {', '.join(FORMATS)}")
    if lang not in LANGS:
        raise BadParameter(f"unknown lang {lang!r}; allowed: {', '.join(LANGS)}")
    from matplotlib.figure import Figure

    family = cjk_family()
    used = lang if (lang == "en" or family) else "en"
    rc = {"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"], "pdf.fonttype": 42}
    import matplotlib
    with _lock, matplotlib.rc_context(rc):
        fig = Figure(figsize=(297 / 25.4, 210 / 25.4), dpi=DPI)  # A4 landscape
        names = [c[f"name_{used}"] for c in report["columns"]]
        if report["kind"] == "areas":
            title = f"{_t('title', used)}：{names[0]} {_t('vs', used)} {names[1]}" if used == "zh" else \
                f"{_t('title', used)}: {names[0]} {_t('vs', used)} {names[1]}"
        else:
            titles = [s[f"title_{used}"] for s in report["schemes"]]
            title = f"{_t('title', used)}：{titles[0]} {_t('vs', used)} {titles[1]}" if used == "zh" else \
                f"{_t('title', used)}: {titles[0]} {_t('vs', used)} {titles[1]}"
        fig.suptitle(title, fontsize=12, y=0.975)
        for i, side in enumerate(("left", "right")):
            ax = fig.add_axes((0.03 + i * 0.485, 0.545, 0.455, 0.38))
            if report["kind"] == "areas":
                column = report["columns"][i]
                _draw_map(ax, column, None, side, used)
                ax.set_title(column[f"name_{used}"], fontsize=9, color=symbology.spec()["sides"][side])
            else:
                scheme = report["schemes"][i]
                _draw_map(ax, None, scheme["id"], side, used)
                ax.set_title(scheme[f"title_{used}"], fontsize=9)
        _legend(fig, report, used)
        _table(fig.add_axes((0.03, 0.07, 0.94, 0.41)), report, used)
        policy = report["policy"] if used == "zh" else POLICY_EN
        foot = f"{report['attribution']}  {policy}  {_t('generated', used)}: {date.today().isoformat()}"
        if not family:
            foot = _CJK.sub("", (_t("no_cjk", "en") + "  " if used != lang else "") + foot).replace("()", "")
        fig.text(0.03, 0.015, textwrap.fill(foot, 150 if used == "zh" else 230), fontsize=5.5, color="#444444",
                 va="bottom")
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, metadata=_metadata(fmt, title))
    return buf.getvalue(), used


def _metadata(fmt: str, title: str) -> dict:
    if fmt == "pdf":
        return {"Title": title, "Creator": "gislayout", "Subject": config.POLICY_CITATION}
    return {"Title": title, "Software": "gislayout", "Source": config.BOUNDARY_ATTRIBUTION}
