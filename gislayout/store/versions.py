"""Named versions of the layout: list, branch, rename, lock, delete; the change log they share.

A version is branched from another by copying its current features (their revisions kept), so later edits of
either never touch the other. A baseline version (loaded from `layers/` by `baseline`) is read-only, and so is
a locked one. Every change to a version or its features bumps the version's `revision`, which is also what
the web app keys its caches on.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa

from ..errors import BadParameter, Conflict, NotFound
from . import db, permissions
from .models import changes as C
from .models import features as F
from .models import users as U
from .models import versions as V

#: A change's row (built once: an edit runs it in its write transaction).
_LOG = C.insert()
VID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
NAME_MAX = 200


def now() -> datetime:
    """The time of a change, in UTC."""
    return datetime.now(timezone.utc)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite gives naive times back; they were written in UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat(timespec="microseconds").replace("+00:00", "Z")


def as_dict(row, count: int | None = None) -> dict:
    out = {"id": row.id, "name": row.name, "description": row.description, "author": row.author,
           "created_at": _iso(row.created_at), "updated_at": _iso(row.updated_at), "parent_id": row.parent_id,
           "locked": bool(row.locked), "locked_by": row.locked_by, "baseline": bool(row.baseline),
           "revision": int(row.revision)}
    if count is not None:
        out["features"] = int(count)
    return out


def check_id(vid: str) -> str:
    """`vid` if it is a well-formed version id, else BadParameter (nothing is looked up with a malformed id)."""
    if not isinstance(vid, str) or not VID.match(vid):
        raise BadParameter(f"version id must match {VID.pattern}, got {vid!r:.80}",
                           zh=f"版本编号应符合“{VID.pattern}”，收到“{vid!s:.80}”")
    return vid


def get(vid: str, conn: sa.Connection | None = None) -> dict:
    """Version `vid`, or NotFound."""
    check_id(vid)
    if conn is None:
        with db.reading() as c:
            return get(vid, c)
    row = conn.execute(sa.select(V).where(V.c.id == vid)).first()
    if row is None:
        raise NotFound(f"no version {vid!r}; see /api/versions", zh=f"没有版本“{vid:.80}”")
    return as_dict(row)


def revision_of(vid: str) -> int:
    """The revision of version `vid` (one indexed read; the web app's cache key), or NotFound."""
    return get(vid)["revision"]


def list_versions() -> list[dict]:
    """Every version with its number of live features, baselines first, then by creation time."""
    live = (sa.select(F.c.version_id, sa.func.count().label("n"))
            .where(F.c.valid_to.is_(None), F.c.deleted.is_(False)).group_by(F.c.version_id).subquery())
    with db.reading() as conn:
        rows = conn.execute(sa.select(V, live.c.n).outerjoin(live, live.c.version_id == V.c.id)
                            .order_by(V.c.baseline.desc(), V.c.created_at, V.c.id)).all()
    return [as_dict(r, r.n or 0) for r in rows]


def writable(conn: sa.Connection, vid: str, lock: bool = True) -> dict:
    """Version `vid` locked for this transaction (read only, without `lock`), or Conflict when it is a baseline
    or locked."""
    check_id(vid)
    q = sa.select(V).where(V.c.id == vid)
    # FOR NO KEY UPDATE: the strength of the revision bump that follows, which lets edits in flight keep the
    # key-share locks their inserts' foreign keys took (FOR UPDATE would wait for every one of them)
    row = conn.execute(q.with_for_update(key_share=True) if lock else q).first()
    if row is None:
        raise NotFound(f"no version {vid!r}; see /api/versions", zh=f"没有版本“{vid:.80}”")
    if row.baseline:
        raise Conflict(f"version {vid!r} is a baseline loaded from layers/ and is read-only; branch it to edit",
                       zh=f"版本“{vid}”是基准版本，只读；请从它新建分支再编辑")
    if row.locked:
        raise Conflict(f"version {vid!r} is locked by {row.locked_by}; unlock it to edit",
                       zh=f"版本“{vid}”已被“{row.locked_by}”锁定；解锁后才能编辑")
    return as_dict(row)


def log(conn: sa.Connection, vid: str | None, action: str, author: str, layer: str | None = None,
        fid: str | None = None, before: dict | None = None, after: dict | None = None,
        at: datetime | None = None) -> int:
    """Record a change (made now, or `at`); returns its number (the order of all changes in the store)."""
    result = conn.execute(_LOG, {"version_id": vid, "action": action, "layer": layer, "fid": fid, "author": author,
                                 "at": at or now(), "before": before, "after": after})
    return int(result.inserted_primary_key[0])


def touch(conn: sa.Connection, vid: str) -> None:
    """Bump the version's revision (every write to it does)."""
    conn.execute(V.update().where(V.c.id == vid).values(revision=V.c.revision + 1, updated_at=now()))


def last_change(conn: sa.Connection) -> int:
    """The number of the latest change in the store (0 when there is none)."""
    return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(C.c.seq), 0))).scalar_one())


