"""Names from the data are text, never markup: a feature called `<img src=x onerror=alert(1)>` in the browser."""

from __future__ import annotations

import pandas as pd
import pytest

from gislayout.web import create_app

from .browser import browser, page, reveal_marker  # noqa: F401  (fixtures)
from .conftest import serve

pytestmark = pytest.mark.browser
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture()
def evil_server(layers_copy):
    """An app on a copy of the layers with one base renamed to markup; yields (its URL, that base's id)."""
    bases = pd.read_csv(layers_copy / "bases.csv", dtype=str, keep_default_na=False)
    bases.loc[0, ["name_zh", "name_en"]] = [EVIL + "基地", EVIL + " base"]
    bases.loc[0, "location_note"] = "<script>alert(2)</script>"
    bases.to_csv(layers_copy / "bases.csv", index=False)
    with serve(create_app({"TESTING": True, "LAYERS_DIR": layers_copy})) as url:
        yield url, bases.loc[0, "id"]


def test_markup_in_a_name_shows_as_text(page, evil_server):
    live_server, evil_feature = evil_server
    page.goto(f"{live_server}/?sel={evil_feature}")
    page.wait_for_selector("body[data-ready]")
    popup = page.locator(".leaflet-popup-content .popup")
    assert popup.locator(".popup-name").inner_text() == EVIL + "基地"
    assert popup.locator(".popup-alt").inner_text() == EVIL + " base"
    # the location note; a "recorded in these datasets" section may arrive beside it (record.js)
    popup.locator(".popup-note summary", has_text="位置说明").click()
    assert "<script>alert(2)</script>" in popup.inner_text()
    assert EVIL in page.inner_text(f".list-item[data-id={evil_feature}]")
    page.fill("#search", "onerror")
    assert EVIL + "基地" in page.inner_text("#search-results")
    reveal_marker(page, evil_feature).dispatch_event("mouseover")
    assert page.inner_text(".leaflet-tooltip:not(.area-tip)") == EVIL + "基地"
    page.click("#lang-toggle")
    assert page.locator(".popup-name").inner_text() == EVIL + " base"
    assert page.locator("img[src=x]").count() == 0 and page.locator(".popup script").count() == 0
    assert page.errors == []  # no alert() dialog, no script error
