"""Resource overlays in the atlas: toggle, legend with units, opacity, source and bias lines, install notices.

A fake catalogue makes these tests independent of which rasters happen to be installed; the last test
checks the real catalogue, whatever it holds.
"""

from __future__ import annotations

import base64
import re

import pytest

from gislayout import resources
from gislayout.maps import overlays
from gislayout.web import pages

from .browser import browser, page  # noqa: F401  (fixtures)

# A 1×1 transparent PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5E"
                       "rkJggg==")
BOUNDS = [[32.25, 92.0], [43.0, 109.0]]


def entry(name, quantity, installed, **extra):
    base = {"name": name, "title_zh": f"测试{name}", "title_en": f"Test {name}", "quantity": quantity,
            "units": {"ghi": "kWh/m²/yr", "wind_speed": "m/s"}[quantity], "height_m": None,
            "source": f"Source of {name}", "method": "m", "licence": "l", "bias": "", "is_estimate": False,
            "installed": installed, "in_use": installed,
            "install_command": f"flask --app app resources install {name}", "vmin": 1200, "vmax": 2000,
            "colors": ["#ffffcc", "#fd8d3c", "#bd0026"], "caption_zh": "", "caption_en": "", "bounds": BOUNDS}
    return base | extra


@pytest.fixture()
def fake_catalogue(monkeypatch):
    fake = [entry("test_ghi", "ghi", True, is_estimate=True, bias="Too bright in the cloudy east"),
            entry("test_wind", "wind_speed", False, install_command="flask --app app resources fetch gwa")]
    monkeypatch.setattr(overlays, "_read_catalogue", lambda: fake)
    overlays.forget()
    pages.clear_cache()
    yield fake
    monkeypatch.undo()
    overlays.forget()
    pages.clear_cache()


@pytest.mark.browser
def test_overlay_toggles_with_its_legend_opacity_and_source(page, live_server, fake_catalogue):
    asked = []

    def tile(route):
        asked.append(route.request.url)
        route.fulfill(body=PNG, content_type="image/png")
    page.route(re.compile(r"/api/resources/test_ghi/tiles/\d+/\d+/\d+\.png"), tile)
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-ready]")
    notice = page.inner_text("[data-notice=test_wind]")
    assert "flask --app app resources fetch gwa" in notice and "未安装" in notice
    assert page.locator("[data-legend=test_ghi]").count() == 0
    assert page.locator(".leaflet-resources-pane img").count() == 0

    page.check("[data-layer=test_ghi]")
    legend = page.inner_text("[data-legend=test_ghi]")
    for text in ("测试test_ghi", "kWh/m²/yr", "Source of test_ghi", "Too bright in the cloudy east", "2,000"):
        assert text in legend, text
    page.locator("[data-opacity=test_ghi]").evaluate("e => { e.value = 30; e.dispatchEvent(new Event('input')); }")
    assert page.get_attribute(".leaflet-resources-pane .leaflet-layer", "style").count("opacity: 0.3") == 1
    page.wait_for_function("() => location.search.includes('opacity=test_ghi:0.3')")

    page.click("#lang-toggle")
    assert "Test test_ghi" in page.inner_text("[data-legend=test_ghi]")
    assert "not installed" in page.inner_text("[data-notice=test_wind]")

    page.reload()  # the permalink brings the overlay back at its opacity
    page.wait_for_selector("body[data-ready]")
    assert page.is_checked("[data-layer=test_ghi]") and page.locator("[data-legend=test_ghi]").count() == 1
    assert "opacity: 0.3" in page.get_attribute(".leaflet-resources-pane .leaflet-layer", "style")
    # tiles at the map's zoom: at zoom 10 the overlay is fetched as z=10 tiles, not a stretched picture
    page.goto(live_server + "/?layers=test_ghi&c=40.14,94.66&z=10")
    page.wait_for_selector("body[data-ready]")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-resources-pane img.leaflet-tile').length > 0")
    assert any("/tiles/10/" in url for url in asked)
    page.uncheck("[data-layer=test_ghi]")
    assert page.locator("[data-legend=test_ghi]").count() == 0
    assert page.locator(".leaflet-resources-pane img").count() == 0 and page.errors == []


@pytest.mark.browser
def test_real_catalogue_is_shown(page, live_server, client):
    entries = resources.catalogue()
    installed = [e["name"] for e in entries if e["installed"]]
    page.goto(live_server + "/")
    page.wait_for_selector("body[data-ready]")
    for name in installed:
        assert page.locator(f"[data-layer={name}]").count() == 1
        assert client.get(f"/api/resources/{name}/tiles/8/195/96.png").mimetype == "image/png"
    # Whatever earlier tests installed into the session's build directory, every entry is checked for the state
    # it is in now (the catalogue read above and the page served from it agree), so the order of tests does not
    # change what this test proves.
    control = page.inner_text("#layer-control")
    for wind in (e for e in entries if e["quantity"] in ("wind_speed", "wind_power_density")):
        if wind["installed"]:
            assert page.locator(f"[data-layer={wind['name']}]").count() == 1
        else:
            assert wind["install_command"] in control, wind["name"]
    assert page.errors == []
