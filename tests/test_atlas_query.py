"""The map answers where you click: /api/point's nearest plant and substation, click-to-query in the atlas,
the choropleth mode (API and map), and the printed atlas view (PNG and PDF)."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from pyproj import Geod

from gislayout import choropleth, layers, printing
from gislayout.web import create_app

from .browser import browser, page  # noqa: F401  (fixtures)
from .conftest import serve
from .fixtures.resources import synth

GUAZHOU = (95.78, 40.52)  # in 瓜州县, 酒泉市, away from every point feature at zoom 9
A4_PX = (int(297 / 25.4 * printing.DPI), int(210 / 25.4 * printing.DPI))  # matplotlib truncates


@pytest.fixture(scope="module", autouse=True)
def build_dir(tmp_path_factory):
    """A build directory with the GHI estimate installed."""
    path = synth.fresh_build_dir(tmp_path_factory.mktemp("query"), with_estimate=True)
    with synth.use_build_dir(path):
        yield path


@pytest.fixture(scope="module")
def app(build_dir):
    return create_app({"TESTING": True, "BUILD_DIR": build_dir})


@pytest.fixture(scope="module")
def server(app):
    with serve(app) as url:
        yield url


@pytest.mark.parametrize("layer, key, min_kv", [("plants", "nearest_plant", None),
                                                ("substations", "nearest_substation", 330)])
def test_nearest_plant_and_substation_by_independent_geodesic(client, layer, key, min_kv):
    lon, lat = 100.45, 38.93
    body = client.get(f"/api/point?lon={lon}&lat={lat}").json
    gdf = layers.load(layer)
    if min_kv:
        gdf = gdf[gdf["max_voltage_kv"] >= min_kv]
    _, _, dist = Geod(ellps="WGS84").inv(np.full(len(gdf), lon), np.full(len(gdf), lat), gdf.geometry.x,
                                         gdf.geometry.y)
    i = int(np.argmin(dist))
    assert body[key]["id"] == gdf["id"].iloc[i]
    assert body[key]["distance_km"] == pytest.approx(dist[i] / 1000, abs=0.01)
    if min_kv:
        assert body[key]["max_voltage_kv"] >= min_kv


def test_point_carries_the_estimates_measured_error(client):
    body = client.get("/api/point?lon=%s&lat=%s" % GUAZHOU).json
    ghi = next(r for r in body["resources"] if r["name"] == "ghi_estimate")
    assert ghi["is_estimate"] and ghi["units"] == "kWh/m²/yr" and ghi["value"] > 1000
    assert 0 < ghi["measured_error"]["mean_abs_pct"] <= ghi["measured_error"]["max_abs_pct"]


def test_choropleth_mean_ghi_equals_the_zonal_statistics(client):
    stats = {r["id"]: r["mean"] for r in client.get("/api/stats?unit=prefectures").json["stats"]}
    body = client.get("/api/choropleth?unit=prefectures&stat=ghi_mean").json
    assert len(body["rows"]) == 14 and len(body["colours"]) == len(body["breaks"]) - 1
    for row in body["rows"]:
        assert row["value"] == pytest.approx(stats[row["id"]], abs=0.05)
        assert body["breaks"][row["class"]] <= row["value"] <= body["breaks"][row["class"] + 1]


@pytest.mark.parametrize("unit", choropleth.UNITS)
def test_choropleth_recorded_mw_sums_to_the_layer(client, unit):
    plants = layers.load("plants")
    body = client.get(f"/api/choropleth?unit={unit}&stat=mw_wind").json
    assert sum(r["value"] for r in body["rows"]) == pytest.approx(
        plants.loc[plants["kind"] == "wind", "capacity_mw"].sum())
    assert "not everything installed" in body["note_en"]


@pytest.mark.parametrize("query, fragment", [("unit=towns", "unknown unit 'towns'"),
                                             ("stat=mw_nuclear", "unknown stat 'mw_nuclear'"),
                                             ("colour=red", "unknown parameter 'colour'")])
def test_choropleth_errors_name_the_value(client, query, fragment):
    resp = client.get(f"/api/choropleth?{query}")
    assert resp.status_code == 400 and fragment in resp.json["message"] and resp.json["status"] == 400


def _png(data: bytes) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _has_scale_bar(img: np.ndarray) -> bool:
    """A horizontal run of ≥ 30 black pixels in the lower-left quarter of the map: the scale bar's segment."""
    h, w, _ = img.shape
    part = img[int(h * 0.7):int(h * 0.92), int(w * 0.02):int(w * 0.36)].max(axis=2) < 40
    for line in part:
        runs = np.diff(np.flatnonzero(np.diff(np.r_[0, line.astype(int), 0])))[::2]
        if len(runs) and runs.max() >= 30:
            return True
    return False


