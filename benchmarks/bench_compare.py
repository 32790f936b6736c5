"""Benchmark the compare surface through the Flask test client: the table, the printout and a version diff.

    python benchmarks/bench_compare.py [--runs 20]

Reported per request: the cold first time, then the median and worst of `--runs` warm requests. The table
is what the page asks for on every change of area, so it should stay well under the 300 ms a planner
notices; the printout is a download and may take a second or two. No pass/fail targets: issue 7 sets none.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gislayout.web import create_app  # noqa: E402

REQUESTS = {
    "table, two zones": ("GET", "/api/compare?left=zone:2009:hexi&right=zone:2009:centre"),
    "table, province vs prefecture": ("GET", "/api/compare?left=province&right=prefecture:兰州市"),
    "table, two schemes": ("GET", "/api/compare?scheme_left=2009&scheme_right=2021"),
    "table as CSV": ("GET", "/api/compare?left=zone:2009:hexi&right=zone:2009:centre&format=csv"),
    "printout PNG": ("GET", "/api/compare/print.png?left=zone:2009:hexi&right=zone:2009:centre&lang=en"),
    "printout PDF": ("GET", "/api/compare/print.pdf?left=zone:2009:hexi&right=zone:2009:centre&lang=en"),
    "diff of version 2010 with itself": ("POST", "/api/compare/diff"),
}


def timed(client, method: str, url: str, version: bytes) -> float:
    """Milliseconds for one request, body read; fails loudly on a non-200."""
    t0 = time.perf_counter()
    if method == "POST":
        resp = client.post(url, data={"file": (io.BytesIO(version), "version.geojson")},
                           content_type="multipart/form-data")
    else:
        resp = client.get(url)
    resp.get_data()
    ms = (time.perf_counter() - t0) * 1000
    if resp.status_code != 200:
        raise SystemExit(f"{method} {url}: {resp.status_code} {resp.get_data(as_text=True)[:200]}")
    return ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    client = create_app({"TESTING": True}).test_client()
    version = client.get("/api/compare/version").get_data()
    print(f"{'request':36} {'cold ms':>9} {'median ms':>10} {'worst ms':>9}")
    for label, (method, url) in REQUESTS.items():
        cold = timed(client, method, url, version)
        runs = max(1, args.runs // 5) if "printout" in label else args.runs
        warm = [timed(client, method, url, version) for _ in range(runs)]
        print(f"{label:36} {cold:9.1f} {statistics.median(warm):10.1f} {max(warm):9.1f}")


if __name__ == "__main__":
    main()
