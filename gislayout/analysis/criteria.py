"""Criterion layers on the grid, built once per process: the resource, terrain, and distances to demand and towns.

A `Stack` holds, for the cells inside the province only (1-D arrays in `Stack.flat` order), every criterion
the model scores, the distances the exclusion buffers use, each cell's prefecture and nearest park or base.
Tests build stacks from small synthetic arrays with `Stack.from_arrays`; `build(tech)` builds the real one.

The real stack is cached per process and keyed on the installed resources (`resources_token`: each installed
raster's name, sha256, creation time and file mtime), so `flask resources import`/`fetch`/`uninstall` in
another process is picked up on the next request while repeated requests reuse the cached stack.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from .. import altitude, boundaries, config, dataversion, layers, resources
from ..errors import BadParameter, ResourceUnavailable
from ..resources import store
from . import connection, landcover, offtakers as offtakers_mod
from .criterion_stack import SPECS, TECHS, Layer, Spec, Stack, _no_demand, distance_km  # noqa: F401
from .grid import CELL_M, Grid, project, project_geometries

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

PVLIB_ALTITUDE_NOTE = ("Terrain: elevation from pvlib's Altitude.h5 (1/12°, ≈ 8 km cells, 28 m steps), "
                       "bilinear onto the 1 km grid. Too coarse for slope, so slope is not a criterion.")
PVLIB_ALTITUDE_NOTE_ZH = ("地形：海拔取自 pvlib 的 Altitude.h5（1/12°，约 8 km 网格，28 m 级差），双线性插值到 1 km 网格。"
                          "分辨率太粗，无法计算坡度，故坡度不作为准则。")


@lru_cache(maxsize=2)
def gansu(cell_m: float = CELL_M) -> tuple[Grid, np.ndarray]:
    """The grid over Gansu and the boolean mask of cells whose centre lies inside the province."""
    province = boundaries.load("province").geometry.iloc[0]
    projected = project_geometries([province])[0]
    grid = Grid.from_bounds(*projected.bounds, cell=cell_m)
    inside = grid.rasterize([projected]).astype(bool)
    return grid, inside


def pvlib_elevation(grid: Grid) -> np.ndarray:
    """Elevation in metres from pvlib's global 1/12° Altitude.h5, bilinear-resampled onto `grid`."""
    from rasterio.warp import Resampling, reproject, transform_bounds


    west, south, east, north = transform_bounds(grid.crs, config.WGS84, *grid.bounds, densify_pts=21)
    src, src_transform = altitude.read(west, south, east, north, margin=2)
    out = np.full(grid.shape, np.nan, np.float32)
    reproject(src.astype(np.float32), out, src_transform=src_transform, src_crs=config.WGS84, src_nodata=np.nan,
              dst_transform=grid.transform, dst_crs=grid.crs, dst_nodata=np.nan, resampling=Resampling.bilinear)
    return out


def slope_degrees(elevation: np.ndarray, cell_m: float) -> np.ndarray:
    """Slope in degrees from an elevation grid (central differences)."""
    gy, gx = np.gradient(elevation.astype(np.float64), cell_m)
    return np.degrees(np.arctan(np.hypot(gx, gy))).astype(np.float32)


# ---------------------------------------------------------------------------------------------- resources

#: What each resource kind means, in the units the model uses.
RESOURCE_UNITS = {"ghi": "kWh/m²/yr", "wind_speed": "m/s", "wind_power_density": "W/m²"}


def _resource_info(name: str) -> dict:
    """Catalogue metadata of an installed resource (units, height_m, resolution, bias, ...) as a dict."""
    from dataclasses import asdict


    spec = resources.get_spec(name)
    return dict(asdict(spec), units=spec.units)


