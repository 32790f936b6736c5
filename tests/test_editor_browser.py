"""The atlas as a version editor in a real browser: an editor signs in, branches the 2010 version, drags a park
about 5 km, adds a base and saves; the API then has both, and the baseline is untouched. User text (a version
name, a feature name) with markup shows as text in the version list, the selector and the popup.

Each test runs its own app on an empty SQLite store in tmp_path, with an editor account made in the store.
"""

from __future__ import annotations

import math
import re
import urllib.parse

import pytest

from gislayout.web import create_app

from .browser import browser, page  # noqa: F401  (fixtures)
from .conftest import serve

pytestmark = pytest.mark.browser
EVIL = "<img src=x onerror=alert(1)>"
EDITOR, PASSWORD = "ed", "correct horse battery"


def haversine_km(a: list[float], b: list[float]) -> float:
    """Great-circle distance in km between two [lon, lat] points (mean Earth radius)."""
    (lon1, lat1), (lon2, lat2) = a, b
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _add_editor(app) -> None:
    """An editor account in the app's store."""
    from gislayout.store.accounts import add_user
    with app.app_context():
        add_user(EDITOR, PASSWORD, "editor")


@pytest.fixture()
def store_server(tmp_path):
    """An app on an empty store in tmp_path with an editor; yields its base URL."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    _add_editor(app)
    with serve(app) as url:
        yield url


def sign_in_with_the_link(pg, base: str, query: str) -> None:
    """Open the atlas, follow its sign-in link, sign in on /login and come back to the same view."""
    pg.goto(f"{base}/?{query}")
    pg.wait_for_selector("body[data-versions-ready]")
    pg.click("#sign-in")
    pg.wait_for_selector("#auth-form")
    pg.fill("#auth-name", EDITOR)
    pg.fill("#auth-password", PASSWORD)
    pg.click("#auth-submit")
    pg.wait_for_url(f"{base}/?{query}*")
    pg.wait_for_selector("body[data-ready][data-versions-ready]")


def sign_in(pg, base: str) -> str:
    """Sign the page's browser context in as the editor through the API; returns the CSRF token."""
    resp = pg.request.post(f"{base}/api/auth/login", data={"name": EDITOR, "password": PASSWORD})
    assert resp.ok, resp.text()
    return resp.json()["csrf_token"]


def api(pg, base: str, path: str) -> dict:
    resp = pg.request.get(base + path)
    assert resp.ok, f"{path}: {resp.status} {resp.text()}"
    return resp.json()


def open_atlas(pg, base: str, query: str):
    pg.goto(f"{base}/?{query}")
    pg.wait_for_selector("body[data-ready][data-versions-ready]")


def screen_point(pg, lon: float, lat: float) -> tuple[float, float]:
    """Where (lon, lat) is on the page, in CSS pixels."""
    return tuple(pg.evaluate("""([lon, lat]) => {
        const p = Atlas.map.latLngToContainerPoint([lat, lon]), r = Atlas.map.getContainer().getBoundingClientRect();
        return [p.x + r.left, p.y + r.top]; }""", [lon, lat]))


def east(lon: float, lat: float, km: float) -> tuple[float, float]:
    return lon + km / (111.32 * math.cos(math.radians(lat))), lat


def unwanted(errors: list[str], expected: tuple[int, ...]) -> list[str]:
    """Page errors other than the HTTP answers the test provoked (the browser logs each as a console error)."""
    return [e for e in errors if not ("Failed to load resource" in e and any(f" {s} (" in e for s in expected))]


