"""One siting run: score → zones → table, polygons and roll-ups, as plain data for the API, the CLI and exports.

The criterion stack is built once per process and set of installed resources (`criteria.build`, cached); a
run with new weights or thresholds is array maths over the ~430,000 inside cells plus tracing the polygons of
the top zones. A run in which no zone survives is a valid answer: no rows, roll-ups of zero, a note saying why.

Every potential figure is a technical upper bound; `caveat` says what the model leaves out (land cover, water,
farmland, protected areas unless uploaded; slope without a fine DEM; the offline GHI estimate's bright bias).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import config, layers, regions
from ..errors import LayerDataError
from . import (connection, costs as costs_mod, criteria, distances, energy, gridstore, landcover, model, outputs, supply,
               zones as zones_mod)
from .criterion_stack import Stack
from .grid import clip_project, unproject, wgs84_box
from .model import Params, Surface

#: The rows of layers/targets.csv holding the policy's 2015 capacity targets, 三(一)2.
_TARGET_IDS = {"wind": "target_wind_capacity_2015", "pv": "target_solar_capacity_2015"}


def stack(tech: str) -> Stack:
    """The real criterion stack for `tech`, built on first use and cached for the process.

    The per-cell yield and grid distance for the default parameters are computed with it, so the first run is as fast as later ones.
    """
    built = criteria.build(tech)
    if "_yield_cache" not in built.__dict__:
        params = parse(built, {})
        yield_per_mw(built, params)
        connection.layer(built, float(params["grid_kv"]))  # the default grid distance and its criterion
    return built


def criteria_meta(stack_: Stack, extra: dict | None = None) -> list[dict]:
    """`Layer.meta()` of every criterion of `stack_`, plus `extra` layers (default: the distance to the grid at
    the default `grid_kv`, when there is any substation)."""
    if extra is None:
        grid = connection.layer(stack_, float(model._COST_DEFAULTS["grid_kv"]))  # type: ignore[arg-type]
        extra = {"grid": grid} if grid is not None else {}
    return stack_.criteria_meta(extra)


def parse(stack_: Stack, query, ignore: tuple[str, ...] = ()) -> Params:
    """Params for the stack's technology from a query mapping (unknown keys raise BadParameter)."""
    return model.parse(stack_.tech, query, stack_.resource_kind, ignore)


def yield_per_mw(stack_: Stack, params: Params, need: np.ndarray | None = None) -> np.ndarray:
    """Annual MWh per MW for the inside cells (wind: cached per turbine, hub, shear and k).

    `need`: the cells the caller reads (a run reads its suitable cells only); wind yields are computed for
    those not computed yet under the same parameters, and the other cells may be NaN. None: every cell.
    """
    resource = stack_.layers["resource"].values
    if stack_.tech == "pv":
        return energy.pv_yield(resource, float(params["pr"]))
    key = (params["turbine"], float(params["hub"]), float(params["shear"]), float(params["k"]))
    cache = stack_.__dict__.setdefault("_yield_cache", {})
    if key not in cache:
        if len(cache) > 8:
            cache.clear()
        cache[key] = (np.full(resource.shape, np.nan, np.float32), np.zeros(resource.shape, bool))
    yields, done = cache[key]
    todo = ~done if need is None else need & ~done
    if todo.any():
        elevation = stack_.elevation_m if stack_.elevation_m is not None else np.zeros_like(resource)
        j, b = stack_.__dict__.get("_density_index") or (None, None)
        if j is None:  # air density from elevation: fixed for the stack, interpolated once
            j, b = stack_.__dict__["_density_index"] = energy.density_index(energy.air_density(elevation))
        idx = np.flatnonzero(todo)
        yields[idx] = energy.wind_yield(resource[idx], stack_.resource_kind, stack_.resource_height_m or 100.0,
                                        None, *key, index=(j[idx], b[idx]))
        done[idx] = True
    return yields


@dataclass
class Run:
    """The outcome of one run: the surface, every zone, and the top zones with polygons."""

    stack: Stack
    params: Params
    surface: Surface
    zones: zones_mod.Zones
    top: pd.DataFrame
    geometries: list
    by_prefecture: pd.DataFrame
    timings_ms: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    notes_zh: list[str] = field(default_factory=list)  # the same notes in Chinese, one for one
    uploaded_exclusions: bool = False
    economics: pd.DataFrame | None = None   # supply.economics: one row per zone
    costs: costs_mod.Costs | None = None
    extra: dict = field(default_factory=dict)  # criteria built for this run's parameters: {"grid": Layer}