def _install_hint(tech: str, lang: str = "en") -> str:
    """The command that installs a resource for `tech`, from the resources catalogue (in `lang`, zh or en)."""

    spec = resources.BUILTIN["gsa_ghi" if tech == "pv" else "gwa_ws100"]
    shipped = resources.BUILTIN["gsa_ghi_025" if tech == "pv" else "gwa3_ws100_025"]
    if lang == "zh":
        return (f"`{shipped.install_command}`（附带的{'Global Solar' if tech == 'pv' else 'Global Wind'} Atlas 裁剪数据），"
                f"或 `{spec.install_command}`（离线：`{resources.CLI} import FILE`）")
    return (f"`{shipped.install_command}` (the shipped {'Global Solar' if tech == 'pv' else 'Global Wind'} Atlas "
            f"crop), or `{spec.install_command}` (offline: `{resources.CLI} import FILE`)")


def _height_of(info: dict, name: str) -> float | None:
    for key in ("height_m", "height"):
        if info.get(key) not in (None, ""):
            return float(info[key])
    import re
    m = re.search(r"(\d+)\s*m\b", name) or re.search(r"ws(\d+)m", name)
    return float(m.group(1)) if m else None


def _ghi_to_kwh_year(values: np.ndarray, info: dict) -> tuple[np.ndarray, str]:
    units = str(info.get("units", "")).lower().replace(" ", "")
    if "day" in units or "/d" in units or (np.nanmax(values) < 20 if np.isfinite(values).any() else False):
        return values * 365.0, "converted from kWh/m²/day × 365"
    if "mj" in units:
        return values / 3.6, "converted from MJ/m² ÷ 3.6"
    return values, ""


def read_resource(tech: str, grid: Grid) -> tuple[str, str, np.ndarray, dict]:
    """(kind, name, 2-D array in model units, catalogue info) of the resource in use for `tech`.

    Raises ResourceUnavailable, with the command that installs one, when there is none.
    """

    kinds = ("ghi",) if tech == "pv" else ("wind_speed", "wind_power_density")
    what = "solar (GHI)" if tech == "pv" else "wind (speed or power density)"
    for kind in kinds:
        name = resources.default_for(kind)
        if name:
            info = _resource_info(name)
            values = np.asarray(resources.read_array(name, grid.crs, grid.transform, grid.shape), dtype=np.float32)
            if kind == "ghi":
                values, conv = _ghi_to_kwh_year(values, info)
                info = dict(info, conversion=conv)
            return kind, name, values, info
    raise ResourceUnavailable(f"{tech} siting needs a {what} resource and none is installed; install one with "
                              f"{_install_hint(tech)}",
                              zh=f"{'光伏' if tech == 'pv' else '风电'}选址需要{'太阳能（GHI）' if tech == 'pv' else '风能'}"
                                 f"资源数据，但尚未安装；安装命令：{_install_hint(tech, 'zh')}")


def read_elevation(grid: Grid) -> tuple[np.ndarray, str, str, bool]:
    """(elevation 2-D, source, resolution, fine enough for slope) from an installed DEM or pvlib's Altitude.h5."""

    name = resources.default_for("elevation")
    if name:
        info = _resource_info(name)
        arr = np.asarray(resources.read_array(name, grid.crs, grid.transform, grid.shape), dtype=np.float32)
        return arr, f"resource {name!r}", str(info.get("resolution", "as imported")), True
    return pvlib_elevation(grid), "pvlib Altitude.h5", "1/12° (≈ 8 km), 28 m steps", False


# ---------------------------------------------------------------------------------------------- the real stack

@dataclass
class Base:
    """The technology-independent part of the stack: grid, prefectures, distances, elevation."""

    grid: Grid
    inside: np.ndarray
    prefecture: np.ndarray
    prefectures: list[str]
    prefectures_en: list[str]
    distances: dict[str, np.ndarray]
    nearest_demand: np.ndarray
    demand: pd.DataFrame
    terrain: dict[str, Layer]
    elevation_m: np.ndarray
    notes: list[str]
    offtakers: pd.DataFrame = field(default_factory=_no_demand)
    nearest_offtaker: np.ndarray | None = None
    offtaker_km: np.ndarray | None = None
    substations: pd.DataFrame = field(default_factory=_no_demand)
    landcover: np.ndarray | None = None
    glacier: np.ndarray | None = None
    notes_zh: list[str] = field(default_factory=list)  # `notes` in Chinese, one for one


