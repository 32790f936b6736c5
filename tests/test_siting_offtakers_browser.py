"""The siting panel's inverse view in a real browser: the offtaker table and one marker per offtaker, on the
synthetic stacks. The synthetic stacks have no offtaker, so `page.route` adds `offtakers` (the contract of
supply.inverse: id, names, layer, sectors, intensity_class, lon, lat, reachable MW and GWh) to the real run's JSON;
the second run gets a different list, so the markers are seen to be cleared and redrawn."""

from __future__ import annotations

import re

import pytest

from gislayout.analysis import criteria, service

from .browser import browser, page  # noqa: F401  (shared fixtures: Debian chromium, off-host requests aborted)
from .fixtures import siting_synthetic as synthetic

pytestmark = pytest.mark.browser

LINK = "#siting=tech%3Dpv%26max_zone%3D0%26min_area%3D1"


def offtaker(i: int, mw: float, lon: float, lat: float) -> dict:
    return {"id": f"o{i}", "name_zh": f"用电方{i}", "name_en": f"Offtaker {i} <b>", "layer": "bases",
            "sectors": ["new_materials"], "intensity_class": "high", "lon": lon, "lat": lat, "zones": 2,
            "reachable_mw": mw, "reachable_gwh": mw * 1.5}


RUNS = [[offtaker(1, 120.0, 103.8, 36.06), offtaker(2, 900.0, 94.66, 40.14), offtaker(3, 0.0, 98.5, 39.7)],
        [offtaker(4, 50.0, 100.4, 38.9)]]


@pytest.fixture(autouse=True)
def synthetic_stacks(monkeypatch):
    stacks = {tech: synthetic.stack(tech) for tech in criteria.TECHS}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])


def stub(page):
    seen = []

    def run(route):
        body = route.fetch().json()
        body["offtakers"] = RUNS[min(len(seen), len(RUNS) - 1)]
        seen.append(1)
        route.fulfill(json=body)

    page.route(re.compile(r".*/api/siting/run\?.*"), run)


def test_offtaker_table_and_markers_after_a_run(page, live_server):
    stub(page)
    page.goto(f"{live_server}/siting?lang=en{LINK}")
    rows = page.locator(".siting-offtaker-table tbody tr")
    rows.first.wait_for(timeout=20000)
    # sorted by reachable MW, the largest first; names as text (the "<b>" is shown, never parsed)
    assert rows.count() == 3
    assert [rows.nth(i).get_attribute("data-id") for i in range(3)] == ["o2", "o1", "o3"]
    assert rows.first.locator("td").nth(0).inner_text() == "Offtaker 2 <b>"
    assert rows.first.locator("td").nth(2).inner_text() == "900"
    assert rows.first.locator("td").nth(3).inner_text() == "1,350"
    assert "upper bound" not in page.locator(".siting-offtaker-note").inner_text()
    assert "several offtakers" in page.locator(".siting-offtaker-note").inner_text()
    # one circle marker per offtaker, the largest drawn largest
    assert page.evaluate("window.SitingOfftakers.count()") == 3
    assert page.locator(".siting-message").is_hidden()  # drawing the markers raised nothing
    radii = page.evaluate("""() => { const out = {}; window.gislayoutMap.eachLayer((l) => {
        if (l.options && l.options.className === 'siting-offtaker') out[l.getLatLng().lng] = l.getRadius(); });
        return out; }""")
    assert radii["94.66"] > radii["103.8"] > radii["98.5"]
    # Chinese: the same table relabelled
    page.locator(".siting-lang").click()
    assert page.locator(".siting-offtaker-table th").first.inner_text() == "用电方"
    assert rows.first.locator("td").first.inner_text() == "用电方2"
    # a new run clears the markers and the table and draws its own
    page.locator("input[data-key=w_resource]").fill("0")
    page.locator("input[data-key=w_resource]").dispatch_event("input")
    page.wait_for_function("window.SitingOfftakers.count() === 1", timeout=20000)
    assert page.locator(".siting-offtaker-table tbody tr").count() == 1
    assert not page.errors and not page.blocked

