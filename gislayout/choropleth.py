"""Prefectures or counties coloured by one statistic: mean GHI, mean wind speed, recorded MW by fuel, or the
number of bases or parks. One value per unit, classed into the "choropleth" ramp of `gislayout/symbology.json`.

The recorded megawatts come from the `plants` layer (WRI Global Power Plant Database rows in Gansu): they are
what that dataset records, not what is installed. Heavy imports stay inside the functions, since
`gislayout.maps.state` reads the vocabularies here at start-up.
"""

from __future__ import annotations

import math

from . import boundaries, layers, resources, symbology
from .errors import BadParameter, ResourceUnavailable

UNITS = ("prefectures", "counties")
#: stat → (title zh, title en, units zh, units en).
STATS: dict[str, tuple[str, str, str, str]] = {
    "ghi_mean": ("平均年水平面总辐射", "Mean annual GHI", "kWh/m²/年", "kWh/m²/yr"),
    "wind_mean": ("平均风速", "Mean wind speed", "m/s", "m/s"),
    "mw_wind": ("数据集记录的风电装机", "Wind MW recorded in these datasets", "MW", "MW"),
    "mw_solar": ("数据集记录的光伏装机", "Solar MW recorded in these datasets", "MW", "MW"),
    "mw_coal": ("数据集记录的煤电装机", "Coal MW recorded in these datasets", "MW", "MW"),
    "mw_hydro": ("数据集记录的水电装机", "Hydro MW recorded in these datasets", "MW", "MW"),
    "bases": ("产业基地数", "Number of industrial bases", "个", "count"),
    "parks": ("产业园区数", "Number of industrial parks", "个", "count"),
}
CLASSES = 5
#: How the values are classed, named in the legend: Fisher–Jenks natural breaks (mapclassify), which keeps apart
#: what equal intervals lump together (13 of 14 prefectures in one class of recorded wind MW).
METHOD = {"id": "fisher_jenks", "zh": "自然断点法（Fisher–Jenks，mapclassify）",
          "en": "Natural breaks (Fisher–Jenks, mapclassify)"}
RECORD_NOTE = ("记录于WRI全球电厂数据库（CC BY 4.0）的甘肃电厂，非全部装机；覆盖情况见 layers/SOURCES.md。",
               "Recorded in the WRI Global Power Plant Database (CC BY 4.0) rows in Gansu, not everything "
               "installed; coverage in layers/SOURCES.md.")


def check(unit: str, stat: str) -> None:
    """Raise BadParameter quoting `unit` or `stat` when the atlas has no such choropleth."""
    if unit not in UNITS:
        raise BadParameter(f"unknown unit {unit!r}; allowed: {', '.join(UNITS)}")
    if stat not in STATS:
        raise BadParameter(f"unknown stat {stat!r}; allowed: {', '.join(STATS)}")


def _units_table(unit: str):
    gdf = boundaries.load("prefecture" if unit == "prefectures" else "county")
    return gdf.drop(columns="geometry")


def _counts(unit: str, layer: str, weight: str | None = None, where: dict | None = None) -> dict[str, float]:
    """Sum of `weight` (or count) of `layer`'s features per unit id (adcode), by their prefecture/county names."""
    gdf = layers.load(layer)
    for column, value in (where or {}).items():
        gdf = gdf[gdf[column] == value]
    table = _units_table(unit)
    if unit == "prefectures":
        ids = dict(zip(table["name_zh"], table["adcode"]))
        keys = gdf["prefecture"]
    else:
        ids = {(p, c): a for p, c, a in zip(table["prefecture"], table["name_zh"], table["adcode"])}
        keys = list(zip(gdf["prefecture"], gdf["county"]))
    out = {a: 0.0 for a in table["adcode"]}
    values = gdf[weight].fillna(0).tolist() if weight else [1] * len(gdf)
    for key, v in zip(keys, values):
        if key in ids:
            out[ids[key]] += float(v)
    return out


def breaks(values: list[float], classes: int = CLASSES) -> list[float]:
    """Class limits (classes + 1 of them) at equal intervals of rounded width over the values' range."""
    lo, hi = (min(values), max(values)) if values else (0.0, 0.0)
    if hi <= lo:
        return [lo] + [hi] * classes if hi > 0 else [0.0] * (classes + 1)
    mag = 10 ** math.floor(math.log10((hi - lo) / classes))
    for step in (m * mag * 10 ** k for k in range(3) for m in (1, 2, 2.5, 5)):
        start = math.floor(lo / step) * step
        if start + classes * step >= hi:  # rounding the start down can leave the top out: widen the step
            break
    return [round(start + i * step, 6) for i in range(classes + 1)]


