"""Shared fixtures: the app, its test client and CLI runner, a live server on 127.0.0.1, and data paths.

The tests never see the developer's `build/` or `instance/`: before anything is imported, the defaults of
`gislayout.config` are pointed (through the environment) at the shipped `layers/` and at a build directory of
this session, and the instance folder at an empty one. Boundaries are built there once, on first use.
"""

from __future__ import annotations

import atexit
import functools
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


def in_ci() -> bool:
    """True when the CI environment variable says we run in CI (as tests/pgfixtures.py reads it)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def needs_shared(path: Path):
    """Skip cleanly when a file from ../shared is not there, except in CI (`CI=true`), where CI has ../shared
    beside the checkout: there a missing file fails the test instead of letting it pass by skipping."""
    if in_ci() and not path.exists():
        def fail(*_args, **_kwargs):
            pytest.fail(f"{path} is missing, and CI must have ../shared (tests/conftest.py SHARED)", pytrace=False)
        return lambda test: functools.wraps(test)(lambda *a, **k: fail()) if callable(test) else test
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


def closing(app):
    """`app` with every response read whole and closed before it is sent.

    werkzeug's development server closes a response only at the end of a `finally` that first drains the
    request socket; when the browser drops the connection meanwhile (a reload while /static/atlas/favicon.svg
    is in flight), that drain raises and the response's open file is never closed: an unraisable
    ResourceWarning that `filterwarnings = error` turns into a failure of whichever test is running then.
    """
    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return wsgi


@contextmanager
def serve(app):
    """Serve `app` over real HTTP on 127.0.0.1 in a thread (responses buffered and closed: `closing`);
    yields its base URL."""
    server = make_server("127.0.0.1", 0, closing(app), threaded=True)
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
