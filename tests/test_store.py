"""The plan store's library, on the embedded GeoPackage and on PostGIS: versions, edits, history, concurrency
rules, and version-aware layers (`?version=` reads the same columns and types as the curated files)."""

from __future__ import annotations

import contextvars
import math
import threading
import time

import psycopg
import pytest

from gislayout import config, dataversion, layers
from gislayout.errors import BadParameter, Conflict, Forbidden, NotFound
from gislayout import workspace
from gislayout.store import baseline, db, features, versions
from gislayout.store.models import versions as V

EDITOR = {"name": "ana", "role": "editor"}
OTHER = {"name": "bo", "role": "editor"}
ADMIN = {"name": "root", "role": "admin"}
NEW_BASE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [98.5, 39.7]},
            "properties": {"name_zh": "新基地", "name_en": "New base", "kind": "base", "level": "provincial",
                           "sectors": "new_energy", "precision": "planned", "location_basis": "planner",
                           "location_source": "test", "source": "三(二)2"}}


def haversine_km(a, b):
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture()
def store(store_url):
    with config.use(config.settings().replace(database_url=store_url)):
        yield store_url


@pytest.fixture()
def branch(store):
    baseline.ensure()
    return versions.branch("2010", "Hexi variant", EDITOR["name"], "a test branch")


def test_the_baseline_holds_every_editable_layer_as_the_files_do(store):
    assert baseline.ensure() == "2010"
    for name in features.EDITABLE:
        from_files = layers.load(name)
        with dataversion.select_plan(workspace.plan("2010")):
            from_store = layers.load(name)
        assert list(from_store.columns) == list(from_files.columns) + ["revision"] or \
            set(from_store.columns) - {"revision"} == set(from_files.columns)
        a = from_files.sort_values("id").reset_index(drop=True)
        b = from_store.sort_values("id").reset_index(drop=True)[list(from_files.columns)]
        assert a.drop(columns="geometry").equals(b.drop(columns="geometry")), name
        assert all(p.equals_exact(q, 1e-9) for p, q in zip(a.geometry, b.geometry)), name


def test_the_baseline_is_read_only_and_loaded_once(store):
    assert baseline.ensure() == baseline.ensure() == "2010"
    assert [v["id"] for v in versions.list_versions()] == ["2010"]
    with pytest.raises(Conflict, match="baseline"):
        features.update("2010", "parks", layers.load("parks")["id"][0], {"properties": {"name_en": "x"}}, 1, "ana")


def test_an_edited_layers_folder_becomes_a_new_baseline_and_branches_keep_theirs(store, layers_copy, branch):
    parks = (layers_copy / "parks.csv").read_text(encoding="utf-8")
    (layers_copy / "parks.csv").write_text(parks.replace("兰州高新技术开发区", "兰州高新区（改）", 1), encoding="utf-8")
    assert baseline.ensure() == "2010-2"
    ids = [v["id"] for v in versions.list_versions()]
    assert ids[:2] == ["2010", "2010-2"] and branch["id"] in ids
    assert versions.get(branch["id"])["parent_id"] == "2010"
    old = features.layer_gdf("2010", "parks")
    assert "兰州高新区（改）" not in set(old["name_zh"])
    assert "兰州高新区（改）" in set(features.layer_gdf("2010-2", "parks")["name_zh"])


def test_branch_move_edit_delete_restore_with_history(branch):
    vid = branch["id"]
    park = features.layer_gdf(vid, "parks").iloc[0]
    old = (park.geometry.x, park.geometry.y)
    moved = features.update(vid, "parks", park["id"], {"geometry": {"type": "Point",
                                                                    "coordinates": [old[0] + 0.05, old[1]]}}, 1, "ana")
    assert moved["revision"] == 2
    assert moved["properties"]["precision"] == "planned" and moved["properties"]["location_basis"] == "planner"
    edited = features.update(vid, "parks", park["id"], {"properties": {"name_en": "Renamed park"}}, 2, "bo")
    assert edited["properties"]["name_en"] == "Renamed park" and edited["revision"] == 3
    added = features.add(vid, "bases", NEW_BASE, "ana")
    assert added["properties"]["prefecture"] == "酒泉市" and added["revision"] == 1
    features.delete(vid, "bases", added["id"], 1, "ana")
    assert added["id"] not in set(features.layer_gdf(vid, "bases")["id"])
    features.restore(vid, "bases", added["id"], 2, "bo")
    assert added["id"] in set(features.layer_gdf(vid, "bases")["id"])
    log = features.history(vid)
    assert [c["action"] for c in log] == ["restore", "delete", "add", "update", "update", "branch"]
    assert [c["author"] for c in log[:5]] == ["bo", "ana", "ana", "bo", "ana"]
    move = log[4]
    assert move["before"]["geometry"]["coordinates"] == pytest.approx(list(old))
    assert move["after"]["geometry"]["coordinates"] == pytest.approx([old[0] + 0.05, old[1]])
    assert features.history(vid, park["id"])[0]["after"]["properties"]["name_en"] == "Renamed park"
    # the baseline is untouched
    base = features.layer_gdf("2010", "parks").set_index("id").loc[park["id"]]
    assert (base.geometry.x, base.geometry.y) == pytest.approx(old)


