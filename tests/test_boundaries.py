"""Real boundaries: counts, names, validity, GCJ-02→WGS84 conversion against the raw files, and tiling."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from gislayout import boundaries
from gislayout.gcj02 import gcj_to_wgs, wgs_to_gcj

PREFECTURES = {"兰州市", "嘉峪关市", "金昌市", "白银市", "天水市", "武威市", "张掖市", "平凉市", "酒泉市", "庆阳市",
               "定西市", "陇南市", "临夏回族自治州", "甘南藏族自治州"}


def test_counts_and_official_names():
    pref = boundaries.load("prefecture")
    assert set(pref["name_zh"]) == PREFECTURES
    assert len(boundaries.load("county")) == 87
    assert len(boundaries.load("province")) == 1
    for level in boundaries.LEVELS:
        gdf = boundaries.load(level)
        assert gdf.crs.to_epsg() == 4326
        assert gdf.geometry.is_valid.all()
        assert (gdf["name_en"].str.len() > 0).all()


def test_english_names_are_real_names():
    pref = boundaries.load("prefecture").set_index("name_zh")
    assert pref.loc["酒泉市", "name_en"].startswith("Jiuquan")
    assert "Gannan" in pref.loc["甘南藏族自治州", "name_en"]


@pytest.mark.parametrize("level", ["province", "prefecture"])
def test_stored_geometry_is_wgs84_not_gcj02(level):
    """Re-applying the GCJ-02 shift to what is stored gives back the raw file, vertex for vertex."""
    stored = boundaries.load(level).sort_values("adcode")
    raw = boundaries.raw_index(level).sort_values("adcode")
    for geom, path in zip(stored.geometry, raw["path"]):
        raw_xy = shapely.get_coordinates(boundaries.read_raw_geometry(path))
        xy = shapely.get_coordinates(geom)
        assert xy.shape == raw_xy.shape
        np.testing.assert_allclose(wgs_to_gcj(xy), raw_xy, atol=1e-7)
        shift_m = np.hypot((raw_xy - xy)[:, 0] * 111320 * np.cos(np.radians(xy[:, 1])), (raw_xy - xy)[:, 1] * 110540)
        assert 10 < shift_m.min() and shift_m.max() < 600  # GCJ-02 offsets in Gansu are tens to hundreds of metres


def test_gcj02_inverse_matches_a_known_pair():
    # The widely published check value: WGS84 (116.3912757, 39.906217) in Beijing ↔ GCJ-02 (116.397515, 39.907617).
    gcj = wgs_to_gcj(np.array([[116.3912757, 39.906217]]))
    np.testing.assert_allclose(gcj, [[116.397515, 39.907617]], atol=2e-5)
    np.testing.assert_allclose(gcj_to_wgs(gcj), [[116.3912757, 39.906217]], atol=1e-9)


@pytest.mark.parametrize("display", [False, True])
def test_prefectures_tile_the_province(display):
    pref = boundaries.load("prefecture", display=display)
    province = boundaries.load("province", display=display).geometry.iloc[0]
    union = shapely.union_all(pref.geometry.values)
    assert union.symmetric_difference(province).area < 1e-6 * province.area
    overlaps = sum(a.intersection(b).area for i, a in enumerate(pref.geometry) for b in pref.geometry[i + 1:])
    assert overlaps < 1e-6 * province.area
    assert shapely.coverage_is_valid(pref.geometry.values)


def test_display_geometry_is_lighter_but_close():
    full, display = boundaries.load("county"), boundaries.load("county", display=True)
    assert shapely.get_num_coordinates(display.geometry.values).sum() < 0.25 * shapely.get_num_coordinates(
        full.geometry.values).sum()
    ratio = shapely.area(display.geometry.values) / shapely.area(full.geometry.values)
    assert np.all(np.abs(ratio - 1) < 0.05)


def test_counties_nest_in_their_prefecture():
    pref = boundaries.load("prefecture").set_index("name_zh")
    for row in boundaries.load("county").itertuples():
        share = row.geometry.intersection(pref.loc[row.prefecture, "geometry"]).area / row.geometry.area
        assert share > 0.999, row.name_zh