def test_branch_drag_a_park_add_a_base_and_save(page, store_server):
    base = store_server
    open_atlas(page, base, "lang=en")
    assert page.locator("#edit-bar").is_hidden()  # no account, no editing
    sign_in_with_the_link(page, base, "lang=en")
    assert page.inner_text("#account .account-name") == EDITOR
    assert page.is_disabled("#edit-toggle")  # the baseline is read-only

    # branch the baseline from the versions panel; the atlas switches to the new version and the URL says so
    page.click("li[data-version='2010'] [data-action=branch]")
    page.fill("input[name=branch-name]", "Five km east")
    page.click("li[data-version='2010'] button[type=submit]")
    page.wait_for_function("location.search.includes('version=') && !location.search.includes('version=2010')")
    vid = urllib.parse.parse_qs(page.evaluate("location.search.slice(1)"))["version"][0]
    page.wait_for_selector(f"li.current[data-version='{vid}']")
    assert page.eval_on_selector("#version-select", "s => s.value") == vid

    # a park alone at its place (not in a group marker), seen up close
    park = page.evaluate("""() => {
        const at = (f) => f.geometry.coordinates.join(","), all = Object.values(Atlas.byId).map((h) => at(h.feature));
        const p = Atlas.data.parks.find((f) => all.filter((c) => c === at(f)).length === 1);
        return {id: p.properties.id, c: p.geometry.coordinates}; }""")
    lon, lat = park["c"]
    page.evaluate("([lat, lon]) => Atlas.map.setView([lat, lon], 11, {animate: false})", [lat, lon])
    page.click("#edit-toggle")
    page.wait_for_selector("body[data-editing]")

    # drag it with the mouse, 5 km east; the move is saved at once
    marker = f".leaflet-marker-pane .sym[data-id='{park['id']}']"
    page.wait_for_selector(marker)
    box = page.locator(marker).bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    x1, y1 = screen_point(page, *east(lon, lat, 5.0))
    patch = f"/features/parks/{park['id']}"
    with page.expect_response(lambda r: r.request.method == "PATCH" and patch in r.url) as moved:
        page.mouse.move(x0, y0)
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10)
        page.mouse.up()
    assert moved.value.status == 200

    # add a base 8 km west of the park: click the map, fill the form; a bad clause is refused and nothing is saved
    bases_before = len(api(page, base, f"/api/versions/{vid}/features?layer=bases")["features"])
    page.select_option("#edit-layer", "bases")
    page.click("#edit-add")
    page.mouse.click(*screen_point(page, *east(lon, lat, -8.0)))
    page.wait_for_selector("#edit-form:not([hidden])")
    page.fill("#ef-name_zh", "试验基地")
    page.fill("#ef-name_en", "Trial base")
    page.select_option("#ef-level", "provincial")
    page.select_option("#ef-sectors", ["new_energy"])
    assert page.input_value("#ef-precision") == "planned" and page.input_value("#ef-location_basis") == "planner"
    page.fill("#ef-source", "not a clause")
    with page.expect_response(lambda r: r.request.method == "POST" and "/features/bases" in r.url) as refused:
        page.click("#edit-save")
    assert refused.value.status == 400
    page.wait_for_selector("#edit-error:not([hidden])")
    # the server's message beside the field, quoting the value; nothing saved
    assert "not a clause" in page.inner_text(".ef-row[data-field=source] .field-error")
    assert len(api(page, base, f"/api/versions/{vid}/features?layer=bases")["features"]) == bases_before
    page.fill("#ef-source", "三(二)2")
    with page.expect_response(lambda r: r.request.method == "POST" and "/features/bases" in r.url) as created:
        page.click("#edit-save")
    assert created.value.status == 201
    page.wait_for_selector("#edit-form", state="hidden")
    new_id = created.value.json()["id"]
    page.wait_for_function("id => !!Atlas.byId[id]", arg=new_id)

    # the API has both; the baseline has neither
    moved_park = api(page, base, f"/api/versions/{vid}/features/parks/{park['id']}")
    assert 4.5 <= haversine_km(park["c"], moved_park["geometry"]["coordinates"]) <= 5.5
    assert moved_park["properties"]["precision"] == "planned"  # a moved point is a proposal now
    assert api(page, base, f"/api/versions/2010/features/parks/{park['id']}")["geometry"]["coordinates"] == \
        pytest.approx(park["c"], abs=1e-6)
    added = [f for f in api(page, base, f"/api/versions/{vid}/features?layer=bases")["features"] if f["id"] == new_id]
    assert len(added) == 1 and added[0]["properties"]["name_en"] == "Trial base"
    assert added[0]["properties"]["level"] == "provincial" and added[0]["properties"]["source"] == "三(二)2"
    assert haversine_km(added[0]["geometry"]["coordinates"], park["c"]) == pytest.approx(8.0, abs=0.5)
    assert not [f for f in api(page, base, "/api/versions/2010/features?layer=bases")["features"] if f["id"] == new_id]
    # the version's history lists both writes
    page.wait_for_selector(".change[data-action=add]")
    line = page.inner_text(".change[data-action=update]")
    assert float(re.search(r"↔ ([\d.]+) km", line).group(1)) == pytest.approx(5.0, abs=0.5)
    # the bad clause's 400; the new base's "recorded in these datasets" section knows only baseline features (404)
    assert unwanted(page.errors, (400, 404)) == []

    # and /compare shows both against the baseline, in the table and on the map
    page.goto(f"{base}/compare?a=2010&b={vid}&lang=en")
    page.wait_for_selector("#cmp-diff-result[data-state=ready]")
    row = page.locator(f"#cmp-diff-table tr[data-id={park['id']}]")
    assert row.get_attribute("class") == "cmp-status-moved"
    assert float(row.locator("td.cmp-moved-km").inner_text()) == pytest.approx(5.0, abs=0.5)
    assert page.locator(f"#cmp-diff-table tr[data-id={new_id}]").get_attribute("class") == "cmp-status-added"
    assert page.locator(f"#cmp-map-right path.cmp-diff-arrow[data-id={park['id']}]").count() == 1


