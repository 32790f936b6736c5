"""Benchmark the plan store on the embedded default (SpatiaLite) and on PostgreSQL + PostGIS.

    python benchmarks/bench_store.py [--runs 15] [--seconds 10] [--editors 20] [--workers 4]

It starts its own PostgreSQL 15 cluster (`tests/pgcluster.py`, as the tests do; `GISLAYOUT_TEST_POSTGIS_URL`
names another server instead), a fresh SpatiaLite file and instance folder in a temporary directory, and
measures, on each backend:

1. Reading one layer (parks, bases) of a branched version from the store, against today's CSV path: both
   `gislayout.layers.load`, with the version selected or on the files, every gislayout cache cleared first:
   median milliseconds and their ratio (issue 13's target: the store at most 2× the CSV path).
2. 20 concurrent editors (threads, one HTTP connection each) moving their own park through
   `gunicorn -w 4 app:app` for `--seconds`: sustained edits per second (target ≥ 100, issue 21) and the p50 and p99
   latency of an edit. Each edit is a PATCH with the revision the editor's last answer gave. (The clients keep
   their connection open; gunicorn's sync workers close it after each answer, so they reconnect.)
3. Switching the atlas to another version: server time (the app in process, no network) of
   `GET /?version=<vid>` (the atlas page) and `GET /api/layers/parks?version=<vid>`, the first request after the version
   changed, then the median of warm requests (target ≤ 200 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"read": 2.0, "edits_per_s": 100.0, "switch_ms": 200.0}


def clear_caches() -> None:
    """Empty every cache of the loaded gislayout library modules (dataversion caches and lru_caches alike)."""
    for name, module in list(sys.modules.items()):
        # gislayout.web holds Flask's context proxies, which cannot be inspected outside a request
        if name.startswith("gislayout") and not name.startswith("gislayout.web") and module is not None:
            for value in list(vars(module).values()):
                if callable(value) and hasattr(value, "cache_clear"):
                    value.cache_clear()


def median_ms(fn, runs: int) -> float:
    """Median milliseconds of `fn()` over `runs` calls, caches cleared before each."""
    times = []
    for _ in range(runs):
        clear_caches()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def editors(url: str, token: str, vid: str, fids: list[str], seconds: float) -> dict[str, float]:
    """`len(fids)` editors, each moving its own park for `seconds`: edits/s, p50 and p99 ms, failures."""
    from tests.storeservers import Client, features, point

    start = features(Client(url, token), vid, "parks")
    latencies: list[list[float]] = [[] for _ in fids]
    failures = [0 for _ in fids]
    barrier = threading.Barrier(len(fids) + 1)
    stop_at = [0.0]

    def edit(i: int, fid: str) -> None:
        client, (lon, lat) = Client(url, token), start[fid]["geometry"]["coordinates"]
        revision, k = start[fid]["revision"], 0
        barrier.wait()
        while time.perf_counter() < stop_at[0]:
            k += 1
            body = {"geometry": point(lon + (k % 100) * 1e-4, lat), "revision": revision}
            t0 = time.perf_counter()
            status, out, _ = client.request("PATCH", f"/api/versions/{vid}/features/parks/{fid}", body)
            if status == 200:
                latencies[i].append((time.perf_counter() - t0) * 1000)
                revision = out["revision"]
            else:
                failures[i] += 1

    threads = [threading.Thread(target=edit, args=(i, fid)) for i, fid in enumerate(fids)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    begin = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - begin
    flat = [ms for each in latencies for ms in each]
    return {"edits": len(flat), "edits_per_s": len(flat) / elapsed, "p50_ms": percentile(flat, 0.5),
            "p99_ms": percentile(flat, 0.99), "failures": sum(failures)}


def read_layers(vid: str, runs: int) -> list[tuple[str, float, float]]:
    """(layer, store median ms, CSV median ms) for parks and bases of version `vid`, cold caches.

    Both go through `gislayout.layers.load`, as every route does: once with the version selected (its rows
    read from the store), once on the files of `layers/`; the result has the same columns either way.
    """
    from gislayout import dataversion, layers
    from gislayout import workspace

    def from_store(layer: str):
        with dataversion.scope(), dataversion.select_plan(workspace.plan(vid)):
            return layers.load(layer)

    def from_csv(layer: str):
        with dataversion.scope():
            return layers.load(layer)

    out = []
    for layer in ("parks", "bases"):
        store_gdf, csv_gdf = from_store(layer), from_csv(layer)
        assert len(store_gdf) == len(csv_gdf) and set(csv_gdf.columns) <= set(store_gdf.columns), layer
        out.append((layer, median_ms(lambda: from_store(layer), runs), median_ms(lambda: from_csv(layer), runs)))
    return out


def switching(vid: str, runs: int) -> list[tuple[str, float, float]]:
    """(request, first ms, warm median ms) of the atlas and the parks layer of version `vid`, in process."""
    from gislayout.web import create_app

    client = create_app({"TESTING": True}).test_client()

    def timed(path: str) -> float:
        start = time.perf_counter()
        resp = client.get(path)
        resp.get_data()
        ms = (time.perf_counter() - start) * 1000
        if resp.status_code != 200:
            raise SystemExit(f"GET {path}: {resp.status_code} {resp.get_data(as_text=True)[:300]}")
        return ms

    for path in ("/", "/api/layers/parks"):  # the baseline once: boundaries and page assets are warm
        timed(path)
    out = []
    for path in (f"/?version={vid}", f"/api/layers/parks?version={vid}"):
        first = timed(path)
        out.append((path.replace(vid, "<vid>"), first, statistics.median(timed(path) for _ in range(runs))))
    return out


def bench_backend(label: str, url: str, work: Path, args) -> dict:
    """Every measurement on the store at `url`."""
    from gislayout.store import baseline, db, versions
    from tests.storeservers import Client, Server, branch, editor_token, features, server_env

    os.environ["GISLAYOUT_DATABASE_URL"] = url  # library calls, the app in process and the servers alike
    base = baseline.ensure()
    vid = versions.branch(base, f"bench {label}", "bench")["id"]
    result = {"read": read_layers(vid, args.runs)}
    env = server_env(work / label, url)
    token = editor_token(env)
    with Server(env, workers=args.workers) as server:
        client = Client(server.url, token)
        edited = branch(client, f"bench editors {label}", base)
        fids = sorted(features(client, edited, "parks"))[:args.editors]
        if len(fids) < args.editors:
            raise SystemExit(f"only {len(fids)} parks for {args.editors} editors")
        editors(server.url, token, edited, fids, 1.0)  # warm-up: every worker connected, caches filled
        result["editors"] = editors(server.url, token, edited, fids, args.seconds)
    result["switch"] = switching(edited, args.runs)
    db.dispose_all()
    return result


def report(results: dict[str, dict], args) -> None:
    """The table of every figure, with the issue's targets."""
    rows = [("backend", "measure", "value", "target")]
    for label, res in results.items():
        for layer, store_ms, csv_ms in res["read"]:
            ratio = store_ms / csv_ms
            rows.append((label, f"read {layer}: store / CSV median ms", f"{store_ms:.1f} / {csv_ms:.1f}",
                         f"ratio {ratio:.2f} (≤ {TARGETS['read']:g}) {'ok' if ratio <= TARGETS['read'] else 'MISS'}"))
        ed = res["editors"]
        rate_ok = ed["edits_per_s"] >= TARGETS["edits_per_s"]
        rows.append((label, f"{args.editors} editors, gunicorn -w {args.workers}, {args.seconds:g} s",
                     f"{ed['edits_per_s']:.1f} edits/s ({ed['edits']} edits, {ed['failures']} failed)",
                     f"≥ {TARGETS['edits_per_s']:g} {'ok' if rate_ok else 'MISS'}"))
        rows.append((label, "edit latency p50 / p99 ms", f"{ed['p50_ms']:.1f} / {ed['p99_ms']:.1f}", ""))
        for path, first, warm in res["switch"]:
            ok = max(first, warm) <= TARGETS["switch_ms"]
            rows.append((label, f"GET {path}: first / warm median ms", f"{first:.1f} / {warm:.1f}",
                         f"≤ {TARGETS['switch_ms']:g} {'ok' if ok else 'MISS'}"))
    rows.append(("", "load average (1 min) at the end, on cores", f"{os.getloadavg()[0]:.1f} on {os.cpu_count()}",
                 ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed repetitions of each read and request")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the editors edit")
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--backend", choices=["embedded", "postgis"], action="append",
                        help="only this backend (repeatable; default both)")
    args = parser.parse_args()
    wanted = args.backend or ["embedded", "postgis"]
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gislayout-bench-store-")))
        os.environ["GISLAYOUT_INSTANCE_PATH"] = str(work / "instance")  # never the developer's instance/
        from tests import pgcluster
        results = {}
        for label in wanted:
            if label == "embedded":
                url = f"sqlite:///{work / 'bench.gpkg'}"
            else:
                pg = stack.enter_context(pgcluster.server())
                url = pg.create_database("gislayout_bench")
            print(f"[{label}] {url}", file=sys.stderr)
            results[label] = bench_backend(label, url, work, args)
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
