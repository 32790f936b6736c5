"""Schemathesis as an editor over the OpenAPI spec: a stateless run (positive and negative cases for every
chosen operation) and the stateful phase (a state machine following the spec's links), counting every request
and collecting every server error. Used by tests/test_schemathesis_writes.py and benchmarks/bench_schemathesis.py.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode

#: The surfaces an editor writes to (and reads back): the plan store, saved schemes, accounts.
WRITE_SURFACES = r"^/api/(versions|schemes|auth)(/|$)"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class Report:
    stateless: int = 0
    stateful_steps: int = 0
    stateful_links_followed: int = 0
    writes: int = 0
    writes_2xx: int = 0
    by_status: Counter = field(default_factory=Counter)
    by_operation: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def note(self, case, response, stateful: bool = False) -> None:
        status = response.status_code
        self.by_status[status] += 1
        self.by_operation[f"{case.operation.method.upper()} {case.operation.path}"] += 1
        if case.operation.method.upper() in WRITE_METHODS:
            self.writes += 1
            self.writes_2xx += 200 <= status < 300
        if status >= 500:
            self.failures.append(f"{status} on {case.as_curl_command()}: {response.text[:300]}")
        elif status >= 400:
            body = response.json()
            keys = {"status", "error", "message"} | ({"current"} if status == 409 else set())  # 409: the state now
            if not {"status", "error", "message"} <= set(body) <= keys or body["status"] != status:
                self.failures.append(f"not the one error shape: {case.as_curl_command()}: {body}")

    def summary(self) -> str:
        total = self.stateless + self.stateful_steps
        return (f"schemathesis as an editor: {total} requests ({self.stateless} stateless, {self.stateful_steps} "
                f"in the stateful phase, {self.stateful_links_followed} by links); {self.writes} writes, "
                f"{self.writes_2xx} accepted (2xx); statuses {dict(sorted(self.by_status.items()))}; "
                f"server errors: {sum(n for s, n in self.by_status.items() if s >= 500)}")


def _schema(app, surfaces: str | None):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return schema.include(path_regex=surfaces) if surfaces else schema


def run_editor_fuzz(app, headers: dict, *, min_cases: int, stateful_runs: int, surfaces: str | None = WRITE_SURFACES,
                    step_count: int = 10) -> Report:
    """Send at least `min_cases` generated requests (with `headers`) and `stateful_runs` state machine runs."""
    report = Report()
    schema = _schema(app, surfaces)
    ops = [result.ok() for result in schema.get_all_operations()]
    plans = [(op, mode) for op in ops for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
             if mode == GenerationMode.POSITIVE or op.query or op.path_parameters or op.body]
    per_plan = math.ceil(min_cases * 1.1 / len(plans))
    round_ = 0
    while report.stateless < min_cases and round_ < 8:
        for op, mode in plans:
            try:
                _stateless(op, mode, per_plan, 1000 * round_ + zlib.crc32(op.label.encode()) % 1000, headers, report)
            except Exception as exc:  # noqa: BLE001 - hypothesis' Unsatisfiable for a mode with nothing to vary
                if type(exc).__name__ != "Unsatisfiable":
                    raise
        round_ += 1
    _stateful(schema, headers, stateful_runs, step_count, report)
    return report


def _stateless(operation, mode, examples: int, run_seed: int, headers: dict, report: Report) -> None:
    @seed(run_seed)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        response = case.call(headers=headers)
        report.stateless += 1
        report.note(case, response)

    check()


def _stateful(schema, headers: dict, runs: int, step_count: int, report: Report) -> None:
    base = schema.as_state_machine()

    class Editor(base):  # type: ignore[valid-type, misc]
        def step(self, input):  # noqa: A002 - schemathesis' name
            if input.transition is not None and input.is_applied:
                report.stateful_links_followed += 1
            return super().step(input)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            report.stateful_steps += 1
            report.note(case, response, stateful=True)

    Editor.run(settings=settings(max_examples=runs, stateful_step_count=step_count, deadline=None, database=None,
                                 suppress_health_check=list(HealthCheck), phases=[Phase.generate]))