def run(stack_: Stack, params: Params, exclude: np.ndarray | None = None, polygons: bool = True,
        top: int | None = None, grid: str | None = None) -> Run:
    """Score, find and rank zones, describe the top `top` (default `params['top']`) and roll up by prefecture.

    `grid`: id of an uploaded grid (POST /api/siting/grid) to connect to instead of the substations layer.
    """
    t0 = time.perf_counter()
    # the grid criterion: the distance field supply.economics prices, cached per stack, grid and kV
    grid_layer = connection.layer(stack_, float(params["grid_kv"]), grid)
    extra = {"grid": grid_layer} if grid_layer is not None else {}
    surface = model.evaluate(stack_, params, exclude, extra)
    t1 = time.perf_counter()
    yields = yield_per_mw(stack_, params, surface.suitable)  # zones and roll-ups read suitable cells only
    found = zones_mod.find(stack_, surface, params, yields)
    t2 = time.perf_counter()
    econ, costs = supply.economics(stack_, found, params, grid)
    t2b = time.perf_counter()
    n = min(int(top if top is not None else params["top"]), len(found))
    rows = np.arange(n)
    # the described zones' polygons: every distance they report is measured from them (DISTANCE_RULE)
    traced = zones_mod.polygons(stack_, found, rows) if n else []
    near = _measure(stack_, params, traced, econ, costs, grid)
    table = _describe(stack_, found, rows, econ, near)
    if costs is not None and "lcoe_usd_mwh" in table:
        _cny_columns(stack_.tech, table, costs.preset)
    geoms = traced if polygons else []
    t3 = time.perf_counter()
    by_pref = zones_mod.rollup_by_prefecture(stack_, found, params, yields)
    t4 = time.perf_counter()
    notes = list(stack_.notes)
    notes_zh = list(stack_.notes_zh)
    for key in ("slope", "elevation", "grid"):
        asked = {f"w_{key}", f"t_{key}"} & set(params.changed())
        if key not in stack_.layers and key not in extra and asked:
            notes.append(f"No data for the {key} criterion is installed; its threshold and weight are ignored.")
            notes_zh.append(f"未安装“{_CRITERION_ZH[key]}”准则的数据；其阈值与权重不起作用。")
    if not len(found):
        notes.append(_why_no_zone(stack_, surface, params))
        notes_zh.append(_why_no_zone_zh(stack_, surface, params))
    timings = {"score": (t1 - t0) * 1e3, "zones": (t2 - t1) * 1e3, "economics": (t2b - t2) * 1e3,
               "describe_polygons": (t3 - t2b) * 1e3,
               "rollups": (t4 - t3) * 1e3, "total": (t4 - t0) * 1e3}
    return Run(stack_, params, surface, found, table, geoms, by_pref,
               {k: round(v, 1) for k, v in timings.items()}, notes, notes_zh, exclude is not None, econ, costs, extra)


def _why_no_zone(stack_: Stack, surface: Surface, params: Params) -> str:
    """A note saying why a run found no zone: nothing passed, or what passed is too small."""
    suitable = int(np.count_nonzero(surface.suitable))
    if not suitable:
        worst = sorted(surface.failed.items(), key=lambda kv: -kv[1])
        named = ", ".join(f"{k} {v:,}" for k, v in worst if v) or "no resource data"
        return (f"No zone: no cell passes every threshold, buffer and exclusion (cells removed by: {named}). "
                "Relax a threshold or a buffer.")
    return (f"No zone: {suitable:,} cells ({suitable * stack_.grid.cell_km2:,.0f} km²) are suitable, but none "
            f"forms a zone of at least min_area = {params['min_area']:g} km² (zones cut at max_zone = "
            f"{params['max_zone']:g} km). Lower min_area or raise max_zone.")


#: Criteria and exclusion steps named in the Chinese notes (the waterfall's words, static/siting/strings.js).
_CRITERION_ZH = {"resource": "资源", "elevation": "海拔", "slope": "坡度", "demand": "距园区/基地", "town": "距城镇",
                 "grid": "距电网", "no_data": "无数据", "seat_buffer": "市州驻地缓冲", "town_buffer": "县城缓冲",
                 "park_buffer": "园区/基地缓冲", "runway_buffer": "机场跑道缓冲", "uploaded": "上传的排除区",
                 "no_score": "无得分", "glacier": "冰川", "lc_water": "水体", "lc_forest": "森林",
                 "lc_wetland": "永久湿地", "lc_cropland": "耕地", "lc_mosaic": "耕地/自然植被镶嵌", "lc_urban": "城镇用地",
                 "lc_snow": "冰雪", "lc_shrubland": "灌丛", "lc_savanna": "稀树草原", "lc_grassland": "草地",
                 "lc_barren": "荒漠/裸地"}


