"""20 editors × 25 conflicting edits on the same three parks: each is applied or answered 409, none is lost.

Against a real gunicorn server with three workers, on both backends. Every edit is a read-modify-write: read
the park, then PATCH a move to coordinates unique to that edit and a note naming it, with the revision read.
Then: every answer is 200 or 409 (a 409 carries the newer current state); the history of the three parks
holds exactly the edits answered 200, no more, no fewer; and replaying them in history order from the starting
state, each one based on the revision and the very state the one before it left and carrying its own request's
move and note, ends exactly at the final state (geometry, properties, revision): no update was lost.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from .fixtures.resources import synth
from .storeservers import Client, Server, branch, editor_token, features, gunicorn, point, server_env

pytestmark = pytest.mark.skipif(gunicorn() is None, reason="needs gunicorn")

CLIENTS, EDITS, PARKS = 20, 25, 3
STEP = 1e-5


def _coords(geometry: dict) -> tuple[float, ...]:
    return tuple(round(c, 7) for c in geometry["coordinates"])


def _editor(url, token, vid, fids, base, t, barrier, answers, lock) -> None:
    client = Client(url, token)
    barrier.wait()
    for i in range(EDITS):
        fid = fids[(t + i) % len(fids)]
        status, current, _ = client.request("GET", f"/api/versions/{vid}/features/parks/{fid}")
        assert status == 200, current
        k = t * EDITS + i + 1
        body = {"geometry": point(round(base[fid][0] + k * STEP, 7), round(base[fid][1] + k * STEP, 7)),
                "properties": {"location_note": f"edit {t}.{i}"}, "revision": current["revision"]}
        status, out, _ = client.request("PATCH", f"/api/versions/{vid}/features/parks/{fid}", body)
        with lock:
            answers.append((fid, body, status, out))


def test_conflicting_editors_lose_no_update(store_url, tmp_path):
    env = server_env(tmp_path, store_url, synth.fresh_build_dir(tmp_path))
    token = editor_token(env)
    with Server(env, workers=3) as server:
        client = Client(server.url, token)
        vid = branch(client, "concurrency test")
        start = features(client, vid, "parks")
        fids = sorted(start)[:PARKS]
        base = {fid: start[fid]["geometry"]["coordinates"] for fid in fids}
        answers: list[tuple] = []
        lock, barrier = threading.Lock(), threading.Barrier(CLIENTS)
        threads = [threading.Thread(target=_editor, args=(server.url, token, vid, fids, base, t, barrier, answers,
                                                          lock)) for t in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        final = features(client, vid, "parks")
        history = client.ok("GET", f"/api/versions/{vid}/history?limit=10000")["changes"]

    assert len(answers) == CLIENTS * EDITS
    statuses = Counter(status for _, _, status, _ in answers)
    assert set(statuses) <= {200, 409}, [(s, str(o)[:300]) for _, _, s, o in answers if s not in (200, 409)]
    assert statuses[200] >= PARKS and statuses[409] > 0, statuses  # the edits did conflict
    for fid, body, status, out in answers:
        if status == 409:
            assert out["current"]["id"] == fid and out["current"]["revision"] > body["revision"], out

    applied = {(fid, _coords(body["geometry"])): body for fid, body, status, _ in answers if status == 200}
    writes = sorted((c for c in history if c["fid"] in fids and c["after"] is not None), key=lambda c: c["seq"])
    assert len(writes) == statuses[200] == len(applied), (len(writes), statuses)
    state = {fid: _state(start[fid]) for fid in fids}
    for change in writes:  # replay: each applied write was made on the state the one before it left
        fid, after = change["fid"], change["after"]
        body = applied.pop((fid, _coords(after["geometry"])), None)
        assert body is not None, f"a write in the history that no client saw applied: {change}"
        assert body["revision"] == state[fid][2] and _state(change["before"]) == state[fid], (change, state[fid])
        assert after["properties"]["location_note"] == body["properties"]["location_note"], change
        assert after["revision"] == state[fid][2] + 1, change
        state[fid] = _state(after)
    assert not applied, f"writes answered 200 but missing from the history: {list(applied)[:5]}"
    assert {fid: _state(final[fid]) for fid in fids} == state


def _state(feature: dict) -> tuple:
    """(coordinates, properties, revision) of a feature, without the API's `layer` and `deleted` markers."""
    props = {k: v for k, v in feature["properties"].items() if k not in ("layer", "deleted")}
    return _coords(feature["geometry"]), props, feature["revision"]
