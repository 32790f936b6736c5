"""Issue 20 §10: schemathesis over the OpenAPI spec as an editor (Bearer token), so that writes are really made,
plus its stateful phase following the spec's links (branch a version → rename, lock, delete it; add a feature →
move, delete, restore it; save a scheme → replace, delete it; make a token → revoke it). No server error.

A moderate number of cases here (the suite's time budget); `benchmarks/bench_schemathesis.py` runs the same
checks with 5,000+ cases and reports the figures.
"""

from __future__ import annotations

import pytest

from gislayout.store import accounts, db
from gislayout.web import create_app

from .schemathesis_run import run_editor_fuzz

#: Generated requests this test must really send (stateless), and state machine runs (stateful).
MIN_CASES = 600
STATEFUL_RUNS = 25


@pytest.fixture()
def editor_app(tmp_path):
    """An app on a store of its own, with an editor and their API token."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/t.gpkg",
                      "BUILD_DIR": tmp_path / "build"})
    with app.app_context():
        accounts.add_user("ed", "correct horse battery", "editor")
        token = accounts.create_token("ed", "schemathesis", days=1)
    yield app, {"Authorization": f"Bearer {token}"}
    db.engine(app.config["DATABASE_URL"]).dispose()


# Schemathesis' WSGI transport never closes streamed file responses (send_file), which only warns.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")
def test_an_editor_fuzzing_the_store_api_gets_no_server_error(editor_app):
    app, headers = editor_app
    report = run_editor_fuzz(app, headers, min_cases=MIN_CASES, stateful_runs=STATEFUL_RUNS)
    print(report.summary())
    assert not report.failures, "\n".join(report.failures[:20])
    assert report.stateless >= MIN_CASES
    assert report.writes_2xx >= 20, report.by_status  # writes that the store accepted, not only refusals
    assert report.stateful_steps >= STATEFUL_RUNS * 2
    assert report.stateful_links_followed > 0
