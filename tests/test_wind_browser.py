"""From a fresh build (`flask --app app build`, the README's first command, in an empty build folder) the atlas
shows the wind overlay, the point query at Guazhou gives a wind speed with the Global Wind Atlas attribution, and
a wind siting run returns costed zones: in Debian's chromium."""

from __future__ import annotations

import re

import pytest

from gislayout.analysis import criteria
from gislayout.web import create_app

from .browser import browser, page  # noqa: F401  (shared fixtures: Debian chromium, off-host requests aborted)
from .conftest import serve

pytestmark = pytest.mark.browser
GUAZHOU = (95.78, 40.52)


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    build = tmp_path_factory.mktemp("fresh") / "build"
    app = create_app({"TESTING": True, "BUILD_DIR": build})
    result = app.test_cli_runner().invoke(args=["build"])
    assert result.exit_code == 0, result.output
    assert "wind default: gwa3_ws100_025" in result.output
    criteria.build.cache_clear()
    with serve(app) as url:
        yield url
    criteria.build.cache_clear()


def test_wind_overlay_and_point_query_at_guazhou(page, fresh_server):
    lon, lat = GUAZHOU
    page.goto(f"{fresh_server}/?layers=province,prefectures&c={lat},{lon}&z=7")
    page.wait_for_selector("body[data-ready]")
    assert "使用中" in page.inner_text("[data-layer=gwa3_ws100_025] >> xpath=..")
    page.check("[data-layer=gwa3_ws100_025]")
    page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-resources-pane img.leaflet-tile-loaded').length > 0")
    legend = page.inner_text("[data-legend=gwa3_ws100_025]")
    assert "m/s" in legend and "全球风能图谱" in legend and "河谷" in legend
    page.locator("[data-opacity=gwa3_ws100_025]").evaluate(
        "e => { e.value = 40; e.dispatchEvent(new Event('input')); }")
    assert "opacity: 0.4" in page.get_attribute(".leaflet-resources-pane .leaflet-layer", "style")

    # the solar default says in its legend that it was chosen by measured error
    solar = page.evaluate("window.Atlas.cfg.resources.overlays.find((o) => o.quantity === 'ghi' && o.in_use).name")
    page.check(f"[data-layer={solar}]")
    assert "按实测误差选定" in page.inner_text(f"[data-legend={solar}] .legend-validation")
    page.uncheck(f"[data-layer={solar}]")

    page.evaluate(f"window.Atlas.queryAt(L.latLng({lat}, {lon}))")
    page.wait_for_selector(".query-table [data-q=resource-gwa3_ws100_025]")
    assert "瓜州县" in page.inner_text("[data-q=county]")
    wind = page.inner_text("[data-q=resource-gwa3_ws100_025]")
    speed = float(re.search(r"(\d+\.\d+) m/s", wind).group(1))
    assert 6.5 < speed < 8.0, wind
    assert "全球风能图谱" in wind and "CC BY 4.0" in wind and "使用中" in wind
    assert page.locator("[data-q^=missing-wind]").count() == 0
    page.click("#lang-toggle")
    page.wait_for_function("() => document.querySelector('[data-q=county]').textContent.includes('Guazhou')")
    assert "Global Wind Atlas 3" in page.inner_text("[data-q=resource-gwa3_ws100_025]")
    assert page.errors == [] and page.blocked == []


def test_wind_siting_run_gives_costed_zones(page, fresh_server):
    page.goto(f"{fresh_server}/siting?lang=en#siting=tech%3Dwind")
    rows = page.locator(".siting-table tbody tr")
    rows.first.wait_for(timeout=120000)
    assert not page.locator(".siting-run").is_disabled()
    headers = [h.inner_text() for h in page.locator(".siting-table thead th").all()]
    lcoe_col = next(i for i, h in enumerate(headers) if h.startswith("LCOE"))
    first = rows.first.locator("td").nth(lcoe_col).inner_text()
    assert float(first.replace(",", "")) > 0
    assert rows.count() >= 10
    assert page.errors == [] and page.blocked == []
