"""Two app servers on one PostgreSQL: an edit through one is seen through the other on the next request.

Two gunicorn process groups (two workers each) on two loopback ports, each with its own instance folder and
build directory but the same `GISLAYOUT_DATABASE_URL` and secret key, as two hosts behind a proxy would be.
An editor's API token made once works on both; a version branched on A is listed by B; a park moved on A
is read moved, at its new revision, from B on the very next request; and a write on B based on the revision
from before A's write is refused with 409 and A's state.
"""

from __future__ import annotations

import pytest

from .fixtures.resources import synth
from .storeservers import Client, Server, branch, editor_token, gunicorn, point, server_env

pytestmark = pytest.mark.skipif(gunicorn() is None, reason="needs gunicorn")

PARK = "park_lanzhou_hitech"


@pytest.fixture()
def servers(postgis_database, tmp_path):
    """Servers A and B on one PostGIS database; yields (A, B, token)."""
    envs = [server_env(tmp_path / name, postgis_database, synth.fresh_build_dir(tmp_path / name))
            for name in ("a", "b")]
    token = editor_token(envs[0])
    a, b = Server(envs[0]), Server(envs[1])
    try:
        a.start()
        b.start()
        assert a.url != b.url
        yield a, b, token
    finally:
        a.stop()
        b.stop()


def test_an_edit_through_one_server_is_seen_through_the_other(servers):
    server_a, server_b, token = servers
    a, b = Client(server_a.url, token), Client(server_b.url, token)
    vid = branch(a, "two servers")
    assert vid in {v["id"] for v in b.ok("GET", "/api/versions")["versions"]}

    path = f"/api/versions/{vid}/features/parks/{PARK}"
    before = b.ok("GET", path)
    lon, lat = before["geometry"]["coordinates"]
    moved = a.ok("PATCH", path, {"geometry": point(lon + 0.05, lat - 0.03), "revision": before["revision"]})
    assert moved["revision"] == before["revision"] + 1

    seen = b.ok("GET", path)
    assert seen["revision"] == moved["revision"]
    assert seen["geometry"]["coordinates"] == pytest.approx([lon + 0.05, lat - 0.03])
    status, stale, _ = b.request("PATCH", path, {"geometry": point(lon, lat), "revision": before["revision"]})
    assert status == 409 and stale["current"]["revision"] == moved["revision"], stale

    renamed = b.ok("PATCH", path, {"properties": {"name_en": "Moved on A, renamed on B"},
                                   "revision": moved["revision"]})
    listed = {f["id"]: f for f in a.ok("GET", f"/api/versions/{vid}/features?layer=parks")["features"]}
    assert listed[PARK]["properties"]["name_en"] == "Moved on A, renamed on B"
    assert listed[PARK]["revision"] == renamed["revision"] == moved["revision"] + 1
    history = b.ok("GET", f"/api/versions/{vid}/history?fid={PARK}")["changes"]
    assert len([c for c in history if c["fid"] == PARK]) == 2
    baseline = a.ok("GET", f"/api/versions/2010/features/parks/{PARK}")
    assert baseline["geometry"]["coordinates"] == pytest.approx([lon, lat])  # the branch only