def natural_breaks(values: list[float], classes: int = CLASSES) -> list[float]:
    """Class limits (lowest value, then each class's top) by Fisher–Jenks natural breaks, with as many classes as
    there are distinct values up to `classes`; equal intervals (`breaks`) when all values are the same."""
    distinct = sorted(set(values))
    if len(distinct) < 2:
        return breaks(values, classes)
    import warnings

    import numpy as np
    with warnings.catch_warnings():  # "Numba not installed": the pure-Python path is fast enough for 87 units
        warnings.simplefilter("ignore")
        from mapclassify import FisherJenks
        bins = FisherJenks(np.asarray(values, dtype=float), k=min(classes, len(distinct))).bins
    return [round(float(distinct[0]), 6)] + [round(float(b), 6) for b in bins]


def class_of(value: float | None, limits: list[float]) -> int | None:
    """Index of the class holding `value` (a class includes its top), or None for no value."""
    if value is None:
        return None
    for i in range(len(limits) - 1):
        if value <= limits[i + 1]:
            return i
    return len(limits) - 2


def choropleth(unit: str = "prefectures", stat: str = "ghi_mean", scheme: str | None = None) -> dict:
    """One value per prefecture or county with its class, the class limits and colours, titles and sources.

    Raises BadParameter quoting a bad unit or stat, and NotFound (via resources.stats) for mean GHI when no
    GHI raster is installed.
    """
    check(unit, stat)
    ramp = list(symbology.spec()["ramps"]["choropleth"])
    title_zh, title_en, units_zh, units_en = STATS[stat]
    table = _units_table(unit)
    if stat in ("ghi_mean", "wind_mean"):
        resource = None
        if stat == "wind_mean":
            resource = resources.default_for("wind_speed")
            if resource is None:
                raise ResourceUnavailable("no wind speed resource is installed; install the shipped Global Wind "
                                          "Atlas crop with `flask --app app build`")
        answer = resources.stats(resource=resource, unit=unit, scheme=scheme)
        values = {row["id"]: row["mean"] for row in answer["stats"]}
        source, note = answer["source"], ("估算值，误差见资源元数据" if answer["is_estimate"] else "",
                                          "An estimate; its measured error is in the resource's metadata"
                                          if answer["is_estimate"] else "")
        if stat == "wind_mean":  # the wind resource's title already says "mean wind speed at 100 m"
            title_zh, title_en = answer["title_zh"], answer["title_en"]
            caveat = resources.get_spec(resource).extra
            note = (caveat.get("bias_zh", ""), caveat.get("bias_en", ""))
        else:  # the resource's own title says what it is (年水平面总辐射（离线估算）): "mean" of it, said once
            title_zh = f"平均{answer['title_zh']}"
            title_en = f"Mean of {answer['title_en'][:1].lower()}{answer['title_en'][1:]}"
    elif stat.startswith("mw_"):
        values = _counts(unit, "plants", "capacity_mw", {"kind": stat[3:]})
        source, note = "WRI Global Power Plant Database v1.3.0 (CC BY 4.0)", RECORD_NOTE
    else:
        values = _counts(unit, stat)
        source, note = "甘肃省人民政府关于培育和发展战略性新兴产业的意见（2010-12-31）", ("", "")
    present = [round(float(v), 1) for v in values.values() if v is not None and v == v]  # as the rows show them
    limits = natural_breaks(present)
    colours = [ramp[round(i * (len(ramp) - 1) / max(1, len(limits) - 2))] for i in range(len(limits) - 1)]
    rows = []
    for r in table.itertuples():
        v = values.get(r.adcode)
        v = None if v is None or v != v else round(float(v), 1)
        rows.append({"id": r.adcode, "name_zh": r.name_zh, "name_en": r.name_en, "prefecture": r.prefecture,
                     "value": v, "class": class_of(v, limits)})
    rows.sort(key=lambda row: (row["value"] is None, -(row["value"] or 0)))
    return {"unit": unit, "stat": stat, "title_zh": title_zh, "title_en": title_en, "units_zh": units_zh,
            "units_en": units_en, "source": source, "note_zh": note[0], "note_en": note[1], "breaks": limits,
            "method": METHOD["id"], "method_zh": METHOD["zh"], "method_en": METHOD["en"], "colours": colours, "no_value": symbology.spec()["ramps"]["choropleth_none"][0], "rows": rows}
