"""Benchmark: the GeoJSON export of every layer on a warm app (target: at most 100 ms for all of them).

    python benchmarks/bench_export.py [--runs 20] [--formats]

"Warm" means the app has served each layer once, as it has after the map's first page load. Each run then
requests every layer in turn through the full HTTP stack of the Flask test client
(`GET /api/layers/<name>?format=geojson`, a download with Content-Disposition and metadata) and reads the
whole body. Reported: the cold first request per layer, then the median and the worst warm time per layer,
and the median and worst total over all layers. `--formats` also times the other formats once per layer
(they are built on request, not cached).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gislayout import export, layers  # noqa: E402
from gislayout.web import create_app  # noqa: E402

TARGET_MS = 100.0


def timed(client, url: str) -> tuple[float, int]:
    """Milliseconds to GET `url` and read its body, and the body size."""
    start = time.perf_counter()
    resp = client.get(url)
    size = len(resp.data)
    elapsed = (time.perf_counter() - start) * 1000
    assert resp.status_code == 200, (url, resp.status_code)
    return elapsed, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="warm runs over all layers")
    parser.add_argument("--formats", action="store_true", help="also time gpkg, shp, kml and csv once per layer")
    args = parser.parse_args()

    client = create_app({"TESTING": True}).test_client()
    names = list(layers.CATALOGUE)
    for name in names:  # load the data itself (boundaries, CSV validation), as app start-up would
        layers.load(name)

    print(f"{'layer':<12} {'cold ms':>8} {'warm median':>12} {'warm max':>9} {'size':>10}")
    cold, sizes = {}, {}
    for name in names:
        cold[name], sizes[name] = timed(client, f"/api/layers/{name}?format=geojson")
    per_layer: dict[str, list[float]] = {n: [] for n in names}
    totals = []
    for _ in range(args.runs):
        total = 0.0
        for name in names:
            ms, _ = timed(client, f"/api/layers/{name}?format=geojson")
            per_layer[name].append(ms)
            total += ms
        totals.append(total)
    for name in names:
        times = per_layer[name]
        print(f"{name:<12} {cold[name]:>8.1f} {statistics.median(times):>12.2f} {max(times):>9.2f} "
              f"{sizes[name]:>10,}")
    median_total, worst_total = statistics.median(totals), max(totals)
    print(f"{'ALL LAYERS':<12} {sum(cold.values()):>8.1f} {median_total:>12.2f} {worst_total:>9.2f} "
          f"{sum(sizes.values()):>10,}")
    verdict = "PASS" if worst_total <= TARGET_MS else "FAIL"
    print(f"\nwarm GeoJSON export of all {len(names)} layers: median {median_total:.1f} ms, worst "
          f"{worst_total:.1f} ms over {args.runs} runs (target <= {TARGET_MS:.0f} ms): {verdict}")

    if args.formats:
        others = [f for f in export.FORMATS if f != "geojson"]
        print(f"\n{'layer':<12} " + " ".join(f"{f:>8}" for f in others) + "   (ms, built per request)")
        for name in names:
            cells = [timed(client, f"/api/layers/{name}?format={f}")[0] for f in others]
            print(f"{name:<12} " + " ".join(f"{ms:>8.1f}" for ms in cells))
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
