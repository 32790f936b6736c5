"""A throwaway PostgreSQL + PostGIS cluster for the tests and benchmarks, and fresh databases in it.

`server()` gives a `PgServer`: the one named by `GISLAYOUT_TEST_POSTGIS_URL` when that is set (its role must
be allowed to create databases), else a cluster of our own made with Debian's PostgreSQL 15 binaries
(`postgresql-15-postgis-3`) in a temporary directory, listening on 127.0.0.1 and a free port, with its unix
sockets in that directory and trust authentication for local and loopback connections. initdb refuses to run
as root, and CI runs as root, so the binaries then run as the `postgres` system user that the Debian package
creates. Nothing here imports pytest: `benchmarks/bench_store.py` uses it too.

Databases are copied from one template that already has the PostGIS extension (creating the extension takes
about a second; copying a database a fraction of that), so every test can have an empty database of its own.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

ENV_URL = "GISLAYOUT_TEST_POSTGIS_URL"
BIN_DIRS = [Path("/usr/lib/postgresql/15/bin")]
#: The system user that owns a cluster we start as root (made by Debian's postgresql-common).
PG_USER = "postgres"


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL to test against: neither a URL in the environment nor the binaries to start one."""


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl (Debian's PostgreSQL 15), or None."""
    extra = [Path(p) for p in os.environ.get("GISLAYOUT_TEST_PG_BINDIR", "").split(os.pathsep) if p]
    for bindir in extra + BIN_DIRS:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` instead (same host, port, user and options)."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _libpq(url: str) -> str:
    """The libpq form of a SQLAlchemy URL (psycopg does not know `postgresql+psycopg://`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgServer:
    """A PostgreSQL server we may create databases in; `url` is its maintenance database."""

    def __init__(self, url: str):
        self.url = url
        self.template = f"gislayout_tmpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.template)))
        with psycopg.connect(_libpq(_with_database(url, self.template)), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(_libpq(self.url), autocommit=True)

    def create_database(self, prefix: str = "gislayout_test") -> str:
        """A new, empty database with PostGIS; returns its SQLAlchemy URL (postgresql://…)."""
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with self._admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                          sql.Identifier(self.template)))
        return _with_database(self.url, name)

    def drop_database(self, url: str) -> None:
        """Drop the database of `url`, ending any connection still open to it (a killed server's, a pool's)."""
        name = make_url(url).database
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def close(self) -> None:
        """Drop the template (the databases made from it are dropped by their users)."""
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.template)))


class Cluster:
    """A PostgreSQL cluster in a temporary directory, run as `postgres` when we are root."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                self.owner = pwd.getpwnam(PG_USER)
            except KeyError as exc:
                raise ClusterUnavailable(f"running as root and there is no {PG_USER!r} system user to run "
                                         "initdb as (install postgresql-15, which creates it)") from exc
        # /tmp, not $TMPDIR: the postgres user must reach it, and a unix socket path has at most 107 bytes
        self.dir = Path(tempfile.mkdtemp(prefix="gislayout-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
        self.data, self.log = self.dir / "data", self.dir / "server.log"
        if self.as_root:
            os.chown(self.dir, self.owner.pw_uid, self.owner.pw_gid)
        self.port = 0

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", PG_USER, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.dir)

    def start(self) -> str:
        """initdb and start; returns the URL of the `postgres` database as the superuser."""
        done = self._run("initdb", "-D", str(self.data), "-U", PG_USER, "--auth=trust", "-E", "UTF8",
                         "--locale=C.UTF-8", "--no-sync")
        if done.returncode:
            raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        for attempt in range(5):  # a free port may be taken between our probe and the server's bind
            self.port = _free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c max_connections=200"
            done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60",
                             "start")
            if done.returncode == 0:
                return f"postgresql://{PG_USER}@127.0.0.1:{self.port}/postgres"
        log = self.log.read_text(errors="replace") if self.log.exists() else ""
        raise RuntimeError(f"pg_ctl start failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{log}")

    def stop(self) -> None:
        """Stop the server (fast: disconnect clients) and remove the directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def server() -> Iterator[PgServer]:
    """The PostgreSQL to test against, for the duration of the block (see the module docstring)."""
    if os.environ.get(ENV_URL):
        pg = PgServer(os.environ[ENV_URL])
        try:
            yield pg
        finally:
            pg.close()
        return
    bindir = find_bindir()
    if bindir is None:
        raise ClusterUnavailable(f"no PostgreSQL binaries in {', '.join(map(str, BIN_DIRS))} and {ENV_URL} is "
                                 "not set (apt-get install postgresql-15-postgis-3)")
    cluster = Cluster(bindir)
    try:
        pg = PgServer(_wait_ready(cluster.start()))
        yield pg  # no pg.close(): stopping the cluster removes everything
    finally:
        cluster.stop()


def _wait_ready(url: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(_libpq(url), connect_timeout=5):
                return url
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
