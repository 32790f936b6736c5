"""Every layer in every export format, fetched over the API and read back by GDAL's ogrinfo and by geopandas:
the right layer name, CRS and feature count, Chinese text intact, the same features, and the metadata."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from gislayout import config, export, layers
from gislayout.export import fieldnames, shapefile

from .conftest import requires_ogrinfo

#: (layer, filters): every layer once, with the map's filters where the layer takes them.
CASES = [
    ("province", {}),
    ("prefectures", {"zone": "hexi"}),
    ("counties", {}),
    ("regions", {"scheme": "2009"}),
    ("bases", {"scheme": "2009", "zone": "hexi"}),
    ("parks", {}),
    ("enterprises", {"prefecture": "兰州市"}),
    ("projects", {"sector": "new_energy"}),
    ("plants", {"kind": "wind,solar", "min_mw": "10"}),
    ("cdm_projects", {"scheme": "2021", "zone": "hexi"}),
    ("mines", {"kind": "smelter,refinery"}),
    ("substations", {"min_kv": "330"}),
    ("published_figures", {}),
    ("footprints", {}),
]
FORMATS = list(export.FORMATS)
#: Degrees: 1e-7 is about 1 cm, the precision of the CSV coordinates.
TOLERANCE = 1e-6


def fetch(client, name: str, fmt: str, filters: dict, tmp_path: Path) -> tuple[Path, object]:
    """GET the export, save it under the name Content-Disposition gives; return the path and response."""
    resp = client.get(f"/api/layers/{name}?" + urlencode({"format": fmt, **filters}))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    filename = export.filename(name, {k: v for k, v in filters.items()}, export.FORMATS[fmt].extension)
    assert filename.encode("ascii", "replace").decode().replace("?", "_") in disposition
    path = tmp_path / filename
    path.write_bytes(resp.data)
    return path, resp


def ogr_source(path: Path, fmt: str) -> str:
    return f"/vsizip/{path}" if fmt == "shp" else str(path)


def ogr_options(name: str, fmt: str) -> list[str]:
    if fmt == "csv" and layers.get_spec(name).geometry_type == "Point":
        return ["-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"]
    return []


def ogrinfo(*args: str) -> str:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    result = subprocess.run(["ogrinfo", "-ro", *args], capture_output=True, env=env, check=True)
    return result.stdout.decode("utf-8")


def expected_layer_name(name: str, fmt: str, path: Path) -> str:
    # CSV has no layer name of its own: GDAL names the layer after the file.
    return path.stem if fmt == "csv" else name


def read_back(path: Path, name: str, fmt: str) -> gpd.GeoDataFrame:
    """The export read with geopandas, under the original column names."""
    if fmt == "shp":
        with zipfile.ZipFile(path) as zf:
            rows = list(csv.DictReader(io.StringIO(zf.read("fields.csv").decode("utf-8-sig"))))
        gdf = gpd.read_file(f"/vsizip/{path}", engine="pyogrio")
        out: dict[str, pd.Series] = {}
        for row in rows:  # continuation fields (loc_note_2, …) join back onto their column in order
            col, part = row["column"], gdf[row["shapefile_field"]]
            out[col] = out[col].fillna("") + part.fillna("") if col in out else part
        return gpd.GeoDataFrame(pd.DataFrame(out), geometry=gdf.geometry, crs=gdf.crs)
    if fmt == "csv":
        if layers.get_spec(name).geometry_type == "Point":
            return gpd.read_file(path, engine="pyogrio", X_POSSIBLE_NAMES="lon", Y_POSSIBLE_NAMES="lat")
        return gpd.read_file(path, engine="pyogrio")
    if fmt in ("gpkg", "kml"):
        return gpd.read_file(path, layer=name, engine="pyogrio")
    return gpd.read_file(path, engine="pyogrio")


def polygons(geom):
    """A MultiPolygon of the polygons in `geom` (KML may give a GeometryCollection), normalised."""
    parts = [g for g in getattr(geom, "geoms", [geom]) for g in getattr(g, "geoms", [g])]
    return shapely.normalize(shapely.MultiPolygon(parts))


def same_geometry(a, b) -> bool:
    if b.geom_type == "Point":
        return a.distance(b) <= TOLERANCE
    return polygons(a).equals_exact(polygons(b), TOLERANCE)


@requires_ogrinfo
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name, filters", CASES)
def test_ogrinfo_reports_layer_crs_count_and_chinese(client, tmp_path, name, filters, fmt):
    path, _ = fetch(client, name, fmt, filters, tmp_path)
    expected = layers.load(name, **filters)
    src = ogr_source(path, fmt)
    summary = ogrinfo("-so", "-al", *ogr_options(name, fmt), src)
    assert f"Layer name: {expected_layer_name(name, fmt, path)}\n" in summary
    assert f"Feature Count: {len(expected)}\n" in summary
    if fmt == "csv":
        # CSV cannot state a CRS; its coordinates are WGS 84 degrees, so the extent is Gansu's in degrees.
        extent = summary.split("Extent: ")[1].split("\n")[0]
        (x0, y0), (x1, y1) = [tuple(map(float, p.strip(" ()").split(","))) for p in extent.split(" - ")]
        assert 92 <= x0 <= x1 <= 109 and 32 <= y0 <= y1 <= 43
    else:
        assert 'GEOGCRS["WGS 84"' in summary or 'GEOGCS["WGS 84"' in summary
    full = ogrinfo("-al", "-geom=NO", *ogr_options(name, fmt), src)
    for value in expected["name_zh"]:
        assert value in full


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name, filters", CASES)
def test_geopandas_round_trip_gives_the_same_features(client, tmp_path, name, filters, fmt):
    path, _ = fetch(client, name, fmt, filters, tmp_path)
    expected = layers.load(name, **filters).sort_values("id").reset_index(drop=True)
    got = read_back(path, name, fmt).sort_values("id").reset_index(drop=True)
    assert list(got["id"]) == list(expected["id"])
    assert list(got["name_zh"]) == list(expected["name_zh"])
    assert list(got["name_en"]) == list(expected["name_en"])
    assert got.crs is None if fmt == "csv" else got.crs.to_epsg() == 4326
    assert all(same_geometry(a, b) for a, b in zip(got.geometry, expected.geometry))
    if "location_note" in expected:  # long text survives every format, including dBASE's 254-byte fields
        want = expected["location_note"].fillna("")
        assert list(got["location_note"].fillna("")) == list(want)


def test_geojson_is_rfc7946(client):
    resp = client.get("/api/layers/regions?format=geojson")
    data = json.loads(resp.data)
    assert "crs" not in data and data["name"] == "regions"
    for feature in data["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        for poly in getattr(geom, "geoms", [geom]):
            assert poly.exterior.is_ccw and not any(ring.is_ccw for ring in poly.interiors)


def test_metadata_in_geojson_header_and_disposition(client):
    resp = client.get("/api/layers/bases?zone=hexi&scheme=2009")
    assert resp.headers["Content-Disposition"] == 'inline; filename="bases_scheme-2009_zone-hexi.geojson"'
    meta = json.loads(resp.data)["metadata"]
    assert meta == json.loads(resp.headers["X-Gislayout-Metadata"])
    assert meta["filters"] == {"scheme": "2009", "zone": "hexi"} and meta["scheme"] == "2009"
    assert config.POLICY_CITATION in meta["sources"] and config.BOUNDARY_ATTRIBUTION in meta["sources"]
    assert meta["licence"] and meta["generated"].endswith("Z")
    assert meta["count"] == len(json.loads(resp.data)["features"])


def test_metadata_in_geopackage(client, tmp_path):
    path, _ = fetch(client, "bases", "gpkg", {"level": "national"}, tmp_path)
    info = pyogrio.read_info(path, layer="bases")
    meta = info["layer_metadata"]
    assert json.loads(meta["filters"]) == {"level": "national"}
    assert config.POLICY_CITATION in json.loads(meta["sources"])
    assert config.BOUNDARY_ATTRIBUTION in meta["DESCRIPTION"] and meta["generated"] and meta["licence"]


def test_shapefile_zip_has_prj_cpg_readme_and_field_mapping(client, tmp_path):
    path, _ = fetch(client, "projects", "shp", {}, tmp_path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"projects.shp", "projects.shx", "projects.dbf", "projects.prj", "projects.cpg", "README.txt",
                "fields.csv"} <= names
        assert zf.read("projects.cpg").decode().strip() == "UTF-8"
        assert "WGS_1984" in zf.read("projects.prj").decode()
        readme = zf.read("README.txt").decode("utf-8")
        fields = list(csv.DictReader(io.StringIO(zf.read("fields.csv").decode("utf-8-sig"))))
    assert config.POLICY_CITATION in readme and config.BOUNDARY_ATTRIBUTION in readme
    assert {"cap_mw": "capacity_mw", "tgt_year": "target_year", "loc_note": "location_note"}.items() <= \
        {f["shapefile_field"]: f["column"] for f in fields}.items()
    assert all(len(f["shapefile_field"]) <= 10 for f in fields)


def test_shapefile_names_are_the_same_in_every_layer(client, tmp_path):
    seen: dict[str, str] = {}
    for name in layers.CATALOGUE:
        path, _ = fetch(client, name, "shp", {}, tmp_path)
        with zipfile.ZipFile(path) as zf:
            rows = list(csv.DictReader(io.StringIO(zf.read("fields.csv").decode("utf-8-sig"))))
        shorts = [r["shapefile_field"].lower() for r in rows]
        assert len(shorts) == len(set(shorts)), name
        for row in rows:
            if not row["description"].startswith("continued"):
                assert seen.setdefault(row["column"], row["shapefile_field"]) == row["shapefile_field"]
                assert row["shapefile_field"] == fieldnames.short_name(row["column"])


@pytest.mark.parametrize("column, short", [
    ("location_note", "loc_note"), ("capacity_mw", "cap_mw"), ("zone_2009", "zone_2009"),
    ("zone_2021plan", "z_2021plan"), ("name_zh", "name_zh"),
])
def test_short_field_names(column, short):
    assert fieldnames.short_name(column) == short


def test_long_text_is_split_at_character_boundaries():
    text = "河西走廊" * 40 + "end"
    parts = shapefile.split_text(text)
    assert "".join(parts) == text
    assert all(len(p.encode("utf-8")) <= shapefile.DBF_TEXT_BYTES for p in parts) and len(parts) == 2


def test_long_text_keeps_its_spaces_through_dbase():
    """dBASE readers strip a field's trailing spaces, so no piece may end in one."""
    text = "a" * (shapefile.DBF_TEXT_BYTES - 1) + " moved from the seat " + "b" * 300
    parts = shapefile.split_text(text)
    assert "".join(p.rstrip() if i < len(parts) - 1 else p for i, p in enumerate(parts)) == text
    assert all(not p[-1].isspace() for p in parts[:-1])


