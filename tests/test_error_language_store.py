"""The plan workspace's refusals (versions, features, schemes, sign-in) asked for from a Chinese page (`lang=zh`)
say their message in Chinese, in the one error shape; without `lang` the API answers in the same English as
before. Real requests on an embedded (SQLite) store with an editor and a draft of 2010."""

from __future__ import annotations

import pytest

from gislayout.store import accounts
from gislayout.web import create_app

from .test_error_language import CJK, chinese
from .test_planner_workflow import BASE, EDITOR, PASSWORD


@pytest.fixture()
def store(tmp_path):
    """(client, csrf headers, draft id, id of a base in the draft) on an empty store; a second editor 'other'."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    with app.app_context():
        accounts.add_user(EDITOR, PASSWORD, "editor")
        accounts.add_user("other", PASSWORD, "editor")
    client = app.test_client()
    csrf = client.post("/api/auth/login", json={"name": EDITOR, "password": PASSWORD}).get_json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    assert client.get("/api/versions").status_code == 200
    vid = client.post("/api/versions", json={"parent_id": "2010", "name": "Draft B"}, headers=headers).get_json()["id"]
    made = client.post(f"/api/versions/{vid}/features/bases", json=BASE, headers=headers)
    assert made.status_code == 201, made.get_data(as_text=True)
    return client, headers, vid, made.get_json()["id"]


def both(client, method: str, url: str, names_in_english: bool = False, **kwargs):
    """(answer with lang=zh, answer without) to the same request, checked to share status and shape; the English
    holds no Chinese unless it quotes Chinese names (`names_in_english`)."""
    sep = "&" if "?" in url else "?"
    zh = getattr(client, method)(f"{url}{sep}lang=zh", **kwargs)
    en = getattr(client, method)(url, **kwargs)
    assert zh.status_code == en.status_code and 400 <= zh.status_code < 500, (zh.json, en.json)
    assert set(zh.json) == set(en.json) and zh.json["error"] == en.json["error"]  # one shape
    assert zh.json["status"] == zh.status_code and zh.headers["Content-Language"] == "zh"
    assert names_in_english or not CJK.search(en.json["message"])
    assert "Content-Language" not in en.headers
    return zh, en


def test_feature_refusals_are_chinese(store):
    client, headers, vid, fid = store
    url = f"/api/versions/{vid}/features/bases/{fid}"
    zh, en = both(client, "patch", url, json={"properties": {"name_en": "x"}, "revision": 99}, headers=headers)
    assert zh.status_code == 409 and f"“{fid}”" in chinese(zh.json) and "99" in zh.json["message"]
    assert en.json["message"] == f"feature {fid!r} is at revision 1, not 99: someone else changed it"
    assert zh.json["current"] == en.json["current"]  # the current state rides along in both languages
    zh, en = both(client, "patch", url, json={"properties": {"level": "municipal"}, "revision": 1}, headers=headers)
    assert zh.status_code == 400 and "municipal" in chinese(zh.json) and zh.json["fields"] == en.json["fields"]
    assert en.json["message"].startswith("invalid bases feature: level: ")
    zh, _ = both(client, "post", f"/api/versions/{vid}/features/bases",
                 json={**BASE, "geometry": {"type": "Point", "coordinates": [116.4, 39.9]}}, headers=headers)
    assert "甘肃" in chinese(zh.json)
    zh, _ = both(client, "post", f"/api/versions/{vid}/features/roads", json=BASE, headers=headers)
    assert "“roads”" in chinese(zh.json)
    zh, _ = both(client, "post", f"/api/versions/{vid}/features/bases", json=[1, "<b>"], headers=headers)
    assert "“[1, '<b>']”" in chinese(zh.json)
    zh, en = both(client, "patch", url, json={"properties": {}}, headers=headers)
    assert "修订" in chinese(zh.json) and "If-Match" in en.json["message"]
    zh, en = both(client, "get", f"/api/versions/nope-123/features/bases/{fid}")
    assert zh.status_code == 404 and "“nope-123”" in chinese(zh.json)
    assert en.json["message"] == "no version 'nope-123'; see /api/versions"


def test_version_refusals_are_chinese(store):
    client, headers, vid, _ = store
    zh, en = both(client, "patch", f"/api/versions/{vid}", json={"name": "x", "revision": 1}, headers=headers)
    assert zh.status_code == 409 and f"“{vid}”" in chinese(zh.json) and "someone else" in en.json["message"]
    zh, _ = both(client, "patch", "/api/versions/2010", json={"name": "x", "revision": 1}, headers=headers)
    assert "基准" in chinese(zh.json)
    zh, en = both(client, "patch", f"/api/versions/{vid}", json={"colour": "red"}, headers=headers)
    assert "“colour”" in chinese(zh.json) and en.json["message"].startswith("unknown field 'colour'")
    zh, _ = both(client, "post", "/api/versions", json={"parent_id": "2010", "name": ""}, headers=headers)
    assert "名称" in chinese(zh.json)
    client.post("/api/auth/logout", headers=headers)
    other = client.post("/api/auth/login", json={"name": "other", "password": PASSWORD}).get_json()["csrf_token"]
    current = client.get(f"/api/versions/{vid}").json["revision"]
    zh, en = both(client, "delete", f"/api/versions/{vid}?revision={current}", headers={"X-CSRF-Token": other})
    assert zh.status_code == 403 and f"“{EDITOR}”" in chinese(zh.json) and "“other”" in zh.json["message"]
    assert en.json["message"] == f"only {EDITOR} or an admin may delete version {vid!r}; 'other' may not"


def test_sign_in_refusals_are_chinese(store):
    client, headers, vid, _ = store
    zh, en = both(client, "post", "/api/auth/login", json={"name": EDITOR, "password": "wrong password!"})
    assert zh.status_code == 401 and chinese(zh.json) and en.json["message"] == "wrong user name or password"
    zh, _ = both(client, "post", "/api/auth/login", json={"name": EDITOR})
    assert zh.status_code == 400 and chinese(zh.json)
    zh, en = both(client, "post", "/api/versions", json={"name": "y"})  # no CSRF token: a stale page
    assert zh.status_code == 403 and chinese(zh.json) and "X-CSRF-Token" in en.json["message"]
    client.post("/api/auth/logout", headers=headers)
    zh, en = both(client, "post", "/api/versions", json={"name": "y"})
    assert zh.status_code == 401 and "登录" in chinese(zh.json) and "needs an account" in en.json["message"]


def test_too_many_failed_sign_ins_are_refused_in_chinese(store):
    client, *_ = store
    client.application.config["LOGIN_FAILURES_PER_ACCOUNT"] = 1
    client.post("/api/auth/login", json={"name": EDITOR, "password": "wrong password!"})
    zh, en = both(client, "post", "/api/auth/login", json={"name": EDITOR, "password": "wrong password!"})
    assert zh.status_code == 429 and "秒" in chinese(zh.json) and en.json["message"].startswith("too many failed")


def test_scheme_refusals_are_chinese(store):
    client, headers, *_ = store
    zh, en = both(client, "post", "/api/schemes", json={"id": "Bad Id!", "title_zh": "x", "title_en": "x",
                                                        "zones": []}, headers=headers)
    assert "“Bad Id!”" in chinese(zh.json) and en.json["message"].startswith("scheme id must match")
    zh, _ = both(client, "post", "/api/schemes", json={"id": "mine", "title_zh": "甲", "title_en": "A",
                                                       "zones": []}, headers=headers)
    assert "“zones”" in chinese(zh.json)
    zh, en = both(client, "delete", "/api/schemes/nosuch?revision=1", headers=headers)
    assert zh.status_code == 404 and "“nosuch”" in chinese(zh.json) and en.json["message"] == "no saved scheme 'nosuch'"


def test_a_scheme_that_leaves_prefectures_out_is_refused_in_chinese(store):
    client, headers, *_ = store
    scheme = {"id": "mine", "title_zh": "甲", "title_en": "A",
              "zones": [{"id": "west", "name_zh": "西", "name_en": "West", "members": ["酒泉市", "酒泉市"]}]}
    zh, en = both(client, "post", "/api/schemes", names_in_english=True, json=scheme, headers=headers)
    assert "“酒泉市”" in chinese(zh.json) and "未分配" in zh.json["message"] and "“兰州市”" in zh.json["message"]
    assert en.json["message"].startswith("scheme 'mine': unknown prefectures [], assigned twice ['酒泉市']")


def test_bad_numbers_and_times_in_the_workspace_are_refused_in_chinese(store):
    client, headers, vid, fid = store
    zh, en = both(client, "delete", f"/api/versions/{vid}/features/bases/{fid}?revision=abc", headers=headers)
    assert "“abc”" in chinese(zh.json) and en.json["message"].startswith("revision must be a whole number")
    zh, _ = both(client, "get", f"/api/versions/{vid}/history?limit=0")
    assert "“0”" in chinese(zh.json)
    zh, en = both(client, "get", f"/api/versions/{vid}/features?as_of=yesterday")
    assert "“yesterday”" in chinese(zh.json) and en.json["message"].startswith("as_of must be")
    zh, _ = both(client, "get", f"/api/versions/{vid}/features?as_of=1999-01-01")
    assert "1999-01-01" in chinese(zh.json)