def _why_no_zone_zh(stack_: Stack, surface: Surface, params: Params) -> str:
    """`_why_no_zone` in Chinese."""
    suitable = int(np.count_nonzero(surface.suitable))
    if not suitable:
        worst = sorted(surface.failed.items(), key=lambda kv: -kv[1])
        named = "，".join(f"{_CRITERION_ZH.get(k, k)} {v:,}" for k, v in worst if v) or "无资源数据"
        return f"没有候选区：没有网格单元同时通过所有阈值、缓冲区和排除区（各项剔除的单元数：{named}）。请放宽阈值或缓冲区。"
    return (f"没有候选区：{suitable:,} 个单元（{suitable * stack_.grid.cell_km2:,.0f} km²）适宜，但连不成面积不小于"
            f"最小区域 {params['min_area']:g} km² 的区域（区域按最大边长 {params['max_zone']:g} km 切分）。"
            "请减小最小区域或增大区域最大边长。")


#: Above this annual GHI the offline estimate is likely too bright (high mountains; see the resource's bias).
ESTIMATE_BRIGHT_KWH = 2000.0


def caveat(stack_: Stack, uploaded_exclusions: bool = False, density: float | None = None,
           bright_km2: float | None = None) -> dict:
    """What the potential figures are: a technical upper bound, and what the model leaves out, in zh and en.

    `items` are {key, zh, en}: `upper_bound` always; `land_cover` (no land-cover, water, farmland or
    protected-area exclusion unless polygons are uploaded); `slope` when no DEM fine enough for slope is
    installed; `bright_ghi` for PV on the offline GHI estimate (likely too bright above ~2000 kWh/m²/yr).
    """
    dens = f" ({density:g} MW/km²)" if density is not None else ""
    items = [{"key": "upper_bound",
              "en": f"Technical potential, an upper bound: every cell that passes the criteria counts at the full "
                    f"land-use density{dens}; grid capacity, economics, land ownership and curtailment are not "
                    f"considered.",
              "zh": f"技术可开发潜力（上限）：所有通过准则的栅格均按满用地密度{dens}计入，未考虑电网接入容量、"
                    f"经济性、土地权属和弃风弃光。"}]
    up_en = " and the uploaded exclusion polygons" if uploaded_exclusions else ""
    up_zh = "以及已上传的排除区" if uploaded_exclusions else ""
    if stack_.landcover is not None:
        items.append({"key": "land_cover",
                      "en": f"Land cover is MODIS MCD12C1 2019 (IGBP classes) at 0.05° (≈ 4.5 × 5.5 km), taken to the "
                            f"1 km grid by nearest neighbour: oases, towns, lakes and farmland smaller than a few km are "
                            f"not resolved. Water, forest, wetland, cropland, cropland mosaic, urban land and snow/ice "
                            f"are excluded by default, with Natural Earth glaciers, a buffer around runways, the buffers "
                            f"around towns and parks{up_en}. No protected-area data ships with gislayout: upload "
                            f"polygons to exclude them.",
                      "zh": f"土地覆被为 MODIS MCD12C1 2019（IGBP 分类），分辨率 0.05°（约 4.5 × 5.5 km），按最近邻取到 "
                            f"1 km 格网：小于数公里的绿洲、城镇、湖泊和耕地无法分辨。默认排除水体、森林、湿地、耕地、"
                            f"耕地/自然植被镶嵌、城镇用地和冰雪，以及 Natural Earth 冰川、机场跑道缓冲区、城镇和园区缓冲区"
                            f"{up_zh}。gislayout 未附带自然保护地数据：可上传多边形将其排除。"})
    elif uploaded_exclusions:
        items.append({"key": "land_cover",
                      "en": "No land-cover, water, farmland or protected-area data is in this stack: only the "
                            "uploaded exclusion polygons (and the buffers around towns and parks) are removed.",
                      "zh": "此格网未含土地覆被、水体、耕地和自然保护地数据：仅排除已上传的排除区"
                            "（以及城镇、园区周边缓冲区）。"})
    else:
        items.append({"key": "land_cover",
                      "en": "No land-cover, water, farmland or protected-area exclusion is applied (no such data is "
                            "in this stack; only buffers around towns and parks). Upload polygons to exclude them.",
                      "zh": "未排除土地覆被、水体、耕地和自然保护地（此格网未含此类数据，仅排除城镇、园区周边"
                            "缓冲区）。可上传排除区多边形将其排除。"})
    if "slope" not in stack_.layers:
        items.append({"key": "slope",
                      "en": "Slope is not applied: no DEM fine enough for slope is installed (the built-in terrain "
                            "is pvlib's ~8 km altitude grid), so steep land is not excluded.",
                      "zh": "未计坡度：未安装足够精细的数字高程模型（内置地形仅为 pvlib 约 8 km 海拔格网），"
                            "陡坡未被排除。"})
    if stack_.tech == "pv" and stack_.resource_estimate:
        where_en = where_zh = ""
        if bright_km2:
            where_en = f" {bright_km2:,.0f} km² of these zones lie where it exceeds that."
            where_zh = f"本次候选区中有 {bright_km2:,.0f} km² 位于此类区域。"
        if stack_.resource_name == "ghi_gsa_anchored":
            items.append({"key": "bright_ghi",
                          "en": f"The resource {stack_.resource_name!r} is an estimate: its 0.25° means are the Global "
                                f"Solar Atlas's, the detail inside each cell the offline model's. Cells above "
                                f"~{ESTIMATE_BRIGHT_KWH:,.0f} kWh/m²/yr would be flagged as unreliable.{where_en}",
                          "zh": f"资源 {stack_.resource_name} 为估算值：0.25° 格均值取自全球太阳能图谱，格内细节来自离线模型。"
                                f"年总辐射高于约 {ESTIMATE_BRIGHT_KWH:,.0f} kWh/m² 的栅格将标为不可靠。{where_zh}"})
        else:
            items.append({"key": "bright_ghi",
                          "en": f"The resource is the offline GHI estimate, likely too bright above "
                                f"~{ESTIMATE_BRIGHT_KWH:,.0f} kWh/m²/yr (high mountains: Qilian and Altun ranges above "
                                f"~3000 m); install the Global Solar Atlas (`flask --app app resources fetch gsa`) for "
                                f"satellite-derived figures.{where_en}",
                          "zh": f"资源为离线 GHI 估算：年总辐射高于约 {ESTIMATE_BRIGHT_KWH:,.0f} kWh/m² 处（祁连山、"
                                f"阿尔金山等海拔约 3000 米以上高山）可能偏高；可安装全球太阳能图谱（卫星反演数据）获得更可靠数值。"
                                f"{where_zh}"})
    return {"basis": "technical upper bound",
            "title": {"en": "Technical potential: an upper bound", "zh": "技术可开发潜力：上限值"},
            "items": items}