def test_a_version_reads_as_of_any_earlier_change(branch):
    vid = branch["id"]
    park = features.layer_gdf(vid, "parks").iloc[0]
    before = features.history(vid)[0]["seq"]
    features.update(vid, "parks", park["id"], {"geometry": {"type": "Point", "coordinates": [
        park.geometry.x + 0.1, park.geometry.y]}}, 1, "ana")
    added = features.add(vid, "bases", NEW_BASE, "ana")
    then = features.layer_gdf(vid, "parks", as_of=before).set_index("id").loc[park["id"]]
    assert then.geometry.x == pytest.approx(park.geometry.x)
    assert added["id"] not in set(features.layer_gdf(vid, "bases", as_of=before)["id"])
    now = features.layer_gdf(vid, "parks").set_index("id").loc[park["id"]]
    assert now.geometry.x == pytest.approx(park.geometry.x + 0.1)
    at_time = workspace.parse_as_of(vid, features.history(vid)[-1]["at"])
    assert at_time >= before


def test_a_stale_write_is_refused_with_the_current_state(branch):
    vid = branch["id"]
    fid = features.layer_gdf(vid, "parks")["id"][0]
    features.update(vid, "parks", fid, {"properties": {"name_en": "First"}}, 1, "ana")
    with pytest.raises(Conflict) as exc:
        features.update(vid, "parks", fid, {"properties": {"name_en": "Second"}}, 1, "bo")
    assert exc.value.current["revision"] == 2 and exc.value.current["properties"]["name_en"] == "First"
    assert features.feature(vid, "parks", fid)["properties"]["name_en"] == "First"
    with pytest.raises(BadParameter, match="revision"):
        features.update(vid, "parks", fid, {"properties": {"name_en": "x"}}, None, "bo")


@pytest.mark.parametrize("body, message", [
    ({"properties": {"kind": "casino"}}, "kind"),
    ({"properties": {"sectors": "no_such_sector"}}, "sector"),
    ({"properties": {"secret": 1}}, "unknown field 'secret'"),
    ({"geometry": {"type": "Point", "coordinates": [116.4, 39.9]}}, "outside Gansu"),
    ({"geometry": {"type": "LineString", "coordinates": [[100, 38], [101, 38]]}}, "must be a Point"),
    ({"geometry": {"type": "Point", "coordinates": ["a", 1]}}, "geometry"),
    ({"properties": {"id": "other_id"}}, "id cannot change"),
])
def test_bad_edits_are_refused_naming_the_value_and_nothing_is_saved(branch, body, message):
    vid = branch["id"]
    fid = features.layer_gdf(vid, "parks")["id"][0]
    with pytest.raises(BadParameter, match=message):
        features.update(vid, "parks", fid, body, 1, "ana")
    assert features.feature(vid, "parks", fid)["revision"] == 1
    assert [c["action"] for c in features.history(vid)] == ["branch"]


def test_adding_validates_like_the_layers_files(branch):
    vid = branch["id"]
    bad = {**NEW_BASE, "properties": {**NEW_BASE["properties"], "level": "galactic"}}
    with pytest.raises(BadParameter, match="level"):
        features.add(vid, "bases", bad, "ana")
    with pytest.raises(BadParameter, match="not editable"):
        features.add(vid, "province", NEW_BASE, "ana")
    first = features.add(vid, "bases", {**NEW_BASE, "properties": {**NEW_BASE["properties"], "id": "my_base"}}, "ana")
    assert first["id"] == "my_base"
    with pytest.raises(Conflict, match="already has"):
        features.add(vid, "bases", {**NEW_BASE, "properties": {**NEW_BASE["properties"], "id": "my_base"}}, "ana")


def test_versions_rename_lock_and_delete_follow_the_rules(branch):
    vid = branch["id"]
    renamed = versions.patch(vid, {"name": "Hexi <b>bold</b>"}, 1, EDITOR)
    assert renamed["name"] == "Hexi <b>bold</b>" and renamed["revision"] == 2
    with pytest.raises(Conflict):
        versions.patch(vid, {"name": "stale"}, 1, EDITOR)
    with pytest.raises(Forbidden, match="ana"):
        versions.patch(vid, {"locked": True}, 2, OTHER)
    locked = versions.patch(vid, {"locked": True}, 2, EDITOR)
    assert locked["locked"] and locked["locked_by"] == "ana"
    with pytest.raises(Conflict, match="locked"):
        features.add(vid, "bases", NEW_BASE, "ana")
    unlocked = versions.patch(vid, {"locked": False}, 3, ADMIN)
    child = versions.branch(vid, "child", "bo")
    with pytest.raises(Conflict, match=child["id"]):
        versions.delete(vid, unlocked["revision"], EDITOR)
    versions.delete(child["id"], 1, OTHER)
    versions.delete(vid, unlocked["revision"], EDITOR)
    with pytest.raises(NotFound):
        versions.get(vid)
    with pytest.raises(BadParameter):
        versions.get("../etc/passwd")


