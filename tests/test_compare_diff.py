"""Versions of the plan over HTTP: a crafted version (one added, one removed, one moved 5 km, one renamed) in
GeoJSON, CSV and GPKG; its CSV and GeoJSON exports (the GeoJSON opens in GDAL's ogrinfo); upload errors."""

from __future__ import annotations

import copy
import csv
import io
import json
import subprocess

import geopandas as gpd
import pytest
from pyproj import Geod

from gislayout.compare import upload

from .conftest import requires_ogrinfo
from .test_error_shape import assert_error_shape

ADDED, NEW_NAME = "park_new_2025", "Renamed Park"


@pytest.fixture(scope="module")
def template(app) -> dict:
    """Version 2010 as the page offers it to download, for the planner to edit."""
    return app.test_client().get("/api/compare/version").get_json()


@pytest.fixture(scope="module")
def crafted(template) -> tuple[dict, dict]:
    """(edited FeatureCollection, ids): one removed, one moved 5 km east, one renamed, one added."""
    fc = copy.deepcopy(template)
    feats = fc["features"]
    ids = {"removed": feats[0]["properties"]["id"], "moved": feats[5]["properties"]["id"],
           "renamed": feats[30]["properties"]["id"], "added": ADDED}
    lon, lat = feats[5]["geometry"]["coordinates"]
    feats[5]["geometry"]["coordinates"] = list(Geod(ellps="WGS84").fwd(lon, lat, 90, 5000)[:2])
    feats[30]["properties"]["name_en"] = NEW_NAME
    new = copy.deepcopy(feats[3])
    new["properties"].update(id=ADDED, name_zh="新园区", name_en="New park")
    fc["features"] = feats[1:] + [new]
    return fc, ids


def _as_csv(fc: dict) -> bytes:
    rows = [f["properties"] | {"lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]}
            for f in fc["features"]]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _as_gpkg(fc: dict, tmp_path) -> bytes:
    path = tmp_path / "version.gpkg"
    gdf = gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326").to_crs(3857)  # another CRS on purpose
    gdf = gdf.drop(columns="layer").assign(layer_name=gdf["layer"])
    # Layer names of the planner's own choosing: they label features, they are not compared.
    for name in ("bases", "parks"):
        part = gdf[gdf["layer_name"] == name].drop(columns="layer_name")
        part.to_file(path, layer=f"my_{name}_v2", driver="GPKG", engine="pyogrio")
    return path.read_bytes()


def _post(client, name: str, data: bytes, **fields):
    """POST a multipart upload. The body is built here: werkzeug's test client spools large bodies to a temp
    file it never closes (a ResourceWarning), which the server side does not."""
    boundary = "gislayout-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post("/api/compare/diff", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _version(fmt: str, crafted_fc: dict, tmp_path) -> tuple[str, bytes]:
    if fmt == "geojson":
        return "version.geojson", json.dumps(crafted_fc, ensure_ascii=False).encode("utf-8")
    if fmt == "csv":
        return "version.csv", _as_csv(crafted_fc)
    return "version.gpkg", _as_gpkg(crafted_fc, tmp_path)


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_crafted_version_uploaded_over_http(client, crafted, template, tmp_path, fmt):
    fc, ids = crafted
    resp = _post(client, *_version(fmt, fc, tmp_path))
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    by_id = {f["properties"]["id"]: f["properties"] for f in body["diff"]["features"]}
    assert by_id[ids["added"]]["status"] == "added"
    assert by_id[ids["removed"]]["status"] == "removed"
    assert by_id[ids["moved"]]["status"] == "moved"
    assert by_id[ids["moved"]]["distance_km"] == pytest.approx(5.0, abs=0.01)
    assert by_id[ids["renamed"]]["status"] == "changed" and by_id[ids["renamed"]]["changed_fields"] == "name_en"
    assert NEW_NAME in by_id[ids["renamed"]]["changes"]
    n = len(template["features"])
    assert body["summary"]["counts"] == {"added": 1, "removed": 1, "moved": 1, "changed": 1, "unchanged": n - 3}


def test_diff_exports_as_csv(client, crafted):
    fc, ids = crafted
    resp = _post(client, "version.csv", _as_csv(fc), format="csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")))}
    assert rows[ids["moved"]]["status"] == "moved" and float(rows[ids["moved"]]["distance_km"]) == pytest.approx(5, abs=0.01)
    assert rows[ids["added"]]["status"] == "added" and rows[ids["removed"]]["status"] == "removed"
    assert {"lon", "lat", "from_lon", "from_lat", "layer", "changes"} <= set(next(iter(rows.values())))


