"""Plan against the record (issue 11 §3), checked against independent computations from the shipped CSVs."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import shapely

from gislayout import boundaries, ground, record, regions

from .conftest import ROOT

LAYERS = ROOT / "layers"


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(LAYERS / f"{name}.csv")


def _hull() -> shapely.Geometry:
    data = json.loads((LAYERS / "footprints.geojson").read_text(encoding="utf-8"))
    feature = next(f for f in data["features"] if f["properties"]["feature_id"] == "base_jiuquan_wind")
    return shapely.geometry.shape(feature["geometry"])


def test_jiuquan_wind_base_shows_its_registered_wind_projects():
    cdm = _csv("cdm_projects")
    hull = _hull()
    inside = cdm[[hull.covers(shapely.Point(x, y)) for x, y in zip(cdm["lon"], cdm["lat"])]]
    wind = inside[inside["kind"] == "wind"]
    per_project = wind.groupby("cdm_ref")["capacity_mw"].first()
    got = record.feature("base_jiuquan_wind")
    assert got["place"]["rule"] == "footprint" and got["fuel"] == "wind"
    assert got["cdm"]["projects"] == len(per_project) == 28
    assert got["cdm"]["mw"] == pytest.approx(per_project.sum()) and got["cdm"]["mw"] == pytest.approx(990.5)
    assert got["cdm"]["projects_with_mw"] == per_project.notna().sum()
    assert sorted(i["cdm_ref"] for i in got["cdm"]["items"]) == sorted(per_project.index)
    # the county rule (Guazhou, Yumen) selects the same projects: the hull is theirs
    by_county = cdm[(cdm["kind"] == "wind") & cdm["county"].isin(["瓜州县", "玉门市"])]["cdm_ref"]
    assert set(by_county) == set(per_project.index)
    # GPPD plants are listed apart, never added to the CDM figure
    plants = _csv("plants")
    in_hull = plants[[hull.covers(shapely.Point(x, y)) for x, y in zip(plants["lon"], plants["lat"])]]
    assert got["plants"]["mw"] == pytest.approx(in_hull.loc[in_hull["kind"] == "wind", "capacity_mw"].sum())
    assert got["cited"]["gppd_ids"] == [1023878]


def test_a_county_feature_and_a_target():
    pv = record.feature("proj_jiayuguan_pv_10mw")
    assert pv["place"] == {"rule": "county", "county": "嘉峪关市", "text": "in the feature's county 嘉峪关市"}
    assert 5677 in pv["cited"]["cdm_refs"] and 5677 in [i["cdm_ref"] for i in pv["cdm"]["items"]]
    plants = _csv("plants")
    wind = plants[plants["kind"] == "wind"]
    target = record.feature("target_wind_capacity_2015")
    assert target["place"]["rule"] == "province" and target["plan"]["value"] == 17000
    assert target["plants"]["mw"] == pytest.approx(wind["capacity_mw"].sum())
    assert record.feature("proj_404_nuclear_fuel")["plants"] is None


def test_unknown_feature_is_not_found():
    from gislayout.errors import NotFound
    with pytest.raises(NotFound, match="'nope'"):
        record.feature("nope")


def test_per_prefecture_capacity_equals_a_groupby_of_plants_csv():
    table = record.table("prefectures").set_index("id")
    plants = _csv("plants")
    expected = plants.pivot_table(index="prefecture", columns="kind", values="capacity_mw", aggfunc="sum")
    years = plants.groupby(["prefecture", "kind"])["commissioning_year"]
    for pref in boundaries.load("prefecture")["name_zh"]:
        for fuel in ("wind", "solar", "coal", "hydro"):
            want = expected[fuel].get(pref, float("nan"))
            assert table.loc[pref, f"plants_{fuel}_mw"] == pytest.approx(0.0 if pd.isna(want) else want)
            first = years.min().get((pref, fuel), float("nan"))
            got = table.loc[pref, f"plants_{fuel}_year_min"]
            assert (pd.isna(got) and pd.isna(first)) or got == first
    assert table["plants_coal_mw"].sum() == pytest.approx(plants.loc[plants["kind"] == "coal", "capacity_mw"].sum())


def test_cdm_projects_count_once_per_prefecture():
    cdm = _csv("cdm_projects")
    first = cdm[cdm["id"].str.endswith("_1")]
    table = record.table("prefectures").set_index("id")
    solar = first[first["kind"] == "solar_pv"]
    assert table["cdm_solar_projects"].sum() == solar["cdm_ref"].nunique() == len(solar)
    assert table["cdm_solar_mw"].sum() == pytest.approx(solar["capacity_mw"].sum())


@pytest.mark.parametrize("scheme_id", ["2009", "2021"])
def test_zone_totals_are_the_sum_of_their_member_prefectures(scheme_id):
    plants = _csv("plants")
    zones = record.table("zones", scheme_id).set_index("id")
    for zone in regions.get(scheme_id).zones:
        rows = plants[plants["prefecture"].isin(zone.members)]
        for fuel in ("wind", "solar", "coal", "hydro"):
            assert zones.loc[zone.id, f"plants_{fuel}_mw"] == pytest.approx(
                rows.loc[rows["kind"] == fuel, "capacity_mw"].sum())
        years = rows.loc[rows["kind"] == "coal", "commissioning_year"].dropna()
        if len(years):
            assert zones.loc[zone.id, "plants_coal_year_max"] == years.max()
    pref = record.table("prefectures").set_index("id")
    assert zones["plants_hydro_mw"].sum() == pytest.approx(pref["plants_hydro_mw"].sum())


def _payload_words(obj) -> str:
    return json.dumps(obj, ensure_ascii=False).lower()


def test_wording_says_recorded_never_installed(client):
    for url in ("/api/record", "/api/record?unit=zones&scheme=2009", "/api/record/feature/base_jiuquan_wind",
                "/api/record/feature/target_wind_capacity_2015", "/api/record/feature/proj_404_nuclear_fuel"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        text = _payload_words(resp.get_json())
        assert "installed" not in text, url
        assert "recorded in these datasets" in text and ground.CAVEAT.lower() in text, url
    csv = client.get("/api/record?format=csv")
    assert csv.status_code == 200 and "installed" not in csv.get_data(as_text=True).lower()
    assert csv.headers["X-Gislayout-Caveat"].startswith("Recorded in these datasets")


def test_api_rows_and_errors(client):
    data = client.get("/api/record?unit=zones&scheme=2009").get_json()
    assert [r["id"] for r in data["rows"]] == [z.id for z in regions.get("2009").zones]
    hexi = next(r for r in data["rows"] if r["id"] == "hexi")
    assert sum(sum(v.values()) for v in [hexi["plants_mw_by_year"].get("coal", {})]) == pytest.approx(
        hexi["plants_coal_mw"])  # every coal plant has a year
    for url, status, quoted in (("/api/record?unit=counties", 400, "'counties'"),
                                ("/api/record?unit=zones&scheme=1999", 404, "'1999'"),
                                ("/api/record?format=xml", 400, "'xml'"),
                                ("/api/record?unit=prefectures&scheme=2009", 400, "'2009'"),
                                ("/api/record/feature/nope", 404, "'nope'")):
        resp = client.get(url)
        body = resp.get_json()
        assert resp.status_code == status and set(body) == {"status", "error", "message"}, url
        assert quoted in body["message"], url


def test_the_record_follows_an_edit_of_the_layers(layers_copy):
    before = record.table("prefectures").set_index("id").loc["兰州市", "plants_coal_mw"]
    jiuquan = record.feature("base_jiuquan_wind")["plants"]["mw"]
    plants = pd.read_csv(layers_copy / "plants.csv", dtype=str, keep_default_na=False)
    plants.loc[plants["id"] == "gppd_1070254", "capacity_mw"] = "1300.0"  # was 300 MW (Lanzhou Lanlü, coal)
    plants.to_csv(layers_copy / "plants.csv", index=False)
    assert record.table("prefectures").set_index("id").loc["兰州市", "plants_coal_mw"] == pytest.approx(before + 1000)
    assert record.feature("base_jiuquan_wind")["plants"]["mw"] == jiuquan
