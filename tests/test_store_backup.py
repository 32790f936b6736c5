"""`flask store dump` / `restore` move a whole store (versions, every feature state, history, schemes, accounts)
through one GeoPackage, from the embedded store into either backend; the embedded store itself is a GeoPackage
that GDAL (and so QGIS) opens as it is."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pyogrio
import pytest

from gislayout.store import accounts
from gislayout.web import create_app

from .conftest import requires_ogrinfo

PARK_MOVE = {"geometry": {"type": "Point", "coordinates": [103.9, 36.2]}}




@pytest.fixture()
def source(tmp_path):
    """An embedded store with a branch, an edit, a deleted feature, a saved scheme and an account."""
    url = f"sqlite:///{tmp_path}/source.gpkg"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "t"})
    with app.app_context():
        accounts.add_user("ana", "correct horse", "editor")
        token = accounts.create_token("ana")
    c = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    vid = c.post("/api/versions", json={"name": "Backup me"}, headers=auth).json["id"]
    park = c.get(f"/api/versions/{vid}/features?layer=parks").json["features"][0]["id"]
    assert c.patch(f"/api/versions/{vid}/features/parks/{park}", json=PARK_MOVE,
                   headers=auth | {"If-Match": '"1"'}).status_code == 200
    base = c.get(f"/api/versions/{vid}/features?layer=bases").json["features"][0]["id"]
    assert c.delete(f"/api/versions/{vid}/features/bases/{base}?revision=1", headers=auth).status_code == 200
    return {"app": app, "url": url, "vid": vid, "park": park, "base": base, "token": token}


def test_dump_and_restore_keep_everything(source, store_url, tmp_path):
    dump = tmp_path / "backup.gpkg"
    out = source["app"].test_cli_runner().invoke(args=["store", "dump", str(dump)])
    assert out.exit_code == 0, out.output
    assert "dumped to" in out.output and "features: " in out.output
    credits = " ".join(pyogrio.read_dataframe(dump, layer="attribution")["attribution"])
    assert "OpenStreetMap" in credits and "CC BY 4.0" in credits
    target = create_app({"TESTING": True, "DATABASE_URL": store_url, "SECRET_KEY": "t"})
    out = target.test_cli_runner().invoke(args=["store", "restore", str(dump)])
    assert out.exit_code == 0, out.output
    a, b = source["app"].test_client(), target.test_client()
    vid = source["vid"]
    assert a.get("/api/versions").json == b.get("/api/versions").json
    assert a.get(f"/api/versions/{vid}/history").json == b.get(f"/api/versions/{vid}/history").json
    fa = a.get(f"/api/versions/{vid}/features?with_deleted=1").json
    fb = b.get(f"/api/versions/{vid}/features?with_deleted=1").json
    assert sorted(json.dumps(f, sort_keys=True) for f in fa["features"]) == \
        sorted(json.dumps(f, sort_keys=True) for f in fb["features"])
    # the account and its token came across, and the restored store takes new writes after the old numbers
    auth = {"Authorization": f"Bearer {source['token']}"}
    park = b.get(f"/api/versions/{vid}/features/parks/{source['park']}").json
    assert park["revision"] == 2 and park["geometry"]["coordinates"] == [103.9, 36.2]
    moved = b.patch(f"/api/versions/{vid}/features/parks/{source['park']}", headers=auth | {"If-Match": '"2"'},
                    json={"properties": {"name_en": "After the restore"}})
    assert moved.status_code == 200, moved.json
    restored = b.post(f"/api/versions/{vid}/features/bases/{source['base']}/restore", headers=auth,
                      json={"revision": 2})
    assert restored.status_code == 200 and restored.json["revision"] == 3
    seqs = [c["seq"] for c in b.get(f"/api/versions/{vid}/history").json["changes"]]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)


def test_restore_refuses_a_store_that_is_not_empty_and_a_file_that_is_no_dump(source, tmp_path):
    dump = tmp_path / "backup.gpkg"
    runner = source["app"].test_cli_runner()
    assert runner.invoke(args=["store", "dump", str(dump)]).exit_code == 0
    again = runner.invoke(args=["store", "restore", str(dump)])
    assert again.exit_code == 1 and "empty" in again.output
    bad = tmp_path / "notes.gpkg"
    bad.write_text("not a geopackage")
    other = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/other.gpkg"})
    out = other.test_cli_runner().invoke(args=["store", "restore", str(bad)])
    assert out.exit_code == 2 and "notes.gpkg" in out.output
    out = other.test_cli_runner().invoke(args=["store", "dump", str(tmp_path / "x.zip")])
    assert out.exit_code == 2 and ".gpkg" in out.output


@requires_ogrinfo
def test_the_embedded_store_is_a_geopackage_gdal_opens(source, tmp_path):
    path = source["url"].removeprefix("sqlite:///")
    info = subprocess.run(["ogrinfo", "-ro", "-so", path, "current_features"], capture_output=True, text=True,
                          check=True).stdout
    assert "Geometry: Unknown (any)" in info or "Geometry: Geometry" in info
    assert "EPSG" in info and "4326" in info
    rows = subprocess.run(["ogrinfo", "-ro", "-q", path, "current_features", "-where",
                           f"version_id = '{source['vid']}' AND fid = '{source['park']}'"],
                          capture_output=True, text=True, check=True).stdout
    assert "POINT (103.9 36.2)" in rows


def test_qgis_opens_the_embedded_store_as_it_is(source, tmp_path):
    from .test_qgis_project import QGIS_PYTHON, _has_qgis
    if not os.environ.get("CI") and not _has_qgis():
        pytest.skip(f"QGIS is not importable by {QGIS_PYTHON}")
    path = source["url"].removeprefix("sqlite:///")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    run = subprocess.run([QGIS_PYTHON, str(Path(__file__).parent / "qgis" / "check_store.py"), path, source["vid"]],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    live = source["app"].test_client().get(f"/api/versions/{source['vid']}/features").json["features"]
    assert report["current_features"]["valid"] and report["current_features"]["crs"] == "EPSG:4326"
    assert report["features"]["valid"] and report["features"]["features"] > report["current_features"]["features"]
    assert report["version_features"] == report["points"] == len(live)
