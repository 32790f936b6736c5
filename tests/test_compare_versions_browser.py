"""The compare page diffs two versions from the store in a real browser (Debian's chromium through Playwright):
`/compare?a=2010&b=<branch>` shows a park moved 5 km (table row with its km, an arrow labelled with the km on
the map) and an added base; a feature and a version named like HTML show as text in the table, the version
selector and the map popup, with no element made from them and no dialog."""

from __future__ import annotations

import pytest
from pyproj import Geod

from gislayout.store import baseline, features, versions as store_versions
from gislayout.web import create_app

from .browser import (  # noqa: F401  (shared fixtures: Debian chromium, off-host requests aborted)
    browser,
    page,
)
from .conftest import serve

pytestmark = pytest.mark.browser
XSS = "<img src=x onerror=alert(1)>"
AUTHOR = "tester"
PARK, RENAMED, NEW_BASE = "park_lanzhou_hitech", "ent_jinchuan_group", "base_browser_new"
NEW_BASE_PLACE = (98.52, 39.74)  # near Jiuquan
READY = "#cmp-diff-result[data-state=ready]"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app on a store of its own with a branch of 2010: the park moved 5 km east, a base added near Jiuquan,
    an enterprise renamed to HTML; yields (base URL, branch id, the park's new place)."""
    path = tmp_path_factory.mktemp("store") / "s.sqlite"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        baseline.ensure()
        vid = store_versions.branch("2010", f"{XSS} branch", AUTHOR)["id"]
        park = features.feature(vid, "parks", PARK)
        lon, lat = park["geometry"]["coordinates"]
        new = Geod(ellps="WGS84").fwd(lon, lat, 90, 5000)[:2]
        features.update(vid, "parks", PARK, {"geometry": {"type": "Point", "coordinates": list(new)}},
                        park["revision"], AUTHOR)
        base = features.feature(vid, "bases", "base_jiuquan_wind")
        props = {k: v for k, v in base["properties"].items() if k not in ("layer", "deleted")}
        features.add(vid, "bases", {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(NEW_BASE_PLACE)},
                                    "properties": props | {"id": NEW_BASE, "name_en": "Browser test base",
                                                           "name_zh": "浏览器测试基地"}}, AUTHOR)
        ent = features.feature(vid, "enterprises", RENAMED)
        features.update(vid, "enterprises", RENAMED, {"properties": {"name_en": XSS, "name_zh": XSS}},
                        ent["revision"], AUTHOR)
    with serve(app) as url:
        yield url, vid, new


def test_diff_of_two_stored_versions_on_the_map_and_in_the_table(page, served):
    url, vid, new = served
    page.goto(f"{url}/compare?a=2010&b={vid}&lang=en")
    page.wait_for_selector(READY)
    assert page.locator("#cmp-version-a").input_value() == "2010"
    assert page.locator("#cmp-version-b").input_value() == vid
    park = page.locator(f"#cmp-diff-table tr[data-id={PARK}]")
    assert park.get_attribute("class") == "cmp-status-moved"
    assert float(park.locator("td.cmp-moved-km").inner_text()) == pytest.approx(5.0, abs=0.01)
    # the store marks a moved point planned; fields and coded values are worded in the page's language
    assert "Location basis: Administrative seat → Placed by a planner" in park.locator("td.cmp-changes").inner_text()
    assert page.locator(f"#cmp-diff-table tr[data-id={NEW_BASE}]").get_attribute("class") == "cmp-status-added"
    assert page.locator("#cmp-diff-table tbody tr").count() == 3
    drawn = {(d["id"], d["status"], d["side"]) for d in page.evaluate("gislayoutCompare.diffItems()")}
    assert {(PARK, "moved", "left"), (PARK, "moved", "right"), (NEW_BASE, "added", "right")} <= drawn
    assert (NEW_BASE, "added", "left") not in drawn  # an added feature has no place in version A
    assert page.locator(f"#cmp-map-right path.cmp-diff-arrow[data-id={PARK}]").count() == 1
    km = page.locator("#cmp-map-right .leaflet-tooltip.cmp-km")
    assert km.count() == 1 and km.inner_text() == "5 km"
    added = page.locator(f"#cmp-map-right path.cmp-diff-added[data-id={NEW_BASE}]")
    assert page.locator(f"#cmp-map-left path[data-id={NEW_BASE}]").count() == 0
    added.click()
    popup = page.locator("#cmp-map-right .leaflet-popup-content")
    popup.wait_for()
    assert "Browser test base" in popup.inner_text() and "added" in popup.inner_text()
    assert not page.blocked and not page.errors, (page.blocked, page.errors)


def test_html_in_names_shows_as_text(page, served):
    url, vid, _ = served
    page.goto(f"{url}/compare?a=2010&b={vid}&lang=en")
    page.wait_for_selector(READY)
    row = page.locator(f"#cmp-diff-table tr[data-id={RENAMED}]")
    assert row.locator("td").nth(2).inner_text() == XSS
    assert f"English name: Jinchuan Group Co., Ltd. → {XSS}" in row.locator("td.cmp-changes").inner_text()
    assert XSS in page.locator("#cmp-version-b option:checked").inner_text()
    assert XSS in page.locator("#cmp-diff-summary").inner_text()
    page.locator(f"#cmp-map-right path.cmp-diff-changed[data-id={RENAMED}]").click()
    popup = page.locator("#cmp-map-right .leaflet-popup-content")
    popup.wait_for()
    assert XSS in popup.inner_text()
    assert page.locator("img[src=x]").count() == 0 and popup.locator("img").count() == 0
    assert page.locator("#cmp-diff-table img, #cmp-version-b img").count() == 0
    assert not any(e.startswith("dialog") for e in page.errors) and not page.errors, page.errors
