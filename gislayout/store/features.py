"""Features of a version: read (now or as of an earlier change), add, edit, delete, restore, with history.

An edit (update, delete, restore) first reads the version and the feature's current row in one query, checks the
editor's right, the revision the client based its write on (a stale one gets `Conflict` with the current
feature) and makes and validates the new state, all outside any transaction. Then one transaction bumps the
version's revision in the statement that also refuses a baseline or locked version, logs the change (its state
before and after), closes the row read (`valid_to` = the change number) only if it is still the current one at
that revision (else `Conflict`: someone wrote it meanwhile) and inserts the new state with revision + 1. So a
lock (SQLite's write lock; in PostgreSQL the version's row, which every edit of the version takes) is held for
the write alone, never for the reads and checks. The bump comes first so that a version's changes are numbered
in the order they commit: a view "as of change N" never later gains a change numbered at most N. An add takes
the version first too.
"""

from __future__ import annotations

import re
import secrets

import geopandas as gpd
import sqlalchemy as sa
from shapely.geometry import mapping

from ..errors import BadParameter, Conflict, NotFound
from . import db, permissions, versions
from .models import features as F
from .models import versions as V
from .validation import EDITABLE, check_layer, frame, geometry, validate

__all__ = ["EDITABLE", "add", "collection", "delete", "feature", "history", "layer_gdf", "restore", "update"]
FID = re.compile(r"^[a-z0-9_]{1,64}$")


def _row_feature(row) -> dict:
    return {"type": "Feature", "id": row.fid, "geometry": mapping(row.geom),
            "properties": {**row.props, "layer": row.layer, "deleted": bool(row.deleted)},
            "revision": int(row.revision)}


def _current(conn: sa.Connection, vid: str, fid: str, lock: bool = False):
    q = sa.select(F).where(F.c.version_id == vid, F.c.fid == fid, F.c.valid_to.is_(None))
    return conn.execute(q.with_for_update() if lock else q).first()


def _state_filter(vid: str, as_of: int | None):
    if as_of is None:
        return sa.and_(F.c.version_id == vid, F.c.valid_to.is_(None))
    return sa.and_(F.c.version_id == vid, F.c.valid_from <= as_of,
                   sa.or_(F.c.valid_to.is_(None), F.c.valid_to > as_of))


def _rows(vid: str, layer: str | None, as_of: int | None, with_deleted: bool = False):
    cond = _state_filter(vid, as_of)
    if layer:
        cond = sa.and_(cond, F.c.layer == layer)
    if not with_deleted:
        cond = sa.and_(cond, F.c.deleted.is_(False))
    with db.reading() as conn:
        versions.get(vid, conn)
        q = sa.select(F.c.fid, F.c.layer, F.c.props, F.c.revision, F.c.deleted,
                      F.c.geom).where(cond).order_by(F.c.pk)
        return conn.execute(q).all()


def layer_gdf(vid: str, layer: str, as_of: int | None = None) -> gpd.GeoDataFrame:
    """Layer `layer` of version `vid` (as of change `as_of`), with the columns `gislayout.layers.load` gives and
    `revision`."""
    check_layer(layer)
    rows = _rows(vid, layer, as_of)
    return frame(layer, [(r.props, r.geom, r.revision) for r in rows])


def collection(vid: str, layer: str | None = None, as_of: int | None = None, with_deleted: bool = False) -> dict:
    """The features of version `vid` as a GeoJSON FeatureCollection (each with its layer and revision)."""
    if layer:
        check_layer(layer)
    rows = _rows(vid, layer, as_of, with_deleted)
    return {"type": "FeatureCollection", "version": vid, "as_of": as_of,
            "features": [_row_feature(r) for r in rows]}


def feature(vid: str, layer: str, fid: str) -> dict:
    """The current state of feature `fid` of `layer` in version `vid` (a deleted one says so), or NotFound."""
    check_layer(layer)
    with db.reading() as conn:
        versions.get(vid, conn)
        row = _current(conn, vid, fid)
    if row is None or row.layer != layer:
        raise NotFound(f"no feature {fid!r} in layer {layer!r} of version {vid!r}",
                       zh=f"版本“{vid}”的图层“{layer}”中没有要素“{fid}”")
    return _row_feature(row)


