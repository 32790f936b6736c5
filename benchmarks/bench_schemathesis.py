"""Schemathesis over the whole OpenAPI spec as an editor, with its stateful phase; counts and server errors.

    python benchmarks/bench_schemathesis.py [--cases 5000] [--stateful 200] [--all] [--backend sqlite|postgis]

On a fresh store (a temporary GeoPackage, or with `--backend postgis` a throwaway PostgreSQL cluster started by
`tests/pgcluster.py`) it adds an editor and an API token, then sends at least `--cases` generated requests
(positive and negative) with `Authorization: Bearer <token>` to every operation of the plan store, saved
schemes and accounts (`--all`: every operation of the API, siting and exports included), and runs the stateful
phase (`--stateful` state machine runs following the spec's links: branch → rename, lock, delete; add a feature
→ move, delete, restore; save a scheme → replace, delete; make a token → revoke). It prints the number of
requests, writes and accepted writes, the statuses, the time, and every server error; it exits 1 on any
server error. The suite runs the same check with fewer cases (tests/test_schemathesis_writes.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--stateful", type=int, default=200)
    parser.add_argument("--all", action="store_true", help="every operation, not only the writing surfaces")
    parser.add_argument("--backend", choices=("sqlite", "postgis"), default="sqlite")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ResourceWarning)  # schemathesis' WSGI transport leaves send_file open

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-schemathesis-")))
        if args.backend == "postgis":
            from tests import pgcluster
            url = stack.enter_context(pgcluster.server()).create_database("bench_schemathesis")
        else:
            url = f"sqlite:///{tmp / 'store.gpkg'}"
        from gislayout.store import accounts
        from gislayout.web import create_app
        from tests.schemathesis_run import WRITE_SURFACES, run_editor_fuzz

        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url})
        with app.app_context():
            accounts.add_user("ed", "correct horse battery", "editor")
            token = accounts.create_token("ed", "bench", days=1)
        start = time.perf_counter()
        report = run_editor_fuzz(app, {"Authorization": f"Bearer {token}"}, min_cases=args.cases,
                                 stateful_runs=args.stateful, surfaces=None if args.all else WRITE_SURFACES)
        seconds = time.perf_counter() - start
    print(report.summary())
    print(f"backend {args.backend}; {'every operation' if args.all else 'store, schemes, accounts'}; "
          f"{seconds:.0f} s")
    for op, n in sorted(report.by_operation.items()):
        print(f"  {n:6d}  {op}")
    for failure in report.failures[:50]:
        print("FAILURE", failure)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
