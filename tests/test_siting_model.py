"""The siting model on small synthetic grids where the answer is known (`tests/fixtures/siting_synthetic.py`)."""

from __future__ import annotations

import numpy as np
import pytest

from gislayout.analysis import energy, exclusions, model, service, zones
from gislayout.analysis.grid import Grid, unproject
from gislayout.errors import BadParameter

from .fixtures import siting_synthetic as synthetic

import geopandas as gpd
import shapely

PLAIN = {"max_zone": "0", "min_area": "1"}


@pytest.fixture(scope="module")
def pv():
    return synthetic.stack("pv")


def suitable_grid(stack, surface):
    return stack.to_grid(surface.suitable, fill=False, dtype=bool)


def test_threshold_excludes_exactly_the_expected_cells(pv):
    a, b, c = (synthetic.block_mask(k) for k in "ABC")
    assert np.array_equal(suitable_grid(pv, model.evaluate(pv, service.parse(pv, PLAIN))), a | b | c)
    surface = model.evaluate(pv, service.parse(pv, {**PLAIN, "t_resource": "1550"}))
    assert np.array_equal(suitable_grid(pv, surface), a | b)
    assert surface.failed["resource"] == pv.flat.size - 250
    surface = model.evaluate(pv, service.parse(pv, {**PLAIN, "t_resource": "1550", "t_demand": "10"}))
    expected = b & (pv.to_grid(pv.layers["demand"].values) <= 10)
    assert np.array_equal(suitable_grid(pv, surface), expected) and 0 < expected.sum() < 150


def test_outside_cells_are_never_suitable(pv):
    surface = model.evaluate(pv, service.parse(pv, {"t_resource": ""}))
    assert not suitable_grid(pv, surface)[:2].any()
    assert surface.suitable.sum() > 250


def test_changing_weights_reorders_zones(pv):
    by_resource = service.run(pv, service.parse(pv, PLAIN)).top
    assert list(by_resource["resource_mean"]) == [1900, 1600, 1500]
    by_demand = service.run(pv, service.parse(pv, {**PLAIN, "w_resource": "0", "w_demand": "1"})).top
    assert list(by_demand["resource_mean"]) == [1600, 1500, 1900]
    assert by_demand["nearest_km"].iloc[0] < by_demand["nearest_km"].iloc[2]


def test_capacity_is_area_times_density(pv):
    top = service.run(pv, service.parse(pv, {**PLAIN, "density": "42.5"})).top
    assert list(top["area_km2"]) == [100.0, 150.0, 25.0]
    assert np.allclose(top["capacity_mw"], top["area_km2"] * 42.5)
    yield_ = energy.pv_yield(np.array([1900.0]), energy.PV_PERFORMANCE_RATIO)[0]
    assert top["generation_gwh"].iloc[0] == pytest.approx(100 * 42.5 * yield_ / 1000, rel=1e-4)


def test_max_zone_cuts_contiguous_areas_along_tiles(pv):
    top = service.run(pv, service.parse(pv, {"max_zone": "10", "min_area": "1"})).top
    # A (rows 5–14, cols 5–14) straddles 10-cell tiles both ways: four zones of 25 cells
    assert sorted(top.loc[top["resource_mean"] == 1900, "area_km2"]) == [25.0] * 4
    assert sorted(top.loc[top["resource_mean"] == 1600, "area_km2"]) == [50.0, 100.0]


def test_min_area_drops_small_zones(pv):
    top = service.run(pv, service.parse(pv, {"max_zone": "0", "min_area": "26"})).top
    assert list(top["area_km2"]) == [100.0, 150.0]


def test_uploaded_exclusion_polygon_removes_its_cells(pv):
    grid = pv.grid
    # rows 5–9, cols 5–14 of block A: 50 cells, edges on cell boundaries, densified so the lon/lat ring
    # follows the projected edges
    x0, y0 = grid.transform @ (5, 10)
    x1, y1 = grid.transform @ (15, 5)
    box = shapely.segmentize(shapely.box(x0, y0, x1, y1), 500)
    lonlat = shapely.transform(box, lambda xy: np.column_stack(unproject(xy[:, 0], xy[:, 1])))
    mask = exclusions.polygon_mask(pv, gpd.GeoDataFrame(geometry=[lonlat], crs="EPSG:4326"))
    expected = np.zeros(grid.shape, bool)
    expected[5:10, 5:15] = True
    assert np.array_equal(pv.to_grid(mask, fill=False, dtype=bool), expected)
    surface = model.evaluate(pv, service.parse(pv, PLAIN), exclude=mask)
    a, b, c = (synthetic.block_mask(k) for k in "ABC")
    assert np.array_equal(suitable_grid(pv, surface), (a & ~expected) | b | c)
    assert surface.failed["uploaded"] == 50