def _new_fid(conn: sa.Connection, vid: str, layer: str, props: dict) -> str:
    stem = re.sub(r"[^a-z0-9]+", "_", str(props.get("name_en") or "").lower()).strip("_")[:40] or layer
    while True:
        fid = f"{stem}_{secrets.token_hex(3)}"
        if _current(conn, vid, fid) is None:
            return fid


def _parse(body: dict) -> tuple[dict, object]:
    if not isinstance(body, dict):
        raise BadParameter(f"the body must be a GeoJSON Feature object, got {body!r:.80}",
                           zh=f"请求体应为 GeoJSON 要素对象，收到“{body!s:.80}”")
    return body.get("properties") or {}, body.get("geometry")


def _insert(conn, vid, layer, fid, revision, props, geom, seq, deleted=False) -> None:
    conn.execute(F.insert().values(version_id=vid, layer=layer, fid=fid, revision=revision, deleted=deleted,
                                   props=props, geom=geom, valid_from=seq))


def _close(conn, row, seq: int) -> None:
    done = conn.execute(F.update().where(F.c.pk == row.pk, F.c.valid_to.is_(None), F.c.revision == row.revision)
                        .values(valid_to=seq))
    if done.rowcount != 1:  # another transaction wrote it after we read it
        raise Conflict(f"feature {row.fid!r} was changed by someone else; reload it and try again",
                       zh=f"要素“{row.fid}”已被他人修改，请重新载入后再试")


def add(vid: str, layer: str, body: dict, author: str) -> dict:
    """Add a feature (a GeoJSON Feature; `properties.id` optional) to `layer` of version `vid`."""
    check_layer(layer)
    props, geom_json = _parse(body)
    point = geometry(geom_json)
    clean = validate(layer, {k: v for k, v in props.items() if k != "id"} | {"id": "placeholder"}, point)
    with db.transaction() as conn:
        versions.writable(conn, vid)
        fid = props.get("id") or _new_fid(conn, vid, layer, props)
        if not isinstance(fid, str) or not FID.match(fid):
            raise BadParameter(f"feature id must match {FID.pattern}, got {fid!r:.80}",
                               zh=f"要素编号应符合“{FID.pattern}”，收到“{fid!s:.80}”")
        if _current(conn, vid, fid, lock=True) is not None:
            raise Conflict(f"version {vid!r} already has a feature {fid!r}", zh=f"版本“{vid}”已有要素“{fid}”")
        clean["id"] = fid
        after = {"type": "Feature", "id": fid, "geometry": mapping(point), "properties": clean, "revision": 1}
        seq = versions.log(conn, vid, "add", author, layer, fid, None, after)
        _insert(conn, vid, layer, fid, 1, clean, point, seq)
        versions.touch(conn, vid)
        row = _current(conn, vid, fid)
    return _row_feature(row)


class _Read:
    """Version `vid` and the current row of feature `fid` in it (None attributes when there is none), read in one
    query: what an edit needs before its transaction."""

    __slots__ = ("version", "pk", "fid", "layer", "revision", "deleted", "props", "geom")

    def __init__(self, row, fid: str):
        self.version = versions.as_dict(row)
        self.pk, self.fid, self.layer, self.revision = row.f_pk, fid, row.f_layer, row.f_revision
        self.deleted, self.props, self.geom = row.f_deleted, row.f_props, row.f_geom


#: The version and the current row of one feature in it: one indexed query (the partial index of current rows).
_READ = (sa.select(V, F.c.pk.label("f_pk"), F.c.layer.label("f_layer"), F.c.revision.label("f_revision"),
                   F.c.deleted.label("f_deleted"), F.c.props.label("f_props"), F.c.geom.label("f_geom"))
         .select_from(V.outerjoin(F, sa.and_(F.c.version_id == V.c.id, F.c.fid == sa.bindparam("fid_"),
                                             F.c.valid_to.is_(None))))
         .where(V.c.id == sa.bindparam("vid_")))
