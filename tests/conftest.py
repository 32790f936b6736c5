"""Shared fixtures: the app, its test client and CLI runner, a live server on 127.0.0.1, and data paths.

The tests never see the developer's `build/` or `instance/`: before anything is imported, the defaults of
`gislayout.config` are pointed (through the environment) at the shipped `layers/` and at a build directory of
this session, and the instance folder at an empty one. Boundaries are built there once, on first use.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
#: The session's own build directory and (empty) instance folder; removed at exit.
SESSION_DIR = Path(tempfile.mkdtemp(prefix="gislayout-tests-"))
atexit.register(shutil.rmtree, SESSION_DIR, True)
os.environ["GISLAYOUT_LAYERS_DIR"] = str(ROOT / "layers")
os.environ["GISLAYOUT_BUILD_DIR"] = str(SESSION_DIR / "build")
os.environ["GISLAYOUT_INSTANCE_PATH"] = str(SESSION_DIR / "instance")
for _name in ("GISLAYOUT_TEST_WORKER_HEADER", "GISLAYOUT_TIANDITU_KEY", "GISLAYOUT_MAX_EXCLUSION_SETS",
              "GISLAYOUT_DATABASE_URL"):
    os.environ.pop(_name, None)

from gislayout import config  # noqa: E402  (after the environment is set)
from gislayout.web import create_app  # noqa: E402

from .pgfixtures import postgis_database, postgis_server, postgis_url, store_url  # noqa: E402,F401  (fixtures)
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
    """The app on the session's build directory and the shipped layers."""
    app = create_app({"TESTING": True})
    yield app


@pytest.fixture()
def layers_copy(tmp_path):
    """A copy of the shipped layers, active for library calls during the test; yields its path.

    An app serving it: `create_app({"TESTING": True, "LAYERS_DIR": layers_copy})`.
    """
    copy = tmp_path / "layers"
    shutil.copytree(config.settings().layers_dir, copy)
    with config.use(config.settings().replace(layers_dir=copy)):
        yield copy


@contextmanager
def serve(app):
    """Serve `app` over real HTTP on 127.0.0.1 in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def live_server(app):
    """The app served over real HTTP on 127.0.0.1; yields its base URL."""
    with serve(app) as url:
        yield url