def run_caveat(result: Run) -> dict:
    """`caveat` for a run, with the zone area on estimated GHI above the bright limit."""
    s = result.stack
    bright = None
    if s.tech == "pv" and s.resource_estimate:
        in_zone = result.zones.cell_zone >= 0
        values = s.layers["resource"].values
        bright = float(np.count_nonzero(in_zone & (np.nan_to_num(values) > ESTIMATE_BRIGHT_KWH)) * s.grid.cell_km2)
    return caveat(s, result.uploaded_exclusions, float(result.params["density"]), bright)


def _features(stack_: Stack, grid: str | None) -> dict:
    """Projected geometries of the features distances are measured to (cached per stack and uploaded grid)."""
    cache = stack_.__dict__.setdefault("_feature_geoms", {})
    if grid not in cache:
        crs = stack_.grid.crs
        def pts(frame: pd.DataFrame) -> np.ndarray:
            if not len(frame) or "lon" not in frame or "lat" not in frame:
                return np.array([], dtype=object)
            return distances.points(frame["lon"], frame["lat"], crs)

        out = {"demand": pts(stack_.demand), "offtakers": pts(stack_.offtakers)}
        if grid:
            gdf = gridstore.load(grid)
            out["grid"] = clip_project(gdf.to_crs(config.WGS84).geometry.values, wgs84_box(stack_.grid), crs)
            out["grid_kv"] = pd.to_numeric(gdf.get("max_voltage_kv"), errors="coerce").to_numpy(float)
        else:
            subs = stack_.substations
            out["grid"] = pts(subs)
            out["grid_kv"] = subs["max_voltage_kv"].to_numpy(float) if len(out["grid"]) else np.array([])
        if len(cache) > 8:
            cache.clear()
        cache[grid] = out
    return cache[grid]


def _measure(stack_: Stack, params: Params, polys: list, econ: pd.DataFrame | None,
             costs: costs_mod.Costs | None, grid: str | None) -> dict:
    """Nearest base or park, substation (or uploaded grid) and offtaker of each described zone by DISTANCE_RULE;
    the zones' rows of `econ` take the substation, offtaker and distances measured so, and their LCOE is
    recomputed with that grid distance (the table, the files, the supply curve and the CLI then agree)."""
    if not polys:
        return {"nearest": (np.array([], np.int64), np.array([]))}
    crs = stack_.grid.crs
    f = _features(stack_, grid)
    # a stack without feature coordinates (synthetic tests) keeps the grid's cell-centre distances
    out = {"nearest": distances.nearest(polys, f["demand"], crs)} if len(f["demand"]) else {}
    if econ is None or not len(f["grid"]) or (len(stack_.offtakers) and not len(f["offtakers"])):
        return out
    n = len(polys)
    kv_all = f["grid_kv"]
    keep = ~(kv_all < float(params["grid_kv"])) if grid else np.nan_to_num(kv_all, nan=-1) >= float(params["grid_kv"])
    sub, grid_km = distances.nearest(polys, f["grid"], crs, keep=keep)
    off, off_km = (distances.nearest(polys, f["offtakers"], crs, weight=stack_.offtakers["weight"].to_numpy(float))
                   if len(stack_.offtakers) else (np.full(n, -1), np.full(n, np.nan)))
    kv = np.where(sub >= 0, kv_all[np.maximum(sub, 0)] if kv_all.size else np.nan, np.nan)
    def put(col: str, values: np.ndarray) -> None:
        column = econ[col].to_numpy().copy()
        column[:n] = np.asarray(values).astype(column.dtype)
        econ[col] = column

    for col, values in (("grid_km", grid_km), ("substation", sub), ("substation_kv", kv), ("offtaker", off),
                        ("offtaker_km", off_km)):
        put(col, values)
    if costs is not None:
        yields = econ["capacity_factor"].to_numpy(float)[:n] * energy.HOURS
        put("lcoe", costs_mod.lcoe(yields, grid_km, kv, costs))
    return out


