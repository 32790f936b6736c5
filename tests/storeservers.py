"""Real gunicorn servers on the plan store, an editor's API token, and a small keep-alive JSON client.

Used by the multi-process store tests (two servers on one PostgreSQL, a server killed mid-burst, conflicting
editors) and by `benchmarks/bench_store.py`. Each server is `gunicorn -w N -b 127.0.0.1:<port> app:app` in a
process group of its own, with its own instance folder and build directory, `GISLAYOUT_DATABASE_URL` naming
the store and one `GISLAYOUT_SECRET_KEY` shared by all servers of a test (as hosts behind one proxy share it).
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "store-tests-shared-secret"
EDITOR, PASSWORD = "editor_a", "correct horse battery staple"


def gunicorn() -> str | None:
    """The gunicorn executable of this interpreter's environment, or None."""
    beside = Path(sys.executable).parent / "gunicorn"
    return str(beside) if beside.exists() else shutil.which("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(root: Path, db_url: str, build_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a server (or a `flask` command) with its own instance folder under `root`."""
    (root / "instance").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, GISLAYOUT_INSTANCE_PATH=str(root / "instance"), GISLAYOUT_DATABASE_URL=db_url,
               GISLAYOUT_SECRET_KEY=SECRET_KEY, PYTHONPATH=str(ROOT), **extra)
    if build_dir is not None:
        env["GISLAYOUT_BUILD_DIR"] = str(build_dir)
    return env


def flask(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run `flask --app app ARGS` with `env`; returns stdout, fails loudly on a non-zero exit."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise AssertionError(f"flask {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def editor_token(env: dict[str, str], name: str = EDITOR, role: str = "editor") -> str:
    """Create account `name` with the CLI and return a fresh API token of it."""
    flask(env, "users", "add", name, "--role", role, "--password", PASSWORD)
    out = flask(env, "users", "token", name).split()
    assert out, "`flask users token` printed nothing"
    return out[-1]


class Server:
    """A gunicorn process group serving the store of `env`; `kill()` is SIGKILL to the whole group."""

    def __init__(self, env: dict[str, str], workers: int = 2, log: Path | None = None):
        self.env, self.workers = env, workers
        self.log = log or Path(env["GISLAYOUT_INSTANCE_PATH"]).parent / "gunicorn.log"
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "Server":
        """Start on a new free port and wait until it answers."""
        exe = gunicorn()
        assert exe, "needs gunicorn"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([exe, "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
                                          "--timeout", "120", "app:app"], cwd=ROOT, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                if Client(self.url).request("GET", "/api/versions")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn not ready after {timeout} s:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no shutdown code runs."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        """A graceful stop (SIGTERM), SIGKILL after 30 s."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Client:
    """JSON over one keep-alive HTTP connection (one per thread), with an optional bearer token."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 120):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.headers = {"Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: object = None,
                headers: dict[str, str] | None = None) -> tuple[int, object, dict[str, str]]:
        """(status, parsed JSON body or raw text, headers); OSError when the server is gone."""
        data = None if body is None else json.dumps(body).encode()
        hdrs = dict(self.headers, **(headers or {}))
        if data is not None:
            hdrs["Content-Type"] = "application/json"
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=data, headers=hdrs)
            resp = self.conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise ConnectionError(f"{method} {path}: {exc!r}") from exc
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return resp.status, parsed, dict(resp.getheaders())

    def ok(self, method: str, path: str, body: object = None, expect: tuple[int, ...] = (200, 201)) -> object:
        """The JSON body of a request that must succeed."""
        status, out, _ = self.request(method, path, body)
        assert status in expect, f"{method} {path} → {status}: {str(out)[:500]}"
        return out

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def branch(client: Client, name: str, parent: str = "2010") -> str:
    """Branch `parent`; returns the new version's id."""
    return client.ok("POST", "/api/versions", {"parent_id": parent, "name": name}, expect=(201,))["id"]


def features(client: Client, vid: str, layer: str) -> dict[str, dict]:
    """The current features of `layer` in version `vid`, by id."""
    out = client.ok("GET", f"/api/versions/{vid}/features?layer={layer}")
    return {f["id"]: f for f in out["features"]}


def point(lon: float, lat: float) -> dict:
    """A GeoJSON point."""
    return {"type": "Point", "coordinates": [lon, lat]}
