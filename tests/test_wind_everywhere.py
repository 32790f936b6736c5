"""Wind everywhere solar is, out of the box: overlay tiles, point query, choropleth, zonal statistics, /compare,
siting (zones, LCOE, offtakers, supply curve, the 17 GW target), the bundle; and the PV default's top zones."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gislayout import resources
from gislayout.analysis import criteria, model, service, zones as zones_mod
from gislayout.export import bundle
from gislayout.web import create_app

from .fixtures.resources import synth

GUAZHOU = (95.78, 40.52)


@pytest.fixture(scope="module")
def built():
    with synth.use_build_dir(synth.shipped_build_dir()) as path:
        criteria.build.cache_clear()
        yield path
        criteria.build.cache_clear()


@pytest.fixture(scope="module")
def client(built):
    return create_app({"TESTING": True, "BUILD_DIR": built}).test_client()


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_wind_overlay_tiles_and_catalogue(client):
    entry = {e["name"]: e for e in client.get("/api/resources").json}["gwa3_ws100_025"]
    assert entry["in_use"] and entry["units"] == "m/s" and entry["tiles_url"]
    x, y = _tile_of(*GUAZHOU, 6)
    resp = client.get(entry["tiles_url"].replace("{z}", "6").replace("{x}", str(x)).replace("{y}", str(y)))
    assert resp.status_code == 200 and resp.mimetype == "image/png" and len(resp.data) > 200


def test_point_query_at_guazhou_has_wind_with_gwa_attribution(client):
    body = client.get(f"/api/point?lon={GUAZHOU[0]}&lat={GUAZHOU[1]}").json
    assert body["county"]["name_zh"] == "瓜州县"
    wind = next(r for r in body["resources"] if r["quantity"] == "wind_speed")
    assert wind["name"] == "gwa3_ws100_025" and wind["in_use"] and wind["height_m"] == 100
    assert 6.5 < wind["value"] < 8.0
    assert "Global Wind Atlas 3" in wind["source"] and "globalwindatlas.info" in wind["attribution"]
    assert wind["licence"].startswith("CC BY 4.0") and "全球风能图谱" in wind["source_zh"]
    assert not [m for m in body["not_installed"] if m["quantity"] in ("wind_speed", "wind_power_density")]


@pytest.mark.parametrize("unit", ["prefectures", "counties"])
def test_wind_choropleth(client, unit):
    body = client.get(f"/api/choropleth?unit={unit}&stat=wind_mean").json
    assert body["units_en"] == "m/s" and "Global Wind Atlas" in body["source"] and body["note_zh"]
    rows = [r for r in body["rows"] if r["value"] is not None]
    assert len(rows) == (14 if unit == "prefectures" else 87)
    names = [r["name_zh"] for r in rows]  # sorted windiest first
    if unit == "prefectures":
        assert names[0] == "酒泉市" and "陇南市" in names[-3:]
    else:
        assert "瓜州县" in names[:5]


def test_wind_zonal_stats_and_compare_rows(client):
    stats = client.get("/api/stats?resource=gwa3_ws100_025&unit=counties").json
    assert stats["units"] == "m/s" and len(stats["stats"]) == 87
    body = client.get("/api/compare?left=province&right=zone:2009:hexi").json
    metrics = {r["metric"]: r["values"] for r in body["rows"]}
    province, hexi = metrics["gwa3_ws100_025_mean"]
    assert hexi > province  # the Hexi wing is windier than the province as a whole
    assert any(m.startswith("siting_wind_") for m in metrics)
    assert "globalwindatlas.info" in body["resources"]["gwa3_ws100_025"]["attribution"]


def test_wind_siting_runs_with_no_import(client):
    body = client.get("/api/siting/zones?tech=wind&top=10").json
    zones = [f["properties"] for f in body["features"]]
    assert len(zones) == 10 and all(z["lcoe_usd_mwh"] > 0 and z["capacity_factor"] > 0 for z in zones)
    assert all(z["offtaker_id"] for z in zones)
    assert body["metadata"]["criteria"][0]["source"].startswith("resource 'gwa3_ws100_025'")
    supply = client.get("/api/siting/supply?tech=wind").json
    curve = supply["supply_curve"]
    assert curve["target_mw"] == 17000 and curve["lcoe_at_target"] is not None
    assert curve["total"][0][0] <= curve["lcoe_at_target"] <= curve["total"][-1][0]
    assert "17 GW" in supply["headline"]["en"] and "17 GW" in supply["headline"]["zh"]


def test_wind_parameters_are_documented_and_change_the_yield(client):
    info = client.get("/api/siting/params").json["wind"]
    assert info["available"] and info["resource_kind"] == "wind_speed"
    for key in ("turbine", "hub", "shear", "k"):
        assert key in info["defaults"] and info["docs"][key]
    assert "100 m" in info["docs"]["hub"] and "1/7" in info["docs"]["shear"]
    base = client.get("/api/siting/zones?tech=wind&top=1").json["features"][0]["properties"]
    taller = client.get("/api/siting/zones?tech=wind&top=1&hub=140").json["features"][0]["properties"]
    assert taller["capacity_factor"] > base["capacity_factor"]
    other = next(t for t in info["turbines"] if t != info["defaults"]["turbine"])
    assert client.get(f"/api/siting/zones?tech=wind&top=1&turbine={other}").status_code == 200


def test_no_top_ten_default_pv_zone_rests_on_unreliable_cells(built):
    stack = criteria.build("pv")
    assert stack.resource_name == resources.default_for("ghi")
    result = service.run(stack, model.parse("pv", {}, stack.resource_kind), polygons=False)
    values = stack.layers["resource"].values
    cells = zones_mod.cells_of(result.zones, np.arange(10))
    assert len(cells) == 10
    for idx in cells:
        assert np.nanmax(values[idx]) <= service.ESTIMATE_BRIGHT_KWH
    caveat = service.run_caveat(result)
    assert not any("flagged" in i["en"] and "km²" in i["en"] for i in caveat["items"])


def test_bundle_carries_the_wind_cog_with_attribution_and_the_solar_validation(built):
    rasters = {r.name: r for r in bundle.installed_rasters()}
    wind = rasters["gwa3_ws100_025"]
    assert wind.units == "m/s" and wind.in_use and "globalwindatlas.info" in wind.attribution
    text = bundle.readme({}, list(rasters.values()), "now")
    assert "Attribution: Global Wind Atlas 3.0" in text and "globalsolaratlas.info" in text
    default = resources.default_for("ghi")
    assert f"Raster {default}.tif" in text and "Validation: Default solar resource, chosen by measured error" in text
