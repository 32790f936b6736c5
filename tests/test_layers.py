"""The policy's layers: schema, unique ids, locations inside their prefecture, schemes, filters."""

from __future__ import annotations

import json
import shutil

import geopandas as gpd
import pytest
import shapely

from gislayout import boundaries, config, layers, regions
from gislayout.errors import BadParameter, LayerDataError, NotFound


def test_every_layer_validates_and_ids_are_unique():
    counts = layers.validate_all()
    assert set(counts) == set(layers.CATALOGUE)
    ids = [i for n in layers.POINT_LAYERS for i in layers.load(n)["id"]]
    assert len(ids) == len(set(ids))


def test_ten_national_and_ten_provincial_bases():
    bases = layers.load("bases")
    assert (bases["level"] == "national").sum() == 10
    assert (bases["level"] == "provincial").sum() == 10
    assert (bases["source"] == "三(二)2").all()


@pytest.mark.parametrize("name", layers.POINT_LAYERS)
def test_every_point_lies_in_the_prefecture_it_names(name):
    points = layers.load(name)
    pref = boundaries.load("prefecture")[["name_zh", "geometry"]]
    joined = gpd.sjoin(points, pref, how="left", predicate="within")
    wrong = joined[joined["name_zh_right"] != joined["prefecture"]]
    assert wrong.empty, wrong[["id", "prefecture", "name_zh_right"]].to_dict("records")


@pytest.mark.parametrize("name", layers.POINT_LAYERS)
def test_every_point_lies_in_the_county_it_names(name):
    points = layers.load(name)
    points = points[points["county"].notna()]
    county = boundaries.load("county")[["name_zh", "prefecture", "geometry"]]
    joined = gpd.sjoin(points, county, how="left", predicate="within")
    wrong = joined[joined["name_zh_right"] != joined["county"]]
    assert wrong.empty, wrong[["id", "county", "name_zh_right"]].to_dict("records")


def test_every_feature_has_the_required_attributes():
    for name in layers.POINT_LAYERS:
        gdf = layers.load(name)
        for col in ("id", "name_zh", "name_en", "kind", "sectors", "prefecture", "precision", "location_basis",
                    "location_source", "source"):
            assert gdf[col].notna().all(), (name, col)
        assert set(gdf["precision"]) <= {"site", "proxy", "representative", "county", "prefecture"}


def test_energy_projects_of_the_policy():
    projects = layers.load("projects").set_index("id")
    wind = projects[projects["technology"] == "wind"]
    assert 8000 in set(wind["capacity_mw"])
    assert any("红沙岗" in n for n in projects["name_zh"])
    assert any("正泰" in n and c == 100 for n, c in zip(projects["name_zh"], projects["capacity_mw"]))
    assert (projects[projects["kind"] == "pv_base"]["prefecture"].isin(["酒泉市", "武威市"])).all()
    assert (projects["kind"] == "nuclear_site").sum() >= 2


def test_tables_chains_sectors_targets():
    assert len(layers.chains()) == 10
    sectors = layers.sectors()
    assert set(sectors[sectors["parent"].isna()]["code"]) == {
        "new_materials", "new_energy", "biology", "information_technology", "advanced_equipment"}
    t = layers.targets()
    assert {(round(v), y) for v, y in zip(t["value"], t["year"])} >= {(17000, 2015), (1000, 2015), (800, 2015),
                                                                   (12, 2015), (16, 2020)}


def test_scheme_2009_membership():
    s = regions.get("2009")
    assert set(s.zone("centre").members) == {"兰州市", "白银市"}
    assert set(s.zone("hexi").members) == {"酒泉市", "嘉峪关市", "张掖市", "金昌市", "武威市"}
    assert set(s.zone("longdong").members) == {"庆阳市", "平凉市"}
    assert len(s.zone("clusters").members) == 5


