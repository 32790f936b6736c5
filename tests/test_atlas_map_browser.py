"""The atlas map in a real browser (Debian chromium, no network): honest precision (no invented offsets, groups
where points share a place, hollow approximate points), context layers fetched by zoom, ground layers."""

from __future__ import annotations

import pytest

from .browser import browser, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
LANZHOU = "c=36.06,103.83&z=11"

#: For every approximate feature drawn in view: its data coordinate's pixel, and the centre of what is drawn
#: for it (its own marker, or the group marker it sits in).
PLACED = """() => {
  const A = window.Atlas, map = A.map, box = map.getContainer().getBoundingClientRect(), out = [];
  const view = map.getBounds();
  A.POINT_LAYERS.filter(A.isVisible).forEach((layer) => A.shown[layer].forEach((f) => {
    if (!A.isApproximate(f.properties)) return;
    const [lon, lat] = f.geometry.coordinates;
    if (!view.contains([lat, lon])) return;
    const marker = A.markers[f.properties.id], shown = A.cluster.getVisibleParent(marker);
    const node = shown && shown.getElement();
    const want = map.latLngToContainerPoint([lat, lon]);
    if (!node) { out.push({ id: f.properties.id, missing: true }); return; }
    const r = node.getBoundingClientRect();
    out.push({ id: f.properties.id, grouped: shown !== marker, hollow: node.classList.contains("approx"),
      dx: r.left + r.width / 2 - box.left - want.x, dy: r.top + r.height / 2 - box.top - want.y });
  }));
  return out;
}"""


def open_atlas(pg, base: str, query: str = ""):
    pg.goto(f"{base}/?{query}")
    pg.wait_for_selector("body[data-ready]")
    pg.wait_for_selector("body[data-context-ready][data-ground-ready]")
    return pg


def test_lanzhou_zoom_11_draws_approximate_points_at_their_coordinates_or_in_a_group(page, live_server):
    open_atlas(page, live_server, LANZHOU)
    placed = page.evaluate(PLACED)
    assert len(placed) >= 10 and not [p for p in placed if p.get("missing")]
    off = [p for p in placed if abs(p["dx"]) > 1.5 or abs(p["dy"]) > 1.5]
    assert not off, f"drawn away from their data coordinate: {off[:5]}"
    assert any(p["grouped"] for p in placed) and all(p["hollow"] for p in placed if not p["grouped"])
    assert page.errors == [] and page.blocked == []


def test_a_group_opens_into_a_spider_with_schematic_legs(page, live_server):
    open_atlas(page, live_server, LANZHOU)
    # the group at the Chengguan district seat, where the Lanzhou high-tech zone and others sit
    page.evaluate("""() => { const m = Atlas.markers.park_lanzhou_hitech, g = Atlas.cluster.getVisibleParent(m);
      if (g !== m) g.getElement().dataset.test = "group"; }""")
    group = page.locator(".seat-group[data-test=group]")
    n = int(group.inner_text())
    group.click()
    legs = page.locator(".leaflet-overlay-pane path[stroke-dasharray='2 4']")
    legs.first.wait_for()
    assert legs.count() == n >= 2
    # the spread markers are schematic; the group's own place keeps no second marker of them
    assert page.evaluate("() => Atlas.cluster._spiderfied !== null && Atlas.cluster._spiderfied !== undefined")


def test_legend_explains_solid_hollow_and_groups(page, live_server):
    open_atlas(page, live_server, "lang=en")
    legend = page.inner_text("#legend")
    assert "Solid: sited" in legend and "Hollow" in legend and "schematic" in legend


def test_popup_gives_precision_basis_location_source_and_source(page, live_server):
    open_atlas(page, live_server, "lang=en&sel=park_lanzhou_hitech&" + LANZHOU)
    page.evaluate("() => Atlas.openFeature('park_lanzhou_hitech')")
    popup = page.locator(".leaflet-popup-content .popup[data-id='park_lanzhou_hitech']")
    popup.wait_for()
    text = popup.inner_text()
    for words in ("County seat", "Location basis", "Administrative seat", "Location from", "admin_names.csv",
                  "Policy clause"):
        assert words in text, words


def test_place_names_appear_at_zoom_9_around_lanzhou_and_not_before(page, live_server):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_atlas(page, live_server, "")
    assert not [u for u in requests if "/atlas/context/" in u]  # zoom 6: nothing fetched
    open_atlas(page, live_server, "c=36.06,103.83&z=9")
    labels = page.locator(".ctx-label.rank-1, .ctx-label.rank-2").all_inner_texts()
    assert "兰州市" in labels and "白银市" in labels and "七里河区" in labels
    assert "GeoNames" in page.inner_text(".leaflet-control-attribution")
    assert page.locator(".ctx-label.rank-3").count() == 0  # towns only from zoom 11
    page.click("#lang-toggle")
    page.wait_for_function("() => [...document.querySelectorAll('.ctx-label')].some(n => n.textContent === 'Lanzhou')")


def test_ground_layers_switch_on_lazily_with_legend_popup_and_credit(page, live_server):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_atlas(page, live_server, "lang=en")
    assert not [u for u in requests if "/atlas/geo/substations" in u]
    page.check("input[data-layer=substations]")
    page.wait_for_selector(".legend-ground[data-legend=substations]")
    assert "≥ 750 kV" in page.inner_text("#legend")
    assert "OpenStreetMap" in page.inner_text(".leaflet-control-attribution")
    page.uncheck("input[data-layer=substations]")
    page.check("input[data-layer=plants]")
    page.wait_for_selector(".legend-ground[data-legend=plants]")
    assert "WRI GPPD" in page.inner_text(".leaflet-control-attribution")
    page.evaluate("() => Atlas.map.setView([36.156395, 103.331724], 13, {animate: false})")
    # the plant shares its place with the policy's Chalco Lanzhou (its proxy point): open the group first
    grouped = page.evaluate("""() => { const m = Atlas.cluster.getLayers().find((m) => m.options.layer === "plants"
      && m.getLatLng().lat === 36.1564), g = Atlas.cluster.getVisibleParent(m);
      if (g !== m) g.getElement().dataset.test = "group"; return g !== m; }""")
    if grouped:
        page.click(".seat-group[data-test=group]")
    marker = page.locator(".leaflet-marker-pane [data-id='gppd_1070254']")
    marker.wait_for()
    marker.click()
    popup = page.locator(".popup-ground[data-id='gppd_1070254']")
    popup.wait_for()
    text = popup.inner_text()
    assert "Capacity recorded in these datasets (MW)" in text and "300" in text and "2008" in text
    assert "Recorded in these datasets" in text and "installed" not in text.lower()
    page.uncheck("input[data-layer=plants]")
    page.wait_for_function("() => !document.querySelector(`.leaflet-marker-pane [data-id='gppd_1070254']`)")
    assert page.errors == [] and page.blocked == []