@pytest.mark.parametrize("query", [
    "bbox=92,32,109,43&layers=province,prefectures,regions,bases,parks,plants,substations&lang=zh",
    "bbox=103.5,35.8,104.2,36.3&layers=province,counties,bases,parks&lang=en&choro=counties:ghi_mean"])
def test_printed_png_has_size_content_legend_and_scale_bar(client, query):
    resp = client.get(f"/api/atlas/print.png?{query}")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    img = _png(resp.data)
    assert (img.shape[1], img.shape[0]) == A4_PX
    assert (img < 250).any(axis=2).mean() > 0.05  # not blank
    legend = (img[:, int(A4_PX[0] * 0.74):] < 200).any(axis=2)
    assert legend.mean() > 0.005  # the legend column holds symbols and words
    assert _has_scale_bar(img)


def test_printed_pdf_and_errors(client):
    resp = client.get("/api/atlas/print.pdf?bbox=95,39.5,97,41&layers=bases,parks,plants&lang=en&zone=hexi&kind=etdz")
    assert resp.status_code == 200 and resp.data[:5] == b"%PDF-"
    for query, fragment in (("bbox=1,2", "bbox must be west,south,east,north"),
                            ("bbox=95,39,97,41&layers=nowhere", "unknown layer 'nowhere'"),
                            ("bbox=95,39,97,41&choro=prefectures:x", "unknown stat 'x'")):
        bad = client.get(f"/api/atlas/print.png?{query}")
        assert bad.status_code == 400 and fragment in bad.json["message"]
    assert client.get("/api/atlas/print.gif?bbox=95,39,97,41").status_code == 400


def _click_map_centre(page):
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.browser
def test_click_to_query_in_guazhou(page, server):
    lon, lat = GUAZHOU
    page.goto(f"{server}/?layers=province,prefectures,counties&c={lat},{lon}&z=9")
    page.wait_for_selector("body[data-ready]")
    _click_map_centre(page)
    page.wait_for_selector(".query-table [data-q=county]")
    assert "瓜州县" in page.inner_text("[data-q=county]") and "酒泉市" in page.inner_text("[data-q=prefecture]")
    ghi = page.inner_text("[data-q=resource-ghi_estimate]")
    assert re.search(r"\d[\d,]{3,} kWh/m²/yr", ghi) and "估算值" in ghi and "留一法" in ghi
    for key in ("nearest-base", "nearest-park", "nearest-plant", "nearest-substation"):
        assert re.search(r"\d km", page.inner_text(f"[data-q={key}]"))
    assert "kV" in page.inner_text("[data-q=nearest-substation]")
    page.click("#lang-toggle")
    page.wait_for_function("() => document.querySelector('[data-q=county]').textContent.includes('Guazhou')")
    assert "Measured error" in page.inner_text("[data-q=resource-ghi_estimate]")
    assert page.errors == [] and page.blocked == []


@pytest.mark.browser
def test_choropleth_of_mean_ghi_by_prefecture_with_legend_and_table(page, server):
    page.goto(f"{server}/?layers=province")
    page.wait_for_selector("body[data-ready]")
    page.select_option("select[data-choro=choro_stat]", "ghi_mean")
    page.wait_for_selector("#choropleth-legend li[data-class='4']")
    assert "kWh/m²" in page.inner_text("#choropleth-legend")
    assert page.locator(".choropleth-table tbody tr").count() == 14
    fills = page.eval_on_selector_all(".leaflet-choropleth-pane path", "ps => ps.map(p => p.getAttribute('fill'))")
    assert len(fills) == 14 and len(set(fills)) >= 3
    page.wait_for_function("() => location.search.includes('choro=prefectures:ghi_mean')")
    page.reload()
    page.wait_for_selector("#choropleth-legend li[data-class='0']")
    assert page.locator(".choropleth-table tbody tr").count() == 14
    assert page.errors == [] and page.blocked == []