@pytest.mark.parametrize("scheme_id", list(regions.schemes()))
def test_each_zone_covers_exactly_its_member_prefectures(scheme_id):
    zones = regions.zones_gdf(scheme_id)
    pref = boundaries.load("prefecture").set_index("name_zh")
    for zone in zones.itertuples():
        members = pref.loc[zone.members.split(";"), "geometry"]
        expected = shapely.union_all(members.values)
        assert zone.geometry.symmetric_difference(expected).area < 1e-9 * expected.area
        others = pref.drop(index=zone.members.split(";"))
        assert all(zone.geometry.intersection(g).area < 1e-9 for g in others.geometry)


def test_a_planner_adds_a_scheme_with_a_data_file(tmp_path, monkeypatch):
    shutil.copytree(config.LAYERS_DIR, tmp_path / "layers")
    members = sorted(boundaries.load("prefecture")["name_zh"])
    scheme = {"id": "test", "title_zh": "测试", "title_en": "Test", "source": "test",
              "zones": [{"id": "a", "name_zh": "甲", "name_en": "A", "members": members[:7]},
                        {"id": "b", "name_zh": "乙", "name_en": "B", "members": members[7:]}]}
    (tmp_path / "layers" / "schemes" / "test.json").write_text(json.dumps(scheme, ensure_ascii=False))
    monkeypatch.setattr(config, "LAYERS_DIR", tmp_path / "layers")
    layers.reload()
    try:
        assert "test" in regions.schemes()
        assert len(layers.load("regions", scheme="test")) == 2
        assert len(layers.load("prefectures", scheme="test", zone="a")) == 7
    finally:
        monkeypatch.undo()
        layers.reload()


def test_a_scheme_that_leaves_a_prefecture_out_is_rejected():
    data = {"id": "x", "title_zh": "x", "title_en": "x", "source": "x",
            "zones": [{"id": "a", "name_zh": "a", "name_en": "a", "members": ["兰州市"]}]}
    with pytest.raises(LayerDataError, match="unassigned"):
        regions._parse(data, "x.json", set(boundaries.load("prefecture")["name_zh"]))


def test_filters():
    assert len(layers.load("bases", level="national")) == 10
    hexi = layers.load("bases", scheme="2009", zone="hexi")
    assert set(hexi["prefecture"]) <= set(regions.get("2009").zone("hexi").members) and len(hexi) > 0
    energy = layers.load("projects", sector="new_energy")
    assert len(energy) == len(layers.load("projects"))
    assert len(layers.load("prefectures", zone="centre")) == 2
    both = layers.load("bases", prefecture="兰州市,白银市")
    assert set(both["prefecture"]) == {"兰州市", "白银市"}


@pytest.mark.parametrize("filters, fragment", [
    ({"level": "global"}, "'global'"),
    ({"zone": "mars"}, "'mars'"),
    ({"scheme": "1999"}, "'1999'"),
    ({"sector": "crypto"}, "'crypto'"),
    ({"prefecture": "北京市"}, "'北京市'"),
    ({"colour": "red"}, "'colour'"),
])
def test_bad_filters_name_the_value_and_list_allowed(filters, fragment):
    with pytest.raises(BadParameter, match=fragment) as exc:
        layers.load("bases", **filters)
    assert "allowed" in str(exc.value) or "takes" in str(exc.value)


def test_unknown_layer():
    with pytest.raises(NotFound, match="'nope'.*bases"):
        layers.load("nope")


@pytest.mark.parametrize("filename, content, fragment", [
    ("bases.csv", "id,name_zh\nBad Id,x\n", "bases.csv"),
    ("schemes/2009.json", "{not json", "2009.json"),
])
def test_a_broken_layer_file_is_a_server_error_naming_the_file(tmp_path, monkeypatch, client, filename, content,
                                                               fragment):
    """The server's own data at fault is a 500 that names the file, not a 400 blaming the request."""
    shutil.copytree(config.LAYERS_DIR, tmp_path / "layers")
    (tmp_path / "layers" / filename).write_text(content, encoding="utf-8")
    monkeypatch.setattr(config, "LAYERS_DIR", tmp_path / "layers")
    layers.reload()
    try:
        with pytest.raises(LayerDataError, match=fragment):
            layers.validate_all()
        resp = client.get("/api/layers/bases")
        assert resp.status_code == 500
        assert fragment in resp.json["message"]
    finally:
        monkeypatch.undo()
        layers.reload()
