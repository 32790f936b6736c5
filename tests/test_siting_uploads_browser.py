"""Uploads from the siting panel (static/siting/uploads.js, GL.postFile) in a real browser, on the synthetic
stacks: an exclusion polygon removes its cells from the next run and can be removed again; candidate sites
are scored into their own table; a file the server refuses shows the server's message in the panel."""

from __future__ import annotations

import json

import pytest

from gislayout.analysis import criteria, exclusions, service

from .browser import browser, page  # noqa: F401  (shared fixtures: Debian chromium, off-host requests aborted)
from .fixtures import siting_synthetic as synthetic
from .test_siting_api import block_polygon, fc, lonlat_of_cell

pytestmark = pytest.mark.browser

LINK = "#siting=tech%3Dpv%26max_zone%3D0%26min_area%3D1"
AREAS = "Array.from(document.querySelectorAll('.siting-table tbody td[data-col=area_km2]')).map((td) => td.textContent)"


@pytest.fixture
def stacks(monkeypatch, tmp_path):
    stacks = {tech: synthetic.stack(tech) for tech in criteria.TECHS}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])
    monkeypatch.setattr(exclusions, "store_dir", lambda: tmp_path / "exclusions")
    return stacks


def areas(page) -> list[str]:
    """The area column of the ranked table, sorted as text."""
    return sorted(page.evaluate(AREAS))


def wait_for_areas(page, expected: list[str]):
    """Wait until the table's areas are `expected` (in any order)."""
    literal = json.dumps(json.dumps(sorted(expected), separators=(",", ":")))  # as JSON.stringify writes it
    page.wait_for_function(f"JSON.stringify({AREAS}.sort()) === {literal}", timeout=60000)


def test_an_uploaded_exclusion_reruns_without_its_cells_and_comes_off_again(page, live_server, stacks):
    page.goto(f"{live_server}/siting?lang=en{LINK}")
    page.locator(".siting-table tbody tr").first.wait_for(timeout=60000)
    before = areas(page)
    assert len(before) == 3 and before != sorted(["25", "50", "150"])
    polygon = fc([block_polygon(stacks["pv"], 5, 10, 5, 15)])
    page.locator(".siting-excl-file").set_input_files(
        files=[{"name": "protected.geojson", "mimeType": "application/geo+json", "buffer": polygon.encode()}])
    chip = page.locator(".siting-excl-list .siting-chip")
    chip.wait_for(timeout=60000)
    wait_for_areas(page, ["25", "50", "150"])  # the 50 km² block is gone from the zone that had it
    assert "exclude%3D" in page.url and chip.count() == 1
    assert page.locator(".siting-message").is_hidden()
    chip.locator("button").click()
    page.wait_for_function("document.querySelectorAll('.siting-excl-list .siting-chip').length === 0")
    wait_for_areas(page, before)
    assert "exclude%3D" not in page.url
    assert not page.errors and not page.blocked


def test_candidate_sites_are_scored_into_their_table(page, live_server, stacks):
    st = stacks["pv"]
    rows = "name,lon,lat\n" + "\n".join(f"{n},{lon},{lat}" for n, (lon, lat) in
                                       [("in_A", lonlat_of_cell(st, 10, 10)), ("beijing", (116.4, 39.9))])
    page.goto(f"{live_server}/siting?lang=en{LINK}")
    page.locator(".siting-table tbody tr").first.wait_for(timeout=60000)
    assert page.locator(".siting-sites-wrap").is_hidden()
    page.locator(".siting-sites-file").set_input_files(
        files=[{"name": "sites.csv", "mimeType": "text/csv", "buffer": rows.encode()}])
    body = page.locator(".siting-sites tbody tr")
    body.first.wait_for(timeout=60000)
    assert page.locator(".siting-sites-wrap").is_visible() and body.count() == 2
    assert page.locator(".siting-sites thead th").all_inner_texts()[:3] == ["Rank", "Site", "Score"]
    assert "outside Gansu" in body.nth(1).inner_text() and body.nth(0).locator("td").first.inner_text() == "1"
    assert page.locator(".siting-sites-file").input_value() == ""  # cleared for the next upload
    assert not page.errors and not page.blocked


def test_a_refused_upload_shows_the_servers_message(page, live_server, stacks):
    point = json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                        "geometry": {"type": "Point", "coordinates": [98.5, 39.7]}}]})
    page.goto(f"{live_server}/siting?lang=en{LINK}")
    page.locator(".siting-table tbody tr").first.wait_for(timeout=60000)
    page.locator(".siting-excl-file").set_input_files(
        files=[{"name": "p.geojson", "mimeType": "application/geo+json", "buffer": point.encode()}])
    message = page.locator(".siting-message")
    message.wait_for(state="visible", timeout=60000)
    assert "is a Point" in message.inner_text()  # the server's words (exclusions must be polygons)
    assert page.locator(".siting-excl-list .siting-chip").count() == 0
    assert [e for e in page.errors if "status of 400" not in e] == [] and not page.blocked  # the refusal itself