def test_kml_names_zh_describes_en_and_styles_by_shape_and_industry(client):
    resp = client.get("/api/layers/parks?format=kml")
    root = ET.fromstring(resp.data)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    parks = layers.load("parks").set_index("id")
    styles = {s.get("id") for s in root.iterfind(".//k:Style", ns)}
    for pm in root.iterfind(".//k:Placemark", ns):
        fid = pm.find(".//k:SimpleData[@name='id']", ns).text
        assert pm.find("k:name", ns).text == parks.loc[fid, "name_zh"]
        assert parks.loc[fid, "name_en"] in pm.find("k:description", ns).text
        industry = parks.loc[fid, "sectors"].split(";")[0]  # every park's first sector is an industry
        assert pm.find("k:styleUrl", ns).text == f"#square-{industry}"
    assert {f"square-{s.split(';')[0]}" for s in parks["sectors"]} == styles
    assert config.BOUNDARY_ATTRIBUTION in root.find("k:Document/k:description", ns).text


def test_csv_has_bom_lonlat_for_points_and_wkt_for_polygons(client):
    points = client.get("/api/layers/bases?format=csv")
    assert points.data.startswith(b"\xef\xbb\xbf") and points.mimetype == "text/csv"
    table = pd.read_csv(io.BytesIO(points.data), encoding="utf-8-sig")
    assert {"lon", "lat"} <= set(table.columns) and "WKT" not in table.columns
    assert set(table["name_zh"]) == set(layers.load("bases")["name_zh"])
    shapes = pd.read_csv(io.BytesIO(client.get("/api/layers/prefectures?format=csv").data), encoding="utf-8-sig")
    assert shapes["WKT"].str.startswith("MULTIPOLYGON").all()
    meta = json.loads(points.headers["X-Gislayout-Metadata"])
    assert config.POLICY_CITATION in meta["sources"]


