"""The atlas page on the server side: permalink state, rendering, caching, compact data, relief, overlays."""

from __future__ import annotations

import gzip
import json
import re

import numpy as np
import pytest

from gislayout import maps
from gislayout.maps import geodata, overlays, relief
from gislayout.maps.state import AtlasState
from gislayout.web import create_app, pages


@pytest.fixture(scope="module")
def choices():
    return maps.choices(("ghi_estimate",))


@pytest.mark.parametrize("query, expected", [
    ({}, AtlasState()),
    ({"lang": "en", "zone": "hexi,mars,hexi"}, AtlasState(lang="en", zone=("hexi",))),
    ({"lang": "fr", "base": "google", "z": "x", "c": "91,200"}, AtlasState()),
    ({"layers": ""}, AtlasState(layers=())),
    ({"layers": "bases,nope,ghi_estimate", "opacity": "ghi_estimate:1.7,nope:0.2"},
     AtlasState(layers=("bases", "ghi_estimate"), opacity=(("ghi_estimate", 1.0),))),
    ({"c": "36.12345678,103.8", "z": "25"}, AtlasState(centre=(36.1235, 103.8), zoom=18)),
    ({"sel": "<img src=x onerror=alert(1)>"}, AtlasState()),
    ({"sel": "base_jinchang_new_materials"}, AtlasState(selected="base_jinchang_new_materials")),
])
def test_state_parsing_is_forgiving(query, expected, choices):
    assert maps.parse(query, choices) == expected


def test_zone_must_belong_to_the_scheme(choices):
    other = next(s for s in choices.schemes if s != "2009")
    zone_2009_only = next(z for z in choices.schemes["2009"] if z not in choices.schemes[other])
    assert maps.parse({"scheme": other, "zone": zone_2009_only}, choices).zone == ()
    assert maps.parse({"zone": zone_2009_only}, choices).zone == (zone_2009_only,)


@pytest.mark.parametrize("state", [
    AtlasState(),
    AtlasState(lang="en", sector=("new_energy", "wind"), level=("national",), kind=("base", "wind_farm"),
               prefecture=("酒泉市",), layers=("prefectures", "bases"), base="none", centre=(39.7, 98.5), zoom=8,
               opacity=(("ghi_estimate", 0.45),), selected="base_jinchang_new_materials"),
])
def test_query_round_trip(state, choices):
    query = dict(pair.split("=", 1) for pair in state.to_query().split("&") if pair)
    from urllib.parse import unquote
    assert maps.parse({k: unquote(v) for k, v in query.items()}, choices) == state


def test_page_is_offline_light_and_cached(client):
    pages.clear_cache()
    first = client.get("/?lang=en")
    second = client.get("/?lang=en")
    assert first.status_code == 200 and first.mimetype == "text/html"
    assert first.data == second.data and pages._page.cache_info().hits >= 1
    html = first.get_data(as_text=True)
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/static/") for a in assets), assets
    assert len(first.data) < 120_000  # no inline GeoJSON
    assert '<html lang="en">' in html and "Atlas of Gansu" in html


def test_page_config_carries_state_and_vocabularies(client):
    html = client.get("/?sector=new_energy&z=8&c=36.5,103.2").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="atlas-config" type="application/json">(.*?)</script>', html, re.S)[1])
    assert config["state"]["sector"] == ["new_energy"] and config["state"]["zoom"] == 8
    assert config["state"]["lang"] == "zh" and config["strings"]["en"]["title"]
    assert {c["group"] for c in config["catalogue"]} == {"boundaries", "layout", "ground"}
    assert "wind_farm" in config["vocab"]["kind"] and config["vocab"]["level"]["national"]["zh"] == "国家级"


def test_reflected_query_values_are_never_raw(client):
    query = "sel=%3Cscript%3Ealert(1)%3C/script%3E&zone=%3Cimg%20src=x%3E&lang=%22%3E"
    html = client.get("/?" + query).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html


def test_tianditu_only_with_a_key():
    with_key = create_app({"TESTING": True, "TIANDITU_KEY": "k123"}).test_client().get("/").get_data(as_text=True)
    without = create_app({"TESTING": True, "TIANDITU_KEY": ""}).test_client().get("/").get_data(as_text=True)
    assert "tianditu.gov.cn" in with_key and "tk=k123" in with_key
    assert "tianditu.gov.cn" not in without


@pytest.mark.parametrize("name, count", [("province", 1), ("prefectures", 14), ("counties", 87), ("regions", 4)])
def test_compact_boundaries_are_gzipped_rounded_geojson(client, name, count):
    resp = client.get(f"/atlas/geo/{name}.json", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(resp.data))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == count
    digits = re.findall(r"\d+\.(\d+)", json.dumps(data["features"][0]["geometry"]))
    assert max(len(d) for d in digits) <= geodata.PRECISION
    again = client.get(f"/atlas/geo/{name}.json",
                       headers={"If-None-Match": resp.headers["ETag"], "Accept-Encoding": "gzip"})
    assert again.status_code == 304


def test_compact_boundaries_without_gzip_and_errors(client):
    plain = client.get("/atlas/geo/regions.json?scheme=2009")
    assert "Content-Encoding" not in plain.headers
    assert json.loads(plain.data)["features"][0]["properties"]["scheme"] == "2009"
    assert client.get("/atlas/geo/nope.json").json["status"] == 404
    assert "'nope'" in client.get("/atlas/geo/regions.json?scheme=nope").json["message"]


def test_relief_image(client):
    resp = client.get("/atlas/relief.jpg")
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    assert resp.data[:3] == b"\xff\xd8\xff" and len(resp.data) < 250_000


def test_relief_rows_are_web_mercator():
    rgb = relief.render(bounds=((30.0, 100.0), (40.0, 110.0)), pixels_per_degree=10)
    y = lambda lat: np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))  # noqa: E731
    assert rgb.shape[1] == 100 and rgb.dtype == np.uint8
    assert rgb.shape[0] == round(100 * (y(40) - y(30)) / np.radians(10))


def _entry(name, quantity, installed, in_use=False, estimate=False, command="cmd"):
    return {"name": name, "title_zh": name, "title_en": name, "quantity": quantity, "installed": installed,
            "in_use": in_use, "is_estimate": estimate, "install_command": command, "bounds": [[32, 92], [43, 109]],
            "caption_zh": "", "caption_en": ""}


def test_overlays_and_install_notices():
    shown, notices = overlays.split([
        _entry("gsa_ghi", "ghi", True), _entry("ghi_estimate", "ghi", True, in_use=True, estimate=True),
        _entry("gwa_ws100", "wind_speed", False, command="fetch gwa"),
        _entry("gwa_pd100", "wind_power_density", False, command="fetch gwa"),
        _entry("gsa_elevation", "elevation", False, command="fetch gsa"),
    ])
    assert [e["name"] for e in shown] == ["ghi_estimate", "gsa_ghi"]
    assert [(n["name"], n["install_command"]) for n in notices] == [("gwa_ws100", "fetch gwa")]


def test_user_supplied_resource_text_is_escaped_for_leaflet():
    evil = _entry("mine", "ghi", True) | {"source": "<img src=x onerror=alert(1)>", "title_en": "<b>x</b>"}
    page = maps.render(AtlasState(layers=("mine",)), maps.Options(), json.dumps([evil]))
    assert "<img" not in page.script and "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page.script
    assert page.config["resources"]["overlays"][0]["title_en"] == "<b>x</b>"  # data; the page sets it as text
