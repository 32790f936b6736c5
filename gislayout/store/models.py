"""The tables of the plan store (SQLAlchemy Core; PostGIS geometry via GeoAlchemy2, GeoPackage geometry in SQLite).

- `versions`: named versions of the layout; a baseline is loaded from `layers/` and is read-only.
- `features`: every state a feature has had, in every version (`valid_from`/`valid_to` are change numbers),
  so a version can be read as of any earlier change and a deleted feature restored. The current state of a
  feature is its one row with `valid_to` NULL; `revision` counts its writes, for optimistic concurrency.
- `changes`: the history, one row per write: who, when, what, the state before and after.
- `schemes`: region schemes defined by planners (zones of prefectures or counties).
- `users` and `tokens`: accounts (werkzeug password hashes) and API tokens (stored as SHA-256 only).
- `throttle` and `upload_quota`: sign-in attempts and stored uploads per account or client address.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles

from .geometry import Geom

metadata = sa.MetaData()


class _JSONText(sa.JSON):
    """JSON declared as TEXT in SQLite: the type GeoPackage readers know."""

    cache_ok = True


@compiles(_JSONText, "sqlite")
def _json_as_text(_type, _compiler, **_) -> str:
    return "TEXT"


#: JSON in both backends (JSONB in PostgreSQL).
JSON = _JSONText().with_variant(JSONB(), "postgresql")


def text(n: int) -> sa.types.TypeEngine:
    """Text of at most `n` characters: VARCHAR(n) in PostgreSQL, TEXT(n) in SQLite (GeoPackage's spelling)."""
    return sa.String(n).with_variant(sa.Text(n), "sqlite")

WHEN = sa.DateTime(timezone=True)

versions = sa.Table(
    "versions", metadata,
    sa.Column("id", text(64), primary_key=True),
    sa.Column("name", text(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("author", text(64), nullable=False),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("updated_at", WHEN, nullable=False),
    sa.Column("parent_id", text(64), sa.ForeignKey("versions.id"), nullable=True),
    sa.Column("branched_at", sa.Integer, nullable=True),  # the parent's last change when it was branched
    sa.Column("locked", sa.Boolean, nullable=False, default=False),
    sa.Column("locked_by", text(64), nullable=True),
    sa.Column("baseline", sa.Boolean, nullable=False, default=False),
    sa.Column("source_hash", text(64), nullable=True),  # a baseline's fingerprint of `layers/`
    sa.Column("revision", sa.Integer, nullable=False, default=1),
)

features = sa.Table(
    "features", metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", text(64), sa.ForeignKey("versions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("layer", text(32), nullable=False),
    sa.Column("fid", text(64), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    sa.Column("props", JSON, nullable=False),
    sa.Column("geom", Geom(), nullable=False),
    sa.Column("valid_from", sa.Integer, nullable=False),
    sa.Column("valid_to", sa.Integer, nullable=True),
    sa.Index("features_current", "version_id", "fid", unique=True,
             sqlite_where=sa.text("valid_to IS NULL"), postgresql_where=sa.text("valid_to IS NULL")),
    sa.Index("features_by_layer", "version_id", "layer", "valid_to"),
)

changes = sa.Table(
    "changes", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", text(64), sa.ForeignKey("versions.id", ondelete="CASCADE"), nullable=True),
    sa.Column("action", text(16), nullable=False),
    sa.Column("layer", text(32), nullable=True),
    sa.Column("fid", text(64), nullable=True),
    sa.Column("author", text(64), nullable=False),
    sa.Column("at", WHEN, nullable=False),
    sa.Column("before", JSON, nullable=True),
    sa.Column("after", JSON, nullable=True),
    sa.Index("changes_by_version", "version_id", "seq"),
)

schemes = sa.Table(
    "schemes", metadata,
    sa.Column("id", text(64), primary_key=True),
    sa.Column("title_zh", text(200), nullable=False),
    sa.Column("title_en", text(200), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("unit", text(16), nullable=False),  # 'prefecture' or 'county'
    sa.Column("zones", JSON, nullable=False),
    sa.Column("author", text(64), nullable=False),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("updated_at", WHEN, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False, default=1),
)

users = sa.Table(
    "users", metadata,
    sa.Column("name", text(64), primary_key=True),
    sa.Column("password_hash", text(256), nullable=False),
    sa.Column("role", text(16), nullable=False),
    sa.Column("created_at", WHEN, nullable=False),
    # bumped by sign-out, a new password or role: every session holding an older one ends (accounts.session_user)
    sa.Column("session_gen", sa.Integer, nullable=False, default=0, server_default="0"),
)

tokens = sa.Table(
    "tokens", metadata,
    sa.Column("digest", text(64), primary_key=True),
    sa.Column("user_name", text(64), sa.ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
    sa.Column("label", text(200), nullable=False, default=""),
    sa.Column("created_at", WHEN, nullable=False),
    sa.Column("scope", text(16), nullable=False, default="write", server_default="write"),  # 'read' or 'write'
    sa.Column("last_used_at", WHEN, nullable=True),
    sa.Column("expires_at", WHEN, nullable=True),
)

#: Sign-in and token-creation attempts per key ('login-user:NAME', 'login-addr:IP', 'token:NAME') in a window,
#: shared by every worker and host (store.throttle).
throttle = sa.Table(
    "throttle", metadata,
    sa.Column("key", text(200), primary_key=True),
    sa.Column("window_start", WHEN, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
)

#: Who stored which upload (exclusion set, grid), for per-owner quotas (store.quotas).
upload_quota = sa.Table(
    "upload_quota", metadata,
    sa.Column("owner", text(200), nullable=False),
    sa.Column("kind", text(32), primary_key=True),
    sa.Column("item", text(128), primary_key=True),
    sa.Column("at", WHEN, nullable=False),
)

#: Tables of the store's own bookkeeping, not of the plan: kept out of `metadata`, so dumps and restores
#: (`backup`, which copy every table of `metadata`) never carry them from one store to another.
internal = sa.MetaData()

#: One row: the store's generation, bumped in the transaction of every write to a table of
#: `gislayout.store.db.GENERATION_TABLES` (what caches read outside a selected version: the saved schemes).
#: `epoch` is drawn when the row is made, so a store created again at the same URL never repeats a stamp.
generation = sa.Table(
    "generation", internal,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("epoch", text(32), nullable=False),
    sa.Column("n", sa.BigInteger, nullable=False),
)