def test_non_ascii_filename_uses_rfc6266(client):
    resp = client.get("/api/layers/bases?format=gpkg&prefecture=兰州市")
    assert resp.status_code == 200
    assert "filename*=UTF-8''bases_prefecture-%E5%85%B0%E5%B7%9E%E5%B8%82.gpkg" in resp.headers["Content-Disposition"]


@pytest.mark.parametrize("url, status, fragment", [
    ("/api/layers/bases?format=dwg", 400, "'dwg'"),
    ("/api/layers/bases?format=gpkg&level=global", 400, "'global'"),
    ("/api/layers/nope?format=gpkg", 404, "'nope'"),
    ("/api/layers/bases?colour=red", 400, "'colour'"),
])
def test_export_errors_name_the_value(client, url, status, fragment):
    resp = client.get(url)
    assert resp.status_code == status and resp.json["status"] == status
    assert fragment in resp.json["message"]


@requires_ogrinfo
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name, filters", [("bases", {"prefecture": "天水市", "level": "national"}),
                                           ("prefectures", {"zone": "hexi", "prefecture": "兰州市"})])
def test_an_empty_selection_still_exports_a_valid_layer(client, tmp_path, name, filters, fmt):
    assert len(layers.load(name, **filters)) == 0
    path, _ = fetch(client, name, fmt, filters, tmp_path)
    summary = ogrinfo("-so", "-al", *ogr_options(name, fmt), ogr_source(path, fmt))
    assert "Feature Count: 0\n" in summary
    if fmt in ("gpkg", "shp"):
        geometry = "Point" if name == "bases" else "Polygon"
        assert f"Geometry: {'Multi ' if geometry == 'Polygon' and fmt == 'gpkg' else ''}{geometry}" in summary