def _describe(stack_: Stack, found: zones_mod.Zones, rows: np.ndarray, econ: pd.DataFrame | None = None,
              near: dict | None = None) -> pd.DataFrame:
    """Table rows for the zones in `rows`: ids, figures, prefecture, scheme zones, LCOE, capacity factor,
    nearest substation (grid_km), offtaker, and the nearest base or park of any kind (`nearest_*`)."""
    t = found.table.iloc[rows].reset_index(drop=True)
    lon, lat = unproject(t["x"].to_numpy(), t["y"].to_numpy(), stack_.grid.crs) if len(t) else ([], [])
    prefs = [stack_.prefectures[i] if 0 <= i < len(stack_.prefectures) else None for i in t["prefecture_index"]]
    out = pd.DataFrame({
        "rank": t["rank"],
        "id": [f"{stack_.tech}-{r:03d}" for r in t["rank"]],
        "tech": stack_.tech,
        "score": t["score"].round(4),
        "area_km2": t["area_km2"].round(3),
        "capacity_mw": t["capacity_mw"].round(1),
        "generation_gwh": t["generation_gwh"].round(1),
        "yield_mwh_per_mw": t["yield_mwh_per_mw"].round(1),
        "resource_mean": t["resource_mean"].round(3),
        "resource_units": stack_.layers["resource"].units,
        "prefecture": prefs,
        "prefecture_en": [_english(stack_, i) for i in t["prefecture_index"]],
    })
    for scheme_id, zone_of in _scheme_lookups().items():
        out[f"zone_{scheme_id}"] = [zone_of.get(p) for p in prefs]
    if near and len(near["nearest"][0]) == len(rows):
        pairs = [(int(i), float(k)) if i >= 0 else None for i, k in zip(*near["nearest"])]
    else:  # no polygon measured: the grid's nearest cell
        pairs = zones_mod.nearest_demand(stack_, found, rows)
    demand = stack_.demand
    for col in ("id", "name_zh", "name_en", "layer"):
        values = demand[col].to_numpy() if col in demand else None
        out[f"nearest_{col}"] = [values[n[0]] if n is not None and values is not None else None for n in pairs]
    out["nearest_km"] = [float(round_km([n[1]])[0]) if n is not None else None for n in pairs]
    if econ is not None:
        _economics_columns(stack_, out, econ.iloc[rows].reset_index(drop=True), econ.attrs.get("substations"))
    out["lon"], out["lat"] = np.round(lon, 5), np.round(lat, 5)
    return out


def round_km(km) -> np.ndarray:
    """Km to 0.1 km; a positive distance below 0.05 km keeps two decimals (at least 0.01), so 0 means inside."""
    km = np.asarray(km, dtype=float)
    small = (km > 0) & (km < 0.05)
    return np.where(small, np.maximum(np.round(km, 2), 0.01), np.round(km, 1))


def _cny_columns(tech: str, table: pd.DataFrame, preset: str) -> None:
    """LCOE in 元/千瓦时 beside USD/MWh, and the benchmark on-grid tariff of the preset's year where one is cited."""
    at = table.columns.get_loc("lcoe_usd_mwh") + 1
    table.insert(at, "lcoe_cny_kwh", np.round(costs_mod.to_cny_per_kwh(table["lcoe_usd_mwh"], preset), 3))
    tariff = [costs_mod.tariff_for(preset, tech, p) for p in table["prefecture"]]
    table.insert(at + 1, "tariff_cny_kwh", [t["cny_per_kwh"] if t else None for t in tariff])


def _pick(frame: pd.DataFrame, idx, col: str) -> list:
    values = frame[col].to_numpy() if col in frame else None
    return [values[i] if values is not None and i >= 0 else None for i in idx]