def test_buffers_exclude_cells_near_settlements(pv):
    params = service.parse(pv, {**PLAIN, "t_resource": "", "seat_buffer": "3", "town_buffer": "0", "park_buffer": "0"})
    surface = model.evaluate(pv, params)
    near = pv.to_grid(pv.distances["seat"]) < 3
    assert not (suitable_grid(pv, surface) & near).any()
    assert surface.failed["seat_buffer"] == int((near & pv.inside).sum())


@pytest.mark.parametrize("query, fragment", [
    ({"w_resource": "lots"}, "'lots'"),
    ({"nope": "1"}, "'nope'"),
    ({"density": "-3"}, "'-3'"),
    ({"top": "100000"}, "'100000'"),
    ({"w_resource": "0", "w_elevation": "0", "w_demand": "0", "w_town": "0"}, "every weight is zero"),
])
def test_bad_parameters_name_the_value(pv, query, fragment):
    with pytest.raises(BadParameter, match=fragment):
        model.evaluate(pv, service.parse(pv, query))


def test_label_tiles_match_per_tile_labelling():
    rng = np.random.default_rng(1)
    mask = rng.random((37, 53)) > 0.4
    labels = zones.label(mask, 8)
    for r in range(0, 37, 8):
        for c in range(0, 53, 8):
            block = labels[r:r + 8, c:c + 8]
            ref, n = zones.ndimage.label(mask[r:r + 8, c:c + 8], structure=zones._ROOK)
            assert len(np.unique(block[block > 0])) == n
            # the same partition: each reference component maps to one label
            for k in range(1, n + 1):
                assert len(np.unique(block[ref == k])) == 1


def test_wind_capacity_factor_from_windpowerlib_curve():
    cf = energy.capacity_factor([4.0, 6.0, 8.0, 10.0], [1.225] * 4)
    assert np.all(np.diff(cf) > 0) and 0.05 < cf[0] < cf[-1] < 0.7
    thin = energy.capacity_factor([8.0], [1.0])[0]
    assert thin < energy.capacity_factor([8.0], [1.225])[0]
    # Rayleigh: WPD = ½ρ·(6/π)·v̄³, so 7 m/s at 1.225 kg/m³ is 401.2 W/m²
    assert energy.speed_from_power_density(0.5 * 1.225 * 6 / np.pi * 7.0 ** 3) == pytest.approx(7.0)


def test_wind_stack_ranks_and_yields():
    st = synthetic.stack("wind")
    result = service.run(st, service.parse(st, {**PLAIN, "w_demand": "0", "w_town": "0", "w_elevation": "0"}))
    hub_factor = (80 / 100) ** (1 / 7)  # synthetic speeds are at 100 m, the default hub is 80 m
    assert np.allclose(result.top["resource_mean"], np.array([8.0, 7.0, 6.0]) * hub_factor, atol=1e-3)
    assert np.allclose(result.top["capacity_mw"], result.top["area_km2"] * 3.0)
    assert result.top["yield_mwh_per_mw"].is_monotonic_decreasing


def test_grid_from_bounds_snaps_to_cells():
    g = Grid.from_bounds(100.5, 200.5, 2999.0, 1801.0, 1000)
    assert g.shape == (2, 3) and g.bounds == (0.0, 0.0, 3000.0, 2000.0) and g.cell_km2 == 1.0


@pytest.mark.parametrize("hub, expected", [("100", "AB"), ("200", "ABC")])
def test_wind_threshold_applies_at_hub_height(hub, expected):
    st = synthetic.stack("wind")
    # C is 6.0 m/s at 100 m: below 6.5 at a 100 m hub, 6.0 × 2^(1/7) = 6.62 m/s at a 200 m hub
    surface = model.evaluate(st, service.parse(st, {**PLAIN, "t_resource": "6.5", "hub": hub}))
    want = np.zeros(st.grid.shape, bool)
    for k in expected:
        want |= synthetic.block_mask(k)
    assert np.array_equal(suitable_grid(st, surface), want)
