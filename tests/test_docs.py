"""The docs do not drift from the code: every route is in the README or docs/API.md, and so is every export
format and Shapefile field-name rule."""

from __future__ import annotations

import pytest

from gislayout import export
from gislayout.export import fieldnames
from gislayout.web import openapi

from .conftest import ROOT

README = ROOT / "README.md"
API_DOC = ROOT / "docs" / "API.md"


def docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (README, API_DOC) if p.exists())


def flask_form(path: str) -> str:
    return path.replace("{", "<").replace("}", ">")


@pytest.mark.parametrize("doc", [README, API_DOC], ids=["README", "API.md"])
def test_every_route_is_documented(app, doc):
    text = doc.read_text(encoding="utf-8")
    missing = sorted({f"{m.upper()} {p}" for p, m, _ in openapi.routes(app)
                      if f"`{m.upper()} {flask_form(p)}`" not in text and f"`{m.upper()} {p}`" not in text})
    assert not missing, f"routes missing from {doc.name} (add a row each): {missing}"


def test_ci_runs_the_readme_test_command():
    """`.ci/run` runs the very command the README gives for the tests, and the README gives exactly two."""
    import re
    blocks = re.findall(r"```bash\n(.+?)\n```", README.read_text(encoding="utf-8"), flags=re.S)
    commands = [b for b in blocks if "python3 -m venv" in b]
    assert len(commands) == 2, commands
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_every_export_format_is_documented(fmt):
    assert f"| `{fmt}` |" in API_DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("column, short", sorted(fieldnames.SHAPEFILE_FIELDS.items()))
def test_the_shapefile_field_mapping_is_documented(column, short):
    assert f"| `{column}` | `{short}` |" in API_DOC.read_text(encoding="utf-8")