def _economics_columns(stack_: Stack, out: pd.DataFrame, econ: pd.DataFrame, subs: pd.DataFrame | None) -> None:
    """Flat LCOE, capacity factor, substation and offtaker columns (flat so that CSV and GPKG carry them)."""
    out["lcoe_usd_mwh"] = econ["lcoe"].round(1).to_numpy()
    out["capacity_factor"] = econ["capacity_factor"].round(4).to_numpy()
    out["grid_km"] = round_km(econ["grid_km"])
    sub = econ["substation"].to_numpy()
    subs = stack_.substations if subs is None else subs
    out["substation_id"] = _pick(subs, sub, "id")
    out["substation_name"] = _pick(subs, sub, "name_zh")
    out["substation_name_en"] = _pick(subs, sub, "name_en")
    out["substation_kv"] = econ["substation_kv"].to_numpy()
    off, offt = econ["offtaker"].to_numpy(), stack_.offtakers
    for col in ("id", "name_zh", "name_en", "layer", "sectors", "intensity_class"):
        out[f"offtaker_{col}"] = _pick(offt, off, col)
    out["offtaker_km"] = round_km(econ["offtaker_km"])


def nest(row: dict) -> dict:
    """A table row with the nested `substation`, `offtaker` and `nearest_park` objects of the API added."""
    def val(v):
        return None if v is None or (isinstance(v, float) and np.isnan(v)) else v
    row = dict(row)
    if "grid_km" in row:
        row["substation"] = None if row.get("substation_id") is None else {
            "id": row["substation_id"], "name": row.get("substation_name"), "name_en": row.get("substation_name_en"),
            "max_voltage_kv": val(row.get("substation_kv")), "km": val(row.get("grid_km"))}
        row["offtaker"] = None if row.get("offtaker_id") is None else {
            "id": row["offtaker_id"], "name_zh": row.get("offtaker_name_zh"), "name_en": row.get("offtaker_name_en"),
            "layer": row.get("offtaker_layer"), "sectors": str(row.get("offtaker_sectors") or "").split(";"),
            "intensity_class": row.get("offtaker_intensity_class"), "km": val(row.get("offtaker_km"))}
    row["nearest_park"] = None if row.get("nearest_id") is None else {
        "id": row["nearest_id"], "name_zh": row.get("nearest_name_zh"), "name_en": row.get("nearest_name_en"),
        "layer": row.get("nearest_layer"), "km": val(row.get("nearest_km"))}
    return row


def _english(stack_: Stack, index: int) -> str | None:
    names = stack_.prefectures_en or stack_.prefectures
    return names[index] if 0 <= index < len(names) else None


def _scheme_lookups() -> dict[str, dict[str, str]]:
    """{scheme id: {prefecture: zone id}} for every region scheme."""
    return {s.id: {m: z.id for z in s.zones for m in z.members} for s in regions.schemes().values()}


def target_mw(tech: str) -> float:
    """The policy's 2015 capacity target for `tech` in MW, from layers/targets.csv (LayerDataError if absent)."""
    df = layers.targets()
    row = df[df["id"] == _TARGET_IDS[tech]]
    if len(row) != 1:
        raise LayerDataError(f"targets.csv has {len(row)} rows with id {_TARGET_IDS[tech]!r}; "
                             f"the {tech} siting roll-up needs exactly one")
    return float(row["value"].iloc[0])


def rollups(result: Run) -> dict:
    """Totals against the 2015 target, by prefecture, and by zone of every region scheme."""
    pref = result.by_prefecture.copy()
    lookups = _scheme_lookups()
    for scheme_id, zone_of in lookups.items():
        pref[f"zone_{scheme_id}"] = [zone_of.get(p) for p in pref["prefecture"]]
    target = target_mw(result.stack.tech)
    total_mw = float(result.zones.table["capacity_mw"].sum())
    nums = ["area_km2", "capacity_mw", "generation_gwh"]
    by_region = {}
    for scheme_id in lookups:
        g = pref.groupby(f"zone_{scheme_id}", dropna=True)[["zones"] + nums].sum().reset_index()
        g = g.rename(columns={f"zone_{scheme_id}": "zone"})
        g["share_of_target"] = (g["capacity_mw"] / target).round(3)
        by_region[scheme_id] = _records(g)
    pref["share_of_target"] = (pref["capacity_mw"] / target).round(3)
    return {
        "basis": "technical upper bound (technical potential): land cover (MODIS 0.05°), glaciers, runway, town and park "
                 "buffers excluded; no protected areas unless uploaded (see `caveat` and `waterfall`)",
        "total": {"zones": int(len(result.zones)),
                  "area_km2": round(float(result.zones.table["area_km2"].sum()), 1),
                  "capacity_mw": round(total_mw, 1),
                  "generation_gwh": round(float(result.zones.table["generation_gwh"].sum()), 1),
                  "target_2015_mw": target,
                  "target_source": "policy 三(一)2 (layers/targets.csv)",
                  "potential_over_target": round(total_mw / target, 2) if target else None},
        "by_prefecture": _records(pref.sort_values("capacity_mw", ascending=False)),
        "by_region": by_region,
    }


