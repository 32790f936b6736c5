"""The atlas shows the plan against the record (static/atlas/record.js) in a real browser, offline."""

from __future__ import annotations

import pandas as pd
import pytest

from .browser import browser, page  # noqa: F401  (fixtures)
from .conftest import ROOT

pytestmark = pytest.mark.browser


def _open(pg, base: str, query: str):
    pg.goto(f"{base}/{query}")
    pg.wait_for_selector("body[data-ready]")


def test_the_jiuquan_wind_base_popup_shows_its_registered_projects(page, live_server):
    cdm = pd.read_csv(ROOT / "layers" / "cdm_projects.csv")
    wind = cdm[(cdm["kind"] == "wind") & cdm["county"].isin(["瓜州县", "玉门市"])].groupby("cdm_ref")["capacity_mw"].first()
    _open(page, live_server, "?lang=en&sel=base_jiuquan_wind")
    section = page.locator(".leaflet-popup-content .popup-record[data-record-id=base_jiuquan_wind]")
    section.locator("table").wait_for()
    text = section.inner_text()
    assert "Recorded in these datasets" in text and "not a census of what was built" in text
    assert f"{len(wind)} · {wind.sum():,.1f} MW stated in titles ({wind.notna().sum()} of {len(wind)} state MW)" in text
    assert "GPPD plants · wind" in text and "6,048 MW" in text
    assert "installed" not in text.lower()
    section.locator("details summary").click()  # the item list: one link per CDM project to the registry
    assert section.locator("a[href*='cdm.unfccc.int/Projects/redirector?ref=']").count() == len(wind)
    assert not page.errors and not page.blocked


def test_a_prefecture_popup_shows_recorded_capacity_by_fuel(page, live_server):
    plants = pd.read_csv(ROOT / "layers" / "plants.csv")
    coal = plants[(plants["prefecture"] == "酒泉市") & (plants["kind"] == "coal")]
    _open(page, live_server, "")
    page.evaluate("() => Atlas.queryAt(L.latLng(40.52, 95.78))")  # a click on the ground in Guazhou, Jiuquan
    row = page.locator(".popup-record[data-record-id=酒泉市] tr[data-fuel=coal]")
    row.wait_for()
    text = row.inner_text()
    assert f"{coal['capacity_mw'].sum():,.0f} MW" in text
    assert f"({int(coal['commissioning_year'].min())}–{int(coal['commissioning_year'].max())})" in text
    assert "数据集记录" in page.locator(".popup-record[data-record-id=酒泉市]").inner_text()
    assert not page.errors and not page.blocked
