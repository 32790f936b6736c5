"""Point queries: ours against titiler's `/cog/point` on the same COG, over loopback, in the same run.

    python benchmarks/bench_point.py [--resource gwa3_ws100_025] [--seconds 10] [--points 64] [--profile 300]

Both servers get 2 worker processes on 127.0.0.1 and are measured one after the other (never at once) with
wrk (-t2 -c16), `--runs` times each, cycling through the same `--points` points on a grid over the Hexi corridor
(inside Gansu and inside the raster). The fastest run with both workers busy is kept: with connections kept open,
one of titiler's workers may accept all 16 and halve its figure, so such runs are printed (with every run's split
of the CPU between the workers) but not used.
Ours at `/api/point?lon=…&lat=…` (gunicorn -w 2, the README's sync workers, then `-k gthread --threads 2`, which
keeps connections open as uvicorn does; the value of every installed resource plus the prefecture, county, zones
and the nearest base, park, plant and substation), titiler 2.4.0 at `/cog/point/{lon},{lat}?url=<the COG>`
(uvicorn --workers 2; the value of that one COG). Each point is fetched once before wrk runs, so the figures are
for a running server. Targets (issue 21): ours ≥ 8× titiler's
requests per second, p99 ≤ 15 ms.

`--ceiling` also measures, on the same `gunicorn -w 2`, an empty WSGI app (what any Python app could reach in
this harness: the server's and the client's share of a request) and the point query without Flask (`bare_point`).

`--profile N` first times N point queries in process (Flask test client) and the data-version check alone,
and prints the top of a cProfile of those requests.

titiler runs from its own venv (`TITILER_VENV`, see `bench_tiles.py`). The resource must be installed
(`flask --app app resources ...`); the build directory is GISLAYOUT_BUILD_DIR, as for the app.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_tiles import best_of, report, server, titiler_python  # noqa: E402  (after the path is set)

#: Hexi corridor, where the wind and solar bases are: a box inside Gansu and inside every resource raster.
HEXI = (94.0, 38.8, 100.5, 40.6)


def points(n: int) -> list[tuple[float, float]]:
    """`n` points inside Gansu on a regular grid over HEXI (rounded to 0.001°; the box also holds some Qinghai)."""
    from gislayout.resources import places
    side = round((2 * n) ** 0.5) + 1
    west, south, east, north = HEXI
    grid = [(round(west + (east - west) * (i + 0.5) / side, 3), round(south + (north - south) * (j + 0.5) / side, 3))
            for i in range(side) for j in range(side)]
    inside = [p for p in grid if places.locator().place(*p) is not None]
    return inside[::max(1, len(inside) // n)][:n]


def fetch_json(base: str, paths: list[str]) -> None:
    """Fetch every path once (warm-up), failing on anything but 200."""
    import urllib.request
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=60) as resp:
            assert resp.status == 200, (path, resp.status)
            resp.read()


def profile(n: int, sample: list[tuple[float, float]]) -> None:
    """Time `n` point queries in process and the data-version check; print the top of their profile."""
    from gislayout import dataversion
    from gislayout.web import create_app
    app = create_app({"TESTING": True})
    client = app.test_client()
    urls = [f"/api/point?lon={lon}&lat={lat}" for lon, lat in sample]
    for url in urls:
        assert client.get(url).status_code == 200, url
    start = time.perf_counter()
    for i in range(n):
        client.get(urls[i % len(urls)])
    per_request = (time.perf_counter() - start) / n * 1000
    with app.app_context():
        start = time.perf_counter()
        for _ in range(n * 10):
            with dataversion.scope():
                dataversion.token()
        check_us = (time.perf_counter() - start) / (n * 10) * 1e6
    print(f"in process: {per_request:.3f} ms per point query (test client), data-version check {check_us:.1f} µs "
          f"per request (token of every part, one scope; watcher: {dataversion.watcher() is not None})")
    prof = cProfile.Profile()
    prof.enable()
    for i in range(n):
        client.get(urls[i % len(urls)])
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


def empty(environ, start_response):
    """A WSGI app that answers every request with an empty JSON object: the harness's ceiling (`--ceiling`)."""
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
    return [b"{}"]