#: Close the row read, if it is still the current state at that revision (else someone wrote it meanwhile).
_CLOSE = (F.update().where(F.c.pk == sa.bindparam("pk_"), F.c.valid_to.is_(None),
                           F.c.revision == sa.bindparam("revision_")).values(valid_to=sa.bindparam("seq_")))
#: The version's revision bump, and its "may be written" check in the same statement: the first of an edit, so
#: that its change number is taken under the version's row lock (every edit of the version takes it) and the
#: version's changes are numbered in the order they commit.
_BUMP = (V.update().where(V.c.id == sa.bindparam("vid_"), V.c.baseline.is_(False), V.c.locked.is_(False))
         .values(revision=V.c.revision + 1, updated_at=sa.bindparam("now_")))


def _read(vid: str, fid: str) -> _Read:
    """Version `vid` (NotFound if there is none) and the current row of `fid` in it."""
    with db.reading() as conn:
        row = conn.execute(_READ, {"vid_": versions.check_id(vid), "fid_": fid}).first()
    if row is None:
        raise NotFound(f"no version {vid!r}; see /api/versions", zh=f"没有版本“{vid:.80}”")
    return _Read(row, fid)


def _checked(read: _Read, vid: str, layer: str, fid: str, revision: int | None) -> _Read:
    if revision is None:
        raise BadParameter("a write must say which revision it is based on (If-Match header or `revision`)",
                           zh="修改须注明所依据的修订号（“If-Match”头或“revision”）")
    if read.pk is None or read.layer != layer:
        raise NotFound(f"no feature {fid!r} in layer {layer!r} of version {vid!r}",
                       zh=f"版本“{vid}”的图层“{layer}”中没有要素“{fid}”")
    if read.revision != revision:
        raise Conflict(f"feature {fid!r} is at revision {read.revision}, not {revision}: someone else changed it",
                       current=_row_feature(read),
                       zh=f"要素“{fid}”现为修订 {read.revision}，不是 {revision}：已被他人修改，请重新载入后再试")
    return read


def _write(vid: str, layer: str, fid: str, revision: int | None, author: str, action: str, make,
           user: dict | None = None, checks=lambda: None) -> dict:
    """Write the state `make(row, point)` gives from the current row of `fid`, based on `revision`.

    The version and the row are read, and the new state made and validated, before the write transaction, so
    that a lock (all of SQLite's, the version's row in PostgreSQL) is held only for the write itself. Inside it
    the row read is closed only if it is still the current one at `revision` (else 409), and the version's
    revision is bumped last, in one statement that also refuses a baseline or locked version (409).

    With `user` (the web app's editor), their right to edit the version is checked on the version read here, and
    `checks()` (the request's own checks) and the layer's run after it, as they would after a separate check.
    """
    if user is None:
        checks()
        check_layer(layer)
    read = _read(vid, fid)
    if user is not None:
        if not read.version["baseline"]:  # a baseline is read-only for all: the store answers 409
            permissions.check_edit_features(user, read.version)
        checks()
        check_layer(layer)
    row = _checked(read, vid, layer, fid, revision)
    props, point, deleted = make(row, row.geom)
    before = _row_feature(row)
    after = {"type": "Feature", "id": fid, "geometry": mapping(point), "properties": props,
             "revision": row.revision + 1, **({"deleted": True} if deleted else {})}
    try:
        return _commit(vid, layer, fid, author, action, row, props, point, deleted, before, after)
    except sa.exc.IntegrityError:  # the version was deleted meanwhile (its foreign key): NotFound, as if read now
        versions.get(vid)
        raise


