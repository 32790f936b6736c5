"""Per-zone economics (grid distance, offtaker, LCOE), the supply curve, and the offtakers' inverse view.

For every zone (not only the top ones): the nearest substation ≥ `grid_kv` and its distance from the zone's
nearest cell, the offtaker that minimises the class-weighted distance from the zone's cells, the capacity
factor, and the LCOE of `costs.lcoe` with the connection line to that substation. The supply curve is the
zones sorted by LCOE with their capacity accumulated: in total, by prefecture and by zone of a region scheme,
marked with the policy's 2015 target and the capacity reachable below a few LCOE thresholds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import connection, costs as costs_mod
from .criterion_stack import Stack
from .energy import HOURS
from .model import Params
from .zones import Zones
from .grid import project

#: LCOE thresholds (USD/MWh) at which `reachable_mw` is given.
THRESHOLDS = (30, 40, 50, 60, 80, 100, 150, 200, 300)


def economics(stack: Stack, zones: Zones, params: Params, grid_id: str | None = None
              ) -> tuple[pd.DataFrame, costs_mod.Costs]:
    """One row per zone (zone table order): grid_km, substation index, voltage, offtaker index and km, cf, LCOE.

    `grid_id`: an uploaded grid (`gridstore`) used instead of the substations layer. The substation table the
    indices point into is `frame.attrs["substations"]`.
    """
    c = costs_mod.resolve(stack.tech, params.values)
    n = len(zones)
    grid = (connection.uploaded_field(stack, grid_id, float(params["grid_kv"])) if grid_id
            else connection.field(stack, float(params["grid_kv"])))
    grid_km, sub = connection.zone_nearest(zones.cell_zone, n, grid.km, grid.nearest)
    demand = stack.layers["demand"].values if "demand" in stack.layers else np.full(stack.flat.size, np.nan)
    _, cell = connection.zone_argmin(zones.cell_zone, n, demand)  # the cell nearest (weighted) to an offtaker
    off = np.where(cell >= 0, stack.nearest_offtaker[np.maximum(cell, 0)], -1)
    off_km = np.where(cell >= 0, stack.offtaker_km[np.maximum(cell, 0)], np.nan)  # real km from that cell
    subs = grid.table if grid.table is not None else stack.substations
    kv = (subs["max_voltage_kv"].to_numpy(float)[np.maximum(sub, 0)] if len(subs) else np.zeros(n))
    kv = np.where(sub >= 0, kv, np.nan)
    yields = zones.table["yield_mwh_per_mw"].to_numpy(float)
    lcoe = costs_mod.lcoe(yields, grid_km, kv, c)
    frame = pd.DataFrame({"grid_km": grid_km, "substation": sub, "substation_kv": kv, "offtaker": off,
                          "offtaker_km": off_km, "capacity_factor": yields / HOURS, "lcoe": lcoe})
    frame.attrs["substations"] = subs
    return frame, c


def _curve(lcoe: np.ndarray, mw: np.ndarray) -> list[list[float]]:
    ok = np.isfinite(lcoe)
    order = np.argsort(lcoe[ok], kind="stable")
    return [[round(float(a), 2), round(float(b), 1)] for a, b in zip(lcoe[ok][order], np.cumsum(mw[ok][order]))]


def curve(stack: Stack, zones: Zones, econ: pd.DataFrame, params: Params, target_mw: float,
          zone_of: dict[str, str]) -> dict:
    """The supply curve: total, by prefecture, by zone of the scheme in `zone_of` ({prefecture: zone id})."""
    lcoe = econ["lcoe"].to_numpy(float)
    mw = zones.table["capacity_mw"].to_numpy(float)
    pref_idx = zones.table["prefecture_index"].to_numpy()
    prefs = np.array([stack.prefectures[i] if 0 <= i < len(stack.prefectures) else "" for i in pref_idx],
                     dtype=object)
    by_pref = {p: _curve(lcoe[prefs == p], mw[prefs == p]) for p in sorted(set(prefs) - {""})}
    zone_ids = np.array([zone_of.get(p) or "" for p in prefs], dtype=object)
    by_zone = {z: _curve(lcoe[zone_ids == z], mw[zone_ids == z]) for z in sorted(set(zone_ids) - {""})}
    finite = np.isfinite(lcoe)
    thresholds = list(THRESHOLDS)
    if params["max_lcoe"] is not None and float(params["max_lcoe"]) not in thresholds:
        thresholds = sorted(thresholds + [float(params["max_lcoe"])])
    reach = {f"{t:g}": round(float(mw[finite & (lcoe <= t)].sum()), 1) for t in thresholds}
    below_target = _lcoe_at(lcoe, mw, target_mw)
    return {"units": {"lcoe": "USD/MWh", "capacity": "MW"}, "total": _curve(lcoe, mw),
            "by": {"prefecture": by_pref, "zone": by_zone}, "scheme": params["scheme"],
            "target_mw": target_mw, "lcoe_at_target": below_target, "reachable_mw": reach,
            "zones_without_lcoe": int((~finite).sum())}


def _lcoe_at(lcoe: np.ndarray, mw: np.ndarray, target: float) -> float | None:
    """The LCOE of the zone at which cumulative capacity first reaches `target` MW (None if never)."""
    ok = np.isfinite(lcoe)
    order = np.argsort(lcoe[ok], kind="stable")
    cum = np.cumsum(mw[ok][order])
    i = int(np.searchsorted(cum, target))
    return round(float(lcoe[ok][order][i]), 2) if i < cum.size else None


def inverse(stack: Stack, zones: Zones, econ: pd.DataFrame, params: Params) -> list[dict]:
    """For each offtaker: MW and GWh of the zones whose centre lies within `offtaker_km` and whose LCOE is at
    or below `max_lcoe` (no limit when empty). A zone may count for several offtakers: this is what each
    could reach, not an allocation."""

    off = stack.offtakers
    if not len(off) or not len(zones):
        return []
    ox, oy = project(off["lon"].to_numpy(float), off["lat"].to_numpy(float), stack.grid.crs)
    zx, zy = zones.table["x"].to_numpy(float), zones.table["y"].to_numpy(float)
    km = np.hypot(zx[None, :] - np.asarray(ox)[:, None], zy[None, :] - np.asarray(oy)[:, None]) / 1000.0
    lcoe = econ["lcoe"].to_numpy(float)
    ok = np.isfinite(lcoe)
    if params["max_lcoe"] is not None:
        ok &= lcoe <= float(params["max_lcoe"])
    reach = (km <= float(params["offtaker_km"])) & ok[None, :]
    mw = reach @ zones.table["capacity_mw"].to_numpy(float)
    gwh = reach @ zones.table["generation_gwh"].to_numpy(float)
    out = []
    for i, rec in enumerate(off.to_dict(orient="records")):
        out.append({"id": rec["id"], "name_zh": rec["name_zh"], "name_en": rec["name_en"], "layer": rec["layer"],
                    "sectors": rec["sectors"].split(";"), "intensity_class": rec["intensity_class"],
                    "lon": round(rec["lon"], 5), "lat": round(rec["lat"], 5),
                    "zones": int(reach[i].sum()), "reachable_mw": round(float(mw[i]), 1),
                    "reachable_gwh": round(float(gwh[i]), 1)})
    return sorted(out, key=lambda r: -r["reachable_mw"])


def round_sig(x: float, digits: int = 2) -> float:
    """`x` to `digits` significant figures (5,706.2 → 5,700): a planner's figure, not a false precision."""
    if not x or not np.isfinite(x):
        return 0.0
    from math import floor, log10
    return float(round(x, -int(floor(log10(abs(x)))) + digits - 1))


