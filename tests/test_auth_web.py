"""Who may write over HTTP: sign-in, the session cookie and its CSRF token, Bearer tokens, roles, the sign-in page.

Until the store's write endpoints exist, writes go to a test-only blueprint whose views use `auth.require`.
"""

from __future__ import annotations

import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Blueprint

from gislayout.errors import Conflict
from gislayout.store import accounts, db, permissions
from gislayout.web import auth, create_app

from .browser import browser, page  # noqa: F401
from .conftest import serve
from .test_error_shape import assert_error_shape

PASSWORD = "correct horse battery"
WRITE = "/api/test-write"


def _test_blueprint() -> Blueprint:
    bp = Blueprint("test_writes", __name__)

    @bp.route(WRITE, methods=["POST", "PUT", "PATCH", "DELETE"])
    @auth.require("editor")
    def write():
        return {"by": auth.current_user()["name"]}

    @bp.post("/api/test-admin")
    @auth.require("admin")
    def admin_only():
        return {"ok": True}

    @bp.post("/api/test-conflict")
    def conflict():
        raise Conflict("revision 3 is stale; the feature is at revision 4", current={"revision": 4})

    return bp


@pytest.fixture()
def app(tmp_path):
    """An app on an empty store of this test, with users viewer, ed (editor) and root (admin), and test writes."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/t.sqlite"})
    app.register_blueprint(_test_blueprint())
    with app.app_context():
        for name, role in (("viewer", "viewer"), ("ed", "editor"), ("root", "admin")):
            accounts.add_user(name, PASSWORD, role)
    yield app
    db.engine(app.config["DATABASE_URL"]).dispose()


def _login(client, name: str = "ed", password: str = PASSWORD):
    return client.post("/api/auth/login", json={"name": name, "password": password})


def _token(app, name: str) -> str:
    with app.app_context():
        return accounts.create_token(name, "test")


def test_login_sets_an_httponly_samesite_cookie(client):
    resp = _login(client)
    assert resp.status_code == 200
    assert resp.json["user"] == "ed" and resp.json["role"] == "editor" and len(resp.json["csrf_token"]) >= 32
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert PASSWORD not in cookie
    assert resp.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name, password", [("ed", "wrong password"), ("nobody", PASSWORD), ("<b>", PASSWORD)])
def test_a_wrong_name_or_password_gets_one_401_that_does_not_say_which(client, name, password):
    resp = _login(client, name, password)
    body = assert_error_shape(resp, 401)
    assert body["message"] == "wrong user name or password"
    assert "Set-Cookie" not in resp.headers
    assert client.get("/api/auth/me").json["user"] is None


@pytest.mark.parametrize("kwargs", [{"data": {"name": "ed", "password": PASSWORD}}, {"json": ["ed", PASSWORD]},
                                    {"json": {"name": "ed"}}, {"json": {"name": 1, "password": PASSWORD}},
                                    {"data": "{", "content_type": "application/json"}])
def test_login_needs_a_json_object_with_name_and_password(client, kwargs):
    """A cross-site HTML form cannot send JSON, so it cannot sign anyone in either."""
    body = assert_error_shape(client.post("/api/auth/login", **kwargs), 400)
    assert "JSON" in body["message"]


def test_me(client):
    assert client.get("/api/auth/me").json == {"user": None, "role": None, "csrf_token": None, "via": None}
    csrf = _login(client, "root").json["csrf_token"]
    resp = client.get("/api/auth/me")
    assert resp.json == {"user": "root", "role": "admin", "csrf_token": csrf, "via": "session"}
    assert resp.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_an_anonymous_write_is_401(client, method):
    resp = getattr(client, method)(WRITE)
    body = assert_error_shape(resp, 401)
    assert "needs an account" in body["message"]
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_cookie_write_needs_the_csrf_token(client, method):
    csrf = _login(client).json["csrf_token"]
    for headers in ({}, {"X-CSRF-Token": ""}, {"X-CSRF-Token": csrf[:-1] + ("A" if csrf[-1] != "A" else "B")}):
        body = assert_error_shape(getattr(client, method)(WRITE, headers=headers), 403)
        assert "X-CSRF-Token" in body["message"]
    resp = getattr(client, method)(WRITE, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 200 and resp.json == {"by": "ed"}


def test_one_sessions_csrf_token_does_not_serve_another(app):
    first, second = app.test_client(), app.test_client()
    csrf = _login(first).json["csrf_token"]
    _login(second)
    assert_error_shape(second.post(WRITE, headers={"X-CSRF-Token": csrf}), 403)


def test_a_bearer_token_write_needs_no_csrf(app):
    client = app.test_client()
    resp = client.post(WRITE, headers={"Authorization": f"Bearer {_token(app, 'ed')}"})
    assert resp.status_code == 200 and resp.json == {"by": "ed"}
    assert "Set-Cookie" not in resp.headers


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic ZWQ6cGFzc3dvcmQ=", "ed"])
def test_a_bad_authorization_header_is_401(client, header):
    body = assert_error_shape(client.post(WRITE, headers={"Authorization": header}), 401)
    assert "token" in body["message"] or "Bearer" in body["message"]


def test_a_viewers_write_is_403(app):
    client = app.test_client()
    csrf = _login(client, "viewer").json["csrf_token"]
    body = assert_error_shape(client.post(WRITE, headers={"X-CSRF-Token": csrf}), 403)
    assert "'viewer'" in body["message"] and "'editor'" in body["message"]
    by_token = app.test_client().post(WRITE, headers={"Authorization": f"Bearer {_token(app, 'viewer')}"})
    assert_error_shape(by_token, 403)


def test_admin_only_views(app):
    editor = {"Authorization": f"Bearer {_token(app, 'ed')}"}
    admin = {"Authorization": f"Bearer {_token(app, 'root')}"}
    assert_error_shape(app.test_client().post("/api/test-admin", headers=editor), 403)
    assert app.test_client().post("/api/test-admin", headers=admin).status_code == 200
    assert app.test_client().post(WRITE, headers=admin).json == {"by": "root"}


def test_logout(client):
    csrf = _login(client).json["csrf_token"]
    assert_error_shape(client.post("/api/auth/logout"), 403)  # a cross-site page cannot sign anyone out
    assert client.get("/api/auth/me").json["user"] == "ed"
    resp = client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 200 and resp.json["user"] is None
    assert client.get("/api/auth/me").json["user"] is None
    assert_error_shape(client.post(WRITE, headers={"X-CSRF-Token": csrf}), 401)
    assert client.post("/api/auth/logout").status_code == 200  # signed out already: nothing to do


def test_a_new_password_or_removal_ends_the_session(app):
    client = app.test_client()
    csrf = _login(client).json["csrf_token"]
    with app.app_context():
        accounts.set_password("ed", "a new password")
    assert client.get("/api/auth/me").json["user"] is None
    assert_error_shape(client.post(WRITE, headers={"X-CSRF-Token": csrf}), 401)
    token = _token(app, "ed")
    with app.app_context():
        accounts.remove_user("ed")
    assert_error_shape(app.test_client().post(WRITE, headers={"Authorization": f"Bearer {token}"}), 401)


def test_a_role_change_applies_to_the_next_request(app):
    headers = {"Authorization": f"Bearer {_token(app, 'ed')}"}
    assert app.test_client().post(WRITE, headers=headers).status_code == 200
    with app.app_context():
        accounts.set_role("ed", "viewer")
    assert_error_shape(app.test_client().post(WRITE, headers=headers), 403)


def test_new_api_token(app):
    client = app.test_client()
    assert_error_shape(client.post("/api/auth/tokens", json={"label": "x"}), 401)
    csrf = _login(client).json["csrf_token"]
    assert_error_shape(client.post("/api/auth/tokens", json={"label": "x"}), 403)
    resp = client.post("/api/auth/tokens", json={"label": "laptop"}, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 201 and resp.json["user"] == "ed" and resp.json["label"] == "laptop"
    assert resp.headers["Cache-Control"] == "no-store"
    other = app.test_client().post(WRITE, headers={"Authorization": f"Bearer {resp.json['token']}"})
    assert other.json == {"by": "ed"}
    too_long = client.post("/api/auth/tokens", json={"label": "x" * 201}, headers={"X-CSRF-Token": csrf})
    assert_error_shape(too_long, 400)


def test_a_conflict_carries_the_current_state(client):
    resp = client.post("/api/test-conflict")
    assert resp.status_code == 409
    assert resp.json == {"status": 409, "error": "Conflict", "current": {"revision": 4},
                         "message": "revision 3 is stale; the feature is at revision 4"}


@pytest.mark.parametrize("user, author, ok", [
    (None, "ed", False), ({"name": "ed", "role": "editor"}, "ed", True),
    ({"name": "ed", "role": "editor"}, "amy", False), ({"name": "root", "role": "admin"}, "amy", True),
    ({"name": "ed", "role": "viewer"}, "ed", False)])
def test_ownership_of_a_version_or_scheme(user, author, ok):
    assert permissions.owns(user, author) is ok


@pytest.mark.parametrize("target, expected", [
    (None, "/"), ("", "/"), ("/", "/"), ("/compare?lang=en#x", "/compare?lang=en#x"), ("//evil.example", "/"),
    ("https://evil.example/", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"), ("evil", "/"),
    ("/\t/evil.example", "/"), ("/%2F%2Fevil", "/%2F%2Fevil")])
def test_next_is_a_local_path(target, expected):
    assert auth.safe_next(target) == expected


def test_the_login_page_escapes_next_and_never_leads_off_site(client):
    html = client.get("/login?next=//evil.example").get_data(as_text=True)
    assert "evil.example" not in html
    html = client.get('/login?lang=en&next=/x"></script><img src=x onerror=alert(1)>').get_data(as_text=True)
    assert "<img src=x" not in html and "</script><img" not in html
    assert '<html lang="en">' in html


def test_the_secret_key_is_made_once_per_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("GISLAYOUT_SECRET_KEY", raising=False)
    monkeypatch.setenv("GISLAYOUT_INSTANCE_PATH", str(tmp_path / "instance"))
    first = create_app({"TESTING": True})
    key = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key.read_text().strip() and len(first.config["SECRET_KEY"]) == 64
    assert create_app({"TESTING": True}).config["SECRET_KEY"] == first.config["SECRET_KEY"]
    monkeypatch.setenv("GISLAYOUT_SECRET_KEY", "from-the-environment")
    assert create_app({"TESTING": True}).config["SECRET_KEY"] == "from-the-environment"
    assert create_app({"TESTING": True, "SECRET_KEY": "configured"}).config["SECRET_KEY"] == "configured"


def test_workers_starting_together_share_one_key(tmp_path):
    path = tmp_path / "instance" / "secret_key"
    start = threading.Barrier(8)

    def make(_):
        start.wait()
        return auth._instance_key(path)

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(make, range(8)))
    assert keys == {path.read_text().strip()}
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left behind


# ---- in a browser ----

@pytest.mark.browser
def test_sign_in_and_out_in_the_browser(app, page):  # noqa: F811
    with serve(app) as url:
        page.goto(f"{url}/login?lang=en&next=/login%3Flang%3Den%26from%3Datlas")
        assert page.locator("h1").text_content() == "Sign in"
        page.fill("#auth-name", "ed")
        page.fill("#auth-password", "wrong password")
        page.click("#auth-submit")
        page.wait_for_selector("#auth-message:not([hidden])")
        assert page.locator("#auth-message").text_content() == "Wrong user name or password."
        page.fill("#auth-password", PASSWORD)
        page.click("#auth-submit")
        page.wait_for_url("**/login?lang=en&from=atlas")
        page.wait_for_selector(".gl-account-user")
        assert page.locator(".gl-account").inner_text().startswith("Signed in: ed (editor)")
        assert "HttpOnly" not in page.evaluate("document.cookie") and "session" not in page.evaluate("document.cookie")
        page.click(".gl-account-out")
        page.wait_for_selector(".gl-account-user", state="detached")
        assert page.evaluate("fetch('/api/auth/me').then((r) => r.json())")["user"] is None
        assert not [e for e in page.errors if "401" not in e]


@pytest.mark.browser
def test_the_account_snippet_shows_a_name_as_text(app, page):  # noqa: F811
    """Names are restricted, but a name with HTML (say from another server) still shows as text, never markup."""
    evil = "<img src=x onerror=alert(1)>"
    page.route("**/api/auth/me", lambda r: r.fulfill(json={"user": evil, "role": "editor", "csrf_token": "t",
                                                           "via": "session"}))
    with serve(app) as url:
        page.goto(f"{url}/login")
        page.wait_for_selector(".gl-account-user")
        assert page.locator(".gl-account-user").text_content() == evil
        assert page.locator(".gl-account img").count() == 0
        assert not page.errors