#: Columns that keep more than two decimals in JSON (a capacity factor of 0.18 hides a 2 % difference).
_DIGITS = {"capacity_factor": 4}


def _records(df: pd.DataFrame) -> list[dict]:
    df = df.copy()
    for col in df.columns:
        if pd.api.types.is_float_dtype(df[col]):
            df[col] = df[col].round(_DIGITS.get(col, 2))
    return [{k: (None if isinstance(v, float) and np.isnan(v) else (v.item() if isinstance(v, np.generic) else v))
             for k, v in row.items()} for row in df.to_dict(orient="records")]


def zones_gdf(result: Run) -> gpd.GeoDataFrame:
    """The top zones with their table columns as a GeoDataFrame in WGS84 (for GeoJSON, GPKG)."""
    if not len(result.top):
        # no zone survived the thresholds: the same columns, no rows (an empty FeatureCollection / layer / CSV)
        return gpd.GeoDataFrame(result.top.copy(), geometry=gpd.GeoSeries([], crs=config.WGS84), crs=config.WGS84)
    if len(result.geometries) != len(result.top):
        result.geometries = zones_mod.polygons(result.stack, result.zones, np.arange(len(result.top)))
    gdf = gpd.GeoDataFrame(result.top.copy(), geometry=gpd.GeoSeries(list(result.geometries),
                                                                     crs=result.stack.grid.crs))
    return gdf.to_crs(config.WGS84)


#: Geometry type of a zone polygon (4-connected cells trace to one polygon, holes allowed).
ZONE_GEOMETRY = "Polygon"


def zones_file(result: Run, fmt: str) -> bytes:
    """The top zones as a `fmt` file (geojson, gpkg, csv) with the run's parameters, notes and caveat attached."""
    s = result.stack
    meta = outputs.metadata(s.tech, dict(result.params.values), result.notes, criteria_meta(s, result.extra),
                            caveat=[item["en"] for item in run_caveat(result)["items"]],
                            costs=result.costs.as_dict() if result.costs else None,
                            cost_sources=costs_mod.sources(result.costs.preset) if result.costs else None,
                            waterfall=waterfall(result), headline=headline(result),
                            currency=costs_mod.currency(result.costs.preset) if result.costs else None,
                            tariffs=costs_mod.tariffs(result.costs.preset, s.tech) if result.costs else None,
                            distance_rule=DISTANCE_RULE)
    return outputs.to_bytes(zones_gdf(result), fmt, f"siting_{s.tech}_zones", meta, geometry_type=ZONE_GEOMETRY)


def summary(result: Run) -> dict:
    """The run as JSON-able data: parameters, criteria, counts, timings, notes, table and roll-ups."""
    s = result.stack
    return {
        "tech": s.tech,
        "resource_kind": s.resource_kind,
        "params": dict(result.params.values),
        "changed": result.params.changed(),
        "weights_used": {k: round(v, 4) for k, v in result.surface.weights.items()},
        "criteria": criteria_meta(s, result.extra),
        "grid": {"crs": s.grid.crs, "cell_m": s.grid.cell_m, "shape": list(s.grid.shape),
                 "inside_cells": int(s.flat.size)},
        "suitable_cells": int(np.count_nonzero(result.surface.suitable)),
        "suitable_km2": round(float(np.count_nonzero(result.surface.suitable) * s.grid.cell_km2), 1),
        "excluded_by": result.surface.failed,
        "timings_ms": result.timings_ms,
        "notes": result.notes,
        "notes_zh": result.notes_zh,
        "caveat": run_caveat(result),
        "table": [nest(r) for r in _records(result.top)],
        "rollups": rollups(result),
        "costs": result.costs.as_dict() if result.costs else None,
        "cost_sources": costs_mod.sources(result.costs.preset) if result.costs else [],
        "currency": costs_mod.currency(result.costs.preset) if result.costs else None,
        "tariffs": costs_mod.tariffs(result.costs.preset, s.tech) if result.costs else [],
        "supply_curve": supply_curve(result),
        "offtakers": supply.inverse(s, result.zones, result.economics, result.params)
        if result.economics is not None else [],
        "headline": headline(result),
        "waterfall": waterfall(result),
        "distance_rule": DISTANCE_RULE,
        "attribution": config.BOUNDARY_ATTRIBUTION,
    }