def bare_point():
    """A WSGI app answering `/api/point` with the same query and JSON, but without Flask's request handling (no
    routing, hooks, headers or error pages): how far the query alone could go (`--ceiling`; not the product)."""
    from urllib.parse import parse_qsl

    import orjson

    from gislayout import dataversion
    from gislayout.resources import query
    from gislayout.web import create_app
    create_app().app_context().push()  # the settings of the app, for good

    def app(environ, start_response):
        args = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        with dataversion.scope():
            body = orjson.dumps(query.point(args["lon"], args["lat"]))
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    return app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resource", default="gwa3_ws100_025")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--points", type=int, default=64)
    ap.add_argument("--runs", type=int, default=3,
                    help="wrk runs per server with both workers busy; the fastest is kept")
    ap.add_argument("--ceiling", action="store_true",
                    help="also measure an empty WSGI app on the same gunicorn -w 2: the most any app could reach here")
    ap.add_argument("--profile", type=int, default=0, help="also profile this many point queries in process")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install wrk)")

    from gislayout.resources import registry, store
    registry.require(args.resource)
    cog = store.tif_path(args.resource).resolve()
    sample = points(args.points)
    if args.profile:
        profile(args.profile, sample)
    ours = [f"/api/point?lon={lon}&lat={lat}" for lon, lat in sample]
    theirs = [f"/cog/point/{lon},{lat}?url={cog}" for lon, lat in sample]
    print(f"{args.resource}: {cog} ({len(sample)} points over the Hexi corridor {HEXI})")

    results = {}
    env = {"GISLAYOUT_BUILD_DIR": str(store.root().parent)}
    with server([sys.executable, "-m", "gunicorn", "-w", "2", "-b", "127.0.0.1:8041", "app:app"], 8041,
                ours[0], env) as srv:
        fetch_json(srv.base, ours)
        results["gislayout"] = best_of(srv, ours, args.seconds, args.runs)
    # gunicorn's sync workers close the connection after each answer (wrk reconnects); a threaded worker keeps it
    # open, as uvicorn does for titiler
    with server([sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "2", "-b",
                 "127.0.0.1:8043", "app:app"], 8043, ours[0], env) as srv:
        fetch_json(srv.base, ours)
        results["gislayout gthread"] = best_of(srv, ours, args.seconds, args.runs)
    python = titiler_python()
    with server([str(python), "-m", "uvicorn", "titiler.application.main:app", "--workers", "2", "--host",
                 "127.0.0.1", "--port", "8042", "--log-level", "warning"], 8042, theirs[0]) as srv:
        fetch_json(srv.base, theirs)
        results["titiler"] = best_of(srv, theirs, args.seconds, args.runs)
    if args.ceiling:
        with server([sys.executable, "-m", "gunicorn", "-w", "2", "-b", "127.0.0.1:8044",
                     "benchmarks.bench_point:empty"], 8044, ours[0]) as srv:
            results["empty WSGI app"] = best_of(srv, ours, args.seconds, args.runs)
        with server([sys.executable, "-m", "gunicorn", "-w", "2", "-b", "127.0.0.1:8045",
                     "benchmarks.bench_point:bare_point()"], 8045, ours[0], env) as srv:
            fetch_json(srv.base, ours)
            results["query without Flask"] = best_of(srv, ours, args.seconds, args.runs)

    for name, r in results.items():
        print(report(name, r))
    if args.ceiling:
        ceiling = results["empty WSGI app"]["rps"]
        titiler = results["titiler"]["rps"]
        print(f"ceiling: an empty WSGI app is {ceiling / titiler:.1f}x titiler here, the query without Flask "
              f"{results['query without Flask']['rps'] / titiler:.1f}x; the point query is "
              f"{results['gislayout']['rps'] / ceiling:.0%} of the empty app")
    for name in ("gislayout", "gislayout gthread"):
        ratio = results[name]["rps"] / results["titiler"]["rps"]
        p99 = results[name]["p99_ms"]
        print(f"{name}: {ratio:.1f}x titiler's requests per second (target >= 8x: {'ok' if ratio >= 8 else 'MISS'}); "
              f"p99 {p99:.1f} ms (target <= 15 ms: {'ok' if p99 <= 15 else 'MISS'})")
    print(f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if any(r["non2xx"] for r in results.values()):
        raise SystemExit("some requests failed")


if __name__ == "__main__":
    main()