def _name(value, what: str = "name") -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > NAME_MAX:
        raise BadParameter(f"{what} must be text of 1 to {NAME_MAX} characters, got {value!r:.80}",
                           zh=f"{'名称' if what == 'name' else what}应为 1 到 {NAME_MAX} 字的文本，收到“{value!s:.80}”")
    return value.strip()


def _new_id(conn: sa.Connection, name: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "version"
    while True:
        vid = f"{stem}-{secrets.token_hex(3)}"
        if conn.execute(sa.select(V.c.id).where(V.c.id == vid)).first() is None:
            return vid


def create(conn: sa.Connection, *, vid: str, name: str, author: str, description: str = "",
           parent_id: str | None = None, baseline: bool = False, source_hash: str | None = None) -> int:
    """Insert a version row and log its creation; returns the change number."""
    t = now()
    conn.execute(V.insert().values(id=vid, name=name, description=description, author=author, created_at=t,
                                   updated_at=t, parent_id=parent_id, locked=baseline, baseline=baseline,
                                   locked_by=None, source_hash=source_hash, revision=1))
    seq = log(conn, vid, "baseline" if baseline else "branch", author,
              after={"name": name, "parent_id": parent_id, "description": description})
    conn.execute(V.update().where(V.c.id == vid).values(branched_at=seq))
    return seq


def branch(parent_id: str, name: str, author: str, description: str = "") -> dict:
    """A new version holding the current features of `parent_id`."""
    name, description = _name(name), _description(description)
    with db.transaction() as conn:
        get(parent_id, conn)
        vid = _new_id(conn, name)
        seq = create(conn, vid=vid, name=name, author=author, description=description, parent_id=parent_id)
        cols = [F.c.layer, F.c.fid, F.c.revision, F.c.deleted, F.c.props, F.c.geom]
        src = sa.select(sa.literal(vid), *cols, sa.literal(seq)).where(
            F.c.version_id == parent_id, F.c.valid_to.is_(None), F.c.deleted.is_(False))
        conn.execute(F.insert().from_select(
            ["version_id", "layer", "fid", "revision", "deleted", "props", "geom", "valid_from"], src))
        return get(vid, conn)


#: What a baseline cannot be, in Chinese (`_for_change`'s `what`).
_WHAT_ZH = {"changed": "修改", "deleted": "删除"}


def _for_change(conn: sa.Connection, vid: str, revision: int | None, what: str) -> dict:
    """Version `vid` locked for this transaction, if it is at `revision` and not a baseline."""
    if revision is None:
        raise BadParameter("a write must say which revision it is based on (If-Match header or `revision`)",
                           zh="修改须注明所依据的修订号（“If-Match”头或“revision”）")
    # deleting the row needs FOR UPDATE; any other change, FOR NO KEY UPDATE (as `writable`)
    row = conn.execute(sa.select(V).where(V.c.id == check_id(vid))
                       .with_for_update(key_share=what != "deleted")).first()
    if row is None:
        raise NotFound(f"no version {vid!r}; see /api/versions", zh=f"没有版本“{vid:.80}”")
    current = as_dict(row)
    if current["revision"] != revision:
        raise Conflict(f"version {vid!r} is at revision {current['revision']}, not {revision}: "
                       "someone else changed it", current=current,
                       zh=f"版本“{vid}”现为修订 {current['revision']}，不是 {revision}：已被他人修改，请重新载入后再试")
    if current["baseline"]:
        raise Conflict(f"version {vid!r} is a baseline and cannot be {what}",
                       zh=f"版本“{vid}”是基准版本，不能{_WHAT_ZH.get(what, '修改')}")
    return current


def _description(value) -> str:
    if not isinstance(value, str) or len(value) > 5000:
        raise BadParameter(f"description must be text of at most 5000 characters, got {value!r:.80}",
                           zh=f"说明应为不超过 5000 字的文本，收到“{value!s:.80}”")
    return value


def patch(vid: str, changes: dict, revision: int | None, user: dict) -> dict:
    """Rename, describe, lock or unlock a version, by the rules of `permissions` (its author or an admin)."""
    if not isinstance(changes, dict):
        raise BadParameter(f"the body must be an object, got {changes!r:.80}",
                           zh=f"请求体应为对象，收到“{changes!s:.80}”")
    unknown = sorted(set(changes) - {"name", "description", "locked", "revision"})
    if unknown:
        raise BadParameter(f"unknown field {unknown[0]!r}; a version takes name, description, locked",
                           zh=f"未知字段“{unknown[0]:.80}”；版本可有“name”“description”“locked”")
    with db.transaction() as conn:
        current = _for_change(conn, vid, revision, "changed")
        if "locked" in changes and not isinstance(changes["locked"], bool):
            raise BadParameter(f"locked must be true or false, got {changes['locked']!r:.40}",
                               zh=f"“locked”应为 true 或 false，收到“{changes['locked']!s:.40}”")
        if "locked" in changes:
            locker = current["locked_by"]
            locker_role = conn.execute(sa.select(U.c.role).where(U.c.name == locker)).scalar() if locker else None
            permissions.check_lock(user, current, changes["locked"] is True, locked_by_admin=bool(locker) and (
                locker_role == "admin" or (locker_role is None and locker != current["author"])))
        if set(changes) - {"locked", "revision"} or "locked" not in changes:
            permissions.check_change_version(user, current)
        values: dict = {}
        if "name" in changes:
            values["name"] = _name(changes["name"])
        if "description" in changes:
            values["description"] = _description(changes["description"])
        if "locked" in changes:
            if not isinstance(changes["locked"], bool):
                raise BadParameter(f"locked must be true or false, got {changes['locked']!r:.40}",
                                   zh=f"“locked”应为 true 或 false，收到“{changes['locked']!s:.40}”")
            values |= {"locked": changes["locked"], "locked_by": user["name"] if changes["locked"] else None}
        elif current["locked"]:
            raise Conflict(f"version {vid!r} is locked by {current['locked_by']}; unlock it to change it",
                           zh=f"版本“{vid}”已被“{current['locked_by']}”锁定；解锁后才能修改")
        action = "lock" if values.get("locked") else "unlock" if "locked" in values else "rename"
        log(conn, vid, action, user["name"], before={k: current[k] for k in values if k in current},
            after={k: v for k, v in values.items()})
        conn.execute(V.update().where(V.c.id == vid).values(**values, revision=V.c.revision + 1, updated_at=now()))
        return get(vid, conn)


def delete(vid: str, revision: int | None, user: dict) -> None:
    """Delete a version that no other version was branched from (its features and history go with it); only its
    author or an admin may (`permissions`)."""
    with db.transaction() as conn:
        current = _for_change(conn, vid, revision, "deleted")
        permissions.check_delete_version(user, current)
        if current["locked"]:
            raise Conflict(f"version {vid!r} is locked by {current['locked_by']}; unlock it first",
                           zh=f"版本“{vid}”已被“{current['locked_by']}”锁定；请先解锁")
        children = conn.execute(sa.select(V.c.id).where(V.c.parent_id == vid)).scalars().all()
        if children:
            raise Conflict(f"version {vid!r} cannot be deleted: {', '.join(sorted(children))} "
                           f"{'was' if len(children) == 1 else 'were'} branched from it",
                           zh=f"版本“{vid}”不能删除：{'、'.join(f'“{c}”' for c in sorted(children))} 是从它新建的分支")
        conn.execute(F.delete().where(F.c.version_id == vid))
        conn.execute(C.delete().where(C.c.version_id == vid))
        conn.execute(V.delete().where(V.c.id == vid))
        log(conn, None, "delete_version", user["name"], before=current)


def changes(vid: str, fid: str | None = None, limit: int = 200) -> list[dict]:
    """The changes of version `vid` (of feature `fid` only, if given), newest first."""
    if not isinstance(limit, int) or not 1 <= limit <= 10_000:
        raise BadParameter(f"limit must be between 1 and 10000, got {limit!r}")
    with db.reading() as conn:
        get(vid, conn)
        q = sa.select(C).where(C.c.version_id == vid)
        if fid:
            q = q.where(C.c.fid == fid)
        rows = conn.execute(q.order_by(C.c.seq.desc()).limit(limit)).all()
    return [{"seq": r.seq, "action": r.action, "layer": r.layer, "fid": r.fid, "author": r.author,
             "at": _iso(r.at), "before": r.before, "after": r.after} for r in rows]


def change_at(vid: str, when: datetime) -> int:
    """The number of the last change made at or before `when` (for viewing a version as of a time)."""
    with db.reading() as conn:
        get(vid, conn)
        seq = conn.execute(sa.select(sa.func.max(C.c.seq)).where(C.c.at <= when)).scalar_one()
    if seq is None:
        raise BadParameter(f"as_of {when.isoformat()} is before any change in the store",
                           zh=f"时间“{when.isoformat()}”早于库中的任何修改")
    return int(seq)