def test_markup_in_a_version_name_and_a_feature_name_shows_as_text(page, store_server):
    base = store_server
    csrf = sign_in(page, base)
    headers = {"X-CSRF-Token": csrf}
    assert api(page, base, "/api/versions")["versions"][0]["id"] == "2010"
    version = page.request.post(f"{base}/api/versions", data={"parent_id": "2010", "name": EVIL}, headers=headers)
    assert version.status == 201, version.text()
    vid = version.json()["id"]
    park = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [103.75, 36.07]},
            "properties": {"name_zh": "测试园区", "name_en": EVIL, "kind": "industry_park", "sectors": "new_energy",
                           "precision": "site", "location_basis": "named", "location_source": "a test",
                           "source": "三(二)3"}}
    feature = page.request.post(f"{base}/api/versions/{vid}/features/parks", data=park, headers=headers)
    assert feature.status == 201, feature.text()
    fid = feature.json()["id"]

    open_atlas(page, base, f"lang=en&version={vid}&sel={fid}")
    assert page.inner_text(f"li[data-version='{vid}'] .version-name") == EVIL
    assert page.eval_on_selector("#version-select", "s => s.selectedOptions[0].textContent").startswith(EVIL)
    page.wait_for_selector(f".leaflet-popup-content .popup[data-id='{fid}']")
    assert page.inner_text(".leaflet-popup-content .popup-name") == EVIL
    page.click(".leaflet-popup-content [data-edit=history]")
    page.wait_for_selector(f"#history[data-fid='{fid}']")
    assert EVIL in page.inner_text(".history-head") and EVIL in page.inner_text(".change[data-action=add]")
    assert page.locator("img[src=x]").count() == 0 and page.locator("img[onerror]").count() == 0
    assert not [e for e in page.errors if e.startswith(("dialog", "pageerror"))]


