"""Accounts of the plan store: who may write, with which role, by password or by API token.

Passwords are kept only as werkzeug hashes (`generate_password_hash`, its default scrypt); API tokens only as
the SHA-256 hex digest of the token, so neither a database dump nor a backup gives a working credential. A user
is a dict `{"name", "role", "created_at"}` (time in ISO 8601 UTC). Roles, weakest first: viewer, editor, admin.

Sessions end: a session holds a stamp of the user's password hash and their session generation, which sign-out
(`end_sessions`), a new password and a new role bump, so every copy of every session cookie of that user stops
working on every worker and host at once. A token has a scope ('read' or 'write': a viewer's tokens are 'read'
only, and a token never acts above its scope even if its user is promoted), an expiry (`TOKEN_DAYS` by default),
and its last use; a new password or removal revokes all of a user's tokens. A token is named in lists and
revocations by its id, the first 12 hex digits of its digest (not a credential).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import BadParameter, Conflict, Forbidden, NotFound
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
#: Days an API token lasts unless asked otherwise, and the longest allowed.
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366
#: Live tokens a user may hold at once.
MAX_TOKENS_PER_USER = 50
SCOPES = ("read", "write")
#: A token's last use is written at most this often (seconds), so reads by token do not each cost a write.
LAST_USE_EVERY_S = 60


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


def _update(name: str, revoke_tokens: bool = False, **values) -> dict:
    """Change a user and end all their sessions (and, with `revoke_tokens`, revoke all their API tokens)."""
    check_name(name)
    with db.transaction() as conn:
        changed = conn.execute(users.update().where(users.c.name == name).values(
            **values, session_gen=users.c.session_gen + 1)).rowcount
        if changed != 1:
            raise NotFound(f"no user {name!r}")
        if revoke_tokens:
            conn.execute(tokens.delete().where(tokens.c.user_name == name))
        return _user(conn.execute(sa.select(users).where(users.c.name == name)).one())


def set_password(name: str, password: str) -> dict:
    """Replace a user's password: every session of theirs ends and every API token of theirs is revoked."""
    return _update(name, revoke_tokens=True, password_hash=generate_password_hash(_check_password(password)))


def set_role(name: str, role: str) -> dict:
    """Give a user another role; every session of theirs ends (tokens stay, capped by their scope and role)."""
    return _update(name, role=check_role(role))


def end_sessions(name: str) -> None:
    """End every session of `name` on every worker and host (sign-out); a no-op for an unknown name."""
    if isinstance(name, str) and NAME.fullmatch(name):
        with db.transaction() as conn:
            conn.execute(users.update().where(users.c.name == name).values(session_gen=users.c.session_gen + 1))


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


def _stamp(row) -> str:
    fingerprint = hashlib.sha256(row.password_hash.encode("utf-8")).hexdigest()[:32]
    return f"{int(row.session_gen)}:{fingerprint}"


def session_stamp(name: str) -> str | None:
    """What a new session of `name` keeps: their session generation and a fingerprint of their password hash."""
    with db.reading() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    return _stamp(row) if row else None


def session_user(name: object, stamp: object) -> dict | None:
    """The user of a session holding (`name`, `stamp`), or None if the user is gone, changed password or role,
    or signed out since."""
    if not isinstance(name, str) or not isinstance(stamp, str) or not NAME.fullmatch(name):
        return None
    with db.reading() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
    if row is None:
        return None
    return _user(row) if secrets.compare_digest(_stamp(row).encode(), stamp.encode()) else None


