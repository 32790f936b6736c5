"""Every worker gives the same, new answer: the README's production command, two real gunicorn workers.

The server runs `gunicorn -w 2 -b 127.0.0.1:<port> app:app` (no --preload) on a copy of `layers/` and a
build directory of its own. Responses carry no worker id in production; the test-only switch
`GISLAYOUT_TEST_WORKER_HEADER=1` adds the worker's pid, so the test can show that both workers answered.
After (a) an edit of a layer file, (b) the eviction of an exclusion set and (c) a reinstall of a resource
under the same name, at least 40 requests spread over both workers all get the new answer.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from .conftest import ROOT
from .fixtures.resources import synth

pytestmark = pytest.mark.skipif(shutil.which("gunicorn") is None and not (Path(sys.executable).parent / "gunicorn").exists(),
                                reason="needs gunicorn (pip install gunicorn)")

N = 40
HEADER = "X-Gislayout-Worker"
PARK = "park_lanzhou_hitech"
SITE = (100.45, 38.93)  # Zhangye, inside Gansu and inside the synthetic rasters


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class Server:
    """A gunicorn process group on a free port, with the environment the test gives it."""

    def __init__(self, env: dict[str, str]):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(env["GISLAYOUT_BUILD_DIR"]).parent / "gunicorn.log"
        gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn")
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([gunicorn, "-w", "2", "-b", f"127.0.0.1:{self.port}", "app:app"],
                                         cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                if _get(self.url + "/api/formats")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn not ready after {timeout} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def spread(self, paths: list[str], n: int = N, cap: int = 400) -> list[tuple[str, int, dict, bytes]]:
        """At least `n` requests cycling over `paths`, 4 at a time, until both workers have answered."""
        out: list[tuple[str, int, dict, bytes]] = []
        with ThreadPoolExecutor(4) as pool:
            while len(out) < n or len({r[2].get(HEADER) for r in out}) < 2:
                assert len(out) < cap, f"only workers {sorted({r[2].get(HEADER) for r in out})} answered"
                batch = [paths[(len(out) + i) % len(paths)] for i in range(8)]
                out += [(p, *r) for p, r in zip(batch, pool.map(lambda p: _get(self.url + p), batch))]
        pids = {r[2].get(HEADER) for r in out}
        assert len(pids) == 2 and None not in pids, pids
        return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Two gunicorn workers on a copy of the layers and of the session's build (boundaries and GHI estimate)."""
    root = tmp_path_factory.mktemp("multiworker")
    layers_dir, build_dir = root / "layers", root / "build"
    shutil.copytree(ROOT / "layers", layers_dir)
    shutil.copytree(synth.session_build_dir(), build_dir)  # symlinks followed: a build of its own
    (root / "instance").mkdir()
    env = dict(os.environ, GISLAYOUT_LAYERS_DIR=str(layers_dir), GISLAYOUT_BUILD_DIR=str(build_dir),
               GISLAYOUT_INSTANCE_PATH=str(root / "instance"), GISLAYOUT_TEST_WORKER_HEADER="1",
               GISLAYOUT_MAX_EXCLUSION_SETS="2", PYTHONPATH=str(ROOT))
    srv = Server(env)
    srv.env, srv.root, srv.layers_dir = env, root, layers_dir
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


def _park_name(path: str, body: bytes) -> str:
    if "format=csv" in path:
        rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
        return next(r["name_en"] for r in rows if r["id"] == PARK)
    features = json.loads(body)["features"]
    return next(f["properties"]["name_en"] for f in features if f["properties"]["id"] == PARK)