def test_a_stale_drag_shows_the_current_state_and_a_deleted_feature_comes_back(page, store_server):
    base = store_server
    headers = {"X-CSRF-Token": sign_in(page, base)}
    api(page, base, "/api/versions")
    branch = page.request.post(f"{base}/api/versions", data={"parent_id": "2010", "name": "Stale"}, headers=headers)
    vid = branch.json()["id"]
    parks = api(page, base, f"/api/versions/{vid}/features?layer=parks")["features"]
    places = [tuple(f["geometry"]["coordinates"]) for f in api(page, base, f"/api/versions/{vid}/features")["features"]
              if f["properties"]["layer"] in ("bases", "parks", "enterprises", "projects")]
    park = next(f for f in parks if places.count(tuple(f["geometry"]["coordinates"])) == 1)
    lon, lat = park["geometry"]["coordinates"]
    open_atlas(page, base, f"lang=en&version={vid}&c={lat},{lon}&z=11")
    page.click("#edit-toggle")
    page.wait_for_selector("body[data-editing]")

    # someone else renames the park after the page loaded it
    other = page.request.patch(f"{base}/api/versions/{vid}/features/parks/{park['id']}", headers=headers,
                               data={"properties": {"name_en": "Renamed meanwhile"}, "revision": park["revision"]})
    assert other.ok, other.text()
    marker = f".leaflet-marker-pane .sym[data-id='{park['id']}']"
    box = page.locator(marker).bounding_box()
    x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_response(lambda r: r.request.method == "PATCH") as stale:
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.mouse.move(x0 + 30, y0, steps=5)
        page.mouse.move(x0 + 60, y0 + 10, steps=5)
        page.mouse.up()
    assert stale.value.status == 409
    page.wait_for_selector("#edit-form[data-conflict]")
    assert "Changed by someone else" in page.inner_text("#edit-form")
    assert "Renamed meanwhile" in page.inner_text("#edit-form")  # the current state, as the server sent it
    now = api(page, base, f"/api/versions/{vid}/features/parks/{park['id']}")
    assert now["geometry"]["coordinates"] == park["geometry"]["coordinates"] and now["revision"] == park["revision"] + 1
    page.click("#conflict-reload")
    page.wait_for_selector(f".leaflet-popup-content .popup[data-id='{park['id']}']")
    assert page.inner_text(".leaflet-popup-content .popup-name") == "Renamed meanwhile"

    # delete it (after confirming), then restore it from the version's history
    page.click(".leaflet-popup-content [data-edit=delete]")
    assert api(page, base, f"/api/versions/{vid}/features/parks/{park['id']}")["properties"]["deleted"] is False
    with page.expect_response(lambda r: r.request.method == "DELETE") as deleted:
        page.click(".leaflet-popup-content [data-confirm=delete]")
    assert deleted.value.status == 200
    page.wait_for_function("id => !Atlas.byId[id]", arg=park["id"])
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/restore")) as restored:
        page.click(".change[data-action=delete] [data-action=restore]")
    assert restored.value.status == 200
    page.wait_for_function("id => !!Atlas.byId[id]", arg=park["id"])
    assert api(page, base, f"/api/versions/{vid}/features/parks/{park['id']}")["properties"]["deleted"] is False
    assert unwanted(page.errors, (409,)) == []


def test_ground_layers_a_version_holds_follow_the_version_shown(page, store_server):
    base = store_server
    csrf = sign_in(page, base)
    vid = page.request.post(f"{base}/api/versions", data={"name": "No big plant"},
                            headers={"X-CSRF-Token": csrf}).json()["id"]
    plants = api(page, base, f"/api/versions/{vid}/features?layer=plants")["features"]
    gone = plants[0]["id"]
    resp = page.request.delete(f"{base}/api/versions/{vid}/features/plants/{gone}?revision=1",
                               headers={"X-CSRF-Token": csrf})
    assert resp.ok, resp.text()
    shown = "() => Atlas.cluster.getLayers().filter((m) => m.options.layer === 'plants').map((m) => m.options.fid)"
    open_atlas(page, base, "layers=plants")
    page.wait_for_selector("body[data-ground-ready]")
    page.wait_for_function(f"id => ({shown})().includes(id)", arg=gone)
    page.evaluate("vid => Atlas.setVersion(vid)", vid)
    page.wait_for_function(f"id => !({shown})().includes(id) && ({shown})().length > 0", arg=gone)
    page.evaluate("() => Atlas.setVersion('')")
    page.wait_for_function(f"id => ({shown})().includes(id)", arg=gone)
