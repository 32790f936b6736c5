"""The browser scripts stay split by concern: no file of static/ (bar the vendored libraries) outgrows a line
budget, and the siting panel's parts load on both pages that show it, in order, the starter last."""

from __future__ import annotations

import re

import pytest

from gislayout import config

STATIC = config.ROOT / "static"
#: Lines a script or stylesheet of ours may have; the largest is about 370 (issue 21: siting.js had 563).
BUDGET = 400
OURS = sorted(p for p in STATIC.rglob("*") if p.suffix in {".js", ".css", ".html"}
              and "vendor" not in p.relative_to(STATIC).parts)


def test_there_are_files_to_check():
    assert len(OURS) > 20 and STATIC / "siting" / "siting.js" in OURS


@pytest.mark.parametrize("path", OURS, ids=lambda p: str(p.relative_to(STATIC)))
def test_a_static_file_stays_within_the_line_budget(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= BUDGET, f"{path.relative_to(config.ROOT)} has {lines} lines (budget {BUDGET}): split it by concern"


@pytest.mark.parametrize("url", ["/siting?lang=en", "/?lang=en"])
def test_the_siting_panel_loads_its_parts_after_the_shared_module_and_starts_last(client, url):
    html = client.get(url).get_data(as_text=True)
    scripts = re.findall(r'<script src="/static/([^"?]+)', html)
    parts = [s for s in scripts if s.startswith("siting/") and s not in
             {"siting/supply.js", "siting/offtakers.js", "siting/waterfall.js", "siting/standalone.js"}]
    # every file of the panel (window.SitingPanel) is loaded, once, core.js first and siting.js last
    expected = {f"siting/{p.name}" for p in (STATIC / "siting").glob("*.js")} - {
        "siting/supply.js", "siting/offtakers.js", "siting/waterfall.js", "siting/standalone.js"}
    assert sorted(parts) == sorted(expected)
    assert parts[0] == "siting/core.js" and parts[-1] == "siting/siting.js"
    assert scripts.index("common/core.js") < scripts.index("siting/core.js")
