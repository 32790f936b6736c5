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


def test_every_route_is_documented(app):
    text = docs_text()
    missing = sorted({f"{m.upper()} {p}" for p, m, _ in openapi.routes(app)
                      if f"`{m.upper()} {flask_form(p)}`" not in text and f"`{m.upper()} {p}`" not in text})
    assert not missing, f"routes missing from README.md and docs/API.md (add a row each): {missing}"


@pytest.mark.parametrize("fmt", list(export.FORMATS))
def test_every_export_format_is_documented(fmt):
    assert f"| `{fmt}` |" in API_DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("column, short", sorted(fieldnames.SHAPEFILE_FIELDS.items()))
def test_the_shapefile_field_mapping_is_documented(column, short):
    assert f"| `{column}` | `{short}` |" in API_DOC.read_text(encoding="utf-8")
