"""The real criterion stack is cached per process but keyed on the installed resources: a resource imported,
fetched or removed (by `flask resources ...` in another process) is used on the next request, while repeated
requests reuse the cached stack. Runs on a build directory of its own (synthetic GWA/GSA rasters)."""

from __future__ import annotations

import pytest

from gislayout import resources
from gislayout.analysis import criteria, service
from gislayout.web import create_app

from .fixtures.resources import synth


@pytest.fixture()
def build_dir(tmp_path):
    """A build directory with the session's boundaries and offline estimate, and no stack cached from elsewhere."""
    criteria.build.cache_clear()
    with synth.use_build_dir(synth.fresh_build_dir(tmp_path, with_estimate=True)) as path:
        yield path
    criteria.build.cache_clear()


@pytest.fixture()
def app(build_dir):
    """The app on this build directory, so requests and CLI commands see what the tests install."""
    return create_app({"TESTING": True, "BUILD_DIR": build_dir})


def test_repeated_builds_hit_the_cache(build_dir):
    first = criteria.build("pv")
    hits = criteria._build.cache_info().hits
    assert criteria.build("pv") is first and service.stack("pv") is first
    assert criteria._build.cache_info().hits == hits + 2
    assert first.resource_name == "ghi_estimate" and first.resource_estimate


def test_installing_and_removing_wind_is_seen_without_a_restart(build_dir, client):
    """The stale-stack bug: after `flask resources import` a running server still said wind was not installed."""
    pv_before = criteria.build("pv")
    base_before = criteria.base()
    resp = client.get("/api/siting/run?tech=wind")
    assert resp.status_code == 404 and "wind" in resp.json["message"]
    assert client.get("/api/siting/params").json["wind"]["available"] is False

    gwa = synth.gwa_tif(build_dir.parent / "CHN_wind-speed_100m.tif", "wind-speed")
    assert resources.import_file(gwa) == ["gwa_ws100"]

    resp = client.get("/api/siting/run?tech=wind")
    assert resp.status_code == 200, resp.json
    assert resp.json["resource_kind"] == "wind_speed" and resp.json["rollups"]["total"]["zones"] > 0
    assert client.get("/api/siting/params").json["wind"]["available"] is True
    wind = criteria.build("wind")
    assert criteria.build("wind") is wind  # cached again under the new key
    assert criteria.base() is base_before  # no DEM changed: the shared base is not rebuilt
    assert criteria.build("pv") is not pv_before  # keyed on the whole installed set

    assert resources.uninstall("gwa_ws100")
    resp = client.get("/api/siting/run?tech=wind")
    assert resp.status_code == 404 and "wind" in resp.json["message"]


def test_a_new_dem_and_ghi_rebuild_the_base_and_the_pv_stack(build_dir):
    pv = criteria.build("pv")
    assert "slope" not in pv.layers and pv.resource_name == "ghi_estimate"
    assert sorted(resources.import_file(synth.gsa_zip(build_dir.parent / "gsa.zip"))) == ["gsa_elevation", "gsa_ghi"]
    after = criteria.build("pv")
    assert after.resource_name == "gsa_ghi" and not after.resource_estimate
    assert "slope" in after.layers and after.layers["elevation"].source == "resource 'gsa_elevation'"
    # the caveat follows the stack: no "slope skipped", no "estimate too bright" any more
    keys = [item["key"] for item in service.caveat(after)["items"]]
    assert "slope" not in keys and "bright_ghi" not in keys
    assert {"slope", "bright_ghi"} <= {item["key"] for item in service.caveat(pv)["items"]}


def test_reinstalling_the_same_name_is_a_new_stack(build_dir):
    gwa = synth.gwa_tif(build_dir.parent / "CHN_wind-speed_100m.tif", "wind-speed")
    resources.import_file(gwa)
    first = criteria.build("wind")
    token = criteria.resources_token()
    resources.import_file(gwa)  # same name, same data, installed again: a new file
    assert criteria.resources_token() != token
    assert criteria.build("wind") is not first
