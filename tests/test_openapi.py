"""The OpenAPI spec at /api/openapi.json covers every route and parameter, and schemathesis finds no 5xx in it.

To document a new route, see the docstring of `gislayout/web/openapi.py` (one entry per route).
"""

from __future__ import annotations

import math
import zlib
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode

from gislayout import layers
from gislayout.web import api, openapi
from gislayout.web.errors import GLOBAL_PARAMS, is_api

#: Generated requests the schemathesis run must really send, across all operations and both modes.
MIN_CASES = 500


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/openapi.json").get_json()


def test_spec_is_served_as_openapi_3(client):
    resp = client.get("/api/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.json["openapi"].startswith("3.") and resp.json["paths"]


def test_every_route_is_in_the_spec(app, spec):
    missing = [f"{method.upper()} {path} ({endpoint})" for path, method, endpoint in openapi.routes(app)
               if method not in spec["paths"].get(path, {})]
    assert not missing, ("routes missing from the OpenAPI spec; add one entry each (see gislayout/web/openapi.py): "
                         + ", ".join(missing))


def test_the_spec_lists_no_route_that_does_not_exist(app, spec):
    served = {(path, method) for path, method, _ in openapi.routes(app)}
    stale = [f"{m.upper()} {p}" for p, item in spec["paths"].items() for m in item if (p, m) not in served]
    assert not stale, f"documented but not served: {stale}"


def test_every_parameter_of_the_layer_route_is_documented(spec):
    params = {p["name"] for p in spec["paths"]["/api/layers/{name}"]["get"]["parameters"]}
    assert params == {"name", *api.LAYER_PARAMS, *layers.FILTERS, *GLOBAL_PARAMS}
    name = next(p for p in spec["paths"]["/api/layers/{name}"]["get"]["parameters"] if p["name"] == "name")
    assert name["schema"]["enum"] == list(layers.CATALOGUE)


@pytest.mark.parametrize("path, fragment", [("/api/layers/{name}", "format"), ("/api/bundle.zip", "QGIS")])
def test_export_routes_are_described(spec, path, fragment):
    assert fragment in str(spec["paths"][path])


def test_flask_rule_to_openapi_path():
    assert openapi.openapi_path("/api/layers/<name>") == "/api/layers/{name}"
    assert openapi.openapi_path("/a/<path:rest>/b/<int:n>.png") == "/a/{rest}/b/{n}.png"


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    ops = []
    for result in schema.get_all_operations():
        ops.append(result.ok())  # an invalid operation in the spec fails here, naming it
    return ops


def _run(operation, mode: GenerationMode, examples: int, run_seed: int, counter: Counter, failures: list) -> None:
    """Send up to `examples` generated requests for one operation; record each and any server error."""

    @seed(run_seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        response = case.call()
        counter[operation.label] += 1
        if response.status_code >= 500:
            failures.append(f"{response.status_code} on {case.as_curl_command()}: {response.text[:300]}")
        elif response.status_code >= 400 and is_api(case.formatted_path):
            body = response.json()
            assert set(body) == {"status", "error", "message"}, (case.formatted_path, body)
            assert body["status"] == response.status_code

    check()


# Schemathesis' WSGI transport never closes streamed file responses (send_file), which only warns.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning", "ignore::ResourceWarning")
def test_schemathesis_finds_no_server_error(app):
    """At least MIN_CASES generated requests (positive and negative) across every operation; none gets a 5xx."""
    ops = _operations(app)
    counter: Counter = Counter()
    failures: list[str] = []
    plans = [(op, mode) for op in ops for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
             if mode == GenerationMode.POSITIVE or op.query or op.path_parameters or op.body]
    per_plan = math.ceil(MIN_CASES * 1.1 / len(plans))
    round_ = 0
    # Operations with few possible inputs run out of new examples early, so top up with fresh seeds until the
    # real count reaches the target (bounded, so a spec with nothing to vary cannot loop forever).
    while sum(counter.values()) < MIN_CASES and round_ < 8:
        for op, mode in plans:
            try:
                _run(op, mode, per_plan, 1000 * round_ + zlib.crc32(op.label.encode()) % 1000, counter, failures)
            except Exception as exc:  # noqa: BLE001 - hypothesis' Unsatisfiable for a mode with nothing to vary
                if type(exc).__name__ != "Unsatisfiable":
                    raise
        round_ += 1
    assert not failures, "\n".join(failures[:20])
    total = sum(counter.values())
    print(f"schemathesis: {total} requests over {len(ops)} operations: {dict(counter)}")
    assert total >= MIN_CASES
    assert set(counter) == {op.label for op in ops}
