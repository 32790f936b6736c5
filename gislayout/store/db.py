"""The one connection to the plan store: an embedded GeoPackage (SQLite) file by default, PostGIS by URL.

`url()` is the database of the current settings (`config.settings().database_url`): by default
`sqlite:///instance/gislayout.gpkg`, created on first use, so the atlas needs no server; a
`postgresql://` URL (from `GISLAYOUT_DATABASE_URL` or the app's `DATABASE_URL`) selects PostGIS. The same
SQLAlchemy Core tables (`models`) and the same code serve both; only the connection set-up below differs.

Every write runs in one `transaction()`. On SQLite a transaction takes the write lock when it begins
(`BEGIN IMMEDIATE`), after queueing for it on a lock file (`_WriteGate`), so concurrent writers from several
processes queue instead of failing halfway or sleeping in SQLite's busy handler, and the
journal is WAL with `synchronous=FULL`: a commit that returned is on disk. On PostgreSQL each transaction is
READ COMMITTED and the conditional updates of `features` re-check the revision after waiting for a row lock.

The store's part of the data version (`generation`) is one row, bumped in the transaction of every write to a
table of `GENERATION_TABLES` (an engine event, so no writer can forget it), and read by one indexed query on a
connection kept for that alone (no pool, no SQL compilation): a few microseconds on SQLite, one round trip on
PostgreSQL. `version_stamp(vid)` reads the generation and a version's revision in that same one query.
"""

from __future__ import annotations

import fcntl
import functools
import os
import select
import sqlite3
import threading
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .. import config, dataversion
from . import schema_setup
from .models import generation as G

_ENGINES: dict[tuple[str, int], Engine] = {}
_LOCK = threading.Lock()
#: Seconds a SQLite writer waits for another process's write lock before giving up.
SQLITE_BUSY_TIMEOUT_S = 60
#: Tables whose writes move the store's generation: what is read outside a selected version of the plan (the
#: saved schemes, in every zone column and region list). A version's features and metadata are not here: their
#: readers key on the version's own `revision`, so an edit in one version leaves every other cache warm.
GENERATION_TABLES = frozenset({"schemes"})
#: Idle connections of the generation check, per (database URL, process).
_CHECKS: dict[tuple[str, int], list] = {}
_SQL = {"sqlite": ("SELECT epoch, n, NULL FROM generation WHERE id = 1",
                   "SELECT epoch, n, (SELECT revision FROM versions WHERE id = ?) FROM generation WHERE id = 1"),
        "postgresql": ("SELECT epoch, n, NULL FROM generation WHERE id = 1",
                       "SELECT epoch, n, (SELECT revision FROM versions WHERE id = %s) FROM generation WHERE id = 1")}


def url() -> str:
    """The database URL of the current settings."""
    return config.settings().database_url


def backend(db_url: str | None = None) -> str:
    """'sqlite' or 'postgresql'."""
    return _backend(db_url or url())


@functools.lru_cache(maxsize=64)
def _backend(db_url: str) -> str:
    return sa.engine.make_url(db_url).get_backend_name()


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


def _postgres_engine(db_url: sa.engine.URL, **options) -> Engine:
    if db_url.drivername in ("postgresql", "postgres"):
        db_url = db_url.set(drivername="postgresql+psycopg")
    eng = sa.create_engine(db_url, pool_size=5, max_overflow=10, **options)
    sa.event.listen(eng, "checkout", _alive)
    return eng


def _alive(dbapi_conn, _record, _proxy) -> None:
    """A pooled PostgreSQL connection is handed out only if it still looks alive, else the pool opens a new one.

    In place of a ping (`SELECT 1`, a round trip at every checkout): an idle connection has nothing to read, and
    one the server ended (a restart, `pg_terminate_backend`, an idle timeout) has its farewell or end of file
    waiting, so a socket readable at checkout, or one psycopg knows is closed, is discarded (DisconnectionError
    makes the pool try another connection)."""
    if dbapi_conn.closed or getattr(dbapi_conn, "broken", False):
        raise sa.exc.DisconnectionError("the connection is closed")
    readable, _, _ = select.select([dbapi_conn.fileno()], [], [], 0)
    if readable:
        raise sa.exc.DisconnectionError("the server ended the connection while it was idle in the pool")


#: PostgreSQL engines for `reading()`, per (database URL, process): autocommit, so a read is its statements
#: alone, with no BEGIN and ROLLBACK round trips (under READ COMMITTED, each statement of a transaction took a
#: snapshot of its own anyway).
_READERS: dict[tuple[str, int], Engine] = {}


def _reader(db_url: str | None = None) -> Engine:
    """The engine `reading()` uses: `engine(db_url)` on SQLite, its autocommit twin on PostgreSQL."""
    eng = engine(db_url)
    if eng.dialect.name != "postgresql":
        return eng
    key = (db_url or url(), os.getpid())
    with _LOCK:
        if key not in _READERS:
            _READERS[key] = _postgres_engine(sa.engine.make_url(key[0]), isolation_level="AUTOCOMMIT")
        return _READERS[key]


def _bump(conn: Connection, clause, *_args) -> None:
    """After an INSERT, UPDATE or DELETE on a table of GENERATION_TABLES: bump the generation, same transaction."""
    if isinstance(clause, sa.sql.dml.UpdateBase) and getattr(clause.table, "name", None) in GENERATION_TABLES:
        conn.execute(G.update().where(G.c.id == 1).values(n=G.c.n + 1))


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
            sa.event.listen(_ENGINES[key], "after_execute", _bump)
        return _ENGINES[key]


