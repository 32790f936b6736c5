"""The per-request data-version check is cheap: no request walks the data tree, none runs more than one query.

The token (`gislayout.dataversion`) still moves with a file edited by hand, a scheme saved in the store and a
version edited; what is checked here is its cost: after a warm-up, requests do no `os.scandir`/`os.stat` of the
layers or build folders and at most one query of the store each, on both backends. (The walk comes back on the
request after an edit, once; that is shown too.)
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from gislayout import config, dataversion, regions
from gislayout.store import baseline, db, features, schemes, versions
from gislayout.web import create_app

ROUTES = ["/api/point?lon=94.66&lat=40.14", "/api/layers/parks", "/api/layers", "/api/schemes"]


@contextmanager
def counting(monkeypatch, folders: list[str]):
    """Count directory listings and stats of paths under `folders`, and queries of the store (SQLAlchemy's and
    the generation check's), while the block runs; yields the counts."""
    counts = {"scandir": 0, "stat": 0, "queries": 0}
    real_scandir, real_stat = os.scandir, os.stat

    def ours(path) -> bool:
        text = os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else ""
        return any(text.startswith(f) for f in folders)

    def scandir(path="."):
        counts["scandir"] += ours(path)
        return real_scandir(path)

    def stat(path, *args, **kwargs):
        counts["stat"] += ours(path)
        return real_stat(path, *args, **kwargs)

    real_check = db._check

    def check(*args, **kwargs):
        counts["queries"] += 1
        return real_check(*args, **kwargs)

    def query(*_args):
        counts["queries"] += 1

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(db, "_check", check)
    eng = db.engine()
    sa.event.listen(eng, "before_cursor_execute", query)
    try:
        yield counts
    finally:
        sa.event.remove(eng, "before_cursor_execute", query)
        monkeypatch.undo()


@pytest.fixture()
def served(store_url, layers_copy, tmp_path):
    """An app on a copy of the layers and a store of its own (both backends); yields (client, layers, build)."""
    settings = config.settings()
    app = create_app({"TESTING": True, "LAYERS_DIR": layers_copy, "DATABASE_URL": store_url})
    with config.use(settings.replace(database_url=store_url)):
        yield app.test_client(), str(layers_copy), str(settings.build_dir)


def get_ok(client, path: str):
    resp = client.get(path)
    assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
    return resp


def test_a_request_walks_nothing_and_runs_at_most_one_query(served, monkeypatch):
    if dataversion.watcher() is None:
        pytest.skip("no inotify here: the data tree is walked on every check (GISLAYOUT_WATCH_FILES=0 or not Linux)")
    client, layers_dir, build_dir = served
    vid = versions.branch(baseline.ensure(), "check", "ana")["id"]
    routes = ROUTES + [f"/api/layers/parks?version={vid}", f"/api/point?lon=94.66&lat=40.14&version={vid}"]
    for path in routes:  # warm: every cache filled, every folder watched
        get_ok(client, path)
    with counting(monkeypatch, [layers_dir, build_dir]) as counts:
        for _ in range(5):
            for path in routes:
                get_ok(client, path)
    n = 5 * len(routes)
    assert counts["scandir"] == 0 and counts["stat"] == 0, counts  # no walk of layers/ or build/
    assert counts["queries"] <= n, counts  # one indexed read per request at most

    # a hand edit of a layer file is seen on the next request: that request walks (once), the next ones do not
    parks = os.path.join(layers_dir, "parks.csv")
    with open(parks, encoding="utf-8") as fh:
        text = fh.read()
    with open(parks, "w", encoding="utf-8") as fh:
        fh.write(text.replace("Lanzhou High-tech Industrial Development Zone", "Lanzhou Walked Zone", 1))
    with counting(monkeypatch, [layers_dir, build_dir]) as counts:
        names = {f["properties"]["name_en"] for f in get_ok(client, "/api/layers/parks").get_json()["features"]}
    assert "Lanzhou Walked Zone" in names and counts["scandir"] > 0
    for path in routes:  # the caches of the other routes fill again from the edited file
        get_ok(client, path)
    with counting(monkeypatch, [layers_dir, build_dir]) as counts:
        for path in routes:
            get_ok(client, path)
    assert counts["scandir"] == 0 and counts["stat"] == 0 and counts["queries"] <= len(routes), counts


def test_the_check_is_the_same_without_the_watcher(layers_copy, monkeypatch):
    """With inotify off (GISLAYOUT_WATCH_FILES=0, another OS) every check walks the files, and the token is the
    same value the watcher gives: every process agrees whichever way it checks."""
    watched = dataversion.token()
    monkeypatch.setattr(dataversion, "_WATCHER", [None])
    assert dataversion.token() == watched
    bases = layers_copy / "bases.csv"
    os.utime(bases, ns=(bases.stat().st_atime_ns, bases.stat().st_mtime_ns + 1))
    walked = dataversion.token()
    assert walked != watched
    monkeypatch.undo()
    assert dataversion.token() == walked


def test_a_folder_made_after_the_first_check_is_watched(tmp_path):
    if dataversion.watcher() is None:
        pytest.skip("no inotify here")
    settings = config.settings().replace(build_dir=tmp_path / "later")
    with config.use(settings):
        empty = dataversion.token(("resources",))
        (tmp_path / "later" / "resources").mkdir(parents=True)
        assert dataversion.token(("resources",)) == empty  # an empty folder holds no data
        (tmp_path / "later" / "resources" / "x.tif").write_bytes(b"cog")
        first = dataversion.token(("resources",))
        assert first != empty
        (tmp_path / "later" / "resources" / "x.tif").write_bytes(b"cog2")  # same folder, in place
        assert dataversion.token(("resources",)) != first


def _scheme(sid: str) -> dict:
    data = json.loads((config.settings().layers_dir / "schemes" / "2009.json").read_text(encoding="utf-8"))
    return {"id": sid, "title_zh": "测试", "title_en": "Test", "zones": data["zones"]}


def test_a_saved_scheme_moves_the_generation_and_a_feature_edit_does_not(store_url):
    with config.use(config.settings().replace(database_url=store_url)):
        vid = versions.branch(baseline.ensure(), "gen", "ana")["id"]
        first = db.generation()
        park = features.collection(vid, "parks")["features"][0]
        features.update(vid, "parks", park["id"], {"properties": {"name_en": "Edited"}}, park["revision"], "ana")
        assert db.generation() == first  # a version's edits are seen through its revision, not the generation
        token = dataversion.token(("layers",))
        schemes.save(_scheme("gen-test"), "ana")
        second = db.generation()
        assert second != first and dataversion.token(("layers",)) != token
        assert "gen-test" in regions.schemes()
        saved = schemes.list_all()[0]
        schemes.delete("gen-test", saved["revision"], "ana")
        assert db.generation() not in (first, second) and "gen-test" not in regions.schemes()
        with dataversion.scope():  # one read per scope
            assert db.generation() == db.generation()


def test_a_failed_scheme_write_leaves_the_generation(store_url):
    with config.use(config.settings().replace(database_url=store_url)):
        schemes.save(_scheme("twice"), "ana")
        before = db.generation()
        with pytest.raises(Exception):
            schemes.save(_scheme("twice"), "ana")  # Conflict: exists already, rolled back
        assert db.generation() == before
