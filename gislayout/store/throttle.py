"""Counting attempts per key in a time window, in the store, so every worker and host shares the count.

Used for sign-in (per account and per client address: failures only) and API token creation (per account).
A key that has reached its limit is refused until its window ends: `TooMany` (HTTP 429) says how many seconds
are left, which the web layer sends as `Retry-After`. A window starts at the first counted attempt (fixed
window); the counts are small rows (`throttle` table) keyed by e.g. 'login-user:ana', 'login-addr:10.0.0.7'.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from ..errors import TooMany
from . import db
from .models import throttle as T

MAX_KEY = 200
#: Counts whose window began longer ago than this (or than their own window) are deleted.
FORGET_AFTER_S = 86_400


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(when: datetime) -> datetime:
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when


def _key(key: str) -> str:
    """`key` as stored: a key holding control characters (PostgreSQL text refuses NUL) or too long is hashed."""
    if key.isprintable() and len(key) <= MAX_KEY:
        return key
    kind, _, rest = key.partition(":")
    return f"{kind[:32]}:sha256:{hashlib.sha256(rest.encode('utf-8', 'surrogatepass')).hexdigest()}"


def check(key: str, limit: int, window_s: float, what: str, what_zh: str | None = None) -> None:
    """TooMany if `key` has reached `limit` attempts in its current window."""
    with db.reading() as conn:
        row = conn.execute(sa.select(T).where(T.c.key == _key(key))).first()
    if row is None:
        return
    left = (_aware(row.window_start) + timedelta(seconds=window_s) - _now()).total_seconds()
    if left > 0 and row.count >= limit:
        retry = max(1, math.ceil(left))
        raise TooMany(f"too many {what}; try again in {retry} s", retry_after=retry,
                      zh=f"{what_zh}过多，请 {retry} 秒后再试" if what_zh else None)


def hit(key: str, window_s: float) -> int:
    """Count one attempt for `key`; the number of attempts in its window, this one included."""
    key, now = _key(key), _now()
    with db.transaction() as conn:
        row = conn.execute(sa.select(T).where(T.c.key == key).with_for_update()).first()
        if row is None:
            # a new key: forget windows long over, so names tried at random do not pile up
            conn.execute(T.delete().where(T.c.window_start < now - timedelta(seconds=max(window_s, FORGET_AFTER_S))))
            try:
                with conn.begin_nested():
                    conn.execute(T.insert().values(key=key, window_start=now, count=1))
                return 1
            except sa.exc.IntegrityError:  # another worker inserted it meanwhile (PostgreSQL)
                row = conn.execute(sa.select(T).where(T.c.key == key).with_for_update()).one()
        if _aware(row.window_start) + timedelta(seconds=window_s) <= now:
            conn.execute(T.update().where(T.c.key == key).values(window_start=now, count=1))
            return 1
        conn.execute(T.update().where(T.c.key == key).values(count=T.c.count + 1))
        return int(row.count) + 1


def take(key: str, limit: int, window_s: float, what: str, what_zh: str | None = None) -> None:
    """Check, then count one attempt (for things counted whether or not they succeed, like token creation)."""
    check(key, limit, window_s, what, what_zh)
    hit(key, window_s)


def clear(key: str) -> None:
    """Forget the attempts of `key` (a successful sign-in clears its account's failures)."""
    with db.transaction() as conn:
        conn.execute(T.delete().where(T.c.key == _key(key)))
