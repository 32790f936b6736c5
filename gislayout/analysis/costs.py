"""Levelised cost of energy (LCOE) of a zone, from cited cost presets (cost_presets.json) and the yield model.

    CRF  = r(1+r)^n / ((1+r)^n − 1)                          capital recovery factor, r = wacc, n = lifetime
    capex' = capex + grid_cost × grid_km                     USD/kW: the connection line is paid up front
    E    = yield × f_deg                                     MWh per kW·yr ÷ 1000 (yield is MWh/MW/yr)
    f_deg = (1/n) Σ_{t=0}^{n−1} (1 − d)^t                    PV: average output factor over the lifetime
    LCOE = (capex'·CRF + opex) / (E / 1000)                  USD/MWh

Every default comes from a preset (`2010`, the policy's year, or `latest`) whose sources say which values
they cover (`applies_to`), with title, edition, year, table and URL, and whether the value is the source's
figure (`status` "cited") or an approximation no China figure could be found for ("approximate"); any
explicit parameter overrides its preset value.
"""

from __future__ import annotations

import math

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import BadParameter

PRESETS_FILE = Path(__file__).with_name("cost_presets.json")
PRESET_NAMES = ("2010", "latest")
DEFAULT_PRESET = "latest"
#: Cost parameters a run may set explicitly (None = from the preset).
COST_KEYS = ("capex", "opex", "wacc", "lifetime", "degradation", "grid_cost")


@lru_cache(maxsize=1)
def presets() -> dict:
    """The presets file as a dict (static package data, not layer data: a plain cache is right)."""
    return json.loads(PRESETS_FILE.read_text(encoding="utf-8"))["presets"]


@dataclass(frozen=True)
class Costs:
    """Resolved cost inputs for one technology; `grid_cost` None means by voltage class (`grid_classes`)."""

    capex: float
    opex: float
    wacc: float
    lifetime: int
    degradation: float
    grid_cost: float | None
    grid_classes: tuple[tuple[float, float], ...]  # (min kV, USD/kW/km), highest voltage first
    preset: str

    def as_dict(self) -> dict:
        """JSON-able view with the per-voltage connection costs spelt out."""
        return {"preset": self.preset, "capex": self.capex, "opex": self.opex, "wacc": self.wacc,
                "lifetime": self.lifetime, "degradation": self.degradation, "grid_cost": self.grid_cost,
                "grid_cost_by_kv": {f"{kv:g}": c for kv, c in self.grid_classes},
                "units": {"capex": "USD/kW", "opex": "USD/kW/yr", "wacc": "%", "lifetime": "years",
                          "degradation": "%/yr", "grid_cost": "USD/kW/km"}}


def resolve(tech: str, values: dict) -> Costs:
    """Costs for `tech` from run parameters `values` (their preset, overridden by explicit values)."""
    name = values.get("cost_preset") or DEFAULT_PRESET
    if name not in PRESET_NAMES:
        raise BadParameter(f"unknown cost_preset {name!r}; allowed: {', '.join(PRESET_NAMES)}",
                           zh=f"未知的成本预设“{name}”；可选：" + "、".join(f"“{n}”" for n in PRESET_NAMES))
    p = presets()[name]
    base = dict(p[tech])
    base.setdefault("degradation", 0.0)
    pick = {k: (float(values[k]) if values.get(k) is not None else float(base[k]))
            for k in ("capex", "opex", "wacc", "lifetime", "degradation")}
    if tech != "pv":
        pick["degradation"] = 0.0
    classes = tuple(sorted(((float(kv), float(c)) for kv, c in p["grid_cost"].items()), reverse=True))
    gc = values.get("grid_cost")
    return Costs(pick["capex"], pick["opex"], pick["wacc"], int(round(pick["lifetime"])), pick["degradation"],
                 None if gc is None else float(gc), classes, name)


