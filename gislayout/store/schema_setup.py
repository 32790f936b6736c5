"""Create or migrate the store's tables with Alembic, once per engine and process, under a lock.

`flask store migrate` runs the same upgrade explicitly (the team set-up runs it once before starting servers);
the embedded default migrates itself on first use, so a fresh clone needs no extra command.
"""

from __future__ import annotations

import threading
import weakref
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
#: Engines migrated in this process. Held weakly, not by id(): a disposed engine's id can be reused by the
#: engine of a new, empty database, which would then never be migrated (a rare "relation does not exist").
_DONE: "weakref.WeakSet[Engine]" = weakref.WeakSet()
_LOCK = threading.Lock()
#: Any 64-bit number unique to this application: the PostgreSQL advisory lock held while migrating.
_PG_LOCK_KEY = 0x6769736C61796F75


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head() -> str:
    """The newest migration."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(conn: sa.Connection) -> str | None:
    """The migration the database is at (None for an empty database)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(eng: Engine) -> None:
    """Bring the database to the newest migration (a no-op when it is there); safe from several processes."""
    cfg = _config()
    if eng.dialect.name == "sqlite":
        with FileLock(f"{eng.url.database}.migrate.lock"):
            with eng.begin() as conn:
                migrate = current(conn) != head()
                if migrate:
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
            if migrate:  # the GeoPackage header (application_id) is in the WAL until a checkpoint copies it back
                raw = eng.raw_connection()  # outside any transaction, which a checkpoint needs
                try:
                    raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    raw.close()
    else:
        with eng.begin() as conn:
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
            if current(conn) != head():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")


def ensure(eng: Engine) -> None:
    """Migrate `eng`'s database once in this process."""
    if eng in _DONE:
        return
    with _LOCK:
        if eng not in _DONE:
            upgrade(eng)
            _DONE.add(eng)