def test_selecting_a_version_changes_what_every_layer_reader_sees(branch):
    vid = branch["id"]
    fid = features.layer_gdf(vid, "parks")["id"][0]
    features.update(vid, "parks", fid, {"properties": {"name_en": "Edited in the branch"}}, 1, "ana")
    assert "Edited in the branch" not in set(layers.load("parks")["name_en"])
    with dataversion.select_plan(workspace.plan(vid)):
        gdf = layers.load("parks")
        assert "Edited in the branch" in set(gdf["name_en"])
        assert {"zone_2009"} <= set(gdf.columns)
    features.update(vid, "parks", fid, {"properties": {"name_en": "Edited again"}}, 2, "ana")
    with dataversion.select_plan(workspace.plan(vid)):  # a new revision, so no stale cache
        assert "Edited again" in set(layers.load("parks")["name_en"])


def test_moving_a_point_into_another_prefecture_updates_prefecture_and_county(branch):
    vid = branch["id"]
    park = features.layer_gdf(vid, "parks").set_index("id")
    fid = next(i for i, r in park.iterrows() if r["prefecture"] == "兰州市")
    moved = features.update(vid, "parks", fid, {"geometry": {"type": "Point", "coordinates": [98.49, 39.73]}}, 1, "a")
    assert moved["properties"]["prefecture"] == "酒泉市" and moved["properties"]["county"] == "肃州区"
    assert haversine_km((park.loc[fid].geometry.x, park.loc[fid].geometry.y), (98.49, 39.73)) > 500


def test_editing_attributes_keeps_the_place_fields_as_they_are(branch):
    vid = branch["id"]
    parks = features.layer_gdf(vid, "parks")
    row = parks[parks["county"].isna()].iloc[0] if parks["county"].isna().any() else parks.iloc[0]
    edited = features.update(vid, "parks", row["id"], {"properties": {"name_en": "Only the name"}}, 1, "ana")
    changed = {k for k, v in edited["properties"].items() if k not in ("deleted", "layer")
               and v != (None if (isinstance(row[k], float) and math.isnan(row[k])) else row[k])}
    assert changed == {"name_en"}


def test_an_edit_of_a_locked_version_is_refused_and_writes_nothing(branch):
    """The version is checked last, in the statement that bumps its revision: a refused edit leaves no trace."""
    vid = branch["id"]
    fid = features.layer_gdf(vid, "parks")["id"][0]
    versions.patch(vid, {"locked": True}, 1, EDITOR)
    with pytest.raises(Conflict, match="locked"):
        features.update(vid, "parks", fid, {"properties": {"name_en": "While locked"}}, 1, "ana")
    with pytest.raises(Conflict, match="locked"):
        features.delete(vid, "parks", fid, 1, "ana")
    assert features.feature(vid, "parks", fid)["revision"] == 1
    assert versions.get(vid)["revision"] == 2 and [c["action"] for c in features.history(vid)] == ["lock", "branch"]


def test_an_edit_checks_the_editor_on_the_version_it_reads(branch):
    """With `user`, the right to edit is checked on the version read for the write, before the body's checks."""
    vid = branch["id"]
    fid = features.layer_gdf(vid, "parks")["id"][0]
    with pytest.raises(Forbidden, match="ana"):
        features.update(vid, "parks", fid, {"properties": {"id": "other"}}, 1, "bo", user=OTHER)
    with pytest.raises(Forbidden, match="ana"):
        features.delete(vid, "parks", fid, 1, "bo", user=OTHER)
    with pytest.raises(NotFound, match="no version"):
        features.update("no-such-version", "parks", fid, {"properties": {}}, 1, "ana", user=EDITOR)
    with pytest.raises(BadParameter, match="id cannot change"):
        features.update(vid, "parks", fid, {"properties": {"id": "other"}}, 1, "ana", user=EDITOR)
    with pytest.raises(BadParameter, match="not editable"):
        features.update(vid, "roads", fid, {"properties": {}}, 1, "ana", user=EDITOR)
    edited = features.update(vid, "parks", fid, {"properties": {"name_en": "By the author"}}, 1, "ana", user=EDITOR)
    assert edited["revision"] == 2
    by_admin = features.update(vid, "parks", fid, {"properties": {"name_en": "By an admin"}}, 2, "root", user=ADMIN)
    assert by_admin["revision"] == 3 and features.history(vid)[0]["author"] == "root"


