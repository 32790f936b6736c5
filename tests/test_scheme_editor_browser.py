"""The scheme editor in a real browser: define zones on the map, save, and see the scheme everywhere schemes are.

Each test gets an app on its own empty store. Writes need an editor: when the accounts routes are there the
test signs one in (the session cookie is shared by the page and `page.request`), otherwise the app's writes are
open (the temporary auth stub).
"""

from __future__ import annotations

import pytest

from gislayout.web import create_app

from .browser import browser, page  # noqa: F401  (fixtures)
from .conftest import serve
from .test_one_language_browser import english

pytestmark = pytest.mark.browser
EVIL = "<img src=x onerror=alert(1)>"
WEST = ["酒泉市", "嘉峪关市", "张掖市", "金昌市", "武威市"]
PASSWORD = "scheme editor password"


@pytest.fixture()
def server(tmp_path):
    """An app on an empty store of this test; yields (its URL, the app)."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/s.sqlite"})
    with serve(app) as url:
        yield url, app


def sign_in(app, page, url) -> dict:  # noqa: F811
    """Sign an editor in when the app has accounts; the headers a write from `page.request` needs."""
    if "auth.login" not in app.view_functions:
        return {}
    result = app.test_cli_runner().invoke(args=["users", "add", "planner", "--role", "editor",
                                                "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    resp = page.request.post(f"{url}/api/auth/login", data={"name": "planner", "password": PASSWORD})
    assert resp.ok, resp.text()
    return {"X-CSRF-Token": resp.json()["csrf_token"]}


def open_editor(page, url, query=""):  # noqa: F811
    page.goto(f"{url}/schemes/edit{query}")
    page.wait_for_selector("body[data-ready]")
    assert page.locator("path[data-name]").count() == 14


def unassigned(page) -> int:  # noqa: F811
    return int(page.get_attribute("#se-unassigned", "data-count"))


def add_zone(page, zone_id, name_zh, name_en):  # noqa: F811
    page.click("#se-add-zone")
    row = page.locator(".se-zone.se-selected")
    row.locator("input[data-field=id]").fill(zone_id)
    row.locator("input[data-field=name_zh]").fill(name_zh)
    row.locator("input[data-field=name_en]").fill(name_en)


def click_prefectures(page, names):  # noqa: F811
    for name in names:
        page.dispatch_event(f'path[data-name="{name}"]', "click")


def fill_titles(page, scheme_id, title_zh, title_en):  # noqa: F811
    page.fill("#se-id", scheme_id)
    page.fill("#se-title-zh", title_zh)
    page.fill("#se-title-en", title_en)


def selected_text(page, select) -> str:  # noqa: F811
    return page.eval_on_selector(select, "s => s.options[s.selectedIndex].textContent")


def saved_schemes(page, url) -> dict:  # noqa: F811
    resp = page.request.get(f"{url}/api/schemes")
    assert resp.ok
    return {s["id"]: s for s in resp.json()}


def test_define_save_and_use_a_scheme(page, server):  # noqa: F811
    url, app = server
    sign_in(app, page, url)
    open_editor(page, url)
    assert unassigned(page) == 14
    click_prefectures(page, ["兰州市"])  # no zone yet: nothing to put it in
    assert page.inner_text("#se-message.se-warn") == "请先选择或新增一个区域。" and unassigned(page) == 14
    fill_titles(page, "west-east", "东西两区", "West and east")
    add_zone(page, "west", "河西", "West")
    click_prefectures(page, WEST)
    assert unassigned(page) == 9
    add_zone(page, "east", "河东", "East")
    rest = [n for n in page.eval_on_selector_all("path[data-name]", "ps => ps.map((p) => p.dataset.name)")
            if n not in WEST]
    click_prefectures(page, rest)
    assert unassigned(page) == 0
    assert page.get_attribute('path[data-name="酒泉市"]', "data-zone") == "west"
    page.click("#se-save")
    page.wait_for_selector("#se-message.se-ok")
    assert "第 1 版" in page.inner_text("#se-message") and "scheme=west-east" in page.url

    scheme = saved_schemes(page, url)["west-east"]
    assert scheme["origin"] == "store" and scheme["revision"] == 1 and scheme["title_en"] == "West and east"
    assert {z["id"]: sorted(z["members"]) for z in scheme["zones"]} == {"west": sorted(WEST), "east": sorted(rest)}

    every = page.request.get(f"{url}/api/layers/parks").json()["features"]
    west = page.request.get(f"{url}/api/layers/parks?scheme=west-east&zone=west").json()["features"]
    assert west and {f["properties"]["prefecture"] for f in west} <= set(WEST)
    assert len(west) == sum(f["properties"]["prefecture"] in WEST for f in every) < len(every)

    page.click("#se-atlas-link")
    page.wait_for_url("**/?scheme=west-east")
    page.wait_for_selector("body[data-ready]")
    assert page.eval_on_selector("#scheme-select", "s => s.value") == "west-east"
    assert selected_text(page, "#scheme-select") == "东西两区"
    assert "河西" in page.text_content("[data-filter-group=zone]")
    page.click("#scheme-edit")  # the scheme control links back to the editor, on this scheme
    page.wait_for_url("**/schemes/edit?scheme=west-east")
    page.wait_for_selector("body[data-ready]")
    assert page.input_value("#se-id") == "west-east" and page.inner_text("#se-state").startswith("第 1 版")
    assert page.errors == []


def test_markup_in_names_shows_as_text(page, server):  # noqa: F811
    url, app = server
    sign_in(app, page, url)
    open_editor(page, url, "?lang=en")
    fill_titles(page, "evil", EVIL, EVIL)
    add_zone(page, "all", EVIL, EVIL)
    click_prefectures(page, page.eval_on_selector_all("path[data-name]", "ps => ps.map((p) => p.dataset.name)"))
    page.click("#se-save")
    page.wait_for_selector("#se-message.se-ok")
    assert saved_schemes(page, url)["evil"]["zones"][0]["name_en"] == EVIL

    open_editor(page, url, "?scheme=evil&lang=en")
    assert page.input_value(".se-zone input[data-field=name_en]") == EVIL
    assert selected_text(page, "#se-open") == EVIL + " (saved, editable)"
    page.dispatch_event('path[data-name="兰州市"]', "mouseover")
    assert EVIL in page.inner_text(".leaflet-tooltip:not(.se-label)")
    assert page.locator("img[src=x]").count() == 0

    page.goto(f"{url}/?scheme=evil")
    page.wait_for_selector("body[data-ready]")
    assert EVIL in page.text_content("[data-filter-group=zone]")
    assert selected_text(page, "#scheme-select") == EVIL
    assert page.locator("img[src=x]").count() == 0
    assert page.errors == []  # no alert() dialog, no script error


def test_an_unassigned_prefecture_is_refused_by_the_server_and_nothing_is_saved(page, server):  # noqa: F811
    url, app = server
    sign_in(app, page, url)
    open_editor(page, url)
    fill_titles(page, "partial", "缺一个", "One missing")
    add_zone(page, "most", "大部", "Most")
    names = page.eval_on_selector_all("path[data-name]", "ps => ps.map((p) => p.dataset.name)")
    click_prefectures(page, [n for n in names if n != "兰州市"])
    assert unassigned(page) == 1 and "兰州市" in page.inner_text("#se-unassigned")
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/api/schemes") and r.request.method == "POST") as answer:
        page.click("#se-save")
    assert answer.value.status == 400
    message = page.locator("#se-message.se-error")
    assert "未分配：“兰州市”" in message.inner_text()  # the server's refusal, in the page's language
    assert answer.value.json()["message"] in message.inner_text()  # the server's own words
    assert "partial" not in saved_schemes(page, url)
    assert page.is_hidden("#se-delete") and page.inner_text("#se-state") == "未保存"
    assert "scheme=" not in page.url
    assert [e for e in page.errors if "400" not in e] == []  # the browser logs the refused request itself


def test_a_stale_save_shows_the_conflict_and_a_saved_scheme_can_be_deleted(page, server):  # noqa: F811
    url, app = server
    headers = sign_in(app, page, url)
    body = {"id": "two", "title_zh": "两区", "title_en": "Two", "note": "",
            "zones": [{"id": "west", "name_zh": "西", "name_en": "W", "members": WEST},
                      {"id": "east", "name_zh": "东", "name_en": "E", "members": []}]}
    others = [n for n in page.request.get(f"{url}/atlas/geo/prefectures.json").json()["features"]]
    body["zones"][1]["members"] = [f["properties"]["name_zh"] for f in others
                                   if f["properties"]["name_zh"] not in WEST]
    assert page.request.post(f"{url}/api/schemes", data=body, headers=headers).status == 201
    open_editor(page, url, "?scheme=two")
    assert page.input_value("#se-id") == "two" and page.get_attribute("#se-id", "readonly") is not None
    # someone else renames a zone meanwhile
    body["zones"][0]["name_en"] = "West (theirs)"
    assert page.request.put(f"{url}/api/schemes/two", data=body | {"revision": 1}, headers=headers).status == 200
    page.locator(".se-zone").first.locator("input[data-field=name_en]").fill("West (mine)")
    page.click("#se-save")
    page.wait_for_selector("#se-message.se-error")
    refusal = page.inner_text("#se-message")  # the server's own refusal, in the Chinese page's language
    assert "“two”现为修订 2" in refusal and not english([refusal]), refusal
    assert saved_schemes(page, url)["two"]["zones"][0]["name_en"] == "West (theirs)"  # not overwritten
    page.click("#se-load-current")
    assert page.input_value(".se-zone input[data-field=name_en]") == "West (theirs)"
    page.click("#se-delete")
    page.click("#se-delete")  # the second click confirms
    page.wait_for_selector("#se-message.se-ok")
    assert "two" not in saved_schemes(page, url) and page.is_hidden("#se-delete")
    assert [e for e in page.errors if "409" not in e] == []


def test_an_anonymous_save_is_refused_with_a_sign_in_link(page, server):  # noqa: F811
    url, app = server
    open_editor(page, url, "?scheme=2009&lang=en")
    assert page.get_attribute("#se-account a", "href").startswith("/login?")
    assert page.input_value("#se-id") == "2009-copy"
    page.click("#se-save")
    page.wait_for_selector("#se-message.se-error")
    assert page.locator("#se-message a[href^='/login?']").count() == 1
    assert "2009-copy" not in saved_schemes(page, url)