def demand_points() -> pd.DataFrame:
    """Industrial bases and parks (the demand) with id, names, layer, kind, level, prefecture, lon, lat."""
    import pandas as pd

    frames = []
    for name in ("bases", "parks"):
        gdf = layers.load(name)
        df = pd.DataFrame({c: gdf[c] for c in ("id", "name_zh", "name_en", "kind", "level", "prefecture")})
        df["layer"] = name
        df["lon"], df["lat"] = gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _entry(store, name: str, meta: dict) -> tuple:
    try:
        mtime = os.stat(store.tif_path(name)).st_mtime_ns
    except OSError:
        mtime = None
    return (name, str(meta.get("sha256")), str(meta.get("created")), mtime)


def resources_token(names: tuple[str, ...] | None = None) -> tuple:
    """What the installed resources are now: (folder, ((name, sha256, created, tif mtime), ...)).

    Cheap (the sidecars are re-read only when the folder changes), so it is computed on every request and
    used as the cache key of the stack: an import, fetch or uninstall changes it. `names` limits it to those.
    """

    metas = store.installed_meta()
    wanted = sorted(metas) if names is None else [n for n in names if n and n in metas]
    return (str(store.root()), tuple(_entry(store, name, metas[name]) for name in wanted))


def _elevation_token() -> tuple:
    """The part of `resources_token` the shared base depends on: the installed DEM in use, if any."""

    return resources_token((resources.default_for("elevation"),))


def base(cell_m: float = 1000.0) -> Base:
    """The grid and the criteria every technology shares: built once, again only when the DEM in use changes."""
    return _base(float(cell_m), _elevation_token())


@dataversion.cached(maxsize=1, parts=("layers", "boundaries"))
def _base(cell_m: float, token: tuple) -> Base:

    grid, inside = gansu(cell_m)
    notes, notes_zh = [], []
    pref = layers.load("prefectures")
    names = list(pref["name_zh"])
    codes = grid.rasterize(project_geometries(pref.geometry.values), values=range(1, len(pref) + 1),
                           dtype="int16")
    prefecture = (codes[inside] - 1).astype(np.int16)

    seats_x, seats_y = project(pref["seat_lon"].to_numpy(float), pref["seat_lat"].to_numpy(float))
    counties = layers.load("counties")
    towns_x, towns_y = project(counties["seat_lon"].to_numpy(float), counties["seat_lat"].to_numpy(float))
    demand = demand_points()
    dem_x, dem_y = project(demand["lon"].to_numpy(float), demand["lat"].to_numpy(float))

    seat_km, _ = distance_km(grid, inside, seats_x, seats_y)
    town_km, _ = distance_km(grid, inside, np.r_[towns_x, seats_x], np.r_[towns_y, seats_y])
    demand_km, nearest = distance_km(grid, inside, dem_x, dem_y)
    offt = offtakers_mod.points()
    off_x, off_y = project(offt["lon"].to_numpy(float), offt["lat"].to_numpy(float))
    off_eff, off_idx, off_km = offtakers_mod.weighted_distance(grid, inside, off_x, off_y, offt["weight"].to_numpy())

    elev2d, src, res, fine = read_elevation(grid)
    terrain = {"elevation": Layer("elevation", elev2d[inside], "m", src, res)}
    if fine:
        terrain["slope"] = Layer("slope", slope_degrees(elev2d, grid.cell_m)[inside], "°", f"from {src}", res)
    else:
        notes.append(PVLIB_ALTITUDE_NOTE)
        notes_zh.append(PVLIB_ALTITUDE_NOTE_ZH)
    dist_res = f"{grid.cell_m:g} m grid, distances between cell centres"
    counts = offt["intensity_class"].value_counts()
    terrain["demand"] = Layer("demand", off_eff, "km (weighted)",
                              f"{len(offt)} electricity-intensive offtakers ({counts.get('high', 0)} high, "
                              f"{counts.get('medium', 0)} medium: bases, parks, anchor enterprises, smelters; "
                              f"layers/sector_intensity.csv); km ÷ class weight", dist_res)
    terrain["town"] = Layer("town", town_km, "km",
                            f"{len(pref)} prefecture seats and {len(counties)} county seats", dist_res)
    notes.append(f"Land cover: {landcover.SOURCE}. Classes are {landcover.RESOLUTION}: oases, towns and lakes "
                 "smaller than a few km are not resolved. Built-up land is also approximated by buffers around "
                 "prefecture seats, county seats and parks. No protected-area data ships with gislayout: upload "
                 "polygons to exclude them.")
    notes_zh.append(f"土地覆盖：{landcover.SOURCE_ZH}。分类的分辨率为 {landcover.RESOLUTION_ZH}：小于数千米的绿洲、城镇和"
                    "湖泊无法分辨。建成区另以市州驻地、县城和园区周围的缓冲区近似。gislayout 不附带保护区数据："
                    "请上传保护区多边形以排除。")
    distances = {"seat": seat_km, "town": town_km, "park": demand_km,
                 "runway": landcover.runway_km(grid, inside)}
    return Base(grid, inside, prefecture, names, list(pref["name_en"]), distances,
                nearest, demand, terrain, elev2d[inside], notes, offt, off_idx, off_km, connection.substations(),
                landcover.read_classes(grid, inside), landcover.glacier_mask(grid, inside), notes_zh)


