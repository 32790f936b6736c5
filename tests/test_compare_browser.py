"""The compare page in a real browser (Debian's chromium through Playwright), with every off-host request
aborted: the table fills, the URL is the state (change → URL, URL → same view), the maps stay in step,
charts draw with no network, and an uploaded version shows its difference."""

from __future__ import annotations

import copy
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from gislayout import dataversion
from gislayout.analysis import service
from gislayout.compare import siting

from .browser import (  # noqa: F401  (shared fixtures: Debian chromium, off-host requests aborted)
    browser,
    page,
)
from .conftest import ARTIFACTS
from .fixtures import siting_synthetic as synthetic

pytestmark = pytest.mark.browser
READY = "#cmp-table[data-state=ready]"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _wait_for(page, left: str, right: str) -> None:
    page.wait_for_function("([l, r]) => { const t = document.getElementById('cmp-table');"
                           " return t.dataset.state === 'ready' && t.dataset.left === l && t.dataset.right === r; }",
                           arg=[left, right], timeout=60000)


def _cell(page, metric: str, column: int) -> str:
    return page.locator(f"#cmp-table tr[data-metric={metric}] td").nth(2 + column).inner_text()


def _shown(value: float) -> str:
    """A number as the table shows it (toLocaleString, at most one decimal)."""
    return f"{value:,.1f}".removesuffix(".0")


def test_compare_page_fills_and_keeps_its_state_in_the_url(page, live_server, client, monkeypatch):
    stacks = {tech: synthetic.stack(tech) for tech in siting.TECHS}  # siting potential in 酒泉市 and 嘉峪关市 only
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])
    monkeypatch.setattr(siting, "_by_prefecture", dataversion.cached(maxsize=4)(siting._by_prefecture.__wrapped__))
    monkeypatch.setattr(siting, "_offtakers", dataversion.cached(maxsize=4)(siting._offtakers.__wrapped__))
    page.goto(f"{live_server}/compare?left=zone:2009:hexi&right=zone:2009:centre")
    _wait_for(page, "zone:2009:hexi", "zone:2009:centre")
    api = client.get("/api/compare?left=zone:2009:hexi&right=zone:2009:centre").json
    parks = next(r for r in api["rows"] if r["metric"] == "parks")["values"]
    assert [_cell(page, "parks", i) for i in (0, 1)] == [str(v) for v in parks]
    assert page.locator("#cmp-table th[data-key]").count() == 2
    assert page.locator("#cmp-charts svg").count() >= 3
    assert page.locator("#cmp-charts svg rect[data-value]").count() > 10
    potential = {r["metric"]: r["values"] for r in api["rows"] if r["group"] == "siting"}
    assert set(potential) == {f"siting_{t}_{f}" for t in siting.TECHS for f in siting.FIGURES + (siting.OFFTAKER_FIGURE,)}
    pv = potential["siting_pv_capacity_mw"]
    assert pv[0] > 0 and pv[1] == 0  # the synthetic stack lies in the Hexi wing only
    assert page.locator("#cmp-table tr[data-metric^=siting_]").count() == len(potential)
    assert [_cell(page, "siting_pv_capacity_mw", i) for i in (0, 1)] == [_shown(v) for v in pv]
    assert "siting" not in page.locator("#cmp-notes").inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    # Changing an area updates the table and the URL.
    page.select_option("#cmp-right", "prefecture:兰州市")
    _wait_for(page, "zone:2009:hexi", "prefecture:兰州市")
    state = _query(page.url)
    assert state["left"] == "zone:2009:hexi" and state["right"] == "prefecture:兰州市"
    assert "right=prefecture" in page.locator("#cmp-export-csv").get_attribute("href")
    lanzhou = client.get("/api/compare?left=zone:2009:hexi&right=prefecture:兰州市").json
    enterprises = next(r for r in lanzhou["rows"] if r["metric"] == "enterprises")["values"][1]
    assert _cell(page, "enterprises", 1) == str(enterprises)

    # The two maps move together.
    page.evaluate("window.gislayoutCompare.maps.left.setView([36.1, 103.8], 8, {animate: false})")
    centre = page.evaluate("(() => { const c = window.gislayoutCompare.maps.right.getCenter();"
                           " return [c.lat, c.lng, window.gislayoutCompare.maps.right.getZoom()]; })()")
    assert centre == pytest.approx([36.1, 103.8, 8], abs=1e-3)

    # Reopening the URL restores the same comparison.
    url = page.url
    page.goto("about:blank")
    page.goto(url)
    _wait_for(page, "zone:2009:hexi", "prefecture:兰州市")
    assert page.input_value("#cmp-left") == "zone:2009:hexi"
    assert page.input_value("#cmp-right") == "prefecture:兰州市"
    assert _cell(page, "enterprises", 1) == str(enterprises)

    # Schemes, and back with the browser's history.
    page.check("#cmp-mode-schemes")
    page.wait_for_function("document.getElementById('cmp-table').dataset.left === '2009'", timeout=60000)
    assert {"scheme_left", "scheme_right"} <= set(_query(page.url))
    page.wait_for_selector(READY)
    assert page.locator("#cmp-table th[data-key]").count() > 4
    page.go_back()
    _wait_for(page, "zone:2009:hexi", "prefecture:兰州市")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=True)
    assert not page.blocked, page.blocked
    assert not page.errors, page.errors


