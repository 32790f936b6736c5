"""The ground layers (issue 11 §2, §7): counts against their sources minus the listed errors, every feature
located with a precision, basis and source, inside the prefecture and county it names, filters, and the
attribution in every export's metadata and in the bundle."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from gislayout import boundaries, config, ground, layers, schema
from gislayout.errors import BadParameter

from .conftest import SHARED, needs_shared, requires_ogrinfo

SHARED_DATA = Path(os.environ.get("GISLAYOUT_SHARED_DATA", SHARED / "data"))
GROUND = SHARED_DATA / "ground"
OSM_GPKG = SHARED_DATA / "context" / "osm_omap_power_polygons_gansu_bbox.gpkg"
STATIONS = SHARED_DATA / "stations" / "gansu_station_facts.csv"
#: Features per layer as curated (layers/SOURCES.md explains each count).
EXPECTED = {"plants": 133, "cdm_projects": 145, "mines": 44, "substations": 448, "published_figures": 22,
            "footprints": 1}
#: The source rows ground/SOURCE.md lists as errors, as they would appear in each layer.
EXCLUDED = {"plants": ["gppd_1072340"], "cdm_projects": ["cdm_6905_1", "cdm_7547_1"], "mines": ["icmm_07056"]}
LOCATED = layers.POINT_LAYERS + ground.LAYERS


@pytest.mark.parametrize("name, count", EXPECTED.items())
def test_each_ground_layer_has_its_curated_count(name, count):
    assert len(layers.load(name)) == count
    entry = next(c for c in layers.catalogue() if c["name"] == name)
    assert entry["count"] == count and entry["group"] == "ground" and entry["source"] == ground.ATTRIBUTION[name]


@pytest.mark.parametrize("name, ids", EXCLUDED.items())
def test_the_listed_source_errors_are_not_in_the_layers(name, ids):
    present = set(layers.load(name)["id"])
    assert not present & set(ids)


@needs_shared(GROUND / "gppd_gansu.csv")
@pytest.mark.parametrize("name, filename, id_column, errors", [
    ("plants", "gppd_gansu.csv", "Power Plant ID", {"1072340"}),
    ("mines", "icmm_gansu.csv", "id", {"ICMM07056"}),
    ("cdm_projects", "cdm_gansu.csv", "url", {"/Projects/redirector?ref=6905", "/Projects/redirector?ref=7547"}),
])
def test_count_equals_source_rows_minus_listed_errors(name, filename, id_column, errors):
    source = pd.read_csv(GROUND / filename, dtype=str)
    errors_present = source[id_column].isin(errors).sum()
    assert errors_present >= 1 or name == "cdm_projects"
    assert len(layers.load(name)) == len(source) - errors_present


@needs_shared(OSM_GPKG)
def test_substations_are_the_osm_polygons_in_gansu_at_110_kv_or_more():
    points = gpd.read_file(OSM_GPKG, layer="power_polygon_points")
    subs = points[(points["power"] == "substation") & points["in_gansu_mask"].astype(bool)]
    kv = subs["voltage"].map(lambda v: max(float(x) for x in v.split(";")) / 1000 if isinstance(v, str) else 0)
    assert len(layers.load("substations")) == (kv >= 110).sum()


@needs_shared(STATIONS)
def test_published_figures_are_the_cited_station_rows():
    facts = pd.read_csv(STATIONS, dtype=str)
    figures = layers.load("published_figures")
    assert len(figures) == len(facts)
    assert list(figures["value"]) == list(facts["value"]) and list(figures["source_url"]) == list(facts["source_url"])


@pytest.mark.parametrize("name", LOCATED)
def test_every_feature_carries_precision_basis_and_source(name):
    gdf = layers.load(name)
    for col in ("id", "name_zh", "name_en", "precision", "location_basis", "location_source", "source"):
        assert gdf[col].notna().all() and (gdf[col].astype(str).str.strip() != "").all(), (name, col)
    assert set(gdf["precision"]) <= set(schema.PRECISIONS)
    assert all(b in schema.BASES[p] for p, b in zip(gdf["precision"], gdf["location_basis"]))


@pytest.mark.parametrize("name", ground.POINT_LAYERS)
def test_every_ground_point_lies_in_the_prefecture_and_county_it_names(name):
    points = layers.load(name)
    counties = boundaries.load("county")[["name_zh", "prefecture", "geometry"]]
    joined = gpd.sjoin(points, counties, how="left", predicate="within").drop_duplicates("id")
    assert (joined["prefecture_left"] == joined["prefecture_right"]).all()
    named = joined[joined["county"].notna()]
    assert (named["county"] == named["name_zh_right"]).all()


def test_substation_voltage_is_recomputed_from_the_tag():
    subs = layers.load("substations")
    tag_max = subs["voltage"].map(lambda v: max(float(x) for x in re.findall(r"\d+", v)) / 1000)
    assert (subs["max_voltage_kv"] == tag_max).all() and (subs["max_voltage_kv"] >= 110).all()
    assert (subs.loc[subs["voltage"] == "750000;330000", "max_voltage_kv"] == 750).all()
    assert len(layers.load("substations", min_kv=750)) == (subs["max_voltage_kv"] >= 750).sum() > 0


def test_cdm_capacity_is_parsed_from_the_title_where_stated():
    cdm = layers.load("cdm_projects")
    stated = cdm[cdm["name_en"].str.contains(r"\d\s*(?:MWp?|kW)\b", case=False, regex=True)]
    assert len(stated) > 20 and stated["capacity_mw"].notna().all()
    row = cdm[cdm["cdm_ref"] == "4278"].iloc[0]  # "Ganhekou V 201MW Wind Farm Project"
    assert row["capacity_mw"] == 201 and row["kind"] == "wind"
    assert cdm.loc[~cdm.index.isin(stated.index), "capacity_mw"].isna().all()


def test_plants_prefer_the_cdm_coordinates_to_gppd_rounding():
    plants = layers.load("plants").set_index("gppd_id")
    jiayuguan = plants.loc["1026380"]
    assert (jiayuguan["lon"], jiayuguan["lat"]) == (98.12056, 39.75972)
    assert "ref 5677" in jiayuguan["location_source"]
    farm = plants.loc["1023878"]
    assert farm["precision"] == "representative" and farm["capacity_mw"] == 6000


@pytest.mark.parametrize("name, filters, check", [
    ("plants", {"kind": "wind", "min_mw": "49"},
     lambda g: (g["kind"] == "wind").all() and (g["capacity_mw"] >= 49).all()),
    ("plants", {"min_mw": 100, "max_mw": 700}, lambda g: g["capacity_mw"].between(100, 700).all()),
    ("cdm_projects", {"kind": "solar_pv", "max_mw": "10"}, lambda g: (g["capacity_mw"] <= 10).all()),
    ("mines", {"prefecture": "白银市"}, lambda g: set(g["prefecture"]) == {"白银市"}),
    ("substations", {"scheme": "2021", "zone": "hexi", "min_kv": "330"},
     lambda g: (g["zone_2021"] == "hexi").all() and (g["max_voltage_kv"] >= 330).all()),
    ("published_figures", {"kind": "wind_power_density"}, lambda g: (g["kind"] == "wind_power_density").all()),
    ("footprints", {"zone": "hexi"}, lambda g: len(g) == 1),
])
def test_filters_on_ground_layers(name, filters, check):
    gdf = layers.load(name, **filters)
    assert len(gdf) > 0 and check(gdf)
    assert len(gdf) < len(layers.load(name)) or name == "footprints"


@pytest.mark.parametrize("url, fragment", [
    ("/api/layers/plants?min_mw=lots", "'lots'"), ("/api/layers/plants?min_kv=330", "'min_kv'"),
    ("/api/layers/substations?min_kv=1,2", "'1,2'"), ("/api/layers/mines?kind=volcano", "'volcano'"),
])
def test_bad_ground_filters_are_400_naming_the_value(client, url, fragment):
    resp = client.get(url)
    assert resp.status_code == 400 and fragment in resp.json["message"]


def test_range_filter_quotes_a_non_number():
    with pytest.raises(BadParameter, match="'nan'"):
        layers.load("plants", min_mw="nan")


def test_published_wind_figures_keep_height_and_citation():
    figures = layers.load("published_figures")
    yumen = figures[figures["name_en"].str.startswith("Yumen")]
    assert set(yumen["kind"]) == {"wind_speed_mean", "wind_power_density"} and (yumen["height_m"] == 70).all()
    assert (yumen["county"] == "玉门市").all() and (yumen["precision"] == "county").all()
    assert figures["source_url"].str.startswith("http").all() and figures["source_title"].notna().all()
    regions = figures[figures["precision"] == "region"]
    assert len(regions) > 0 and regions["county"].isna().all() and (regions["covers"].str.contains(";") |
                                                                   (regions["covers"] == "甘肃省")).all()


def _ogrinfo_metadata(path: Path, layer: str) -> str:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    return subprocess.run(["ogrinfo", "-ro", "-so", str(path), layer], capture_output=True, env=env,
                          check=True).stdout.decode("utf-8")


@requires_ogrinfo
@pytest.mark.parametrize("name", ground.LAYERS)
def test_exports_carry_the_attribution(client, tmp_path, name):
    resp = client.get(f"/api/layers/{name}?format=gpkg")
    assert resp.status_code == 200
    path = tmp_path / f"{name}.gpkg"
    path.write_bytes(resp.data)
    assert ground.ATTRIBUTION[name] in _ogrinfo_metadata(path, name)
    assert ground.ATTRIBUTION[name] in json.loads(resp.headers["X-Gislayout-Metadata"])["sources"]
    geojson = client.get(f"/api/layers/{name}").get_json()
    assert ground.ATTRIBUTION[name] in geojson["metadata"]["sources"]


@requires_ogrinfo
def test_the_bundle_carries_the_attributions(client, tmp_path):
    import zipfile
    from io import BytesIO

    resp = client.get("/api/bundle.zip")
    assert resp.status_code == 200
    data = resp.get_data()
    resp.close()
    zipfile.ZipFile(BytesIO(data)).extractall(tmp_path)
    readme = (tmp_path / "README.txt").read_text(encoding="utf-8")
    qgs = (tmp_path / "gislayout.qgs").read_text(encoding="utf-8")
    for name in ground.LAYERS:
        assert ground.ATTRIBUTION[name] in _ogrinfo_metadata(tmp_path / "gislayout.gpkg", name)
        assert ground.ATTRIBUTION[name] in readme
    for needle in ("© OpenStreetMap contributors", "CC BY 4.0", "UNFCCC", "ICMM Global Mining Dataset"):
        assert needle in qgs
    assert config.POLICY_CITATION in readme
