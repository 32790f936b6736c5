"""`?version=` reaches every reader of the layers: the layer API and its exports, the catalogue counts, the bundle's
GeoPackage, and the siting model's offtakers and parks; the curated files (no `version`) are untouched."""

from __future__ import annotations

import csv
import io
import zipfile

import pyogrio
import pytest

from gislayout.store import accounts
from gislayout.web import create_app

from .fixtures.resources import synth


@pytest.fixture()
def edited(tmp_path):
    """A branch of 2010 in which one park and the top PV zone's nearest park and offtaker are deleted."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/store.gpkg", "SECRET_KEY": "t",
                      "BUILD_DIR": synth.session_build_dir()})
    with app.app_context():
        accounts.add_user("ana", "correct horse", "editor")
        auth = {"Authorization": f"Bearer {accounts.create_token('ana')}"}
    c = app.test_client()
    vid = c.post("/api/versions", json={"name": "Without"}, headers=auth).json["id"]
    top = c.get("/api/siting/run?tech=pv").json["zones"]["features"][0]["properties"]
    gone = {"park": c.get("/api/layers/parks").json["features"][0]["properties"]["id"],
            "nearest_park": top["nearest_park"], "offtaker": top["offtaker"]}
    for layer, fid in (("parks", gone["park"]), (top["nearest_park"]["layer"], top["nearest_park"]["id"]),
                       (top["offtaker"]["layer"], top["offtaker"]["id"])):
        resp = c.delete(f"/api/versions/{vid}/features/{layer}/{fid}?revision=1", headers=auth)
        assert resp.status_code == 200, resp.json
    return c, vid, gone


def test_the_layer_api_its_exports_and_the_catalogue_read_the_version(edited):
    c, vid, gone = edited
    base = {f["properties"]["id"] for f in c.get("/api/layers/parks").json["features"]}
    mine = {f["properties"]["id"] for f in c.get(f"/api/layers/parks?version={vid}").json["features"]}
    assert base - mine == {gone["park"]} and gone["park"] in base
    rows = list(csv.DictReader(io.StringIO(c.get(f"/api/layers/parks?version={vid}&format=csv")
                                           .get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["id"] for r in rows} == mine
    counts = {e["name"]: e["count"] for e in c.get(f"/api/layers?version={vid}").json}
    assert counts["parks"] == len(base) - 1
    assert {e["name"]: e["count"] for e in c.get("/api/layers").json}["parks"] == len(base)


def test_the_bundle_of_a_version_holds_the_version(edited, tmp_path):
    c, vid, gone = edited
    resp = c.get(f"/api/bundle.zip?version={vid}")
    assert resp.status_code == 200
    data = resp.get_data()
    resp.close()
    archive = zipfile.ZipFile(io.BytesIO(data))
    gpkg = next(n for n in archive.namelist() if n.endswith(".gpkg"))
    path = tmp_path / "bundle.gpkg"
    path.write_bytes(archive.read(gpkg))
    parks = pyogrio.read_dataframe(path, layer="parks")
    assert gone["park"] not in set(parks["id"]) and len(parks) > 10


def test_the_siting_model_matches_zones_to_the_versions_parks_and_offtakers(edited):
    c, vid, gone = edited
    top = c.get(f"/api/siting/run?tech=pv&version={vid}").json["zones"]["features"][0]["properties"]
    assert top["nearest_park"]["id"] != gone["nearest_park"]["id"]
    assert top["offtaker"]["id"] != gone["offtaker"]["id"]
    assert top["nearest_park"]["km"] >= gone["nearest_park"]["km"] and top["offtaker"]["km"] >= gone["offtaker"]["km"]
    # the curated files still answer as before
    again = c.get("/api/siting/run?tech=pv").json["zones"]["features"][0]["properties"]
    assert again["nearest_park"]["id"] == gone["nearest_park"]["id"]
