"""The resources HTTP API and CLI, with values checked against independent rasterio computations."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
import rasterio.mask
from pyproj import Geod

from gislayout import boundaries, layers
from gislayout.resources import store, zonal
from gislayout.web import create_app

from .fixtures.resources import synth

SITES = {"Lanzhou": (103.83, 36.06, "兰州市", "城关区"), "Dunhuang": (94.66, 40.14, "酒泉市", "敦煌市"),
         "Tianshui": (105.72, 34.58, "天水市", "秦州区")}


@pytest.fixture(scope="module", autouse=True)
def build_dir(tmp_path_factory):
    """The estimate plus a synthetic GWA wind-speed raster; power density stays uninstalled."""
    with synth.build_with_estimate_and_wind(tmp_path_factory.mktemp("api")) as path:
        yield path


@pytest.fixture(scope="module")
def app(build_dir):
    """The app on this build directory, so requests and CLI commands see what the tests install."""
    return create_app({"TESTING": True, "BUILD_DIR": build_dir})


def _sample(name: str, lon: float, lat: float) -> float | None:
    with rasterio.open(store.tif_path(name)) as ds:
        v = float(next(ds.sample([(lon, lat)], indexes=1))[0])
    return None if np.isnan(v) else v


def test_catalogue(client):
    resp = client.get("/api/resources")
    assert resp.status_code == 200
    entries = {e["name"]: e for e in resp.json}
    assert entries["ghi_estimate"]["in_use"] and entries["gwa_ws100"]["in_use"]
    assert entries["gwa_ws100"]["tiles_url"].startswith("/api/resources/gwa_ws100/tiles/{z}/{x}/{y}.png?v=")
    pd = entries["gwa_pd100"]
    assert not pd["installed"] and pd["tiles_url"] is None and "fetch gwa" in pd["caption_en"]
    assert all(e["bounds"] == [[32.25, 92.0], [43.0, 109.0]] for e in entries.values())


def test_tiles_of_uninstalled_wind_name_the_install_command(client):
    resp = client.get("/api/resources/gwa_pd100/tiles/8/195/96.png")
    assert resp.status_code == 404
    assert "flask --app app resources fetch gwa" in resp.json["message"]


@pytest.mark.parametrize("site", list(SITES))
def test_point_matches_rasterio(client, site):
    lon, lat, prefecture, county = SITES[site]
    resp = client.get(f"/api/point?lon={lon}&lat={lat}")
    assert resp.status_code == 200
    body = resp.json
    assert body["prefecture"]["name_zh"] == prefecture and body["county"]["name_zh"] == county
    assert set(body["zones"]) >= {"2009"}
    values = {v["name"]: v for v in body["resources"]}
    assert set(values) == {"ghi_estimate", "gwa_ws100"}
    for name, v in values.items():
        assert v["value"] == pytest.approx(_sample(name, lon, lat), abs=1e-3)
        assert v["units"] and v["source"]
    # a wind speed answers for wind: power density (optional) is not listed as missing beside it
    assert not {m["quantity"] for m in body["not_installed"]} & {"wind_speed", "wind_power_density"}


def test_nearest_base_and_park_by_independent_geodesic(client):
    lon, lat = 100.45, 38.93
    body = client.get(f"/api/point?lon={lon}&lat={lat}").json
    geod = Geod(ellps="WGS84")
    for layer, key in (("bases", "nearest_base"), ("parks", "nearest_park")):
        gdf = layers.load(layer)
        _, _, dist = geod.inv(np.full(len(gdf), lon), np.full(len(gdf), lat), gdf.geometry.x, gdf.geometry.y)
        i = int(np.argmin(dist))
        assert body[key]["id"] == gdf["id"].iloc[i]
        assert body[key]["distance_km"] == pytest.approx(dist[i] / 1000, abs=0.01)


@pytest.mark.parametrize("query, status, fragment", [
    ("lon=120.0&lat=30.0", 400, "point (120.0, 30.0) is outside Gansu"),
    ("lon=100&lat=91", 400, "lat must be between -90 and 90, got '91'"),
    ("lon=200&lat=36", 400, "lon must be between -180 and 180, got '200'"),
    ("lon=abc&lat=36", 400, "lon must be a number, got 'abc'"),
    ("lon=nan&lat=36", 400, "lon must be a finite number, got 'nan'"),
    ("lat=36", 400, "lon is required"),
])
def test_point_errors_name_the_value(client, query, status, fragment):
    resp = client.get(f"/api/point?{query}")
    assert resp.status_code == status
    assert resp.json["status"] == status and fragment in resp.json["message"]


def _independent_means(name: str, gdf) -> list[float]:
    """Mean of cells whose centre is inside each polygon, weighted by cell area (cos latitude)."""
    out = []
    with rasterio.open(store.tif_path(name)) as ds:
        for geom in gdf.geometry:
            data, transform = rasterio.mask.mask(ds, [geom], crop=True, indexes=1, filled=False, nodata=np.nan)
            rows = np.arange(data.shape[0])
            lat = transform.f + (rows + 0.5) * transform.e
            weights = np.broadcast_to(np.cos(np.radians(lat))[:, None], data.shape)
            ok = np.isfinite(data.filled(np.nan)) & ~np.ma.getmaskarray(data)
            out.append(float((data.filled(0)[ok] * weights[ok]).sum() / weights[ok].sum()))
    return out


# rasterio.mask itself still multiplies Affines with `*` (its PendingDeprecationWarning, not ours)
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
@pytest.mark.parametrize("resource, unit, level, rel", [
    ("gwa_ws100", "prefectures", "prefecture", 2e-3),
    ("gwa_ws100", "counties", "county", 1e-2),
    ("ghi_estimate", "prefectures", "prefecture", 1e-2),
])
def test_zonal_means_match_rasterio(client, resource, unit, level, rel):
    resp = client.get(f"/api/stats?resource={resource}&unit={unit}")
    assert resp.status_code == 200
    rows = resp.json["stats"]
    gdf = boundaries.load(level)
    assert [r["id"] for r in rows] == list(gdf["adcode"])
    for row, expected in zip(rows, _independent_means(resource, gdf)):
        assert row["mean"] == pytest.approx(expected, rel=rel), row["name_zh"]
        assert row["min"] <= row["p10"] <= row["p50"] <= row["p90"] <= row["max"]
        assert row["coverage"] > 0.97 and row["valid_area_km2"] == pytest.approx(row["area_km2"], rel=0.03)


def test_zones_and_buffers(client):
    zones = client.get("/api/stats?resource=ghi_estimate&unit=zones&scheme=2009").json
    assert zones["scheme"] == "2009" and zones["radius_km"] is None and len(zones["stats"]) >= 3
    parks = client.get("/api/stats?resource=gwa_ws100&unit=parks&radius_km=5").json
    assert parks["radius_km"] == 5 and len(parks["stats"]) == len(layers.load("parks"))
    for row in parks["stats"]:
        assert row["area_km2"] == pytest.approx(np.pi * 25, rel=0.01)
        assert 0 < row["coverage"] <= 1


def test_repeated_stats_come_from_the_cache(client):
    url = "/api/stats?resource=gwa_ws100&unit=bases&radius_km=12.5"
    first = client.get(url).json
    hits = zonal._cached.cache_info().hits
    assert client.get(url).json == first
    assert zonal._cached.cache_info().hits == hits + 1


@pytest.mark.parametrize("query, status, fragment", [
    ("resource=nope", 404, "'nope'"),
    ("resource=gwa_pd100", 404, "fetch gwa"),
    ("unit=provinces", 400, "'provinces'"),
    ("unit=zones&scheme=1999", 400, "'1999'"),
    ("unit=parks&radius_km=0", 400, "radius_km 0.0"),
    ("unit=parks&radius_km=500", 400, "radius_km 500.0"),
    ("unit=parks&radius_km=far", 400, "'far'"),
])
def test_stats_errors_name_the_value(client, query, status, fragment):
    resp = client.get(f"/api/stats?{query}")
    assert resp.status_code == status and fragment in resp.json["message"]


def test_cli_list_and_build_default(runner):
    listed = runner.invoke(args=["resources", "list"])
    assert listed.exit_code == 0
    assert "gwa_pd100" in listed.output and "not installed" in listed.output and "fetch gwa" in listed.output
    built = runner.invoke(args=["resources", "build-default"])
    assert built.exit_code == 0 and "ghi_estimate" in built.output


@pytest.mark.parametrize("query", ["resource=ghi_estimate&unit=bases&radius_km=10", "resource=ghi_estimate&unit=counties",
                                   "resource=ghi_estimate&unit=zones&scheme=2009"])
def test_valid_area_never_exceeds_the_area(client, query):
    rows = client.get(f"/api/stats?{query}").json["stats"]
    assert rows
    for row in rows:
        assert 0 <= row["coverage"] <= 1
        assert row["valid_area_km2"] <= row["area_km2"] + 0.01