def test_english_page_and_a_bad_area_shows_the_message(page, live_server):
    page.goto(f"{live_server}/compare?left=zone:2009:mars&right=province&lang=en")
    page.wait_for_selector("#cmp-table[data-state=error]", state="attached", timeout=60000)
    assert "'mars'" in page.locator("#cmp-message").inner_text()
    assert page.locator("h1").inner_text().startswith("Compare")
    assert page.locator("#cmp-atlas-link").get_attribute("href").startswith("/?lang=en")
    page.select_option("#cmp-left", "province")
    _wait_for(page, "province", "province")
    assert page.locator("#cmp-message").is_hidden()
    assert not page.blocked
    # The API's 400 for the bad area is the only console error the page may show.
    assert all("400" in e for e in page.errors), page.errors


def test_uploaded_version_shows_its_difference(page, live_server, client, tmp_path):
    fc = client.get("/api/compare/version").json
    crafted = copy.deepcopy(fc)
    removed = crafted["features"].pop(0)["properties"]["id"]
    crafted["features"][10]["properties"]["name_en"] = "Renamed Park"
    new = copy.deepcopy(crafted["features"][2])
    new["properties"]["id"] = "park_new_2025"
    crafted["features"].append(new)
    path = tmp_path / "version.geojson"
    path.write_text(json.dumps(crafted, ensure_ascii=False), encoding="utf-8")

    page.goto(f"{live_server}/compare?left=province&right=province&lang=en")
    _wait_for(page, "province", "province")
    page.set_input_files("#cmp-file", str(path))
    page.click("#cmp-upload-button")
    page.wait_for_selector("#cmp-diff-table tbody tr", timeout=60000)
    rows = page.locator("#cmp-diff-table tbody tr")
    assert rows.count() == 3
    assert page.locator(f"#cmp-diff-table tr[data-id={removed}]").get_attribute("class") == "cmp-status-removed"
    assert page.locator("#cmp-diff-table tr[data-id=park_new_2025]").get_attribute("class") == "cmp-status-added"
    assert "added 1" in page.locator("#cmp-diff-summary").inner_text()
    with page.expect_download() as download:
        page.click("#cmp-diff-geojson")
    saved = tmp_path / "diff.geojson"
    download.value.save_as(saved)
    assert len(json.loads(saved.read_text(encoding="utf-8"))["features"]) == len(fc["features"]) + 1
    assert not page.blocked and not page.errors, (page.blocked, page.errors)
