"""Region schemes defined by planners, kept in the store beside the schemes shipped in `layers/schemes/`.

A planner's scheme has the shape of a scheme file (id, titles, note, zones of prefectures) and is validated by
the same rules (`schemefiles.parse`: every prefecture in exactly one zone); `regions.schemes()` merges both, so a
saved scheme appears everywhere schemes do: filters, the map, zonal statistics, siting, compare, exports.
`stamp()` is part of the data-version token, so every worker sees a saved scheme on its next request.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from .. import schemefiles
from ..errors import BadParameter, Conflict, NotFound
from . import db, permissions, versions
from .models import schemes as S

SID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FIELDS = ("id", "title_zh", "title_en", "note", "zones", "revision", "unit")


def _as_dict(row) -> dict:
    return {"id": row.id, "title_zh": row.title_zh, "title_en": row.title_en, "note": row.note,
            "source": f"defined by {row.author} in the plan store", "unit": row.unit, "zones": row.zones,
            "author": row.author, "created_at": versions._iso(row.created_at),
            "updated_at": versions._iso(row.updated_at), "revision": int(row.revision)}


def stamp() -> str:
    """A fingerprint of the saved schemes: the store's generation, which every write to them bumps (`db`)."""
    return db.generation()


def list_all() -> list[dict]:
    """Every scheme saved in the store."""
    with db.reading() as conn:
        return [_as_dict(r) for r in conn.execute(sa.select(S).order_by(S.c.created_at, S.c.id)).all()]


def _checked(data: dict, file_ids: set[str]) -> dict:
    if not isinstance(data, dict):
        raise BadParameter(f"a scheme must be an object, got {data!r:.80}",
                           zh=f"方案应为对象，收到“{data!s:.80}”")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise BadParameter(f"unknown field {unknown[0]!r}; a scheme takes {', '.join(FIELDS)}",
                           zh=f"未知字段“{unknown[0]:.80}”；方案可有 " + "、".join(f"“{f}”" for f in FIELDS))
    if data.get("unit", "prefecture") != "prefecture":
        raise BadParameter(f"unit must be 'prefecture' (zones are made of prefectures), got {data.get('unit')!r:.40}",
                           zh=f"“unit”应为“prefecture”（分区由市州组成），收到“{data.get('unit')!s:.40}”")
    sid = data.get("id")
    if not isinstance(sid, str) or not SID.match(sid):
        raise BadParameter(f"scheme id must match {SID.pattern}, got {sid!r:.80}",
                           zh=f"方案编号应符合“{SID.pattern}”，收到“{sid!s:.80}”")
    if sid in file_ids:
        raise Conflict(f"scheme id {sid!r} is a scheme of layers/schemes/; choose another id",
                       zh=f"方案编号“{sid}”已被内置方案使用，请换一个编号")
    for field in ("title_zh", "title_en"):
        if not isinstance(data.get(field), str) or not data[field].strip() or len(data[field]) > 200:
            raise BadParameter(f"{field} must be text of 1 to 200 characters, got {data.get(field)!r:.80}",
                               zh=f"“{field}”应为 1 到 200 字的文本，收到“{data.get(field)!s:.80}”")
    zones = data.get("zones")
    if not isinstance(zones, list) or not zones or not all(isinstance(z, dict) for z in zones):
        raise BadParameter("zones must be a non-empty list of {id, name_zh, name_en, members}",
                           zh="“zones”应为非空列表，每项含“id”“name_zh”“name_en”“members”")
    for z in zones:
        if not isinstance(z.get("id"), str) or not SID.match(z["id"]):
            raise BadParameter(f"zone id must match {SID.pattern}, got {z.get('id')!r:.80}",
                               zh=f"分区编号应符合“{SID.pattern}”，收到“{z.get('id')!s:.80}”")
        if not isinstance(z.get("members"), list) or not all(isinstance(m, str) for m in z["members"]):
            raise BadParameter(f"members of zone {z['id']!r} must be a list of prefecture names",
                               zh=f"分区“{z['id']}”的成员应为市州名称列表")
    ids = [z["id"] for z in zones]
    if len(set(ids)) != len(ids):
        raise BadParameter(f"zone ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}",
                           zh="分区编号重复：" + "、".join(f"“{i}”" for i in sorted({i for i in ids if ids.count(i) > 1})))
    clean = {"id": sid, "title_zh": data["title_zh"].strip(), "title_en": data["title_en"].strip(),
             "note": str(data.get("note") or ""), "unit": "prefecture",
             "zones": [{"id": z["id"], "name_zh": str(z.get("name_zh") or z["id"]),
                        "name_en": str(z.get("name_en") or z["id"]), "members": list(z["members"])} for z in zones]}
    schemefiles.parse(clean | {"source": "store"}, f"scheme {sid!r}")  # every prefecture in exactly one zone
    return clean