@requires_ogrinfo
@pytest.mark.gdal
def test_diff_exports_as_geojson_that_gdal_opens(client, crafted, template, tmp_path):
    fc, ids = crafted
    resp = _post(client, "version.geojson", json.dumps(fc).encode(), format="geojson")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    path = tmp_path / "diff.geojson"
    path.write_bytes(resp.data)
    info = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True, timeout=60)
    assert info.returncode == 0, info.stderr
    assert f"Feature Count: {len(template['features']) + 1}" in info.stdout
    assert "status: String" in info.stdout and "distance_km: Real" in info.stdout
    moved = subprocess.run(["ogrinfo", "-ro", "-al", "-q", "-where", f"id = '{ids['moved']}'", str(path)],
                           capture_output=True, text=True, timeout=60)
    assert "status (String) = moved" in moved.stdout


def test_csv_from_a_chinese_spreadsheet_in_gb18030(client, crafted):
    fc, ids = crafted
    resp = _post(client, "version.csv", _as_csv(fc).decode("utf-8").encode("gb18030"))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["summary"]["counts"]["added"] == 1


def _too_many() -> bytes:
    n = upload.MAX_FEATURES + 1
    return ("id,lon,lat\n" + "".join(f"f{i},100,38\n" for i in range(n))).encode()


@pytest.mark.parametrize("name, data, status, fragments", [
    ("v.geojson", b'{"type": "FeatureCollection", "features": [', 400, ["'v.geojson'", "not valid JSON", "line 1"]),
    ("v.geojson", b'{"type": "Topology", "objects": {}}', 400, ["FeatureCollection", "'Topology'"]),
    ("v.geojson", b'{"type": "Point", "coordinates": [100, 38]}', 400, ["no 'id' column"]),
    ("v.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [100, 38]}}]}
    ).encode(), 400, ["no 'id' column", "name"]),
    ("v.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a"}, "geometry": {"type": "LineString",
                                                                   "coordinates": [[100, 38], [101, 38]]}}]}
    ).encode(), 400, ["'a'", "LineString"]),
    ("v.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a"}, "geometry": {"type": "Point", "coordinates": [400, 38]}}]}
    ).encode(), 400, ["'a'", "outside"]),
    ("v.csv", b"id,name_zh,x_coord,y_coord\na,b,100,38\n", 400, ["'lon'", "'lat'", "x_coord"]),
    ("v.csv", b"id,lon,lat\na,100,38\nb,east,38\n", 400, ["row 3", "'east'"]),
    ("v.csv", b"id,lon,lat\na,100,38\na,101,38\n", 400, ["repeats", "'a'"]),
    ("v.csv", b"name,lon,lat\na,100,38\n", 400, ["no 'id' column"]),
    ("v.csv", _too_many(), 413, [f"{upload.MAX_FEATURES + 1:,}", f"{upload.MAX_FEATURES:,}"]),
    ("v.gpkg", b"SQLite format 3\x00" + b"\x00" * 200, 400, ["'v.gpkg'", "GeoPackage"]),
    ("v.gpkg", b"not a database", 400, ["'v.gpkg'", "GeoPackage"]),
    ("v.shp", b"\x00\x00\x27\x0a", 400, ["'v.shp'", ".gpkg"]),
    ("v.csv", b"   ", 400, ["empty"]),
])
def test_upload_errors_name_the_problem(client, name, data, status, fragments):
    body = assert_error_shape(_post(client, name, data), status)
    for fragment in fragments:
        assert fragment in body["message"], body["message"]