def _commit(vid, layer, fid, author, action, row, props, point, deleted, before, after) -> dict:
    """The write transaction of `_write`."""
    with db.transaction() as conn:
        at = versions.now()  # taken in the transaction, as its change number is
        if conn.execute(_BUMP, {"vid_": vid, "now_": at}).rowcount != 1:
            versions.writable(conn, vid, lock=False)  # NotFound, or Conflict naming the baseline or the lock
            raise Conflict(f"version {vid!r} cannot be written now; reload it and try again",
                           zh=f"版本“{vid}”此刻无法写入，请重新载入后再试")
        seq = versions.log(conn, vid, action, author, layer, fid, before, after, at=at)
        if conn.execute(_CLOSE, {"pk_": row.pk, "revision_": row.revision, "seq_": seq}).rowcount != 1:
            now = _current(conn, vid, fid)  # written since it was read (perhaps back to this revision number)
            if now is None or now.layer != layer:
                raise NotFound(f"no feature {fid!r} in layer {layer!r} of version {vid!r}",
                               zh=f"版本“{vid}”的图层“{layer}”中没有要素“{fid}”")
            raise Conflict(f"feature {fid!r} was changed by someone else; reload it and try again",
                           current=_row_feature(now), zh=f"要素“{fid}”已被他人修改，请重新载入后再试")
        _insert(conn, vid, layer, fid, row.revision + 1, props, point, seq, deleted)
    # the state just written, as `_row_feature` reads it back (one query fewer while the write lock is held)
    return {"type": "Feature", "id": fid, "geometry": mapping(point),
            "properties": {**props, "layer": layer, "deleted": bool(deleted)}, "revision": row.revision + 1}


def update(vid: str, layer: str, fid: str, body: dict, revision: int | None, author: str,
           user: dict | None = None) -> dict:
    """Move, re-shape or edit the attributes of a feature: `body` has `geometry` and/or `properties` (merged).
    With `user` (whose name is `author`), their right to edit the version is checked first (403)."""
    parsed: list = []

    def checks() -> None:
        props, geom_json = _parse(body)
        if "id" in props and props["id"] != fid:
            raise BadParameter(f"a feature's id cannot change (from {fid!r} to {props['id']!r:.80})",
                               zh=f"要素编号不能更改（从“{fid}”改为“{props['id']!s:.80}”）")
        parsed[:] = [props, geom_json]

    def make(row, old_point):
        props, geom_json = parsed
        if row.deleted:
            raise Conflict(f"feature {fid!r} is deleted; restore it first", current=_row_feature(row),
                           zh=f"要素“{fid}”已删除，请先恢复")
        point = geometry(geom_json) if geom_json is not None else old_point
        merged = {**row.props, **{k: v for k, v in props.items() if k not in ("layer", "deleted")}}
        moved = not point.equals(old_point)
        if moved and not {"precision", "location_basis"} & set(props):
            # a moved point is the planner's proposal now, not the located fact it was
            merged |= {"precision": "planned", "location_basis": "planner",
                       "location_source": f"placed by {author} in version {vid}"}
        return validate(layer, merged, point, placed=moved), point, False

    return _write(vid, layer, fid, revision, author, "update", make, user, checks)


def delete(vid: str, layer: str, fid: str, revision: int | None, author: str, user: dict | None = None) -> dict:
    """Delete a feature (its history stays; `restore` brings it back)."""
    def make(row, point):
        if row.deleted:
            raise Conflict(f"feature {fid!r} is already deleted", current=_row_feature(row),
                           zh=f"要素“{fid}”已经删除")
        return row.props, point, True
    return _write(vid, layer, fid, revision, author, "delete", make, user)


def restore(vid: str, layer: str, fid: str, revision: int | None, author: str, user: dict | None = None) -> dict:
    """Bring back a deleted feature as it was when deleted."""
    def make(row, point):
        if not row.deleted:
            raise Conflict(f"feature {fid!r} is not deleted", current=_row_feature(row), zh=f"要素“{fid}”未被删除")
        return row.props, point, False
    return _write(vid, layer, fid, revision, author, "restore", make, user)


def history(vid: str, fid: str | None = None, limit: int = 200) -> list[dict]:
    """The changes of version `vid` (of feature `fid` only, if given), newest first."""
    return versions.changes(vid, fid, limit)