def _acting(user: dict | str) -> dict:
    return {"name": user, "role": "editor"} if isinstance(user, str) else user


def save(data: dict, user: dict | str, revision: int | None = None, create: bool = True) -> dict:
    """Create (`create`) or replace (based on `revision`) a planner's scheme; returns it. `user` ({name, role},
    or just a name for an editor) becomes the author of a new scheme; only the author or an admin may replace
    one (`permissions`)."""
    user = _acting(user)
    author = user["name"]
    clean = _checked(data, set(schemefiles.file_schemes()))
    now = versions.now()
    with db.transaction() as conn:
        row = conn.execute(sa.select(S).where(S.c.id == clean["id"]).with_for_update()).first()
        if create:
            if row is not None:
                raise Conflict(f"a scheme {clean['id']!r} exists already", current=_as_dict(row),
                               zh=f"方案“{clean['id']}”已存在")
            conn.execute(S.insert().values(**clean, author=author, created_at=now, updated_at=now, revision=1))
            versions.log(conn, None, "add_scheme", author, after=clean)
        else:
            if row is None:
                raise NotFound(f"no saved scheme {clean['id']!r}", zh=f"没有已保存的方案“{clean['id']}”")
            permissions.check_scheme(user, _as_dict(row), "replace")
            if revision is None or row.revision != revision:
                raise Conflict(f"scheme {clean['id']!r} is at revision {row.revision}, not {revision}",
                               current=_as_dict(row),
                               zh=f"方案“{clean['id']}”现为修订 {row.revision}，不是 {revision}：已被他人修改，请重新载入后再试")
            conn.execute(S.update().where(S.c.id == clean["id"]).values(
                **clean, updated_at=now, revision=S.c.revision + 1))
            versions.log(conn, None, "edit_scheme", author, before=_as_dict(row) | {"created_at": None,
                                                                                      "updated_at": None},
                         after=clean)
        return _as_dict(conn.execute(sa.select(S).where(S.c.id == clean["id"])).one())


def delete(sid: str, revision: int | None, user: dict | str) -> None:
    """Delete a planner's scheme; only its author or an admin may (`permissions`)."""
    user = _acting(user)
    author = user["name"]
    with db.transaction() as conn:
        row = conn.execute(sa.select(S).where(S.c.id == sid).with_for_update()).first()
        if row is None:
            raise NotFound(f"no saved scheme {sid!r}", zh=f"没有已保存的方案“{sid:.80}”")
        permissions.check_scheme(user, _as_dict(row), "delete")
        if revision is None or row.revision != revision:
            raise Conflict(f"scheme {sid!r} is at revision {row.revision}, not {revision}", current=_as_dict(row),
                           zh=f"方案“{sid}”现为修订 {row.revision}，不是 {revision}：已被他人修改，请重新载入后再试")
        conn.execute(S.delete().where(S.c.id == sid))
        versions.log(conn, None, "delete_scheme", author, before={"id": sid, "zones": row.zones})
