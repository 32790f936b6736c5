"""Who stored which upload, so that each owner (a user, or a client address for anonymous uploads) keeps at most
a quota of stored exclusion sets and grids, and a flood from one owner evicts only that owner's own uploads.

The uploads themselves are content-addressed files (`fileio.store_text`); this table (`upload_quota`) only says
who stored each and when, shared by every worker and host through the store. An upload stored by two owners
stays the first owner's.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from . import db
from .models import upload_quota as Q

MAX_OWNER = 200


def items(owner: str, kind: str) -> list[str]:
    """The uploads of `kind` ('exclusions', 'grid') stored by `owner`, oldest first."""
    with db.reading() as conn:
        return list(conn.execute(sa.select(Q.c.item).where(Q.c.owner == owner[:MAX_OWNER], Q.c.kind == kind)
                                 .order_by(Q.c.at, Q.c.item)).scalars())


def record(owner: str, kind: str, item: str) -> None:
    """Note that `owner` stored (or used again) upload `item` of `kind` now."""
    now = datetime.now(timezone.utc)
    with db.transaction() as conn:
        changed = conn.execute(Q.update().where(Q.c.kind == kind, Q.c.item == item,
                                                Q.c.owner == owner[:MAX_OWNER]).values(at=now)).rowcount
        if not changed and conn.execute(sa.select(Q.c.item).where(Q.c.kind == kind, Q.c.item == item)).first() is None:
            try:
                with conn.begin_nested():
                    conn.execute(Q.insert().values(owner=owner[:MAX_OWNER], kind=kind, item=item, at=now))
            except sa.exc.IntegrityError:  # another worker recorded it meanwhile
                pass


def forget(kind: str, gone: list[str]) -> None:
    """Forget uploads of `kind` that were removed."""
    if gone:
        with db.transaction() as conn:
            conn.execute(Q.delete().where(Q.c.kind == kind, Q.c.item.in_(gone)))
