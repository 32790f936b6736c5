"""A server killed mid-burst loses no acknowledged edit and leaves no half-written feature (both backends).

Four client threads move parks of a branched version as fast as the server answers (each thread owns its
parks, so each write is based on the revision it last got back, and every move goes to coordinates no other
write uses). After 60 acknowledged moves the whole gunicorn process group gets SIGKILL; the server is
restarted on the same database. Then every move that got a 2xx is the feature's current state or in its
history, a write in flight at the kill is either wholly there or wholly absent, every current feature has one
row, a valid geometry and the properties of its baseline, and each feature's history counts its revisions
without a gap.
"""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from gislayout.store import db, models

from .fixtures.resources import synth
from .storeservers import Client, Server, branch, editor_token, features, gunicorn, point, server_env

pytestmark = pytest.mark.skipif(gunicorn() is None, reason="needs gunicorn")

THREADS, PARKS_EACH, BURST, KILL_AFTER = 4, 2, 200, 60
STEP = 1e-4  # degrees; move k goes to baseline + (k + 1) * STEP, unique to the move


class Mover(threading.Thread):
    """Moves its parks until the server dies or the burst is over; records what was acknowledged."""

    def __init__(self, url: str, token: str, vid: str, start: dict[str, dict], index: int, acked: threading.Semaphore):
        super().__init__(daemon=True)
        self.client, self.vid, self.index, self.signal = Client(url, token, timeout=30), vid, index, acked
        self.base = {fid: f["geometry"]["coordinates"] for fid, f in start.items()}
        self.revision = {fid: f["revision"] for fid, f in start.items()}
        self.acked: list[tuple[str, int, list[float]]] = []
        self.in_flight: tuple[str, int, list[float]] | None = None
        self.unexpected: list[str] = []

    def run(self) -> None:
        fids = sorted(self.base)
        for i in range(BURST // THREADS):
            fid, k = fids[i % len(fids)], i * THREADS + self.index
            lon, lat = self.base[fid]
            coords = [round(lon + (k + 1) * STEP, 7), round(lat + (k + 1) * STEP, 7)]
            self.in_flight = (fid, self.revision[fid] + 1, coords)
            try:
                status, body, _ = self.client.request("PATCH", f"/api/versions/{self.vid}/features/parks/{fid}",
                                                      {"geometry": point(*coords), "revision": self.revision[fid]})
            except ConnectionError:
                return  # the server is gone; the write in flight may or may not have been committed
            if not 200 <= status < 300:
                self.unexpected.append(f"{fid}: {status} {str(body)[:300]}")
                self.in_flight = None
                return
            self.revision[fid] = body["revision"]
            self.acked.append((fid, body["revision"], coords))
            self.in_flight = None
            self.signal.release()


def _coords(feature: dict) -> list[float]:
    return [round(c, 7) for c in feature["geometry"]["coordinates"]]


def test_a_killed_server_keeps_every_acknowledged_edit(store_url, tmp_path):
    env = server_env(tmp_path, store_url, synth.fresh_build_dir(tmp_path))
    token = editor_token(env)
    server = Server(env, workers=2).start()
    try:
        client = Client(server.url, token)
        vid = branch(client, "crash test")
        parks = features(client, vid, "parks")
        baseline = features(client, "2010", "parks")
        owned = sorted(parks)[:THREADS * PARKS_EACH]
        acked = threading.Semaphore(0)
        movers = [Mover(server.url, token, vid, {f: parks[f] for f in owned[t::THREADS]}, t, acked)
                  for t in range(THREADS)]
        for mover in movers:
            mover.start()
        for _ in range(KILL_AFTER):
            assert acked.acquire(timeout=120), [m.unexpected for m in movers]
        server.kill()
        for mover in movers:
            mover.join(60)
        sent = sum(len(m.acked) for m in movers)
        assert not any(m.unexpected for m in movers), [m.unexpected for m in movers]
        assert KILL_AFTER <= sent < BURST, f"the kill came after the burst ({sent} acknowledged)"

        server.start()  # the same database, a new process group
        client = Client(server.url, token)
        after = features(client, vid, "parks")
        for mover in movers:
            for fid in sorted(mover.base):
                mine = [a for a in mover.acked if a[0] == fid]
                history = client.ok("GET", f"/api/versions/{vid}/history?fid={fid}&limit=1000")["changes"]
                _check_feature(fid, after[fid], parks[fid], mine, mover.in_flight, history)
        _check_no_half_written(store_url, vid, after, baseline, {a[0] for m in movers for a in m.acked})
    finally:
        server.stop()


def _check_feature(fid, now, start, mine, in_flight, history) -> None:
    """The feature is at its last acknowledged move, or at the move in flight; its history has every move."""
    last = mine[-1] if mine else (fid, start["revision"], _coords(start))
    candidates = [last[1:]]
    if in_flight and in_flight[0] == fid:
        candidates.append(in_flight[1:])
    assert (now["revision"], _coords(now)) in [(r, c) for r, c in candidates], (fid, now, candidates)
    moves = sorted((c for c in history if c["after"] is not None and c["fid"] == fid), key=lambda c: c["seq"])
    kept = {(c["after"]["revision"], tuple(_coords(c["after"]))) for c in moves}
    lost = [(r, c) for _, r, c in mine if (r, tuple(c)) not in kept]
    assert not lost, f"{fid}: acknowledged moves missing from the history: {lost}"
    revisions = [c["after"]["revision"] for c in moves if c["after"]["revision"] > start["revision"]]
    assert revisions == list(range(start["revision"] + 1, now["revision"] + 1)), (fid, revisions)


def _check_no_half_written(store_url, vid, after, baseline, moved: set[str]) -> None:
    """One current row per feature, each with a valid geometry and all the properties of its baseline."""
    assert set(after) == set(baseline)
    for fid, feature in after.items():
        assert set(baseline[fid]["properties"]) <= set(feature["properties"]), fid
        assert feature["geometry"]["type"] == "Point" and len(feature["geometry"]["coordinates"]) == 2, fid
    f = models.features
    with db.reading(store_url) as conn:
        if db.backend(store_url) == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        current = sa.and_(f.c.version_id == vid, f.c.valid_to.is_(None))
        doubled = conn.execute(sa.select(f.c.fid).where(current).group_by(f.c.layer, f.c.fid)
                               .having(sa.func.count() > 1)).scalars().all()
        assert not doubled, f"features with more than one current row: {doubled}"
        rows = conn.execute(sa.select(f.c.fid, f.c.geom, f.c.props).where(current)).all()
        broken = [fid for fid, geom, props in rows if geom is None or geom.is_empty or not geom.is_valid
                  or not isinstance(props, dict)]
        assert not broken, f"half-written features: {broken}"
        copied = conn.execute(sa.select(sa.func.count()).select_from(f).where(current)).scalar_one()
        baseline_rows = conn.execute(sa.select(sa.func.count()).select_from(f).where(
            f.c.version_id == "2010", f.c.valid_to.is_(None), f.c.deleted.is_(False))).scalar_one()
        assert copied == baseline_rows, (copied, baseline_rows)
        here = set(conn.execute(sa.select(f.c.fid).where(current, f.c.layer == "parks")).scalars())
        assert moved <= here, f"moved parks without a current row in the version: {sorted(moved - here)}"
    db.dispose_all()
