"""The siting panel in a real browser (Debian's chromium through Playwright), on the synthetic stacks."""

from __future__ import annotations

import json

import pytest

from gislayout.analysis import criteria, service

from .browser import browser, page  # noqa: F401  (shared fixtures: Debian chromium, off-host requests aborted)
from .fixtures import siting_synthetic as synthetic

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def synthetic_stacks(monkeypatch):
    stacks = {tech: synthetic.stack(tech) for tech in criteria.TECHS}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])


def test_panel_runs_and_fills_the_table(page, live_server):
    page.goto(f"{live_server}/siting?lang=en#siting=" + "tech%3Dpv%26max_zone%3D0%26min_area%3D1")
    rows = page.locator(".siting-table tbody tr")
    rows.first.wait_for(timeout=60000)
    assert rows.count() == 3
    assert page.locator(".siting-table tbody tr").first.locator("td").first.inner_text() == "1"
    assert "3 zones" in page.locator(".siting-total").inner_text()
    # the overlay and the zone polygons are on the map
    assert page.locator(".leaflet-layer.siting-surface").count() == 1  # the surface as a tile layer
    page.locator(".siting-surface img.leaflet-tile-loaded").first.wait_for(timeout=60000)
    assert page.evaluate("window.gislayoutSiting.zoneCount()") == 3
    # export links carry the same parameters
    href = page.locator(".siting-export[data-format=gpkg]").get_attribute("href")
    assert "format=gpkg" in href and "max_zone=0" in href
    assert not page.errors and not page.blocked


def test_weights_reorder_and_live_in_the_url(page, live_server):
    page.goto(f"{live_server}/siting?lang=en#siting=" + "tech%3Dpv%26max_zone%3D0%26min_area%3D1")
    page.locator(".siting-table tbody tr").first.wait_for(timeout=60000)
    first_area = page.locator(".siting-table tbody tr").first.locator("td").nth(2)
    assert first_area.inner_text() == "100"
    page.locator("input[data-key=w_resource]").fill("0")
    page.locator("input[data-key=w_resource]").dispatch_event("input")
    page.locator("input[data-key=w_demand]").fill("1")
    page.locator("input[data-key=w_demand]").dispatch_event("input")
    page.wait_for_function("document.querySelector('.siting-table tbody tr td:nth-child(3)').textContent === '150'",
                           timeout=60000)
    assert "w_resource%3D0" in page.url and "w_demand%3D1" in page.url
    assert not page.errors and not page.blocked


def test_data_text_is_escaped(page, live_server, monkeypatch):
    st = synthetic.stack("pv")
    st.demand = st.demand.assign(name_en=["<img src=x onerror=window.pwned=1>"])
    monkeypatch.setattr(service, "stack", lambda tech: st)
    page.goto(f"{live_server}/siting?lang=en#siting=" + "tech%3Dpv%26max_zone%3D0%26min_area%3D1")
    page.locator(".siting-table tbody tr").first.wait_for(timeout=60000)
    assert "<img src=x" in page.locator(".siting-table").inner_text()
    assert page.evaluate("window.pwned === undefined")
    assert json.loads(page.evaluate("JSON.stringify(window.gislayoutSiting.state.tech)")) == "pv"


def test_panel_runs_inside_the_atlas(page, live_server):
    """The same panel, included in the atlas page, attaches to the atlas map and fills its table."""
    page.goto(f"{live_server}/?lang=en#siting=" + "tech%3Dpv%26max_zone%3D0%26min_area%3D1")
    rows = page.locator(".siting-table tbody tr")
    rows.first.wait_for(timeout=60000)
    assert rows.count() == 3
    assert page.evaluate("window.gislayoutSiting.zoneCount()") == 3
    assert not page.errors and not page.blocked


def test_no_zone_shows_0_zones_and_the_caveat(page, live_server):
    """A run where nothing survives shows "0 zones" (not an error), and the upper-bound caveat in en and zh."""
    page.goto(f"{live_server}/siting?lang=en#siting=" + "tech%3Dpv%26t_resource%3D2500")
    total = page.locator(".siting-total")
    total.wait_for(timeout=60000)
    assert total.inner_text().startswith("0 zones, 0 km², 0.0 GW technical potential (upper bound)")
    assert "relax a threshold" in page.locator(".siting-none").inner_text()
    assert page.locator(".siting-table tbody tr").count() == 0
    assert page.evaluate("window.gislayoutSiting.zoneCount()") == 0
    assert page.locator(".siting-message").is_hidden()  # no error message
    caveat = page.locator(".siting-caveat")
    assert caveat.is_visible()
    assert page.locator(".siting-caveat-title").inner_text() == "Technical potential: an upper bound"
    land = page.locator(".siting-caveat li[data-key=land_cover]").inner_text()
    assert "farmland" in land and "protected-area" in land
    assert "Slope is not applied" in page.locator(".siting-caveat li[data-key=slope]").inner_text()
    page.locator(".siting-lang").click()
    page.wait_for_function("document.querySelector('.siting-caveat-title').textContent.includes('上限')")
    assert "耕地" in page.locator(".siting-caveat li[data-key=land_cover]").inner_text()
    assert page.locator(".siting-total").inner_text().startswith("0 个候选区")
    assert not page.errors and not page.blocked


def test_caveat_shows_with_zones_in_chinese(page, live_server):
    page.goto(f"{live_server}/siting?lang=zh#siting=" + "tech%3Dpv%26max_zone%3D0%26min_area%3D1")
    page.locator(".siting-table tbody tr").first.wait_for(timeout=60000)
    assert "技术潜力（上限）" in page.locator(".siting-total").inner_text()
    assert page.locator(".siting-caveat-title").inner_text() == "技术可开发潜力：上限值"
    assert "坡度" in page.locator(".siting-caveat li[data-key=slope]").inner_text()
    assert not page.errors and not page.blocked


@pytest.mark.parametrize("fragment", ["%E0%A4%A", "constructor%3D1%26toString%3D3"])
def test_a_mangled_link_does_not_break_the_panel(page, live_server, fragment):
    page.goto(f"{live_server}/siting?lang=en#siting={fragment}")
    page.wait_for_function("window.gislayoutSiting !== undefined", timeout=60000)
    page.locator(".siting-table tbody tr").first.wait_for(timeout=60000)
    assert not page.errors and not page.blocked