def headline(mw: float, zones: int, lcoe: np.ndarray, target: float) -> dict:
    """One sentence in zh and en: zones, technical potential in GW (one decimal), a multiple of the 2015 target
    (one decimal, never a percentage), LCOE range, with the caveat."""
    lcoe = lcoe[np.isfinite(lcoe)]
    times = round(mw / target, 1) if target else None
    rng_en = rng_zh = ""
    if lcoe.size:
        lo, hi = round_sig(float(lcoe.min())), round_sig(float(lcoe.max()))
        rng_en = f", LCOE {lo:,.0f}–{hi:,.0f} USD/MWh"
        rng_zh = f"，平准化度电成本 {lo:,.0f}–{hi:,.0f} 美元/MWh"
    gw = round(mw / 1000.0, 1)
    return {"en": f"Technical potential: {zones:,} zones, {gw:,.1f} GW, {times:,.1f}× the 2015 target of "
                  f"{target / 1000:g} GW{rng_en}. An upper bound on land the model does not exclude, not a plan: "
                  f"grid capacity and curtailment are not considered.",
            "zh": f"技术可开发潜力：{zones:,} 个候选区，{gw:,.1f} GW，为 2015 年目标（{target / 1000:g} GW）的 "
                  f"{times:,.1f} 倍{rng_zh}。此为排除不可建设用地后的上限，并非规划：未计电网容量和弃电。",
            "basis": "technical potential", "zones": int(zones), "capacity_gw": gw, "times_target": times,
            "target_gw": round(target / 1000.0, 3),
            "lcoe_range": [round_sig(float(lcoe.min())), round_sig(float(lcoe.max()))] if lcoe.size else None}


def supply_csv(curve: dict) -> bytes:
    """The supply curve as CSV rows: group (total, prefecture, zone), name, lcoe_usd_mwh, cumulative_mw."""
    rows = [("total", "", a, b) for a, b in curve["total"]]
    for group, named in curve["by"].items():
        rows += [(group, name, a, b) for name, pts in named.items() for a, b in pts]
    df = pd.DataFrame(rows, columns=["group", "name", "lcoe_usd_mwh", "cumulative_mw"])
    return df.to_csv(index=False).encode("utf-8-sig")