def test_upload_over_the_byte_limit_is_413(client):
    data = b"id,lon,lat\n" + b"x" * (upload.MAX_BYTES + 10)
    body = assert_error_shape(_post(client, "big.csv", data), 413)
    assert f"{upload.MAX_BYTES:,}" in body["message"]


@pytest.mark.parametrize("fields, fragment", [
    ({"tolerance_m": "far"}, "'far'"),
    ({"tolerance_m": "-5"}, "'-5'"),
    ({"layers": "rivers"}, "'rivers'"),
    ({"format": "kml"}, "'kml'"),
    ({"colour": "red"}, "'colour'"),
])
def test_bad_diff_options_name_the_value(client, crafted, fields, fragment):
    resp = _post(client, "v.geojson", json.dumps(crafted[0]).encode(), **fields)
    assert fragment in assert_error_shape(resp, 400)["message"]


def test_an_unknown_version_to_diff_against_is_404_naming_it(client, crafted):
    resp = _post(client, "v.geojson", json.dumps(crafted[0]).encode(), against="no-such-version")
    assert "'no-such-version'" in assert_error_shape(resp, 404)["message"]


def test_no_file_is_400_naming_the_field(client):
    assert "'file'" in assert_error_shape(client.post("/api/compare/diff", data={}), 400)["message"]


def test_tolerance_decides_what_moved(client, crafted):
    fc, ids = crafted
    body = _post(client, "v.geojson", json.dumps(fc).encode(), tolerance_m="6000").get_json()
    moved = next(f["properties"] for f in body["diff"]["features"] if f["properties"]["id"] == ids["moved"])
    assert moved["status"] == "unchanged" and moved["distance_km"] == pytest.approx(5.0, abs=0.01)


def test_cli_diff(runner, crafted, tmp_path):
    fc, ids = crafted
    version = tmp_path / "version.geojson"
    version.write_text(json.dumps(fc), encoding="utf-8")
    out = tmp_path / "diff.geojson"
    result = runner.invoke(args=["diff", str(version), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "added: 1, removed: 1, moved: 1, changed: 1" in result.output and ids["moved"] in result.output
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == len(fc["features"]) + 1
    bad = tmp_path / "bad.csv"
    bad.write_text("name,lon,lat\nx,100,38\n", encoding="utf-8")
    result = runner.invoke(args=["diff", str(bad)])
    assert result.exit_code != 0 and "no 'id' column" in result.output


def test_upload_errors_do_not_leak_server_paths(client):
    body = assert_error_shape(_post(client, "v.gpkg", b"SQLite format 3\x00garbage"), 400)
    assert "/tmp" not in body["message"] and "'v.gpkg'" in body["message"]


def test_uploaded_names_cannot_break_headers_or_spreadsheets(client, crafted):
    fc, ids = crafted
    fc = json.loads(json.dumps(fc))
    fc["features"][0]["properties"]["name_zh"] = "=cmd|' /C calc'!A0"
    resp = _post(client, 'a";b=c.geojson', json.dumps(fc, ensure_ascii=False).encode(), format="csv")
    assert resp.status_code == 200
    disposition = resp.headers["Content-Disposition"]
    assert disposition.count('"') == 2 and ";b=" not in disposition
    text = resp.get_data(as_text=True)
    assert "=cmd|" in text and ",=cmd|" not in text and "'=cmd|" in text


def test_a_file_part_without_a_filename_is_explained(client):
    boundary = "b"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nid,lon,lat\r\n--{boundary}--\r\n').encode()
    resp = client.post("/api/compare/diff", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    body = assert_error_shape(resp, 400)
    assert "no filename" in body["message"]
