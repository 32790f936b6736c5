"""Map context and ground layers for the atlas on the server side: the curated context files, their routes,
the compact ground payloads, and the page config that tells the script when to fetch them."""

from __future__ import annotations

import gzip
import json

import geopandas as gpd
import pandas as pd
import pytest

from gislayout import boundaries, config, ground
from gislayout.maps import contextlayers, geodata

CONTEXT = config.ROOT / "layers" / "context"


def test_places_label_seats_with_the_products_admin_names():
    places = pd.read_csv(CONTEXT / "places.csv", keep_default_na=False)
    admin = pd.read_csv(config.ROOT / "layers" / "admin_names.csv")
    prefs = places[places["rank"] == 1]
    assert sorted(prefs["name_zh"]) == sorted(admin.loc[admin["level"] == "prefecture", "name_zh"])
    assert "酒泉市" in set(prefs["name_zh"]) and "肃州" not in set(places.loc[places["rank"] < 3, "name_zh"])
    assert set(places["rank"]) == {1, 2, 3} and places["id"].is_unique
    assert (places["name_zh"].str.len() + places["name_en"].str.len() > 0).all()


@pytest.mark.parametrize("name", ["places.csv", "railway_stations.csv"])
def test_context_points_are_rounded_and_inside_gansu_plus_the_margin(name):
    df = pd.read_csv(CONTEXT / name)
    for col in ("lon", "lat"):
        assert (df[col].round(4) == df[col]).all()
    pts = gpd.GeoSeries(gpd.points_from_xy(df["lon"], df["lat"]), crs=config.WGS84).to_crs(config.EQUAL_AREA)
    province = boundaries.load("province").to_crs(config.EQUAL_AREA).union_all()
    assert pts.distance(province).max() <= 15_100  # Xining (Qinghai, ~60 km out) is not there
    assert len(df) > 300


def test_rivers_are_the_natural_earth_rivers_of_gansu():
    fc = json.loads((CONTEXT / "rivers.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["name_en"]: f["properties"]["name_zh"] for f in fc["features"]}
    assert names["Huang"] == "黄河" and {"Wei", "Jing"} <= set(names)
    assert all(f["geometry"]["type"] in ("LineString", "MultiLineString") for f in fc["features"])


def test_sources_record_the_context_attributions():
    text = (config.ROOT / "layers" / "SOURCES.md").read_text(encoding="utf-8")
    section = text[text.index("## Map context"):]
    for words in ("CC BY 4.0", "GeoNames", "Natural Earth", "© OpenStreetMap contributors", "ODbL",
                  "curate_context.py", "审图号"):
        assert words in section, words


@pytest.mark.parametrize("name", contextlayers.LAYERS)
def test_context_route_gzips_with_zoom_and_attribution(client, name):
    resp = client.get(f"/atlas/context/{name}.json", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    doc = json.loads(gzip.decompress(resp.data))
    assert doc["min_zoom"] == contextlayers.MIN_ZOOM[name] >= 7 and doc["attribution"]
    assert len(doc.get("rows", doc.get("features", []))) > 0
    again = client.get(f"/atlas/context/{name}.json", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code in (200, 304)


def test_unknown_context_layer_is_404_with_the_json_error(client):
    resp = client.get("/atlas/context/roads.json")
    assert resp.status_code == 404 and "roads" in resp.get_json()["message"]


@pytest.mark.parametrize("name", ground.LAYERS)
def test_ground_layers_come_compact_with_every_feature_and_its_precision(client, name):
    resp = client.get(f"/atlas/geo/{name}.json", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    fc = json.loads(gzip.decompress(resp.data))
    api = client.get(f"/api/layers/{name}?display=1").get_json()
    assert len(fc["features"]) == len(api["features"]) > 0
    assert all(f["properties"]["precision"] and f["properties"]["source"] for f in fc["features"])
    assert len(resp.data) < max(2_000, len(client.get(f"/api/layers/{name}?display=1").data) / 4)


def test_page_config_lists_context_layers_and_ground_credits(client):
    html = client.get("/").get_data(as_text=True)
    cfg = json.loads(html.split('<script id="atlas-config" type="application/json">')[1].split("</script>")[0])
    assert [c["name"] for c in cfg["context_layers"]] == list(contextlayers.LAYERS)
    assert {"places", "rivers", "railway_stations"} <= set(cfg["state"]["layers"])
    assert set(cfg["attribution"]["ground"]) == set(ground.LAYERS)
    assert "leaflet.markercluster.js" in html and cfg["zoom_range"][1] == 18
    assert "/atlas/context/" not in html.split('<script id="atlas-config"')[0]  # nothing fetched up front


def test_context_payload_is_small():
    assert sum(len(contextlayers.payload(n).gzipped) for n in contextlayers.LAYERS) < 40_000
    assert sum(len(geodata.payload(n).gzipped) for n in ground.LAYERS) < 80_000
