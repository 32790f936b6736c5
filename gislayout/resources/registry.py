"""The resource registry: every raster gislayout knows, installed or not, and which one is in use.

Built-in entries describe the offline solar estimate and the standard atlases (Global Solar Atlas, Global
Wind Atlas). A raster a user imports under another name joins the catalogue through its sidecar metadata.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from .. import dataversion
from ..errors import ResourceUnavailable, lookup
from . import grid, store

CLI = "flask --app app resources"


@dataclass(frozen=True)
class Quantity:
    """What a raster measures, in the one unit gislayout stores it in, with its legend."""

    id: str
    title_zh: str
    title_en: str
    units: str
    vmin: float
    vmax: float
    colors: tuple[str, ...]
    #: Values outside this range (after unit conversion) mean the stated units are wrong.
    plausible: tuple[float, float]


QUANTITIES: dict[str, Quantity] = {q.id: q for q in (
    Quantity("ghi", "年水平面总辐射", "Annual global horizontal irradiation", "kWh/m²/yr", 1200, 2000,
             ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"), (500, 3000)),
    Quantity("wind_speed", "平均风速", "Mean wind speed", "m/s", 2, 10,
             ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b", "#3f007d"), (0, 30)),
    Quantity("wind_power_density", "平均风功率密度", "Mean wind power density", "W/m²", 0, 800,
             ("#f7fcf5", "#c7e9c0", "#74c476", "#238b45", "#00441b", "#252525"), (0, 10000)),
    Quantity("elevation", "海拔", "Elevation", "m", 500, 5000,
             ("#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fc8d59", "#a6611a", "#f5f5f5"), (-500, 9000)),
)}
#: Quantities that have a displayed default (`default_for`).
DISPLAYED = ("ghi", "wind_speed", "wind_power_density", "elevation")
WIND = ("wind_speed", "wind_power_density")


@dataclass(frozen=True)
class ResourceSpec:
    """Everything the catalogue says about one raster (metadata kept in its sidecar once installed)."""

    name: str
    title_zh: str
    title_en: str
    quantity: str
    height_m: float | None
    resolution: str
    period: str
    source: str
    method: str
    licence: str
    bias: str
    is_estimate: bool
    install_command: str
    #: Lower ranks win the default for their quantity.
    rank: int = 50
    extra: dict = field(default_factory=dict)

    @property
    def units(self) -> str:
        return QUANTITIES[self.quantity].units


_MOUNTAINS_EN = ("Above ~3000 m (Qilian and Altun ranges, southern Jiuquan and Zhangye) it reaches 2000–2400 and is "
                 "likely too bright: the 3° cloudiness misses orographic cloud and no cited figure covers those "
                 "mountains. 8 km cells miss valley and ridge detail.")
_MOUNTAINS_ZH = "祁连山、阿尔金山海拔3000米以上地区可能偏高。"


def estimate_bias(validation: dict | None) -> tuple[str, str]:
    """(en, zh) bias text of the offline estimate, quoting the error its build measured (`validation.validate`).

    Before it is built there is no measured figure, and the text says how it will be measured.
    """
    if validation is None:
        return ("An estimate, not a measurement, calibrated to cited regional figures; it is 20–35 % too bright "
                "in the cloudier east before calibration. Its error is measured when it is built, by leaving each "
                "cited figure out of the calibration in turn, and shown here once it is installed, with a held-out "
                "check at Lanzhou, which no cited figure covers. " + _MOUNTAINS_EN,
                "估算值，非实测。误差在构建时以留一法测定（每次去掉一个引用数值重新订正），安装后在此显示，"
                "并以无引用数值的兰州作独立检验。" + _MOUNTAINS_ZH)
    s, lz = validation["summary"], validation["checks"]["Lanzhou"]
    lo, hi = lz["literature"]
    en = (f"An estimate, not a measurement. It is calibrated to {s['figures'] + s['bounds']} cited regional figures; "
          f"before calibration it is {s['uncalibrated_mean_abs_pct']:.0f} % off them on average (too bright in the "
          f"cloudier east). Measured error (leave-one-out: each figure left out of the calibration in turn and "
          f"compared with the estimate for its region): {s['mean_abs_pct']:.1f} % on average and up to "
          f"{s['max_abs_pct']:.1f} % ({s['max_region_en']}) over the {s['figures']} figures with a value or class "
          f"range; {s['bounds_met']} of {s['bounds']} bounds met (largest miss {s['bound_max_miss_pct']:.1f} %). "
          f"Expect errors of that size in the east, where no figure is cited (Pingliang, Qingyang, Dingxi, Baiyin) "
          f"and the correction is only interpolated. Held-out check at Lanzhou, which no cited figure covers: "
          f"{lz['calibrated']:.0f} kWh/m²/yr against {lo}–{hi} in the literature. " + _MOUNTAINS_EN)
    zh = (f"估算值，非实测。按{s['figures'] + s['bounds']}个引用的地区数值订正（订正前平均偏差"
          f"{s['uncalibrated_mean_abs_pct']:.0f}%，东部偏亮）。留一法实测误差（每次去掉一个引用数值重新订正，再与该地区"
          f"估算值比较）：{s['figures']}个定值或分级区间平均{s['mean_abs_pct']:.1f}%，最大{s['max_abs_pct']:.1f}%"
          f"（{s['max_region']}）；{s['bounds']}个界限满足{s['bounds_met']}个（最大超出{s['bound_max_miss_pct']:.1f}%）。"
          f"东部（平凉、庆阳、定西、白银）无引用资料，仅插值订正，误差应与此相当。兰州无引用数值，作独立检验："
          f"{lz['calibrated']:.0f} kWh/m²/年，文献范围{lo}–{hi}。" + _MOUNTAINS_ZH)
    return en, zh


ESTIMATE_BIAS_EN, ESTIMATE_BIAS_ZH = estimate_bias(None)
GSA = "Global Solar Atlas 2 (Solargis s.r.o. for the World Bank Group, funded by ESMAP)"
GWA = "Global Wind Atlas 3 (DTU Wind Energy with the World Bank Group, funded by ESMAP)"
_IMPORT_HINT = "offline: download the file elsewhere and run `{cli} import FILE`"

BUILTIN: dict[str, ResourceSpec] = {s.name: s for s in (
    ResourceSpec(
        "ghi_estimate", "年水平面总辐射（离线估算）", "Annual GHI, offline estimate", "ghi", None,
        "1/12° (~8 km); cloudiness from a 3° grid", "MERRA-2 2011–2015; Linke turbidity climatology",
        "NASA MERRA-2 daily-GHI distributions (gsee-climate-data 1.0.0) with pvlib 0.16.1 clear-sky tables; "
        "calibrated to cited Gansu figures (gislayout/resources/solar_calibration.csv)",
        "Ineichen clear-sky GHI at 1/12° from pvlib's Linke turbidity and altitude, times the MERRA-2 monthly "
        "clear-sky index interpolated bilinearly from 3°, summed over 12 mean days; then multiplied by a smooth "
        "factor fitted to the cited regional figures (see `calibration` in the metadata).",
        "MERRA-2: NASA open data (cite Gelaro et al. 2017); gsee-climate-data and pvlib: BSD-3-Clause; "
        "calibration figures: cited per row",
        f"{ESTIMATE_BIAS_EN} {ESTIMATE_BIAS_ZH}",
        True, f"{CLI} build-default", rank=90),
    ResourceSpec(
        "gsa_ghi", "年水平面总辐射（全球太阳能图谱）", "Annual GHI, Global Solar Atlas", "ghi", None,
        "30″ (~0.9 km) as stored", "Solargis long-term average (period by satellite region; see GSA docs)",
        GSA, "Solargis satellite model. GHI long-term average daily total (kWh/m²/day) ×365, reprojected "
        "(area average) to 30″ and clipped to Gansu with a 5 km buffer.",
        "CC BY 4.0 (Global Solar Atlas 2.0, © Solargis)",
        "Satellite-derived; see the Global Solar Atlas accuracy notes for its uncertainty.",
        False, f"{CLI} fetch gsa", rank=10),
    ResourceSpec(
        "gsa_elevation", "海拔（全球太阳能图谱）", "Elevation, Global Solar Atlas", "elevation", None,
        "30″ (~0.9 km) as stored", "static", GSA, "ELE layer of the GSA country package, clipped to Gansu.",
        "CC BY 4.0 (Global Solar Atlas 2.0, © Solargis)", "Terrain model as shipped by the atlas.",
        False, f"{CLI} fetch gsa", rank=10),
    ResourceSpec(
        "gwa_ws100", "100 m 平均风速（全球风能图谱）", "Mean wind speed at 100 m, Global Wind Atlas",
        "wind_speed", 100.0, "250 m source, area-averaged to 30″ (~0.9 km)", "GWA 3: ERA5 2008–2017, downscaled",
        GWA, "Mesoscale (WRF) and microscale (WAsP) downscaling of reanalysis; country GeoTIFF for China, "
        "area-averaged to 30″ and clipped to Gansu with a 5 km buffer.", "CC BY 4.0 (Global Wind Atlas 3)",
        "Modelled, not measured; averaging 250 m cells to 30″ lowers ridge-top peaks.",
        False, f"{CLI} fetch gwa", rank=10),
    ResourceSpec(
        "gwa_pd100", "100 m 平均风功率密度（全球风能图谱）", "Mean wind power density at 100 m, Global Wind Atlas",
        "wind_power_density", 100.0, "250 m source, area-averaged to 30″ (~0.9 km)",
        "GWA 3: ERA5 2008–2017, downscaled", GWA,
        "As the wind speed layer; power density in W/m², area-averaged to 30″.", "CC BY 4.0 (Global Wind Atlas 3)",
        "Modelled, not measured; averaging 250 m cells to 30″ lowers ridge-top peaks.",
        False, f"{CLI} fetch gwa", rank=10),
)}


GWA_ATTRIBUTION = ("Global Wind Atlas 3.0, a free, web-based application developed, owned and operated by the "
                   "Technical University of Denmark (DTU) in partnership with the World Bank Group, utilizing data "
                   "provided by Vortex, using funding provided by the Energy Sector Management Assistance Program "
                   "(ESMAP). For additional information: https://globalwindatlas.info. Averaged to the ERA5 0.25° "
                   "grid by FZJ (RESKit, MIT); cropped to Gansu by gislayout (values unchanged).")
GSA_ATTRIBUTION = ("Data obtained from the Global Solar Atlas 2.0, a free, web-based application is developed and "
                   "operated by the company Solargis s.r.o. on behalf of the World Bank Group, utilizing Solargis "
                   "data, with funding provided by the Energy Sector Management Assistance Program (ESMAP). For "
                   "additional information: https://globalsolaratlas.info. Averaged to the ERA5 0.25° grid by FZJ "
                   "(RESKit, MIT); cropped to Gansu and converted to kWh/m²/yr by gislayout.")
_GWA3_BIAS_EN = ("Modelled, not measured. 0.25° (~25 km) cell means of GWA's 250 m field: each cell mixes ridges "
                 "and valleys, so in the mountains (Longnan, Tianshui, Gannan, Qilian) it is far above what a valley "
                 "town feels (the Wudu cell is 5.45 m/s, Jiuquan 4.25); use it as a resource indicator for open or "
                 "ridge sites, not as the wind at a town. Speed only: no power density, no Weibull k, no direction. "
                 "One long-term mean (2008–2017). Height (100 m) inferred from the file's use by its provider.")
_GWA3_BIAS_ZH = ("模型值，非实测。为全球风能图谱 250 m 风速在 0.25°（约 25 km）格内的平均：山区（陇南、天水、甘南、祁连山）"
                 "格内含山脊，远高于河谷城镇的实际风速；宜作开阔地或山脊的资源指示，不代表城镇风速。仅有风速，"
                 "无风功率密度、Weibull 形状参数和风向。2008–2017 年多年平均。高度（100 m）由数据提供方的用法推断。")
_GSA025_BIAS_EN = ("Satellite-derived (Solargis), not measured. 0.25° (~25 km) cell means: valley and ridge detail is "
                   "lost; registration of this file is uncertain by ±0.25° (one cell). Lower than the Chinese figures "
                   "in the western Hexi (Dunhuang 11 % under the 2008 news figure).")
_GSA025_BIAS_ZH = ("卫星反演（Solargis），非实测。0.25°（约 25 km）格平均，河谷、山脊细节缺失；本文件配准误差约 ±0.25°"
                   "（一格）。河西西部低于国内数值（敦煌比 2008 年报道值低 11%）。")
_ANCHORED_BIAS_EN = ("An estimate: the offline estimate's uncalibrated 1/12° pattern, rescaled so that each 0.25° "
                     "cell's mean equals the Global Solar Atlas's. Its 0.25° means are GSA's (satellite-derived, "
                     "registration ±0.25°); the detail inside a cell is the clear-sky model's (terrain, turbidity), "
                     "not measured.")
_ANCHORED_BIAS_ZH = ("估算值：离线估算（未订正）的 1/12° 空间形态，按全球太阳能图谱每个 0.25° 格的均值缩放。0.25° "
                     "格均值即 GSA 数值（卫星反演，配准误差 ±0.25°）；格内细节来自晴空模型（地形、浑浊度），非实测。")

SHIPPED_CLI = "flask --app app build"

BUILTIN.update({s.name: s for s in (
    ResourceSpec(
        "gwa3_ws100_025", "100 m 平均风速（全球风能图谱 3，0.25° 格均值）",
        "Mean wind speed at 100 m, Global Wind Atlas 3 (0.25° cell means)", "wind_speed", 100.0,
        "0.25° (~25 km): means of the GWA 250 m field over the ERA5 0.25° cells", "GWA 3: 2008–2017",
        GWA + "; averaged to 0.25° by FZJ (RESKit)",
        "Global Wind Atlas 3 long-term mean wind speed at 100 m (WRF mesoscale + WAsP microscale downscaling of "
        "ERA5), averaged over each ERA5 0.25° cell by FZJ RESKit (`GWA_mean_ERA5_pixel.tif`), cropped to "
        "92–109 E, 32–43 N (cell centres) and shipped in layers/resources/gwa3_ws100m_0p25deg (see SOURCE.md); "
        "installed by `flask build` with its values unchanged.",
        "CC BY 4.0 (Global Wind Atlas 3.0, DTU with the World Bank Group, funded by ESMAP); RESKit averaging MIT "
        "(FZJ-ICE-2); modified: cropped",
        f"{_GWA3_BIAS_EN} {_GWA3_BIAS_ZH}", False, SHIPPED_CLI, rank=60,
        extra={"attribution": GWA_ATTRIBUTION, "bias_zh": _GWA3_BIAS_ZH, "bias_en": _GWA3_BIAS_EN,
               "shipped": True, "source_zh": "全球风能图谱 3（丹麦技术大学 DTU 与世界银行集团，ESMAP 资助）；"
                                              "FZJ（RESKit）求 0.25° 格均值"}),
    ResourceSpec(
        "gsa_ghi_025", "年水平面总辐射（全球太阳能图谱 2，0.25° 格均值）",
        "Annual GHI, Global Solar Atlas 2 (0.25° cell means)", "ghi", None,
        "0.25° (~25 km): GSA long-term averages over the ERA5 0.25° cells", "Solargis long-term average (period "
        "not recorded in the file)", GSA + "; averaged to 0.25° by FZJ (RESKit)",
        "Global Solar Atlas 2 long-term average daily GHI (kWh/m²/day), averaged over each ERA5 0.25° cell by FZJ "
        "RESKit (`GSA_GHI_mean_ERA5_pixel.tif`), cropped and ×365 to kWh/m²/yr (band 1; band 2 keeps kWh/m²/day); "
        "shipped in layers/resources/gsa2_ghi_0p25deg (see SOURCE.md), installed by `flask build` unchanged.",
        "CC BY 4.0 (Global Solar Atlas 2.0, © Solargis, for the World Bank Group, funded by ESMAP); RESKit "
        "averaging MIT (FZJ-ICE-2); modified: cropped, converted to kWh/m²/yr",
        f"{_GSA025_BIAS_EN} {_GSA025_BIAS_ZH}", False, SHIPPED_CLI, rank=70,
        extra={"attribution": GSA_ATTRIBUTION, "bias_zh": _GSA025_BIAS_ZH, "bias_en": _GSA025_BIAS_EN,
               "shipped": True, "source_zh": "全球太阳能图谱 2（Solargis 为世界银行集团制作，ESMAP 资助）；"
                                              "FZJ（RESKit）求 0.25° 格均值"}),
    ResourceSpec(
        "ghi_gsa_anchored", "年水平面总辐射（以全球太阳能图谱定标的估算）",
        "Annual GHI, estimate anchored to the Global Solar Atlas", "ghi", None,
        "1/24° (~4.6 km) as stored: the 1/12° estimate pattern on the 0.25° cell means",
        "GSA long-term average (0.25° means); pattern from MERRA-2 2011–2015 and Linke turbidity",
        GSA + "; averaged to 0.25° by FZJ (RESKit); within-cell pattern from the gislayout offline estimate",
        "The offline estimate before calibration (no cited figure used), at 1/12°, divided by its own mean over "
        "each 0.25° cell of the Global Solar Atlas crop and multiplied by the GSA value of that cell: every 0.25° "
        "cell's mean equals GSA's, the pattern inside it is the estimate's. Computed on a 1/24° grid on which "
        "both grids' edges fall.", "CC BY 4.0 (Global Solar Atlas 2.0, © Solargis); derived by gislayout",
        f"{_ANCHORED_BIAS_EN} {_ANCHORED_BIAS_ZH}", True, SHIPPED_CLI, rank=80,
        extra={"attribution": GSA_ATTRIBUTION + " Within-cell pattern: gislayout offline estimate (MERRA-2, pvlib).",
               "bias_zh": _ANCHORED_BIAS_ZH, "bias_en": _ANCHORED_BIAS_EN,
               "source_zh": "全球太阳能图谱 2 的 0.25° 格均值；格内形态来自 gislayout 离线估算"}),
)})


def spec_from_meta(meta: dict) -> ResourceSpec:
    """The catalogue entry of an installed raster: its built-in spec updated by the sidecar metadata."""
    base = BUILTIN.get(meta["name"])
    keys = {f for f in ResourceSpec.__dataclass_fields__} - {"extra"}
    values = {k: meta[k] for k in keys if k in meta}
    if base is not None:
        return replace(base, **values)
    values.setdefault("install_command", f"{CLI} import FILE --name {meta['name']}")
    return ResourceSpec(**values)


@dataversion.cached(maxsize=4, parts=("resources",), plan_aware=False)
def specs() -> dict[str, ResourceSpec]:
    """Every known resource: the built-ins (installed or not) and every installed import (one dict per data
    version, shared: read it, never change it)."""
    out = dict(BUILTIN)
    for name, meta in store.installed_meta().items():
        out[name] = spec_from_meta(meta)
    return out


def get_spec(name: str) -> ResourceSpec:
    """The spec of resource `name`, or NotFound listing the known names."""
    return lookup(specs(), name, "resource")


def installed() -> list[str]:
    """Names of the installed resource rasters."""
    return sorted(store.installed_meta())


def require(name: str) -> ResourceSpec:
    """The spec of an installed resource; ResourceUnavailable (with the install command) if it is not."""
    spec = get_spec(name)
    if name not in store.installed_meta():
        hint = "" if spec.is_estimate else "; " + _IMPORT_HINT.format(cli=CLI)
        raise ResourceUnavailable(f"resource {name!r} is not installed; install it with `{spec.install_command}`"
                                  f"{hint}")
    return spec


def default_for(quantity: str) -> str | None:
    """The resource displayed by default for `quantity` (best-ranked installed), or None."""
    here = store.installed_meta()
    candidates = sorted((s.rank, s.name) for s in specs().values() if s.quantity == quantity and s.name in here)
    return candidates[0][1] if candidates else None


def _caption(spec: ResourceSpec, installed_now: bool, lang: str, bias_zh: str = ESTIMATE_BIAS_ZH,
             meta: dict | None = None) -> str:
    q = QUANTITIES[spec.quantity]
    meta = meta or {}
    if not installed_now:
        if spec.quantity in WIND:
            return {"zh": f"风能资源未安装，地图不显示任何风能数值。安装命令：{spec.install_command}",
                    "en": f"Wind resource not installed, so no wind values are shown. Install it with: "
                          f"{spec.install_command}"}[lang]
        return {"zh": f"{spec.title_zh}未安装。安装命令：{spec.install_command}",
                "en": f"{spec.title_en} is not installed. Install it with: {spec.install_command}"}[lang]
    height = f" @ {spec.height_m:g} m" if spec.height_m else ""
    chosen = (meta.get("choice") or {}).get(f"caption_{lang}", "")
    if lang == "zh":
        text = f"{spec.title_zh}{height}（{q.units}）。来源：{meta.get('source_zh') or spec.source}"
        if spec.is_estimate or meta.get("bias_zh") and meta.get("shipped"):
            text += f"。{meta.get('bias_zh') or bias_zh}"
        return text + (f" {chosen}" if chosen else "")
    text = f"{spec.title_en}{height} ({q.units}). Source: {spec.source}"
    if spec.is_estimate:
        text += f". Estimate: {meta.get('bias_en') or spec.bias}"
    elif meta.get("shipped") and meta.get("bias_en"):
        text += f". {meta['bias_en']}"
    return text + (f" {chosen}" if chosen else "")


def _caveats(zh: str | None, en: str | None) -> dict:
    return {"caveat_zh": zh, "caveat_en": en} if zh and en else {"caveat_zh": None, "caveat_en": None}


def _bounds(meta: dict) -> list[list[float]]:
    """[[south, west], [north, east]] of an installed raster from its sidecar (the common extent otherwise)."""
    t, shape = meta.get("transform"), meta.get("shape")
    if not meta.get("own_grid") or not t or not shape:
        return grid.overlay_bounds()
    west, north = t[2], t[5]
    return [[north + t[4] * shape[0], west], [north, west + t[0] * shape[1]]]


def entry(spec: ResourceSpec) -> dict:
    """One catalogue dict, the shape `/api/resources` returns."""
    metas = store.installed_meta()
    is_installed = spec.name in metas
    meta = metas.get(spec.name, {})
    q = QUANTITIES[spec.quantity]
    out = {k: v for k, v in asdict(spec).items() if k not in ("rank", "extra")}
    out.update(units=q.units, installed=is_installed, in_use=is_installed and default_for(spec.quantity) == spec.name,
               vmin=meta.get("vmin", q.vmin), vmax=meta.get("vmax", q.vmax), colors=list(q.colors),
               caption_zh=_caption(spec, is_installed, "zh", meta.get("bias_zh", ESTIMATE_BIAS_ZH), meta),
               caption_en=_caption(spec, is_installed, "en", meta=meta),
               bounds=_bounds(meta), attribution=meta.get("attribution", spec.extra.get("attribution")),
               source_zh=meta.get("source_zh", spec.extra.get("source_zh", spec.source)), source_en=spec.source,
               # both languages or neither (the estimate's bias text is one mixed string: `bias`)
               **_caveats(meta.get("bias_zh", spec.extra.get("bias_zh")),
                          meta.get("bias_en", spec.extra.get("bias_en"))),
               validation_zh=(meta.get("choice") or {}).get("caption_zh"),
               validation_en=(meta.get("choice") or {}).get("caption_en"))
    for key in ("created", "origin", "summary", "calibration", "checks", "validation", "choice", "station_checks",
                "source_sha256", "source_record"):
        if key in meta:
            out[key] = meta[key]
    return out


def catalogue() -> list[dict]:
    """One dict per resource known, installed or not (see `entry` for the keys)."""
    def order(s: ResourceSpec) -> tuple:
        return (DISPLAYED.index(s.quantity) if s.quantity in DISPLAYED else 9, s.rank, s.name)

    return [entry(s) for s in sorted(specs().values(), key=order)]
