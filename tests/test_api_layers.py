"""The layer API over the test client and over real HTTP, read back by GDAL's ogrinfo."""

from __future__ import annotations

import json
import subprocess
import urllib.request

import pytest

from gislayout import layers

from .conftest import requires_ogrinfo


def test_catalogue(client):
    resp = client.get("/api/layers")
    assert resp.status_code == 200
    names = {layer["name"] for layer in resp.json}
    assert {"province", "prefectures", "counties", "regions", "bases", "parks", "enterprises", "projects"} <= names
    bases = next(layer for layer in resp.json if layer["name"] == "bases")
    assert bases["count"] == 20 and bases["title_zh"] and bases["geometry_type"] == "Point" and bases["source"]


def test_layer_geojson_with_filters(client):
    resp = client.get("/api/layers/bases?level=national")
    assert resp.status_code == 200
    assert resp.mimetype == "application/geo+json"
    data = json.loads(resp.data)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert len(data["features"]) == 10
    assert all(f["properties"]["level"] == "national" for f in data["features"])


@pytest.mark.parametrize("url, status, fragment", [
    ("/api/layers/nope", 404, "'nope'"),
    ("/api/layers/bases?level=global", 400, "'global'"),
    ("/api/layers/bases?zone=mars", 400, "'mars'"),
    ("/api/layers/parks?sector=crypto", 400, "'crypto'"),
    ("/api/layers/bases?display=2", 400, "'2'"),
    ("/api/layers/province?prefecture=兰州市", 400, "'prefecture'"),
])
def test_errors_are_json_and_name_the_value(client, url, status, fragment):
    resp = client.get(url)
    assert resp.status_code == status
    assert resp.json["status"] == status
    assert fragment in resp.json["message"]


@requires_ogrinfo
@pytest.mark.parametrize("name", ["bases", "parks", "prefectures", "regions"])
def test_geojson_over_http_opens_in_ogrinfo(live_server, tmp_path, name):
    path = tmp_path / f"{name}.geojson"
    with urllib.request.urlopen(f"{live_server}/api/layers/{name}") as resp:
        path.write_bytes(resp.read())
    out = subprocess.run(["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"Feature Count: {len(layers.load(name))}" in out
    assert "WGS 84" in out
