"""The test databases themselves: `store_url` gives a working, empty store on each backend, and PostGIS is
never skipped silently in CI."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gislayout.store import db, models

from . import pgcluster, pgfixtures


def test_store_url_is_an_empty_migrated_store(store_url):
    with db.transaction(store_url) as conn:
        tables = set(sa.inspect(conn).get_table_names())
        assert {t.name for t in models.metadata.sorted_tables} <= tables, tables
        assert conn.execute(sa.select(sa.func.count()).select_from(models.features)).scalar_one() == 0
        if db.backend(store_url) == "postgresql":
            assert conn.execute(sa.text("SELECT PostGIS_Version()")).scalar_one()
            area = conn.execute(sa.text("SELECT ST_Area(ST_GeomFromText('POLYGON((0 0, 2 0, 2 1, 0 1, 0 0))'))"))
            assert area.scalar_one() == pytest.approx(2.0)
        else:  # the embedded store is a GeoPackage, whatever opens one (QGIS, GDAL) can read it
            assert conn.exec_driver_sql("PRAGMA application_id").scalar_one() == 0x47504B47  # 'GPKG'
            assert {"gpkg_contents", "gpkg_geometry_columns"} <= tables


def test_each_postgis_database_is_its_own(postgis_server, postgis_database):
    other = postgis_server.create_database()
    try:
        assert other != postgis_database and other.startswith("postgresql://")
        with db.transaction(postgis_database) as conn:
            conn.execute(sa.text("CREATE TABLE only_here (x int)"))
        with db.reading(other) as conn:
            assert "only_here" not in sa.inspect(conn).get_table_names()
    finally:
        db.dispose_all()
        postgis_server.drop_database(other)


def test_missing_binaries_are_reported_not_ignored(monkeypatch):
    monkeypatch.delenv(pgcluster.ENV_URL, raising=False)
    monkeypatch.delenv("GISLAYOUT_TEST_PG_BINDIR", raising=False)
    monkeypatch.setattr(pgcluster, "BIN_DIRS", [])
    with pytest.raises(pgcluster.ClusterUnavailable, match="postgresql-15-postgis-3"):
        with pgcluster.server():
            pass
    for value, expected in [("true", True), ("1", True), ("false", False), ("", False)]:
        monkeypatch.setenv("CI", value)
        assert pgfixtures.in_ci() is expected, value
