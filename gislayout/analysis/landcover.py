"""Land the model does not build on: MODIS land-cover classes, glaciers and runways, on the 1 km grid.

Each land-cover class group is a parameter `lc_<group>` (1 = excluded, 0 = allowed) with a documented default;
`glacier` (1/0) removes cells whose centre lies in a Natural Earth glacier, and `runway_buffer` (km) removes
cells within that distance of an OpenStreetMap runway (through the stack's distance buffers, like towns and
parks). The classes come from `layers/landcover/` (MODIS MCD12C1 2019, IGBP, 0.05°), taken to the grid by
nearest neighbour: each 1 km cell gets the class of the 0.05° cell its centre falls in, so nothing finer than
~5 km is invented, and nothing finer is known.

`exclude` removes the excluded classes from a run's `ok` mask in one table lookup and counts the cells each
group removed (for the waterfall of where the area went).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from .grid import Grid, project_geometries, unproject

#: The land-cover file in `layers/` (see its SOURCE.md).
FILE = "landcover/mcd12c1_2019_igbp_gansu.tif"
GLACIERS = "context/glaciers.geojson"
RUNWAYS = "context/runways.geojson"
SOURCE = ("MODIS MCD12C1 v006 2019, IGBP classes (NASA LP DAAC, doi:10.5067/MODIS/MCD12C1.006), 0.05° "
          "(≈ 4.5 × 5.5 km), nearest neighbour onto the grid")
RESOLUTION = "0.05° (≈ 4.5 × 5.5 km in Gansu); nearest neighbour onto the 1 km grid"
SOURCE_ZH = ("MODIS MCD12C1 v006 2019，IGBP 分类（NASA LP DAAC，doi:10.5067/MODIS/MCD12C1.006），0.05°"
             "（约 4.5 × 5.5 km），最近邻重采样到网格")
RESOLUTION_ZH = "0.05°（在甘肃约 4.5 × 5.5 km），最近邻重采样到 1 km 网格"
NODATA = 255


@dataclass(frozen=True)
class Group:
    """A parameter's group of IGBP class codes, with its names and default (excluded or not)."""

    key: str
    codes: tuple[int, ...]
    zh: str
    en: str
    excluded: bool
    why: str


#: In the order the waterfall reports them. Excluded by default: land that is water, forest, wetland, farmed,
#: built on or ice; allowed by default: shrubland, savanna, grassland and barren land (the Gobi and desert
#: steppe where Gansu's wind and PV bases stand).
GROUPS: tuple[Group, ...] = (
    Group("water", (0,), "水体", "Water", True, "water bodies (IGBP 0)"),
    Group("forest", (1, 2, 3, 4, 5), "森林", "Forest", True,
          "forest (IGBP 1–5): protected from conversion (森林法) and a poor site"),
    Group("wetland", (11,), "永久湿地", "Permanent wetland", True, "permanent wetland (IGBP 11)"),
    Group("cropland", (12,), "耕地", "Cropland", True,
          "cropland (IGBP 12): the oases of Hexi; farmland is protected (基本农田) and not for power plants"),
    Group("mosaic", (14,), "耕地/自然植被镶嵌", "Cropland/natural mosaic", True,
          "cropland/natural vegetation mosaic (IGBP 14): partly farmed"),
    Group("urban", (13,), "城镇建设用地", "Urban and built-up", True, "urban and built-up land (IGBP 13)"),
    Group("snow", (15,), "冰雪", "Snow and ice", True, "permanent snow and ice (IGBP 15)"),
    Group("shrubland", (6, 7), "灌丛", "Shrubland", False, "closed and open shrubland (IGBP 6–7); allowed by default"),
    Group("savanna", (8, 9), "稀树草原", "Savanna", False, "woody savanna and savanna (IGBP 8–9); allowed by default"),
    Group("grassland", (10,), "草地", "Grassland", False,
          "grassland (IGBP 10), 36 % of Gansu; allowed by default (grazing land hosts wind and PV)"),
    Group("barren", (16,), "荒漠/裸地", "Barren", False, "barren land (IGBP 16), the Gobi; allowed by default"),
)

#: Default parameters (both technologies): 1 = excluded, 0 = allowed; `runway_buffer` in km.
DEFAULTS: dict[str, float] = {**{f"lc_{g.key}": 1.0 if g.excluded else 0.0 for g in GROUPS},
                              "glacier": 1.0, "runway_buffer": 5.0}
