"""`fetch` against fixture files served on 127.0.0.1: success, a 404, truncated downloads, a bad checksum."""

from __future__ import annotations

import hashlib
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gislayout import resources
from gislayout.errors import BadParameter, InvalidData, ResourceUnavailable
from gislayout.resources import store
from gislayout.web import create_app

from .fixtures.resources import synth


class Handler(SimpleHTTPRequestHandler):
    """Serves the folder. `/cut/…` promises the whole file and sends half; `/cut-nolength/…` sends half, unannounced."""

    def log_message(self, *args):  # keep the test output quiet
        pass

    def do_GET(self):
        for prefix, promise in (("/cut/", True), ("/cut-nolength/", False)):
            if self.path.startswith(prefix):
                data = (self.server.folder / self.path[len(prefix):]).read_bytes()
                self.send_response(200)
                if promise:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.close_connection = True
                return
        super().do_GET()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A static file server on 127.0.0.1 holding a GSA-like zip and GWA-like GeoTIFFs at the GIS API's paths."""
    folder = tmp_path_factory.mktemp("www")
    synth.gsa_zip(folder / "gsa.zip")
    for layer in ("wind-speed", "power-density"):
        (folder / "gwa" / layer).mkdir(parents=True)
        synth.gwa_tif(folder / "gwa" / layer / "100", layer)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
    httpd.folder = folder
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", folder
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def build_dir(tmp_path):
    with synth.use_build_dir(synth.fresh_build_dir(tmp_path, with_estimate=True)) as path:
        yield path


@pytest.fixture()
def app(build_dir):
    """The app on this build directory, so requests and CLI commands see what the tests install."""
    return create_app({"TESTING": True, "BUILD_DIR": build_dir})


def _nothing_half_installed():
    assert set(store.installed_meta()) == {"ghi_estimate"}
    leftovers = [p.name for p in store.root().rglob("*") if p.is_file() and not p.name.startswith("ghi_estimate")]
    assert leftovers == []


def test_fetch_gsa_installs_and_replaces_the_estimate(server, build_dir):
    base, folder = server
    digest = hashlib.sha256((folder / "gsa.zip").read_bytes()).hexdigest()
    assert sorted(resources.fetch("gsa", url=f"{base}/gsa.zip", sha256=digest)) == ["gsa_elevation", "gsa_ghi"]
    assert resources.default_for("ghi") == "gsa_ghi"
    assert store.installed_meta()["gsa_ghi"]["origin"] == f"downloaded from {base}/gsa.zip"
    assert not list((store.root() / "downloads").iterdir())


def test_fetch_gwa_through_the_cli_with_a_url_template(server, build_dir, runner):
    base, _ = server
    result = runner.invoke(args=["resources", "fetch", "gwa", "--url", base + "/gwa/{layer}/{height}"])
    assert result.exit_code == 0, result.output
    assert "gwa_ws100" in result.output and "gwa_pd100" in result.output
    assert resources.default_for("wind_speed") == "gwa_ws100"
    assert resources.default_for("wind_power_density") == "gwa_pd100"
    value = resources.point(100.45, 38.93)["resources"]
    speed = next(v for v in value if v["name"] == "gwa_ws100")["value"]
    assert speed == pytest.approx(synth.wind_speed(100.45, 38.93), abs=0.02)


def test_fetch_address_from_the_environment(server, build_dir, monkeypatch):
    base, _ = server
    monkeypatch.setenv("GISLAYOUT_GSA_URL", f"{base}/gsa.zip")
    assert "gsa_ghi" in resources.fetch("gsa")


@pytest.mark.parametrize("path, error, fragment", [
    ("/missing.zip", ResourceUnavailable, "HTTP 404"),
    ("/cut/gsa.zip", InvalidData, "truncated: got"),
    ("/cut-nolength/gsa.zip", InvalidData, "not a readable zip"),
])
def test_failed_downloads_leave_nothing_installed(server, build_dir, path, error, fragment):
    base, _ = server
    with pytest.raises(error, match=fragment):
        resources.fetch("gsa", url=base + path)
    _nothing_half_installed()


def test_a_truncated_gwa_file_installs_neither_layer(server, build_dir, runner):
    base, _ = server
    result = runner.invoke(args=["resources", "fetch", "gwa", "--url", base + "/cut/gwa/{layer}/{height}"])
    assert result.exit_code != 0 and "truncated" in result.output
    _nothing_half_installed()


def test_checksum_mismatch_is_refused(server, build_dir):
    base, _ = server
    with pytest.raises(InvalidData, match="checksum"):
        resources.fetch("gsa", url=f"{base}/gsa.zip", sha256="0" * 64)
    _nothing_half_installed()


def test_unreachable_address_says_how_to_import_offline(build_dir):
    with pytest.raises(ResourceUnavailable, match="import FILE"):
        resources.fetch("gsa", url="http://127.0.0.1:9/gsa.zip")


@pytest.mark.parametrize("source, url, fragment", [
    ("solar", None, "'solar'"),
    ("gwa", "http://127.0.0.1:9/no-template", "{layer}"),
    ("gsa", "ftp://example.invalid/x.zip", "'ftp://example.invalid/x.zip'"),
])
def test_bad_fetch_arguments_are_named(build_dir, source, url, fragment):
    with pytest.raises(BadParameter, match=fragment.replace("{", r"\{").replace("}", r"\}")):
        resources.fetch(source, url=url)
