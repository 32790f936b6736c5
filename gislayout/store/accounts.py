"""Accounts of the plan store: who may write, with which role, by password or by API token.

Passwords are kept only as werkzeug hashes (`generate_password_hash`, its default scrypt); API tokens only as
the SHA-256 hex digest of the token, so neither a database dump nor a backup gives a working credential. A user
is a dict `{"name", "role", "created_at"}` (time in ISO 8601 UTC). Roles, weakest first: viewer, editor, admin.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import BadParameter, Conflict, NotFound
from . import db
from .models import tokens, users

#: Roles in order of what they may do: a viewer reads, an editor writes, an admin also manages others' versions.
ROLES = ("viewer", "editor", "admin")
NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MIN_PASSWORD = 8
#: Longer passwords are refused, so that a request cannot make the server hash megabytes.
MAX_PASSWORD = 1024
MAX_LABEL = 200
#: secrets.token_urlsafe(32) gives 43 characters; anything far longer is not one of ours.
MAX_TOKEN = 256


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(when: datetime) -> str:
    # SQLite gives back naive datetimes; everything is stored in UTC.
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _user(row) -> dict:
    return {"name": row.name, "role": row.role, "created_at": _iso(row.created_at)}


def check_name(name: object) -> str:
    """`name` if it is a valid account name (1-64 of A-Z a-z 0-9 _ . -); BadParameter quoting it otherwise."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise BadParameter(f"user name {name!r} is not valid; use 1 to 64 letters, digits, '_', '.' or '-'")
    return name


def check_role(role: object) -> str:
    """`role` if it is one of ROLES; BadParameter listing them otherwise."""
    if role not in ROLES:
        raise BadParameter(f"unknown role {role!r}; allowed: {', '.join(ROLES)}")
    return role  # type: ignore[return-value]


def _check_password(password: object) -> str:
    if not isinstance(password, str):
        raise BadParameter("the password must be text")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise BadParameter(f"the password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters, "
                           f"got {len(password)}")
    return password


def role_at_least(role: str, needed: str) -> bool:
    """Whether `role` may do what `needed` may (admin ⊇ editor ⊇ viewer)."""
    return ROLES.index(check_role(role)) >= ROLES.index(check_role(needed))


def add_user(name: str, password: str, role: str = "editor") -> dict:
    """Create an account; Conflict if the name is taken, BadParameter for a bad name, password or role."""
    check_name(name)
    check_role(role)
    hashed = generate_password_hash(_check_password(password))
    try:
        with db.transaction() as conn:
            if conn.execute(sa.select(users.c.name).where(users.c.name == name)).first():
                raise Conflict(f"user {name!r} already exists")
            conn.execute(users.insert().values(name=name, password_hash=hashed, role=role, created_at=_now()))
            return _user(conn.execute(sa.select(users).where(users.c.name == name)).one())
    except sa.exc.IntegrityError:  # PostgreSQL: another process added the same name meanwhile
        raise Conflict(f"user {name!r} already exists") from None


def _update(name: str, **values) -> dict:
    check_name(name)
    with db.transaction() as conn:
        if conn.execute(users.update().where(users.c.name == name).values(**values)).rowcount != 1:
            raise NotFound(f"no user {name!r}")
        return _user(conn.execute(sa.select(users).where(users.c.name == name)).one())


def set_password(name: str, password: str) -> dict:
    """Replace a user's password (this also ends their browser sessions, see `session_stamp`)."""
    return _update(name, password_hash=generate_password_hash(_check_password(password)))


def set_role(name: str, role: str) -> dict:
    """Give a user another role."""
    return _update(name, role=check_role(role))


def remove_user(name: str) -> None:
    """Delete an account and its API tokens; NotFound if there is none."""
    check_name(name)
    with db.transaction() as conn:
        conn.execute(tokens.delete().where(tokens.c.user_name == name))
        if conn.execute(users.delete().where(users.c.name == name)).rowcount != 1:
            raise NotFound(f"no user {name!r}")


def get_user(name: str) -> dict | None:
    """The user called `name`, or None."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        return None
    with db.reading() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    return _user(row) if row else None


def list_users() -> list[dict]:
    """Every user, by name, each with its number of API tokens as `tokens`."""
    count = sa.select(sa.func.count()).where(tokens.c.user_name == users.c.name).scalar_subquery()
    with db.reading() as conn:
        rows = conn.execute(sa.select(users, count.label("n_tokens")).order_by(users.c.name)).all()
    return [_user(row) | {"tokens": row.n_tokens} for row in rows]


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(name: object, password: object) -> dict | None:
    """The user if `password` is theirs, else None; an unknown name costs the same hash check as a known one."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD:
        return None
    row = None
    if isinstance(name, str) and NAME.fullmatch(name):
        with db.reading() as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    # Always verify some hash, so the response time does not tell which names exist.
    ok = check_password_hash(row.password_hash if row else _dummy_hash(), password)
    return _user(row) if row and ok else None


def session_stamp(name: str) -> str | None:
    """A short fingerprint of the user's password hash, kept in a session: a new password ends old sessions."""
    with db.reading() as conn:
        hashed = conn.execute(sa.select(users.c.password_hash).where(users.c.name == name)).scalar()
    return hashlib.sha256(hashed.encode("utf-8")).hexdigest()[:32] if hashed else None


def session_user(name: object, stamp: object) -> dict | None:
    """The user of a session holding (`name`, `stamp`), or None if the user is gone or changed password."""
    if not isinstance(name, str) or not isinstance(stamp, str) or not NAME.fullmatch(name):
        return None
    with db.reading() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    if row is None:
        return None
    current = hashlib.sha256(row.password_hash.encode("utf-8")).hexdigest()[:32]
    return _user(row) if secrets.compare_digest(current, stamp) else None


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(name: str, label: str = "") -> str:
    """A new API token for `name`: returned once in plain text, kept only as its digest."""
    check_name(name)
    if not isinstance(label, str) or len(label) > MAX_LABEL:
        raise BadParameter(f"a token label must be text of at most {MAX_LABEL} characters, got {label!r:.80}")
    token = secrets.token_urlsafe(32)
    with db.transaction() as conn:
        if not conn.execute(sa.select(users.c.name).where(users.c.name == name)).first():
            raise NotFound(f"no user {name!r}")
        conn.execute(tokens.insert().values(digest=token_digest(token), user_name=name, label=label,
                                            created_at=_now()))
    return token


def user_for_token(token: object) -> dict | None:
    """The user an API token belongs to, or None for an unknown, revoked or malformed token."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        return None
    # The lookup is by digest, so the comparison never runs over the secret itself.
    query = sa.select(users).join(tokens, tokens.c.user_name == users.c.name).where(
        tokens.c.digest == token_digest(token))
    with db.reading() as conn:
        row = conn.execute(query).first()
    return _user(row) if row else None


def revoke_token(token: str) -> bool:
    """Forget an API token; whether it existed."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        return False
    with db.transaction() as conn:
        return conn.execute(tokens.delete().where(tokens.c.digest == token_digest(token))).rowcount == 1
