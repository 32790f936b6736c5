"""Shared fixtures: the app, its test client and CLI runner, a live server on 127.0.0.1, and data paths."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from gislayout.web import create_app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: Real data for validation, beside the checkout in CI; absent in a user's fresh clone.
SHARED = ROOT.parent / "shared"
STATIONS_CSV = SHARED / "data" / "stations" / "gansu_station_facts.csv"
ERA5_WIND_TIF = SHARED / "data" / "wind" / "gansu_era5land2024_ws10m_0p5deg.tif"
ARTIFACTS = ROOT / "test-artifacts"


def needs_shared(path: Path):
    """Skip cleanly when a file from ../shared is not there."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present (../shared is optional)")


requires_ogrinfo = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="needs GDAL's ogrinfo (gdal-bin)")


@pytest.fixture(scope="session")
def app():
    app = create_app({"TESTING": True})
    yield app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over real HTTP on 127.0.0.1; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
