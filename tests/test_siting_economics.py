"""Offtakers, distance to the grid, LCOE and supply curves on the real PV stack (offline GHI estimate).

Every expected number is computed here independently of the code under test: the annuity formula written out,
the substations read from layers/substations.csv and projected with pyproj, a brute-force nearest neighbour.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from gislayout import config
from gislayout.analysis import costs, criteria, service, zones as zones_mod

from .fixtures.resources import synth

ROOT = config.settings().layers_dir


@pytest.fixture(scope="module")
def pv():
    """(run, summary) of the default PV run on the real 1 km stack."""
    with synth.use_build_dir(synth.session_build_dir()):
        stack = criteria.build("pv")
        result = service.run(stack, service.parse(stack, {}))
        yield result, service.summary(result)


def hand_lcoe(capex, opex, wacc_pct, years, degradation_pct, yield_mwh_per_mw, grid_usd_kw_km, grid_km):
    """LCOE in USD/MWh, written out: annuity of capex (with the line) plus O&M over the average energy."""
    r = wacc_pct / 100.0
    crf = r * (1 + r) ** years / ((1 + r) ** years - 1)
    average_output = sum((1 - degradation_pct / 100.0) ** t for t in range(years)) / years
    usd_per_kw_year = (capex + grid_usd_kw_km * grid_km) * crf + opex
    mwh_per_kw_year = yield_mwh_per_mw / 1000.0 * average_output
    return usd_per_kw_year / mwh_per_kw_year


def test_lcoe_of_a_literal_case():
    # 1000 USD/kW, 10 USD/kW/yr, 8 %, 20 years, 1500 MWh/MW, no line: CRF = 0.1018522, 111.852 USD/kW/yr ÷ 1.5
    c = costs.resolve("wind", {"cost_preset": "latest", "capex": 1000, "opex": 10, "wacc": 8, "lifetime": 20,
                               "grid_cost": 0})
    assert costs.lcoe(np.array([1500.0]), np.array([50.0]), np.array([330.0]), c)[0] == pytest.approx(74.568, abs=1e-3)


def test_lcoe_of_the_first_zone_equals_a_hand_computation(pv):
    result, summary = pv
    preset = json.loads(costs.PRESETS_FILE.read_text(encoding="utf-8"))["presets"]["latest"]
    row = summary["table"][0]
    kv = row["substation"]["max_voltage_kv"]
    per_km = next(cost for floor, cost in sorted(((float(k), v) for k, v in preset["grid_cost"].items()),
                                                 reverse=True) if kv >= floor)
    raw_yield = float(result.zones.table["yield_mwh_per_mw"].iloc[0])
    raw_km = float(result.economics["grid_km"].iloc[0])
    p = preset["pv"]
    expected = hand_lcoe(p["capex"], p["opex"], p["wacc"], p["lifetime"], p["degradation"], raw_yield, per_km, raw_km)
    assert row["lcoe_usd_mwh"] == pytest.approx(expected, abs=0.06)
    assert row["capacity_factor"] == pytest.approx(raw_yield / 8760, abs=1e-4)
    assert 10 < row["lcoe_usd_mwh"] < 200


def test_2010_preset_costs_more_and_explicit_values_override_it(pv):
    result, _ = pv
    old = service.run(result.stack, service.parse(result.stack, {"cost_preset": "2010"}), polygons=False, top=0)
    assert np.nanmin(old.economics["lcoe"]) > 3 * np.nanmax(result.economics["lcoe"])
    cheap = service.run(result.stack, service.parse(result.stack, {"cost_preset": "2010", "wacc": "1"}),
                        polygons=False, top=0)
    assert np.nanmax(cheap.economics["lcoe"]) < np.nanmin(old.economics["lcoe"])
    assert cheap.costs.wacc == 1.0 and cheap.costs.capex == old.costs.capex


def test_supply_curve_is_monotonic_and_ends_at_the_total_capacity(pv):
    result, summary = pv
    curve = summary["supply_curve"]
    lcoe = [p[0] for p in curve["total"]]
    cum = [p[1] for p in curve["total"]]
    assert lcoe == sorted(lcoe) and all(b > a for a, b in zip(cum, cum[1:]))
    assert curve["zones_without_lcoe"] == 0
    assert cum[-1] == pytest.approx(float(result.zones.table["capacity_mw"].sum()), abs=0.5)
    assert cum[-1] == pytest.approx(summary["rollups"]["total"]["capacity_mw"], abs=0.5)
    by_pref = sum(points[-1][1] for points in curve["by"]["prefecture"].values())
    assert by_pref == pytest.approx(cum[-1], abs=1.0)
    assert curve["target_mw"] == 1000 and curve["units"] == {"lcoe": "USD/MWh", "capacity": "MW"}
    reach = list(curve["reachable_mw"].values())
    assert reach == sorted(reach)


def test_no_top_zone_is_matched_to_a_software_animation_or_biomedicine_park(pv):
    _, summary = pv
    table = pd.read_csv(ROOT / "sector_intensity.csv").set_index("code")
    parks = pd.concat([pd.read_csv(ROOT / f"{name}.csv") for name in ("parks", "bases")])
    low = {r.id for r in parks.itertuples()
           if all(table.at[c, "class"] == "low" for c in str(r.subsectors if isinstance(r.subsectors, str)
                                                               else r.sectors).split(";"))}
    assert {"park_dunhuang_animation", "park_lanzhou_software_cluster", "park_biomedicine_cluster"} <= low
    for row in summary["table"][:10]:
        assert row["offtaker"] is not None and row["offtaker"]["id"] not in low, row["offtaker"]
        assert row["offtaker"]["intensity_class"] in ("high", "medium")
        assert row["nearest_park"] is not None  # the nearest park of any kind is still reported, separately


def test_nearest_substation_agrees_with_a_brute_force_search(pv):
    result, summary = pv
    subs = pd.read_csv(ROOT / "substations.csv")
    subs = subs[subs["max_voltage_kv"] >= 330]
    to_grid = Transformer.from_crs("EPSG:4326", result.stack.grid.crs, always_xy=True)
    sx, sy = to_grid.transform(subs["lon"].to_numpy(), subs["lat"].to_numpy())
    rows = np.arange(8)
    for row, cells in zip(summary["table"][:8], zones_mod.cells_of(result.zones, rows)):
        cx, cy = result.stack.grid.centres(result.stack.rows[cells], result.stack.cols[cells])
        d = np.hypot(cx[:, None] - sx[None, :], cy[:, None] - sy[None, :]) / 1000.0
        best = float(d.min())
        # the row measures from the zone's polygon, geodesically (service.DISTANCE_RULE; tests/test_siting_distances.py):
        # at most the nearest cell centre's distance, at least that minus half a cell diagonal (and the projection's
        # scale error, under 2 % in Gansu)
        assert best - 0.75 - 0.02 * best <= row["grid_km"] <= best * 1.02, (row["grid_km"], best)
        reported = int(np.flatnonzero(subs["id"].to_numpy() == row["substation"]["id"])[0])
        assert d[:, reported].min() <= best + 1.5  # the one named is nearest (up to the grid's cell rounding)
        assert row["substation"]["max_voltage_kv"] >= 330


def test_offtakers_inverse_view_counts_reachable_potential(pv):
    result, summary = pv
    offs = summary["offtakers"]
    assert offs and all(o["intensity_class"] in ("high", "medium") for o in offs)
    assert all(o["reachable_mw"] <= summary["rollups"]["total"]["capacity_mw"] + 0.5 for o in offs)
    none = service.supply.inverse(result.stack, result.zones, result.economics,
                                  service.parse(result.stack, {"max_lcoe": "1"}))
    assert all(o["reachable_mw"] == 0 for o in none)


def test_headline_is_rounded_and_says_upper_bound(pv):
    _, summary = pv
    h = summary["headline"]
    assert "upper bound" in h["en"] and "上限" in h["zh"]
    times = h["times_target"]
    assert times == round(times, 1) and f"{times:,.1f}×" in h["en"] and "%" not in h["en"]
    assert h["capacity_gw"] == round(h["capacity_gw"], 1) and f"{h['capacity_gw']:,.1f} GW" in h["en"]
