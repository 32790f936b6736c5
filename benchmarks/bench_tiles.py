"""Tile throughput: our resource tiles against titiler serving the same COG, over loopback, in the same run.

    python benchmarks/bench_tiles.py [--resource gwa3_ws100_025] [--seconds 10] [--zoom 8]

Both servers get 2 worker processes on 127.0.0.1 and are measured one after the other (never at once) with
wrk (-t2 -c16), cycling through the same list of tiles that cover the raster at `--zoom`, `--runs` times each
with both workers busy (the fastest is kept, see `best_of`; every run is printed with its workers' split of the CPU):
ours at `/api/resources/<name>/tiles/{z}/{x}/{y}.png` (gunicorn), titiler 2.4.0 at
`/cog/tiles/WebMercatorQuad/{z}/{x}/{y}.png?url=<the COG>&bidx=1&rescale=vmin,vmax&colormap_name=...`
(uvicorn), i.e. the same read, rescale and colour work. Each tile is fetched once before wrk runs, so the figures
are for a running server; ours keeps rendered tiles per data version and titiler has no tile cache, so a
"first request" pass (every tile of the next zoom fetched once, sequentially, cold) is reported as well.

titiler is a benchmark-only dependency, installed into its own venv (`TITILER_VENV`, default
/tmp/gislayout-titiler-venv) so that it cannot move the project's pins: titiler.application==2.4.0,
titiler-core==2.4.0 and uvicorn. The resource must be installed (`flask --app app resources ...`); the build
directory is GISLAYOUT_BUILD_DIR, as for the app.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TITILER_VENV = Path(os.environ.get("TITILER_VENV", "/tmp/gislayout-titiler-venv"))
TITILER_PINS = ("titiler.application==2.4.0", "titiler-core==2.4.0", "uvicorn")
LUA = """
local paths = {}
for line in io.lines(os.getenv("TILES_FILE")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
"""


def tiles_over(west: float, south: float, east: float, north: float, z: int) -> list[tuple[int, int, int]]:
    """Every XYZ tile at zoom `z` that meets the lon/lat box."""
    n = 2 ** z

    def col(lon):
        return int((lon + 180) / 360 * n)

    def row(lat):
        r = math.radians(lat)
        return int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
    return [(z, x, y) for x in range(col(west), col(east) + 1) for y in range(row(north), row(south) + 1)]


def titiler_python() -> Path:
    """The python of a venv holding titiler (made on first use)."""
    python = TITILER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(TITILER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *TITILER_PINS], check=True)
    return python


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and the pid of its master process."""
    base: str
    pid: int

    def workers(self) -> list[int]:
        """The pids of the master's child processes (its workers)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return [int(pid) for pid in children]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds process `pid` has used so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(cmd: list[str], port: int, probe: str, env: dict | None = None):
    """Run `cmd` until the block ends (a Server); wait until `probe` answers 200."""
    log = open(Path(tempfile.gettempdir()) / f"bench-tiles-{port}.log", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=log, stderr=log)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe}", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"server {cmd[0]} did not start; see {log.name}")
        yield Server(f"http://127.0.0.1:{port}", proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def fetch_all(base: str, paths: list[str]) -> list[float]:
    """Fetch every path once, sequentially; the latency of each in ms (asserting a PNG)."""
    times = []
    for path in paths:
        t0 = time.perf_counter()
        with urllib.request.urlopen(base + path, timeout=60) as resp:
            body = resp.read()
        times.append((time.perf_counter() - t0) * 1000)
        assert resp.status == 200 and body[:4] == b"\x89PNG", (path, resp.status)
    return times


def wrk(srv: Server, paths: list[str], seconds: int) -> dict:
    """wrk -t2 -c16 cycling through `paths`: requests/s, mean and p99 latency, non-2xx count, and each busy
    worker's share of the server's CPU in that run (`split`, e.g. [0.5, 0.5]; [1.0] if one worker did it all)."""
    workers = srv.workers()
    before = [cpu_seconds(pid) for pid in workers]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "paths.txt").write_text("\n".join(paths) + "\n")
        (Path(tmp) / "cycle.lua").write_text(LUA)
        out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(Path(tmp) / "cycle.lua"),
                              srv.base], env={**os.environ, "TILES_FILE": str(Path(tmp) / "paths.txt")},
                             capture_output=True, text=True, check=True).stdout
    used = [cpu_seconds(pid) - start for pid, start in zip(workers, before)]
    busy = sorted((u for u in used if u > 0.02 * sum(used)), reverse=True)

    def ms(text: str) -> float:
        found = re.match(r"([\d.]+)(us|ms|s|m|h)$", text)
        if found is None:
            raise SystemExit(f"cannot read wrk's latency {text!r} in:\n{out}")
        value, unit = found.groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}[unit]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "mean_ms": ms(re.search(r"Latency\s+(\S+)", out).group(1)),
            "p99_ms": ms(re.search(r"99%\s+(\S+)", out).group(1)), "non2xx": int(bad.group(1)) if bad else 0,
            "split": [round(u / sum(busy), 2) for u in busy],
            "cpu_ms": sum(used) / max(requests, 1) * 1000}


def balanced(r: dict) -> bool:
    """Whether both workers did at least a third of the run's work."""
    return len(r["split"]) >= 2 and min(r["split"][:2]) >= 1 / 3


def best_of(srv: Server, paths: list[str], seconds: int, runs: int) -> dict:
    """The fastest of `runs` wrk runs in which both workers were busy, with every run tried (requests/s and worker
    split) under "runs" and "balanced" False when no run had both workers busy.

    wrk opens its 16 connections at the start of a run; a server that keeps connections open (uvicorn, gthread)
    serves each on the worker that accepted it, and one worker may accept all 16 while the other idles: that run
    is the server at half its strength (titiler: 262 against 594 req/s), so runs are tried until `runs` of them had
    both workers busy (at most 3 × `runs` tries).
    """
    tried: list[dict] = []
    while sum(map(balanced, tried)) < runs and len(tried) < 3 * runs:
        tried.append(wrk(srv, paths, seconds))
    fair = [r for r in tried if balanced(r)]
    return max(fair or tried, key=lambda r: r["rps"]) | {
        "runs": [(r["rps"], r["split"]) for r in tried], "balanced": bool(fair)}


def report(name: str, r: dict) -> str:
    """One line of a result: requests/s, latency, failures, server CPU per request and the runs' worker splits."""
    runs = "; ".join(f"{rps:.0f} ({'/'.join(f'{share:.0%}' for share in split)})" for rps, split in r["runs"])
    warning = "" if r["balanced"] else "  NO RUN HAD BOTH WORKERS BUSY: this is one worker's figure"
    return (f"{name:18s} {r['rps']:9.1f} req/s  mean {r['mean_ms']:7.2f} ms  p99 {r['p99_ms']:7.2f} ms  "
            f"non-2xx {r['non2xx']}  server CPU {r['cpu_ms']:.2f} ms/request  runs: {runs}{warning}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resource", default="gwa3_ws100_025")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--zoom", type=int, default=8)
    ap.add_argument("--runs", type=int, default=3,
                    help="wrk runs per server with both workers busy; the fastest is kept")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install wrk)")

    from gislayout.resources import colormap, registry, store
    registry.require(args.resource)
    cog = store.tif_path(args.resource).resolve()
    cmap = colormap(args.resource)
    (south, west), (north, east) = registry.entry(registry.get_spec(args.resource))["bounds"]
    tiles = tiles_over(west, south, east, north, args.zoom)
    cold = tiles_over(west, south, east, north, args.zoom + 1)
    ours = [f"/api/resources/{args.resource}/tiles/{z}/{x}/{y}.png" for z, x, y in tiles]
    ours_cold = [f"/api/resources/{args.resource}/tiles/{z}/{x}/{y}.png" for z, x, y in cold]
    colour = "blues" if "w" in args.resource else "oranges"
    query = f"?url={cog}&bidx=1&rescale={cmap.vmin},{cmap.vmax}&colormap_name={colour}"
    theirs = [f"/cog/tiles/WebMercatorQuad/{z}/{x}/{y}.png{query}" for z, x, y in tiles]
    theirs_cold = [f"/cog/tiles/WebMercatorQuad/{z}/{x}/{y}.png{query}" for z, x, y in cold]
    print(f"{args.resource}: {cog} ({len(tiles)} tiles at z={args.zoom}; cold pass {len(cold)} at z={args.zoom + 1})")

    results = {}
    env = {"GISLAYOUT_BUILD_DIR": str(store.root().parent)}
    with server([sys.executable, "-m", "gunicorn", "-w", "2", "-b", "127.0.0.1:8031", "app:app"], 8031,
                ours[0], env) as srv:
        cold_ms = fetch_all(srv.base, ours_cold)
        fetch_all(srv.base, ours)
        results["gislayout"] = best_of(srv, ours, args.seconds, args.runs) | {
            "cold_median_ms": statistics.median(cold_ms)}
    python = titiler_python()
    with server([str(python), "-m", "uvicorn", "titiler.application.main:app", "--workers", "2", "--host",
                 "127.0.0.1", "--port", "8032", "--log-level", "warning"], 8032, theirs[0]) as srv:
        cold_ms = fetch_all(srv.base, theirs_cold)
        fetch_all(srv.base, theirs)
        results["titiler"] = best_of(srv, theirs, args.seconds, args.runs) | {
            "cold_median_ms": statistics.median(cold_ms)}

    for name, r in results.items():
        print(f"{report(name, r)}  first-request median {r['cold_median_ms']:.1f} ms")
    ratio = results["gislayout"]["rps"] / results["titiler"]["rps"]
    print(f"ratio: {ratio:.1f}x titiler's requests per second (target >= 20x: {'ok' if ratio >= 20 else 'MISS'}); "
          f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if results["gislayout"]["non2xx"] or results["titiler"]["non2xx"]:
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