def crf(wacc_pct: float, years: int) -> float:
    """Capital recovery factor of an annuity at `wacc_pct` % over `years` (1/n at zero interest)."""
    r = wacc_pct / 100.0
    # r / (1 - (1+r)^-n), written with log1p/expm1 so it tends to 1/n as r -> 0 (no 0/0 for r = 1e-40)
    # and to r for a large r (no overflow of (1+r)^n)
    denominator = -math.expm1(-years * math.log1p(r)) if r > -1 else 0.0
    if r == 0 or denominator == 0:
        return 1.0 / years
    return r / denominator


def degradation_factor(deg_pct: float, years: int) -> float:
    """Average output over the lifetime relative to year one, output falling by `deg_pct` % a year."""
    d = deg_pct / 100.0
    return float(np.mean((1 - d) ** np.arange(years))) if d > 0 else 1.0


def grid_cost_per_km(costs: Costs, voltage_kv: np.ndarray) -> np.ndarray:
    """USD per kW per km of connection to substations of `voltage_kv` (explicit `grid_cost` wins)."""
    v = np.nan_to_num(np.asarray(voltage_kv, dtype=float), nan=0.0)
    if costs.grid_cost is not None:
        return np.full(v.shape, costs.grid_cost)
    out = np.full(v.shape, costs.grid_classes[-1][1])
    for kv, cost in reversed(costs.grid_classes):  # lowest first, so the highest class reached wins
        out = np.where(v >= kv, cost, out)
    return out


def lcoe(yield_mwh_per_mw: np.ndarray, grid_km: np.ndarray, voltage_kv: np.ndarray, costs: Costs) -> np.ndarray:
    """LCOE in USD/MWh for yields (MWh/MW/yr) and connection distances (km) to substations of `voltage_kv`.

    NaN where the yield is zero or unknown; an unknown distance (no substation) counts as no connection cost.
    """
    capex = costs.capex + grid_cost_per_km(costs, voltage_kv) * np.nan_to_num(np.asarray(grid_km, float))
    annual = capex * crf(costs.wacc, costs.lifetime) + costs.opex          # USD per kW per year
    mwh_per_kw = np.asarray(yield_mwh_per_mw, float) / 1000.0 * degradation_factor(costs.degradation,
                                                                                  costs.lifetime)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mwh_per_kw > 0, annual / mwh_per_kw, np.nan)


def cny_per_usd(name: str) -> float:
    """CNY per USD of preset `name` (its year's annual average; source in `currency(name)`)."""
    return float(presets()[name]["currency"]["cny_per_usd"])


def currency(name: str) -> dict:
    """The exchange rate of preset `name` with its source and status."""
    return dict(presets()[name]["currency"])


def to_cny_per_kwh(usd_per_mwh, name: str) -> np.ndarray:
    """USD/MWh → 元/千瓦时 (CNY/kWh) at preset `name`'s exchange rate."""
    return np.asarray(usd_per_mwh, float) * cny_per_usd(name) / 1000.0


def tariffs(name: str, tech: str | None = None) -> list[dict]:
    """The benchmark on-grid tariffs of preset `name`'s year (for `tech`), cited; `cny_per_kwh` None when no
    figure could be found (the entry says so)."""
    return [dict(t) for t in presets()[name].get("tariffs", []) if tech is None or t["tech"] == tech]


def tariff_for(name: str, tech: str, prefecture: str | None) -> dict | None:
    """The tariff entry of preset `name` that applies to `tech` in `prefecture` (the one naming it, else the
    general one), or None."""
    entries = tariffs(name, tech)
    named = [t for t in entries if prefecture and prefecture in (t.get("prefectures") or [])]
    general = [t for t in entries if not t.get("prefectures")]
    return (named or general or [None])[0]


def sources(name: str) -> list[dict]:
    """The cited sources of preset `name`."""
    return presets()[name]["sources"]


def citation(source: dict) -> str:
    """One line for a printout: the values a source covers, its title, table and year, and its status."""
    flag = "" if source.get("status") == "cited" else f" [{source.get('status', 'approximate')}]"
    return (f"{', '.join(source.get('applies_to', []))}: {source['title']}, {source.get('table', '')} "
            f"({source['year']}){flag} {source['url']}")