@pytest.mark.browser
def test_print_link_prints_the_current_view(page, server):
    page.goto(f"{server}/?layers=province,prefectures,bases&c=36.06,103.83&z=9&lang=en&choro=prefectures:bases")
    page.wait_for_selector("body[data-ready]")
    href = page.get_attribute("#print-png", "href")
    assert "bbox=" in href and "layers=province,prefectures,bases" in href and "choro=prefectures:bases" in href
    resp = page.request.get(href if href.startswith("http") else server + href)
    assert resp.status == 200 and resp.headers["content-language"] == "en"
    img = _png(resp.body())
    assert (img.shape[1], img.shape[0]) == A4_PX and (img < 250).any(axis=2).mean() > 0.05
    assert _has_scale_bar(img)
    assert page.errors == []


@pytest.mark.parametrize("raw, kept", [("prefectures:ghi_mean", "prefectures:ghi_mean"),
                                       ("counties:mw_coal", "counties:mw_coal"), ("towns:ghi_mean", ""),
                                       ("prefectures:nope", ""), ("prefectures", "")])
def test_choropleth_state_round_trips_through_the_permalink(raw, kept):
    from gislayout.maps import state
    choices = state.Choices(schemes={"2009": ()}, sectors=(), levels=(), kinds=(), prefectures=(), layers=(),
                            bases=(), overlays=())
    parsed = state.parse({"choro": raw}, choices)
    assert parsed.choro == kept and parsed.to_json()["choro"] == kept
    assert (f"choro={kept}" in parsed.to_query()) == bool(kept)


@pytest.mark.parametrize("layer, min_kv", [("plants", None), ("substations", 330), ("bases", None)])
def test_nearest_shortcut_agrees_with_brute_force_geodesics(layer, min_kv):
    from gislayout.resources import places
    finder = places.nearest(((layer, layer, min_kv), ("bases", "bases", None)))
    gdf = layers.load(layer)
    if min_kv:
        gdf = gdf[gdf["max_voltage_kv"] >= min_kv]
    geod, rng = Geod(ellps="WGS84"), np.random.default_rng(11)
    for lon, lat in zip(rng.uniform(92.5, 108.5, 200), rng.uniform(32.6, 42.7, 200)):
        _, _, dist = geod.inv(np.full(len(gdf), lon), np.full(len(gdf), lat), gdf.geometry.x, gdf.geometry.y)
        found = finder(lon, lat)[layer]
        assert found["distance_km"] == pytest.approx(dist.min() / 1000, abs=0.005)
        assert found["id"] in set(gdf["id"][np.isclose(dist, dist.min())])


@pytest.mark.browser
def test_a_click_on_a_vector_point_opens_its_popup_not_the_query(page, server):
    lon, lat = GUAZHOU
    page.goto(f"{server}/?layers=province,prefectures&c={lat},{lon}&z=9")
    page.wait_for_selector("body[data-ready]")
    page.evaluate(f"L.circleMarker([{lat}, {lon}], {{radius: 30}}).bindPopup('its own popup').addTo(Atlas.map)")
    asked = []
    page.on("request", lambda req: asked.append(req.url) if "/api/point" in req.url else None)
    _click_map_centre(page)
    page.wait_for_selector(".leaflet-popup-content >> text=its own popup")
    # The map's click handler runs in the same dispatch as the marker's: had it queried, its "loading" popup
    # (.query-popup) would be open and /api/point asked by now. No fixed wait needed.
    assert page.locator(".query-popup").count() == 0
    assert asked == []
    assert page.locator(".query-table").count() == 0
    assert page.errors == []
