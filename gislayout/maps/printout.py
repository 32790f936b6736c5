"""The atlas view as a printable A4 page (PNG or PDF): the layers shown, filtered as on the map, within the
view's bounding box, with a legend, scale bar, north arrow, attribution and date.

The frame, fonts and symbols are `gislayout.printing`'s, shared with the compare page's printout. The
offline relief and resource overlays are not printed; the page says which layers it draws.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from .. import boundaries, choropleth, config, dataversion, ground, layers, printing, regions, symbology
from ..bilingual import VERSION_TEXT, layer_title, pick, version_line, version_name
from ..errors import BadParameter, number
from ..store import versions as store_versions
from . import contextlayers
from .state import DEFAULT_LAYERS  # noqa: F401  (the web layer's default for `layers`)
from ..resources import registry

POINT_LAYERS = ("projects", "enterprises", "parks", "bases")
_TEXT = {
    "title": ("甘肃省战略性新兴产业布局图集", "Atlas of Gansu's Strategic Emerging Industries"),
    "legend": ("图例", "Legend"), "north": ("北", "N"), "generated": ("生成日期", "Generated"),
    "bases_provincial": ("省级产业基地", "Provincial industrial bases"),
    "no_value": ("无数据", "No value"),
}


@dataclass(frozen=True)
class View:
    """What to print: the bounding box (west, south, east, north; degrees), layers, filters, choropleth."""

    bbox: tuple[float, float, float, float]
    layers: tuple[str, ...]
    filters: dict = field(default_factory=dict)
    choropleth: tuple[str, str] | None = None
    lang: str = "zh"


def parse_bbox(text: str | None) -> tuple[float, float, float, float]:
    """'west,south,east,north' in degrees; BadParameter quoting it when malformed or empty."""
    parts = (text or "").split(",")
    if len(parts) != 4:
        raise BadParameter(f"bbox must be west,south,east,north in degrees, got {text!r}")
    w, e = (number(parts[i], "bbox longitude", -180, 180) for i in (0, 2))
    s, n = (number(parts[i], "bbox latitude", -85, 85) for i in (1, 3))
    if not (w < e and s < n):
        raise BadParameter(f"bbox must have west < east and south < north, got {text!r}")
    return w, s, e, n


def parse_layers(text: str | None) -> tuple[str, ...]:
    """Comma-separated layer names (resource overlays are skipped); BadParameter quoting an unknown one."""
    names = tuple(n for n in (text or "").split(",") if n)
    unknown = [n for n in names if n not in layers.CATALOGUE and n not in contextlayers.LAYERS]
    if unknown:
        overlays = set(registry.specs())
        unknown = [n for n in unknown if n not in overlays]
    if unknown:
        raise BadParameter(f"unknown layer {unknown[0]!r}; known: {', '.join(layers.CATALOGUE)}")
    return tuple(n for n in names if n in layers.CATALOGUE or n in contextlayers.LAYERS)


#: The context layers' credits in both languages (contextlayers.ATTRIBUTION has the English).
CONTEXT_ATTRIBUTION = {
    "places": ("地名：驻地用本图集行政区名称，城镇用GeoNames（CC BY 4.0）", contextlayers.ATTRIBUTION["places"]),
    "rivers": ("河流：Natural Earth（公共领域）", contextlayers.ATTRIBUTION["rivers"]),
    "railway_stations": ("火车站：© OpenStreetMap贡献者（ODbL 1.0）", contextlayers.ATTRIBUTION["railway_stations"]),
}
#: Place ranks printed by the width of the view (degrees of longitude): seats of prefectures, counties, towns.
PLACE_RANK_WIDTH = {1: 360.0, 2: 4.0, 3: 1.2}


def _draw_context(ax, view: View, crs: str, lang: str) -> None:
    """Rivers and place names (the atlas's context layers) inside the view, names in `lang` where the data has
    them (a town GeoNames names in one language only keeps that name)."""
    w, s, e, n = view.bbox
    folder = config.settings().layers_dir / "context"
    if "rivers" in view.layers and (folder / "rivers.geojson").exists():
        rivers = gpd.read_file(folder / "rivers.geojson").cx[w:e, s:n]
        if len(rivers):
            rivers.to_crs(crs).plot(ax=ax, color="#6baed6", linewidth=0.6, zorder=2.5)
    if "places" not in view.layers or not (folder / "places.csv").exists():
        return
    df = pd.read_csv(folder / "places.csv", dtype=str, keep_default_na=False)
    df[["lon", "lat"]] = df[["lon", "lat"]].astype(float)
    df["rank"] = pd.to_numeric(df["rank"], errors="coerce").fillna(3).astype(int)
    width = e - w
    df = df[(df.lon.between(w, e)) & (df.lat.between(s, n))
            & df["rank"].map(lambda r: width <= PLACE_RANK_WIDTH.get(r, 1.2))]
    if not len(df):
        return
    pts = gpd.GeoSeries(gpd.points_from_xy(df.lon, df.lat), crs=config.WGS84).to_crs(crs)
    other = "en" if lang == "zh" else "zh"
    for (_, row), pt in zip(df.iterrows(), pts):
        label = row.get(f"name_{lang}") or row.get(f"name_{other}") or ""
        if not label:
            continue
        size = {1: 7, 2: 5.5}.get(row["rank"], 4.5)
        ax.plot([pt.x], [pt.y], marker="o", markersize=1.8 if row["rank"] > 1 else 2.6, color="#333333", zorder=6)
        ax.annotate(label, (pt.x, pt.y), xytext=(2, 2), textcoords="offset points", fontsize=size, color="#222222",
                    zorder=6, fontweight="bold" if row["rank"] == 1 else "normal")


def shown_version() -> dict | None:
    """The version of the plan printed: the one selected for this request, else the newest baseline."""
    selected = dataversion.plan()
    if selected is not None:
        return store_versions.get(selected.id)
    bases = [v for v in store_versions.list_versions() if v["baseline"]]
    return max(bases, key=lambda v: v["created_at"] or "", default=None)


def draft_mark(fig, lang: str) -> None:
    """A large diagonal draft mark across the page (anything but a baseline is a draft, not the plan)."""
    fig.text(0.40, 0.50, pick(VERSION_TEXT["draft"], lang), fontsize=90, color="#c0392b", alpha=0.13,
             rotation=30, ha="center", va="center", fontweight="bold", zorder=0)


#: The filters the atlas applies to ground layers: its sector/level/kind lists are the policy's vocabulary.
GROUND_FILTERS = ("scheme", "zone", "prefecture", "min_mw", "max_mw", "min_kv", "max_kv")


def _filters_for(name: str, filters: dict) -> dict:
    spec = layers.CATALOGUE[name]
    keep = [k for k in spec.filters if spec.group != "ground" or k in GROUND_FILTERS]
    return {k: v for k, v in filters.items() if k in keep and v}


def _load(name: str, filters: dict, bbox: tuple) -> gpd.GeoDataFrame:
    """Layer `name` as the atlas shows it: a list filter none of whose values this layer has empties it
    (as on the map, e.g. kind=etdz and bases), rather than being an error."""
    given = _filters_for(name, filters)
    choices = layers.filter_choices(name)
    for key in ("sector", "level", "kind"):
        if key in given:
            values = [v for v in str(given[key]).split(",") if v in choices.get(key, [])]
            if not values:
                return layers.load(name).iloc[0:0]
            given[key] = ",".join(values)
    w, s, e, n = bbox
    return layers.load(name, **given).cx[w:e, s:n]


def _draw(ax, view: View, crs: str, lang: str) -> list:
    """Draw the view's layers; returns the legend handles of what was drawn."""
    from matplotlib.patches import Patch
    handles: list = []
    spec = symbology.spec()
    scheme = view.filters.get("scheme") or config.DEFAULT_SCHEME
    if view.choropleth:
        unit, stat = view.choropleth
        answer = choropleth.choropleth(unit, stat, scheme)
        gdf = boundaries.load("prefecture" if unit == "prefectures" else "county", display=True).to_crs(crs)
        colour = {r["id"]: answer["colours"][r["class"]] if r["class"] is not None else answer["no_value"]
                  for r in answer["rows"]}
        gdf.plot(ax=ax, color=[colour.get(a, answer["no_value"]) for a in gdf["adcode"]], edgecolor="#666666",
                 linewidth=0.3, zorder=1)
        limits = answer["breaks"]
        handles.append(Patch(facecolor="none", edgecolor="none",
                             label=f"{answer[f'title_{lang}']} ({answer[f'units_{lang}']})"))
        handles.append(Patch(facecolor="none", edgecolor="none", label=answer.get(f"method_{lang}", "")))
        handles += [Patch(facecolor=c, edgecolor="#666666", label=f"{limits[i]:g} – {limits[i + 1]:g}")
                    for i, c in enumerate(answer["colours"])]
    if "regions" in view.layers and not view.choropleth:  # zone fills would hide the choropleth's colours
        zones = regions.zones_gdf(scheme, display=True).to_crs(crs)
        order = [z.id for z in regions.get(scheme).zones]
        colours = [symbology.zone_colour(z, order) for z in zones["zone"]]
        zones.plot(ax=ax, color=colours, alpha=spec["zones"]["fill_opacity"], edgecolor=colours, linewidth=0.6,
                   zorder=2)
        handles += [Patch(facecolor=c, alpha=0.5, edgecolor=c, label=z[f"name_{lang}"])
                    for (_, z), c in zip(zones.iterrows(), colours)]
    for name, level in (("counties", "county"), ("prefectures", "prefecture"), ("province", "province")):
        if name in view.layers:
            colour, mm = symbology.boundary(name)
            boundaries.load(level, display=True).to_crs(crs).boundary.plot(
                ax=ax, color=colour, linewidth=mm * 72 / 25.4, linestyle="--" if name == "counties" else "-",
                zorder=3)
    w, s, e, n = view.bbox
    for name in (n for n in layers.CATALOGUE if layers.CATALOGUE[n].group == "ground" and n in view.layers):
        gdf = _load(name, view.filters, view.bbox)
        if not len(gdf):
            continue
        g = gdf.to_crs(crs)
        if name == "footprints":
            g.boundary.plot(ax=ax, color="#6a3d9a", linewidth=0.8, zorder=4)
            continue
        classes = {v: (label, st) for v, label, st in symbology.ground_classes(name)}
        drawn = {}
        for row, geom in zip(gdf.drop(columns="geometry").to_dict("records"), g.geometry):
            value, st = symbology.ground_style(name, row)
            ax.scatter([geom.x], [geom.y], c=[st.colour], marker=spec["symbols"][st.shape]["mpl"],
                       s=spec["symbols"][st.shape]["mpl_size"] * 0.6, edgecolors=spec["symbol_outline"],
                       linewidths=0.3, zorder=4)
            drawn[value] = st
        handles += [printing.symbol_handle(st.shape, st.colour, f"{pick(layer_title(name), lang)}: "
                                           f"{classes[v][0] if name == 'substations' else v}")
                    for v, st in drawn.items()]
    points = {name: _load(name, view.filters, view.bbox) for name in POINT_LAYERS if name in view.layers}
    printing.draw_points(ax, points, crs)
    grey = spec["legend_grey"]
    if "bases" in points:
        handles.append(printing.symbol_handle(symbology.shape_of("bases", "national"), grey,
                                              pick(layer_title("bases"), lang)))
        handles.append(printing.symbol_handle(symbology.shape_of("bases", "provincial"), grey,
                                              pick(_TEXT["bases_provincial"], lang)))
    handles += [printing.symbol_handle(symbology.shape_of(name), grey, pick(layer_title(name), lang))
                for name in ("parks", "enterprises", "projects") if name in points]
    if points:
        names = {r.code: getattr(r, f"name_{lang}") for r in layers.sectors().itertuples()}
        handles += [printing.symbol_handle("circle", c, names.get(code, code))
                    for code, c in spec["industries"].items()]
    return handles


def _attribution(view: View, lang: str, version: dict | None = None) -> str:
    parts = [printing.boundary_attribution(lang)]
    parts += [ground.ATTRIBUTION[n] for n in view.layers if n in ground.ATTRIBUTION]
    parts += [pick(CONTEXT_ATTRIBUTION[n], lang) for n in view.layers if n in CONTEXT_ATTRIBUTION]
    policy = (config.POLICY_CITATION if lang == "zh" else
              "Policy: Gansu Provincial Government, opinions on fostering strategic emerging industries (2010-12-31)")
    if version is not None and not version.get("baseline"):  # a draft is not the official plan: it says so
        base = version_name({"id": "2010", "baseline": True}, lang)
        policy = pick(VERSION_TEXT["draft_note"], lang).format(base=base) + " " + policy
    parts.append(policy)
    return "  ".join(dict.fromkeys(parts))


def render(view: View, fmt: str = "png") -> tuple[bytes, str]:
    """The view as an A4-landscape page in `fmt` (png or pdf); returns (bytes, language used)."""
    printing.check(fmt, view.lang)
    family = printing.cjk_family()
    used = view.lang if (view.lang == "en" or family) else "en"
    w, s, e, n = view.bbox
    frame = box(w, s, e, n)
    crs = printing.laea(frame)
    extent = gpd.GeoSeries([frame], crs=config.WGS84).to_crs(crs).total_bounds
    with printing.page(family) as fig:
        version = shown_version()
        draft = version is not None and not version.get("baseline")
        title = pick(_TEXT["title"], used) + (f" · {pick(VERSION_TEXT['draft'], used)}" if draft else "")
        fig.suptitle(title, fontsize=12, y=0.975)
        if version is not None:  # which version of the plan this is, whose, and when it was saved
            fig.text(0.5, 0.935, version_line(version, used), ha="center", fontsize=8,
                     color="#c0392b" if draft else "#333333")
        if draft:
            draft_mark(fig, used)
        ax = fig.add_axes((0.02, 0.09, 0.70, 0.82))
        handles = _draw(ax, view, crs, used)
        _draw_context(ax, view, crs, used)
        printing.fit(ax, extent, margin=0.5)
        printing.scale_bar(ax)
        printing.north_arrow(ax, pick(_TEXT["north"], used))
        fig.legend(handles=handles[:40], loc="upper left", bbox_to_anchor=(0.735, 0.93), fontsize=6,
                   frameon=False, title=pick(_TEXT["legend"], used), title_fontsize=8, alignment="left")
        foot = f"{_attribution(view, used, version)}  {pick(_TEXT['generated'], used)}: {date.today().isoformat()}"
        if not family:
            foot = printing.CJK.sub("", (printing.NO_CJK_EN + "  " if used != view.lang else "") + foot)
        fig.text(0.02, 0.012, textwrap.fill(foot, 150 if used == "zh" else 230), fontsize=5.5, color="#444444",
                 va="bottom")
        content = printing.save(fig, fmt, title)
    return content, used