def token_digest(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_id(digest: str) -> str:
    """The public name of a token: the first 12 hex digits of its digest."""
    return digest[:12]


def create_token(name: str, label: str = "", *, scope: str | None = None, days: int | None = None,
                 max_scope: str = "write") -> str:
    """A new API token for `name`: returned once in plain text, kept only as its digest.

    `scope` defaults to the most the user's role allows ('write' for an editor or admin, 'read' for a viewer);
    a viewer cannot get a 'write' token, nor can a caller holding only `max_scope` 'read'. It lasts `days`
    (default TOKEN_DAYS, at most MAX_TOKEN_DAYS); a user holds at most MAX_TOKENS_PER_USER live tokens.
    """
    check_name(name)
    if not isinstance(label, str) or len(label) > MAX_LABEL:
        raise BadParameter(f"a token label must be text of at most {MAX_LABEL} characters, got {label!r:.80}")
    if scope is not None and scope not in SCOPES:
        raise BadParameter(f"unknown token scope {scope!r}; allowed: {', '.join(SCOPES)}")
    days = TOKEN_DAYS if days is None else days
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS:
        raise BadParameter(f"a token lasts 1 to {MAX_TOKEN_DAYS} days, got {days!r:.40}")
    token = secrets.token_urlsafe(32)
    now = _now()
    with db.transaction() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        if row is None:
            raise NotFound(f"no user {name!r}")
        allowed = "write" if role_at_least(row.role, "editor") and max_scope == "write" else "read"
        scope = scope or allowed
        if scope == "write" and allowed != "write":
            raise Forbidden(f"user {name!r} ({row.role}) may only have 'read' tokens here, not 'write'")
        conn.execute(tokens.delete().where(tokens.c.user_name == name, tokens.c.expires_at < now))
        held = conn.execute(sa.select(sa.func.count()).where(tokens.c.user_name == name)).scalar_one()
        if held >= MAX_TOKENS_PER_USER:
            raise Conflict(f"user {name!r} holds {held} API tokens, the most allowed; revoke one first")
        conn.execute(tokens.insert().values(digest=token_digest(token), user_name=name, label=label,
                                            created_at=now, scope=scope, expires_at=now + timedelta(days=days)))
    return token


def _aware(when: datetime | None) -> datetime | None:
    return when.replace(tzinfo=timezone.utc) if when is not None and when.tzinfo is None else when


def user_for_token(token: object) -> dict | None:
    """The user an API token belongs to, with `role` capped by the token's scope and `token_id`; None for an
    unknown, revoked, expired or malformed token. Notes the token's last use (at most once a minute)."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        return None
    digest = token_digest(token)
    # The lookup is by digest, so the comparison never runs over the secret itself.
    query = sa.select(users, tokens.c.scope, tokens.c.expires_at, tokens.c.last_used_at).join(
        tokens, tokens.c.user_name == users.c.name).where(tokens.c.digest == digest)
    with db.reading() as conn:
        row = conn.execute(query).first()
    now = _now()
    if row is None or (row.expires_at is not None and _aware(row.expires_at) <= now):
        return None
    last = _aware(row.last_used_at)
    if last is None or (now - last).total_seconds() >= LAST_USE_EVERY_S:
        with db.transaction() as conn:
            conn.execute(tokens.update().where(tokens.c.digest == digest).values(last_used_at=now))
    user = _user(row)
    if row.scope != "write" and role_at_least(user["role"], "editor"):
        user["role"] = "viewer"
    return user | {"token_id": token_id(digest), "scope": row.scope}


def list_tokens(name: str | None = None) -> list[dict]:
    """The live API tokens (of `name`, or everyone's): id, user, label, scope, created, last used, expires."""
    q = sa.select(tokens).order_by(tokens.c.user_name, tokens.c.created_at)
    if name is not None:
        q = q.where(tokens.c.user_name == check_name(name))
    with db.reading() as conn:
        rows = conn.execute(q).all()
    now = _now()
    return [{"id": token_id(r.digest), "user": r.user_name, "label": r.label, "scope": r.scope,
             "created_at": _iso(r.created_at), "last_used_at": _iso(r.last_used_at) if r.last_used_at else None,
             "expires_at": _iso(r.expires_at) if r.expires_at else None}
            for r in rows if r.expires_at is None or _aware(r.expires_at) > now]


def revoke_token_id(ident: str, owner: str | None = None) -> bool:
    """Revoke the token whose id is `ident` (only if it is `owner`'s, when given); whether one was revoked."""
    if not isinstance(ident, str) or not re.fullmatch(r"[0-9a-f]{12}", ident):
        raise BadParameter(f"a token id is 12 hex digits, got {ident!r:.40}")
    q = tokens.delete().where(tokens.c.digest.like(ident + "%"))
    if owner is not None:
        q = q.where(tokens.c.user_name == owner)
    with db.transaction() as conn:
        return conn.execute(q).rowcount >= 1


def revoke_token(token: str) -> bool:
    """Forget an API token; whether it existed."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN:
        return False
    with db.transaction() as conn:
        return conn.execute(tokens.delete().where(tokens.c.digest == token_digest(token))).rowcount == 1
