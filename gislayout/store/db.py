"""The one connection to the plan store: an embedded GeoPackage (SQLite) file by default, PostGIS by URL.

`url()` is the database of the current settings (`config.settings().database_url`): by default
`sqlite:///instance/gislayout.gpkg`, created on first use, so the atlas needs no server; a
`postgresql://` URL (from `GISLAYOUT_DATABASE_URL` or the app's `DATABASE_URL`) selects PostGIS. The same
SQLAlchemy Core tables (`models`) and the same code serve both; only the connection set-up below differs.

Every write runs in one `transaction()`. On SQLite a transaction takes the write lock when it begins
(`BEGIN IMMEDIATE`), so concurrent writers from several processes queue instead of failing halfway, and the
journal is WAL with `synchronous=FULL`: a commit that returned is on disk. On PostgreSQL each transaction is
READ COMMITTED and the conditional updates of `features` re-check the revision after waiting for a row lock.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .. import config

_ENGINES: dict[tuple[str, int], Engine] = {}
_LOCK = threading.Lock()
#: Seconds a SQLite writer waits for another process's write lock before giving up.
SQLITE_BUSY_TIMEOUT_S = 60


def url() -> str:
    """The database URL of the current settings."""
    return config.settings().database_url


def backend(db_url: str | None = None) -> str:
    """'sqlite' or 'postgresql'."""
    return sa.engine.make_url(db_url or url()).get_backend_name()


def _sqlite_engine(db_url: sa.engine.URL) -> Engine:
    if db_url.database and db_url.database != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(db_url.database)), exist_ok=True)
        try:  # it holds password hashes: readable by its owner only (SQLite gives -wal and -shm the same mode)
            os.close(os.open(db_url.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
    eng = sa.create_engine(db_url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

    @sa.event.listens_for(eng, "connect")
    def _connect(dbapi_conn, record) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=FULL")
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")

    @sa.event.listens_for(eng, "begin")
    def _begin(conn: Connection) -> None:
        reads_only = conn.get_execution_options().get("gislayout_reads_only", False)
        conn.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    return eng


def _postgres_engine(db_url: sa.engine.URL) -> Engine:
    if db_url.drivername in ("postgresql", "postgres"):
        db_url = db_url.set(drivername="postgresql+psycopg")
    return sa.create_engine(db_url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def engine(db_url: str | None = None) -> Engine:
    """The engine of `db_url` (default: the current settings'), one per URL and process."""
    db_url = db_url or url()
    key = (db_url, os.getpid())  # a forked worker must not share its parent's connections
    with _LOCK:
        if key not in _ENGINES:
            parsed = sa.engine.make_url(db_url)
            name = parsed.get_backend_name()
            if name == "sqlite":
                _ENGINES[key] = _sqlite_engine(parsed)
            elif name == "postgresql":
                _ENGINES[key] = _postgres_engine(parsed)
            else:
                raise ValueError(f"unsupported database {name!r} in {parsed.render_as_string(hide_password=True)}; "
                                 "use sqlite:///FILE or postgresql://…")
        return _ENGINES[key]


def dispose_all() -> None:
    """Close every pooled connection of this process (tests that delete a database file, forks)."""
    with _LOCK:
        for eng in _ENGINES.values():
            eng.dispose()
        _ENGINES.clear()


@contextmanager
def transaction(db_url: str | None = None) -> Iterator[Connection]:
    """One transaction on the store: committed when the block ends, rolled back when it raises."""
    from . import schema_setup
    eng = engine(db_url)
    schema_setup.ensure(eng)
    with eng.begin() as conn:
        yield conn


@contextmanager
def reading(db_url: str | None = None) -> Iterator[Connection]:
    """A connection for reads (one consistent snapshot on PostgreSQL; a deferred transaction on SQLite)."""
    from . import schema_setup
    eng = engine(db_url)
    schema_setup.ensure(eng)
    with eng.connect() as conn:
        conn.execution_options(gislayout_reads_only=True)
        yield conn
