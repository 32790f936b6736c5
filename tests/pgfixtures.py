"""Fixtures for the store on both backends: `postgis_server`, `postgis_url`, `postgis_database`, `store_url`.

`store_url` is parametrized over the two backends, so a test that takes it runs twice: on the embedded default
(a GeoPackage file in the test's temporary directory) and on PostgreSQL + PostGIS (an empty database of its own,
dropped afterwards). Without PostgreSQL the PostGIS half is skipped on a developer's machine, but fails under
CI (`CI` set and not "false"/"0"): CI must never pass by silently skipping PostGIS.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from typing import Iterator

import pytest

from . import pgcluster


def in_ci() -> bool:
    """True when the CI environment variable says we run in CI."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def postgis_server() -> Iterator[pgcluster.PgServer]:
    """The session's PostgreSQL + PostGIS server (`GISLAYOUT_TEST_POSTGIS_URL`, or a throwaway cluster)."""
    with ExitStack() as stack:
        try:
            pg = stack.enter_context(pgcluster.server())
        except pgcluster.ClusterUnavailable as exc:
            missing = str(exc)  # failed or skipped below, outside the except: no chained traceback
        else:
            yield pg
            return
    if in_ci():
        pytest.fail(f"PostGIS is required in CI: {missing}", pytrace=False)
    pytest.skip(missing)


@pytest.fixture(scope="session")
def postgis_url(postgis_server: pgcluster.PgServer) -> Iterator[str]:
    """The URL of one PostGIS database shared by the whole session (postgresql://…)."""
    url = postgis_server.create_database("gislayout_session")
    yield url
    _forget_connections()
    postgis_server.drop_database(url)


@pytest.fixture()
def postgis_database(postgis_server: pgcluster.PgServer) -> Iterator[str]:
    """The URL of an empty PostGIS database for this test alone, dropped afterwards."""
    url = postgis_server.create_database()
    yield url
    _forget_connections()
    postgis_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A store database of this test alone: a GeoPackage file, then (second run) a PostGIS database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.gpkg"
    return request.getfixturevalue("postgis_database")


def _forget_connections() -> None:
    """Close this process's pooled connections before their database goes."""
    from gislayout.store import db
    db.dispose_all()