def dispose_all() -> None:
    """Close every pooled connection of this process (tests that delete a database file, forks)."""
    with _LOCK:
        for eng in [*_ENGINES.values(), *_READERS.values()]:
            eng.dispose()
        _ENGINES.clear()
        _READERS.clear()
        for idle in _CHECKS.values():
            for raw in idle:
                raw.close()
        _CHECKS.clear()
        for key, gate in list(_GATES.items()):
            if gate.depth == 0 and gate.lock.acquire(blocking=False):  # not one a transaction is in
                try:
                    if gate.fd is not None:
                        os.close(gate.fd)
                        gate.fd = None
                    del _GATES[key]
                finally:
                    gate.lock.release()


class _WriteGate:
    """The queue of an embedded store's writers across processes: an exclusive `flock` on `<file>.write-lock`,
    taken before `BEGIN IMMEDIATE` (re-entrant within a thread of this process).

    SQLite's own busy handler waits for the write lock by sleeping and trying again (1, 2, 5, … up to 100 ms a
    try), so under twenty concurrent editors the lock often stands free while every writer sleeps; a blocked
    `flock` is woken by the kernel the moment the lock is released. It is released when the process dies, and it
    is only a queue: SQLite's lock (and its busy timeout, for any writer that does not queue here) still decides.
    """

    def __init__(self, path: str):
        self.path, self.lock, self.depth, self.fd = path, threading.RLock(), 0, None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self.lock:
            if self.depth == 0:
                if self.fd is None:
                    self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self.fd, fcntl.LOCK_EX)
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
                if self.depth == 0:
                    fcntl.flock(self.fd, fcntl.LOCK_UN)


#: The write queue of each embedded store file, per process.
_GATES: dict[tuple[str, int], _WriteGate] = {}


def _gate(eng: Engine) -> _WriteGate | None:
    """The write queue of `eng`'s database in this process (None: PostgreSQL, or an in-memory SQLite)."""
    database = eng.url.database if eng.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        return None
    key = (os.path.abspath(database), os.getpid())  # a forked worker must not share its parent's lock file
    with _LOCK:
        if key not in _GATES:
            _GATES[key] = _WriteGate(f"{key[0]}.write-lock")
        return _GATES[key]


@contextmanager
def transaction(db_url: str | None = None) -> Iterator[Connection]:
    """One transaction on the store: committed when the block ends, rolled back when it raises."""
    eng = engine(db_url)
    schema_setup.ensure(eng)
    gate = _gate(eng)
    if gate is None:
        with eng.begin() as conn:
            yield conn
        return
    with gate.held(), eng.begin() as conn:
        yield conn


@contextmanager
def reading(db_url: str | None = None) -> Iterator[Connection]:
    """A connection for reads: on SQLite a deferred transaction (one snapshot); on PostgreSQL autocommit, each
    statement reading the latest commit (as each did in a READ COMMITTED transaction), in one round trip."""
    eng = engine(db_url)
    schema_setup.ensure(eng)
    with _reader(db_url).connect() as conn:
        conn.execution_options(gislayout_reads_only=True)
        yield conn


def _check_connection(db_url: str):
    """A new DBAPI connection for the generation check (autocommit: each read sees the latest commit)."""
    eng = engine(db_url)
    schema_setup.ensure(eng)
    cargs, cparams = eng.dialect.create_connect_args(eng.url)
    if eng.dialect.name == "sqlite":
        raw = sqlite3.connect(*cargs, timeout=SQLITE_BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None)
        raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    else:
        raw = eng.dialect.connect(*cargs, **cparams)
        raw.autocommit = True
    return raw


def _check(db_url: str | None, vid: str | None) -> tuple[str, int | None]:
    """(generation stamp, revision of `vid` or None) in one query, on a kept connection (one retry on a new one)."""
    db_url = db_url or url()
    key = (db_url, os.getpid())
    sql = _SQL[backend(db_url)][vid is not None]
    with _LOCK:
        idle = _CHECKS.setdefault(key, [])
        raw = idle.pop() if idle else None
    for attempt in (1, 2):
        if raw is None:
            raw = _check_connection(db_url)
        try:
            rows = raw.execute(sql, (vid,) if vid is not None else ()).fetchall()
            break
        except Exception:  # a dropped connection (server restart): once more on a new one
            raw.close()
            raw = None
            if attempt == 2:
                raise
    with _LOCK:
        _CHECKS.setdefault(key, []).append(raw)
    epoch, n, revision = rows[0] if rows else ("none", 0, None)
    return f"{epoch}:{n}", (None if revision is None else int(revision))


def generation(db_url: str | None = None) -> str:
    """The store's generation stamp (`epoch:n`): one indexed read, once per `dataversion.scope()`."""
    db_url = db_url or url()
    return dataversion.once(("store generation", db_url), lambda: _check(db_url, None)[0])


def version_stamp(vid: str, db_url: str | None = None) -> int | None:
    """The revision of version `vid` (None if there is none), read in the one query that also reads the
    generation, which the rest of the request's `dataversion.scope()` then uses."""
    db_url = db_url or url()
    stamp, revision = _check(db_url, vid)
    dataversion.remember(("store generation", db_url), stamp)
    return revision