LIMITS: dict[str, tuple[float, float]] = {**{k: (0.0, 1.0) for k in DEFAULTS}, "runway_buffer": (0.0, 100.0)}
DOCS: dict[str, str] = {
    **{f"lc_{g.key}": f"1 = exclude {g.why}; 0 = allow. Default {int(g.excluded)}. From {SOURCE}" for g in GROUPS},
    "glacier": "1 = exclude cells whose centre lies in a Natural Earth 1:10m glaciated area (669 km² in Gansu, "
               "Qilian and Altun ranges; public domain); 0 = allow. Default 1",
    "runway_buffer": "exclusion radius in km around OpenStreetMap runways (layers/context/runways.geojson, ODbL). "
                     "Default 5 km: beyond the 4 km radius of the inner horizontal obstacle limitation surface of "
                     "ICAO Annex 14 (code 3–4 runways), where turbines and glare are restricted; approximate, not a "
                     "China rule",
}
#: Titles of the causes `exclude` reports (the waterfall's labels), besides the class groups.
TITLES = {"glacier": ("冰川（Natural Earth）", "Glaciers (Natural Earth)"),
          "runway_buffer": ("机场跑道缓冲区", "Runway buffer")}


def title(cause: str) -> tuple[str, str]:
    """(zh, en) label of a cause `lc_<group>`, `glacier` or `runway_buffer`."""
    for g in GROUPS:
        if cause == f"lc_{g.key}":
            return f"土地覆被：{g.zh}", f"Land cover: {g.en}"
    return TITLES.get(cause, (cause, cause))


def read_classes(grid: Grid, inside: np.ndarray) -> np.ndarray:
    """IGBP class (uint8, 255 = none) of every inside cell: the 0.05° cell its centre falls in."""
    import rasterio

    rows, cols = np.nonzero(inside)
    lon, lat = unproject(*grid.centres(rows, cols), grid.crs)
    with rasterio.open(config.settings().layers_dir / FILE) as src:
        data = src.read(1)
        col, row = ~src.transform * (np.asarray(lon), np.asarray(lat))
    r, c = np.floor(row).astype(np.int64), np.floor(col).astype(np.int64)
    on = (r >= 0) & (r < data.shape[0]) & (c >= 0) & (c < data.shape[1])
    out = np.full(r.size, NODATA, np.uint8)
    out[on] = data[r[on], c[on]]
    # inside cells in `inside.ravel()` order, i.e. the stack's `flat` order
    return out


def _features(name: str):
    import geopandas as gpd

    return gpd.read_file(config.settings().layers_dir / name, engine="pyogrio").to_crs(config.WGS84)


def glacier_mask(grid: Grid, inside: np.ndarray) -> np.ndarray:
    """Inside cells whose centre lies in a glacier polygon."""
    geoms = project_geometries(_features(GLACIERS).geometry.values, grid.crs)
    return grid.rasterize(list(geoms)).astype(bool)[inside]


def runway_km(grid: Grid, inside: np.ndarray) -> np.ndarray:
    """Km from each inside cell centre to the nearest cell a runway line crosses (0 in those cells)."""
    from rasterio import features
    from scipy import ndimage

    geoms = project_geometries(_features(RUNWAYS).geometry.values, grid.crs)
    touched = features.rasterize([(g, 1) for g in geoms], out_shape=grid.shape, transform=grid.transform,
                                 all_touched=True, dtype="uint8").astype(bool)
    if not touched.any():
        return np.full(int(inside.sum()), np.nan, np.float32)
    dist = ndimage.distance_transform_edt(~touched, sampling=grid.cell_m)
    return (dist[inside] / 1000.0).astype(np.float32)


def lookup(values: dict) -> np.ndarray:
    """A 256-entry table: True for the class codes the parameters `values` exclude."""
    table = np.zeros(256, bool)
    for g in GROUPS:
        if float(values.get(f"lc_{g.key}") or 0) > 0:
            table[list(g.codes)] = True
    return table


def exclude(classes: np.ndarray, glacier: np.ndarray | None, values: dict, ok: np.ndarray,
            failed: dict[str, int]) -> None:
    """Remove the excluded classes (then glaciers) from `ok` in place; count the cells each removed in `failed`."""
    counts = np.bincount(classes[ok], minlength=256)
    for g in GROUPS:
        if float(values.get(f"lc_{g.key}") or 0) > 0:
            failed[f"lc_{g.key}"] = int(counts[list(g.codes)].sum())
    ok &= ~lookup(values)[classes]
    if glacier is not None and float(values.get("glacier") or 0) > 0:
        failed["glacier"] = int(np.count_nonzero(ok & glacier))
        ok &= ~glacier


def shares(classes: np.ndarray, cells: np.ndarray) -> dict[int, float]:
    """Share of `cells` (indices into the inside cells) in each IGBP class present."""
    sel = classes[cells]
    counts = np.bincount(sel, minlength=256)
    return {int(k): float(counts[k] / sel.size) for k in np.flatnonzero(counts)} if sel.size else {}