def build(tech: str, cell_m: float = 1000.0) -> Stack:
    """The real stack for `tech` ('pv' or 'wind'), cached while the installed resources stay the same.

    Raises ResourceUnavailable (not cached: the next request looks again) when no resource for `tech` is installed.
    """
    if tech not in TECHS:
        raise BadParameter(f"unknown tech {tech!r}; allowed: {', '.join(TECHS)}")
    return _build(tech, float(cell_m), resources_token())


def _clear() -> None:
    """Forget every cached stack and base (tests)."""
    _build.cache_clear()
    _base.cache_clear()


build.cache_clear = _clear  # type: ignore[attr-defined]  (as if `build` were the lru_cache itself)


@dataversion.cached(maxsize=2)
def _build(tech: str, cell_m: float, token: tuple) -> Stack:
    b = base(cell_m)
    kind, name, values, info = read_resource(tech, b.grid)
    notes, notes_zh = list(b.notes), list(b.notes_zh)
    source = f"resource {name!r}" + (f" ({info['conversion']})" if info.get("conversion") else "")
    if info.get("bias"):
        notes.append(f"Resource {name!r} ({info.get('source', 'source not stated')}): {info['bias']}")
        notes_zh.append(f"资源“{name}”（{info.get('source', '未注明来源')}）：{info['bias']}")  # the metadata's words
    attribution = (info.get("extra") or {}).get("attribution")
    if attribution or info.get("licence"):  # carried into every siting export's metadata
        notes.append(f"Resource {name!r} licence: {info.get('licence') or 'not recorded'}."
                     + (f" Attribution: {attribution}" if attribution else ""))
        notes_zh.append(f"资源“{name}”的许可：{info.get('licence') or '未记录'}。"
                        + (f"署名：{attribution}" if attribution else ""))
    res = str(info.get("resolution", "as imported")) + "; bilinear onto the grid"
    height = _height_of(info, name) if tech == "wind" else None
    if tech == "wind" and height is None:
        height = 100.0
        notes.append(f"Resource {name!r} does not state its height; taken as 100 m (Global Wind Atlas).")
        notes_zh.append(f"资源“{name}”未注明高度；按 100 m 计（Global Wind Atlas）。")
    units = RESOURCE_UNITS[kind] + (" at hub height" if tech == "wind" else "")
    if tech == "wind":
        source += f", given at {height:g} m, scaled to hub height by the power law"
    layers_ = {"resource": Layer("resource", values[b.inside], units, source, res), **b.terrain}
    return Stack(tech, b.grid, b.inside, layers_, kind, height, b.distances, b.prefecture, list(b.prefectures),
                 list(b.prefectures_en), b.nearest_demand, b.demand, b.elevation_m, None, notes,
                 resource_name=name, resource_estimate=bool(info.get("is_estimate")), offtakers=b.offtakers,
                 nearest_offtaker=b.nearest_offtaker, offtaker_km=b.offtaker_km, substations=b.substations,
                 landcover=b.landcover, glacier=b.glacier, notes_zh=notes_zh)
