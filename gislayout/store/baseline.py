"""The read-only baseline version "2010 policy", loaded from the curated `layers/` files.

`ensure()` compares a content hash of the editable layers' files with the newest baseline in the store; when
they differ (first run, or `layers/` was edited) it loads a new baseline version (`2010`, then `2010-2`, …)
and leaves the old one, and every planner's version branched from it, untouched: an edit of `layers/` shows up
as a new baseline, never as a silent edit of anyone's version. `flask build` calls it; so does the first
request that needs a version.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from .. import config, dataversion, layerfiles
from . import db, versions
from .models import features as F, versions as V
from .validation import EDITABLE, columns, plain

BASE_ID = "2010"
NAME = "2010 policy (curated layers/)"
AUTHOR = "layers/"


def source_hash() -> str:
    """SHA-256 of the editable layers' files as they are now (content, so a copy or touch changes nothing)."""
    h = hashlib.sha256()
    for layer in EDITABLE:
        h.update(layer.encode() + b"\0" + (config.settings().layers_dir / f"{layer}.csv").read_bytes())
    return h.hexdigest()


def current(conn: sa.Connection | None = None) -> dict | None:
    """The newest baseline version, or None in an empty store."""
    if conn is None:
        with db.reading() as c:
            return current(c)
    row = conn.execute(sa.select(V.c.id).where(V.c.baseline.is_(True))
                       .order_by(V.c.created_at.desc(), V.c.id.desc()).limit(1)).first()
    return versions.get(row.id, conn) if row else None


def _rows(vid: str, seq: int) -> list[dict]:
    out = []
    with dataversion.select_plan(None), dataversion.scope():  # the curated files, whatever is selected
        for layer in EDITABLE:
            gdf = layerfiles.read(layer)
            keep = [c for c in columns(layer) if c not in ("lon", "lat")]
            for rec, geom in zip(gdf[keep].to_dict("records"), gdf.geometry):
                out.append({"version_id": vid, "layer": layer, "fid": rec["id"], "revision": 1, "deleted": False,
                            "props": {k: plain(v) for k, v in rec.items()}, "geom": geom,
                            "valid_from": seq})
    return out


@dataversion.cached(maxsize=4, parts=("layers",), plan_aware=False)
def ensure() -> str:
    """The id of the baseline matching `layers/` now, loading it first if the store lacks it."""
    digest = source_hash()
    with db.reading() as conn:
        row = conn.execute(sa.select(V.c.id).where(V.c.baseline.is_(True), V.c.source_hash == digest)).first()
    if row:
        return row.id
    rows_by_vid: dict[str, list] = {}
    with db.transaction() as conn:  # the write lock: a second process waits here, then finds the baseline
        row = conn.execute(sa.select(V.c.id).where(V.c.baseline.is_(True), V.c.source_hash == digest)).first()
        if row:
            return row.id
        n = conn.execute(sa.select(sa.func.count()).where(V.c.baseline.is_(True))).scalar_one()
        vid = BASE_ID if n == 0 else f"{BASE_ID}-{n + 1}"
        seq = versions.create(conn, vid=vid, name=NAME if n == 0 else f"{NAME} #{n + 1}", author=AUTHOR,
                              description=f"Loaded from layers/ (sha256 {digest[:12]}); read-only.",
                              baseline=True, source_hash=digest)
        rows_by_vid[vid] = _rows(vid, seq)
        conn.execute(F.insert(), rows_by_vid[vid])
        return vid
