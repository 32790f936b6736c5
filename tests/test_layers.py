"""The policy's layers: schema, unique ids, locations inside their prefecture, schemes, filters."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gislayout import boundaries, config, layers, regions
from gislayout.errors import BadParameter, LayerDataError, NotFound
from gislayout.web import create_app


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


def test_a_planner_adds_a_scheme_with_a_data_file(layers_copy):
    members = sorted(boundaries.load("prefecture")["name_zh"])
    assert "test" not in regions.schemes()
    scheme = {"id": "test", "title_zh": "测试", "title_en": "Test", "source": "test",
              "zones": [{"id": "a", "name_zh": "甲", "name_en": "A", "members": members[:7]},
                        {"id": "b", "name_zh": "乙", "name_en": "B", "members": members[7:]}]}
    (layers_copy / "schemes" / "test.json").write_text(json.dumps(scheme, ensure_ascii=False))
    assert "test" in regions.schemes()  # seen at once: no reload, no restart
    assert len(layers.load("regions", scheme="test")) == 2
    assert len(layers.load("prefectures", scheme="test", zone="a")) == 7


def _break_targets(path, how: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if how == "missing":
        path.unlink()
    elif how == "not a number":
        path.write_text("".join(l.replace(",17000,", ",lots,") for l in lines), encoding="utf-8")
    elif how == "no pv row":
        path.write_text("".join(l for l in lines if not l.startswith("target_solar_capacity_2015,")), encoding="utf-8")
    elif how == "pv row twice":
        path.write_text("".join(lines + [l for l in lines if l.startswith("target_solar_capacity_2015,")]),
                        encoding="utf-8")


@pytest.mark.parametrize("how, fragment", [
    ("missing", "'targets.csv' is missing"),
    ("not a number", "'lots'"),
    ("no pv row", "0 rows with id 'target_solar_capacity_2015'"),
    ("pv row twice", "target_solar_capacity_2015"),
])
def test_a_broken_targets_file_is_a_layer_data_error_not_a_silent_default(layers_copy, how, fragment):
    """The siting roll-ups read the 2015 targets from layers/targets.csv and from nowhere else."""
    from gislayout.analysis import service

    assert service.target_mw("pv") == 1000.0 and service.target_mw("wind") == 17000.0
    _break_targets(layers_copy / "targets.csv", how)
    with pytest.raises(LayerDataError, match=re.escape(fragment)):
        service.target_mw("pv")


def test_a_scheme_that_leaves_a_prefecture_out_is_rejected():
    data = {"id": "x", "title_zh": "x", "title_en": "x", "source": "x",
            "zones": [{"id": "a", "name_zh": "a", "name_en": "a", "members": ["兰州市"]}]}
    with pytest.raises(LayerDataError, match="unassigned"):
        regions._parse(data, "x.json", set(boundaries.load("prefecture")["name_zh"]))


def test_filters():
    assert len(layers.load("bases", level="national")) == 10
    hexi = layers.load("bases", scheme="2009", zone="hexi")
    assert set(hexi["prefecture"]) <= set(regions.get("2009").zone("hexi").members) and len(hexi) > 0
    # A sector some features do not have: those with it are in, the others out (read from the raw CSV).
    for layer, code, column in (("projects", "wind", "subsectors"), ("bases", "new_energy", "sectors")):
        raw = pd.read_csv(config.settings().layers_dir / f"{layer}.csv", dtype=str, keep_default_na=False)
        has = {i for i, codes in zip(raw["id"], raw[column]) if code in codes.split(";")}
        got = set(layers.load(layer, sector=code)["id"])
        assert got == has and 0 < len(has) < len(raw), (layer, code)
        assert got.isdisjoint(set(raw["id"]) - has)
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
def test_a_broken_layer_file_is_a_server_error_naming_the_file(layers_copy, filename, content, fragment):
    """The server's own data at fault is a 500 that names the file, not a 400 blaming the request."""
    client = create_app({"TESTING": True, "LAYERS_DIR": layers_copy}).test_client()
    assert client.get("/api/layers/bases").status_code == 200
    (layers_copy / filename).write_text(content, encoding="utf-8")
    with pytest.raises(LayerDataError, match=fragment):
        layers.validate_all()
    resp = client.get("/api/layers/bases")
    assert resp.status_code == 500
    assert fragment in resp.json["message"]