def test_a_layer_edit_is_seen_by_every_worker(server):
    paths = ["/api/layers/parks", "/api/layers/parks?format=csv", "/api/layers"]
    before = server.spread(paths)  # both workers have the old rows cached now
    count = next(c["count"] for c in json.loads(before[2][3]) if c["name"] == "parks")
    old = {_park_name(p, body) for p, status, _, body in before if p != "/api/layers"}
    assert old == {"Lanzhou High-tech Industrial Development Zone"}

    parks = pd.read_csv(server.layers_dir / "parks.csv", dtype=str, keep_default_na=False)
    parks.loc[parks["id"] == PARK, "name_en"] = "Lanzhou Renamed Zone"
    extra = parks[parks["id"] == PARK].assign(id="park_test_extra")
    pd.concat([parks, extra]).to_csv(server.layers_dir / "parks.csv", index=False)

    # the old poisoning: the bundle revalidated one worker's rows while its GeoJSON came from stale rows
    assert _get(server.url + "/api/bundle.zip")[0] == 200
    after = server.spread(paths + ["/api/bundle.zip"])
    for path, status, _, body in after:
        assert status == 200, (path, body[:300])
        if path == "/api/layers":
            assert next(c["count"] for c in json.loads(body) if c["name"] == "parks") == count + 1
        elif path.startswith("/api/layers/parks"):
            assert _park_name(path, body) == "Lanzhou Renamed Zone", path


def _upload(server, west: float) -> str:
    polygon = {"type": "Polygon", "coordinates": [[[west, 38.0], [west + 0.5, 38.0], [west + 0.5, 38.5],
                                                   [west, 38.5], [west, 38.0]]]}
    body = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": polygon}]}).encode()
    boundary = "gislayoutboundary"
    data = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.geojson\"\r\n"
            f"Content-Type: application/geo+json\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
    status, _, out = _get(server.url + "/api/siting/exclusions", data,
                          {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status in (200, 201), out[:300]
    return json.loads(out)["id"]


def test_an_evicted_exclusion_set_is_gone_on_every_worker(server):
    ident = _upload(server, 100.0)
    run = f"/api/siting/run?tech=pv&exclude={ident}"
    used = server.spread([run, f"/api/siting/exclusions/{ident}"])  # the mask is cached in both workers
    assert all(status == 200 for _, status, _, _ in used), [b[:200] for _, s, _, b in used if s != 200]

    _upload(server, 101.0)
    _upload(server, 102.0)  # the cap is 2: the least recently used set goes
    assert not (Path(server.env["GISLAYOUT_BUILD_DIR"]) / "siting" / "exclusions" / f"{ident}.geojson").exists()
    gone = server.spread([run, f"/api/siting/exclusions/{ident}", f"/api/siting/tiles/8/195/96.png?tech=pv&exclude={ident}"])
    for path, status, _, body in gone:
        assert status == 404 and ident in json.loads(body)["message"], (path, status, body[:200])


def _import(server, tif: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "resources", "import", str(tif)],
                            cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "gwa_ws100" in result.stdout, result.stdout + result.stderr


def _wind(body: bytes) -> float:
    return next(r["value"] for r in json.loads(body)["resources"] if r["name"] == "gwa_ws100")


def test_a_reinstalled_resource_is_seen_by_every_worker(server):
    first, second = server.root / "a", server.root / "b"
    first.mkdir()
    second.mkdir()
    _import(server, synth.gwa_tif(first / "CHN_wind-speed_100m.tif", "wind-speed"))
    point = f"/api/point?lon={SITE[0]}&lat={SITE[1]}"
    paths = [point, "/api/resources/gwa_ws100/tiles/8/195/96.png", "/api/resources/gwa_ws100/tiles/10/780/387.png"]
    before = server.spread(paths)
    old = {_wind(body) for p, _, _, body in before if p == point}
    assert len(old) == 1 and old.pop() == pytest.approx(synth.wind_speed(*SITE), abs=0.05)
    old_png = {p: body for p, _, _, body in before if p != point}
    assert all(h.get("Cache-Control") == "no-cache" for p, _, h, _ in before if p != point)

    faster, transform = synth.field_4326(lambda lon, lat: synth.wind_speed(lon, lat) + 3.0)
    _import(server, synth.write(second / "CHN_wind-speed_100m.tif", faster, "EPSG:4326", transform))
    after = server.spread(paths)
    for path, status, _, body in after:
        assert status == 200, (path, body[:200])
        if path == point:
            assert _wind(body) == pytest.approx(synth.wind_speed(*SITE) + 3.0, abs=0.05)
        else:
            assert body != old_png[path], path