def supply_curve(result: Run) -> dict:
    """The run's supply curve (see `supply.curve`), by zone of the scheme in the `scheme` parameter."""
    scheme = str(result.params["scheme"])
    zone_of = _scheme_lookups().get(scheme, {})
    return supply.curve(result.stack, result.zones, result.economics, result.params,
                        target_mw(result.stack.tech), zone_of)


def headline(result: Run) -> dict:
    """One rounded sentence in zh and en: zones, GW, times the 2015 target, LCOE range (USD/MWh and 元/千瓦时)."""
    lcoe = result.economics["lcoe"].to_numpy(float) if result.economics is not None else np.array([])
    out = supply.headline(float(result.zones.table["capacity_mw"].sum()), len(result.zones), lcoe,
                          target_mw(result.stack.tech))
    if out["lcoe_range"] and result.costs is not None:
        lo, hi = (float(v) for v in costs_mod.to_cny_per_kwh(out["lcoe_range"], result.costs.preset))
        out["lcoe_range_cny_kwh"] = [round(lo, 2), round(hi, 2)]
        rate = costs_mod.cny_per_usd(result.costs.preset)
        out["zh"] = out["zh"].replace("美元/MWh", f"美元/MWh（{lo:.2f}–{hi:.2f} 元/千瓦时，按 1 美元 = {rate:g} 元）")
        out["en"] = out["en"].replace("USD/MWh", f"USD/MWh ({lo:.2f}–{hi:.2f} CNY/kWh at {rate:g} CNY/USD)", 1)
    return out


supply_csv = supply.supply_csv


#: Labels of the causes in `Surface.failed` that are not a criterion's threshold or a land-cover group.
_CAUSES = {"no_data": ("无资源或地形数据", "No resource or terrain data"),
           "seat_buffer": ("市州驻地缓冲区", "Buffer around prefecture seats"),
           "town_buffer": ("县城缓冲区", "Buffer around county seats"),
           "park_buffer": ("基地和园区缓冲区", "Buffer around bases and parks"),
           "uploaded": ("上传的排除区", "Uploaded exclusion polygons"),
           "no_score": ("无法评分（数据缺失）", "No score (missing data)"),
           "small": ("不足最小候选区面积", "Too small to form a zone (min_area, max_zone)")}


def cause_title(key: str) -> tuple[str, str]:
    """(zh, en) label of a cause of removed area: a threshold, a buffer, a land-cover group, an upload."""
    if key in _CAUSES:
        return _CAUSES[key]
    if key in criteria.SPECS:
        spec = criteria.SPECS[key]
        return f"未达阈值：{spec.title_zh}", f"Threshold: {spec.title_en}"
    return landcover.title(key)


def waterfall(result: Run) -> dict:
    """Where the area went: the province's area, the km² and share removed by each cause in the order the model
    removes them, the suitable area (province minus every step), the part too small to form a zone, and the
    area of the zones. Steps that removed nothing are kept (a planner sees the cause was applied)."""
    s = result.stack
    km2 = s.grid.cell_km2
    n = int(s.flat.size)
    steps = [{"key": k, "zh": cause_title(k)[0], "en": cause_title(k)[1], "cells": int(v),
              "km2": round(v * km2, 1), "share": round(v / n, 5) if n else 0.0}
             for k, v in result.surface.failed.items()]
    suitable = int(np.count_nonzero(result.surface.suitable))
    in_zones = int(np.count_nonzero(result.zones.cell_zone >= 0))
    small = suitable - in_zones
    return {"province_km2": round(n * km2, 1), "province_cells": n, "cell_km2": km2, "steps": steps,
            "suitable_km2": round(suitable * km2, 1), "suitable_cells": suitable,
            "small": {"key": "small", "zh": _CAUSES["small"][0], "en": _CAUSES["small"][1], "cells": small,
                      "km2": round(small * km2, 1), "share": round(small / n, 5) if n else 0.0},
            "zones_km2": round(in_zones * km2, 1), "zones_cells": in_zones,
            "order": "each step removes, from what is left, the cells that fail it; the steps sum to the province "
                     "minus the suitable area"}


#: How every reported distance (nearest base or park, offtaker, substation or uploaded grid) is measured.
DISTANCE_RULE = {
    "en": "Geodesic distance (WGS84 ellipsoid) from the nearest point of the zone's polygon to the named feature "
          "(its point; for an uploaded line, its nearest point); 0 only when the feature lies inside the zone. "
          "The feature named is the nearest one by that distance (the offtaker: the smallest distance divided by "
          "its class weight; the substation: the nearest at or above grid_kv).",
    "zh": "自候选区多边形上最近点至所列设施（其点位；上传线路取其最近点）的大地线距离（WGS84 椭球）；仅当设施位于候选区内时为 0。"
          "所列设施为按此距离最近者（用电大户：距离除以其类别权重后最小；变电站：电压不低于 grid_kv 的最近一座）。"}