def test_pooled_connections_the_server_ended_are_replaced(postgis_database):
    """PostgreSQL ends every connection of the store (as a restart does): the next reads and edits still work."""
    with config.use(config.settings().replace(database_url=postgis_database)):
        baseline.ensure()
        vid = versions.branch("2010", "Hexi variant", EDITOR["name"])["id"]
        fid = features.layer_gdf(vid, "parks")["id"][0]
        features.update(vid, "parks", fid, {"properties": {"name_en": "Before"}}, 1, "ana")  # pools hold both kinds
        with psycopg.connect(postgis_database, autocommit=True) as admin:
            others = "datname = current_database() AND pid <> pg_backend_pid()"
            ended = admin.execute(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}")
            assert ended.fetchone()[0] >= 2
            deadline = time.monotonic() + 30
            while admin.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {others}").fetchone()[0]:
                assert time.monotonic() < deadline, "the ended backends are still there"
                time.sleep(0.05)
        assert features.feature(vid, "parks", fid)["properties"]["name_en"] == "Before"
        after = features.update(vid, "parks", fid, {"properties": {"name_en": "After"}}, 2, "ana")
        assert after["revision"] == 3 and versions.get(vid)["revision"] == 3


def test_edits_waiting_on_a_version_being_locked_are_refused_not_deadlocked(branch):
    """Two edits reach the version's revision bump while another transaction is locking the version: once it
    commits, both are refused with 409 naming the lock (not a deadlock of their key-share locks, not a 500), and
    nothing of them is written."""
    vid = branch["id"]
    fids = list(features.layer_gdf(vid, "parks")["id"][:2])
    outcomes: dict[str, object] = {}

    def edit(fid: str) -> None:
        try:
            outcomes[fid] = features.update(vid, "parks", fid, {"properties": {"name_en": "Late"}}, 1, "ana")
        except Exception as exc:  # what the test looks at
            outcomes[fid] = exc

    with db.transaction() as conn:
        conn.execute(V.update().where(V.c.id == vid).values(locked=True, locked_by="ana", revision=V.c.revision + 1))
        editors = [threading.Thread(target=contextvars.copy_context().run, args=(edit, fid)) for fid in fids]
        for thread in editors:
            thread.start()
        time.sleep(0.5)  # the edits read, validate and wait for the version's row (or the embedded store's lock)
    for thread in editors:
        thread.join(timeout=60)
    assert all(isinstance(outcomes[fid], Conflict) and "locked" in str(outcomes[fid]) for fid in fids), outcomes
    assert [features.feature(vid, "parks", fid)["revision"] for fid in fids] == [1, 1]
    assert versions.get(vid)["revision"] == 2 and [c["action"] for c in features.history(vid)] == ["branch"]


def test_a_versions_changes_are_numbered_in_the_order_they_commit(branch, monkeypatch):
    """An edit held inside its transaction (after its change number is taken) keeps a second edit of the same
    version waiting until it commits, so the second gets the higher number: a view "as of change N" never later
    gains a change numbered at most N. (Were the version's row taken last, the second edit would commit first with
    the higher number, and the view as of it would change when the first committed.)"""
    vid = branch["id"]
    first, second = list(features.layer_gdf(vid, "parks")["id"][:2])
    held, release = threading.Event(), threading.Event()
    insert = features._insert

    def held_insert(conn, *args, **kwargs):
        if args[2] == first:  # (vid, layer, fid, …): hold the first edit between its change number and its commit
            held.set()
            assert release.wait(60)
        return insert(conn, *args, **kwargs)

    monkeypatch.setattr(features, "_insert", held_insert)
    done: dict[str, object] = {}

    def edit(fid: str) -> None:
        try:
            done[fid] = features.update(vid, "parks", fid, {"properties": {"name_en": f"Edit of {fid}"}}, 1, "ana")
        except Exception as exc:  # what the test looks at
            done[fid] = exc

    threads = {fid: threading.Thread(target=contextvars.copy_context().run, args=(edit, fid))
               for fid in (first, second)}
    threads[first].start()
    assert held.wait(60)
    threads[second].start()
    threads[second].join(timeout=1.0)  # it waits for the version (or the embedded store's write lock)
    waited = second not in done
    release.set()
    for thread in threads.values():
        thread.join(timeout=60)
    assert waited, "the second edit committed while the first, numbered before it, was still open"
    assert all(isinstance(done[fid], dict) for fid in (first, second)), done
    seq = {c["fid"]: c["seq"] for c in features.history(vid) if c["action"] == "update"}
    assert seq[first] < seq[second]
