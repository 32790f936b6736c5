"""Issue 20: the security review's findings, each as a test that failed before the fix.

Sessions that end (a cookie copied before sign-out is refused after it, everywhere), sign-in and token creation
throttled (429 with Retry-After, counted in the store), API tokens with scope, expiry and last use that can be
listed and revoked, one place for ownership (another editor's delete is 403), and every hostile input of the
review answered 4xx in the one error shape.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import pytest

from gislayout.analysis import costs, criteria, service
from gislayout.store import accounts, db
from gislayout.web import auth, create_app

from .conftest import needs_shared
from .fixtures import siting_synthetic as synthetic
from .test_error_shape import assert_error_shape

PASSWORD = "correct horse battery"
SCHEME = json.loads((Path(__file__).resolve().parent.parent / "layers" / "schemes" / "2009.json").read_text("utf-8"))
LIMITS = {"LOGIN_FAILURES_PER_ACCOUNT": 3, "LOGIN_FAILURES_PER_ADDRESS": 6, "TOKENS_PER_HOUR": 4}


def _app(url: str, **config):
    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url, **LIMITS, **config})


@pytest.fixture()
def store(tmp_path):
    return f"sqlite:///{tmp_path}/t.gpkg"


@pytest.fixture()
def app(store):
    """An app on a store of this test with ana and bo (editors), root (admin) and vic (viewer)."""
    app = _app(store)
    with app.app_context():
        for name, role in (("ana", "editor"), ("bo", "editor"), ("root", "admin"), ("vic", "viewer")):
            accounts.add_user(name, PASSWORD, role)
    yield app
    db.engine(store).dispose()


def _login(app, name: str):
    """A client signed in as `name`, and the headers of its writes."""
    client = app.test_client()
    resp = client.post("/api/auth/login", json={"name": name, "password": PASSWORD})
    assert resp.status_code == 200, resp.json
    return client, {"X-CSRF-Token": resp.json["csrf_token"]}


def _bearer(app, name: str, **kwargs) -> dict:
    with app.app_context():
        return {"Authorization": f"Bearer {accounts.create_token(name, 'test', **kwargs)}"}


def _branch(client, headers, name="Hexi variant") -> dict:
    client.get("/api/versions")  # loads the baseline
    resp = client.post("/api/versions", json={"parent_id": "2010", "name": name}, headers=headers)
    assert resp.status_code == 201, resp.json
    return resp.json


# ---- 1. sessions that end ----

def test_a_session_cookie_copied_before_sign_out_is_refused_after_it(app):
    client, headers = _login(app, "ana")
    stolen = client.get_cookie("session").value
    assert client.post("/api/auth/logout", headers=headers).status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/api/auth/me").json["user"] is None
    assert_error_shape(thief.post("/api/versions", json={"parent_id": "2010", "name": "after logout"},
                                  headers=headers), 401)


def test_signing_out_ends_every_session_of_the_user_on_every_worker(app, store):
    first, _ = _login(app, "ana")
    other_worker = _app(store)  # another process on the same store: its own app, the same SECRET_KEY
    second = other_worker.test_client()
    second.set_cookie("session", _login(other_worker, "ana")[0].get_cookie("session").value)
    assert second.get("/api/auth/me").json["user"] == "ana"
    headers = {"X-CSRF-Token": first.get("/api/auth/me").json["csrf_token"]}
    first.post("/api/auth/logout", headers=headers)
    assert second.get("/api/auth/me").json["user"] is None
    assert _login(app, "ana")[0].get("/api/auth/me").json["user"] == "ana"  # signing in again works


@pytest.mark.parametrize("change", ["password", "role", "remove"])
def test_a_new_password_or_role_or_removal_ends_sessions(app, change):
    client, _ = _login(app, "ana")
    with app.app_context():
        {"password": lambda: accounts.set_password("ana", "another good password"),
         "role": lambda: accounts.set_role("ana", "admin"),
         "remove": lambda: accounts.remove_user("ana")}[change]()
    assert client.get("/api/auth/me").json["user"] is None


def test_a_new_password_revokes_the_users_api_tokens(app):
    headers = _bearer(app, "ana")
    client = app.test_client()
    assert client.get("/api/auth/me", headers=headers).json["user"] == "ana"
    with app.app_context():
        accounts.set_password("ana", "another good password")
    assert_error_shape(client.post("/api/versions", json={"parent_id": "2010", "name": "x"}, headers=headers), 401)


def test_sessions_end_after_idle_and_absolute_time(app, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(auth, "_clock", lambda: now[0])
    app.config.update(SESSION_IDLE_MINUTES=30, SESSION_MAX_HOURS=2)
    client, _ = _login(app, "ana")
    for _ in range(4):  # active every 25 minutes: alive until two hours after sign-in
        now[0] += 25 * 60
        assert client.get("/api/auth/me").json["user"] == "ana"
    now[0] += 25 * 60  # 125 minutes after sign-in
    assert client.get("/api/auth/me").json["user"] is None
    client, _ = _login(app, "ana")
    now[0] += 31 * 60
    assert client.get("/api/auth/me").json["user"] is None


def test_the_session_cookie_is_secure_when_configured(store):
    app = _app(store, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        accounts.add_user("ana", PASSWORD, "editor")
    resp = app.test_client().post("/api/auth/login", json={"name": "ana", "password": PASSWORD})
    assert "Secure" in resp.headers["Set-Cookie"] and "HttpOnly" in resp.headers["Set-Cookie"]
    db.engine(store).dispose()


# ---- 2. throttling ----

def test_repeated_wrong_passwords_get_429_with_retry_after(app, store):
    client = app.test_client()
    for _ in range(3):
        assert_error_shape(client.post("/api/auth/login", json={"name": "ana", "password": "wrong!!!"}), 401)
    resp = client.post("/api/auth/login", json={"name": "ana", "password": PASSWORD})  # even the right one
    assert "sign-ins" in assert_error_shape(resp, 429)["message"]
    assert 0 < int(resp.headers["Retry-After"]) <= 900
    # shared through the store: another worker refuses it too
    assert_error_shape(_app(store).test_client().post("/api/auth/login", json={"name": "ana", "password": PASSWORD}),
                       429)
    assert client.post("/api/auth/login", json={"name": "bo", "password": PASSWORD}).status_code == 200


def test_one_address_trying_many_names_gets_429(app):
    client = app.test_client()
    for i in range(6):
        client.post("/api/auth/login", json={"name": f"guess{i}", "password": "wrong!!!"})
    resp = client.post("/api/auth/login", json={"name": "bo", "password": PASSWORD})
    assert_error_shape(resp, 429) and int(resp.headers["Retry-After"]) > 0
    other = app.test_client()
    ok = other.post("/api/auth/login", json={"name": "bo", "password": PASSWORD},
                    environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert ok.status_code == 200


def test_token_creation_is_throttled(app):
    client, headers = _login(app, "ana")
    for _ in range(4):
        assert client.post("/api/auth/tokens", json={}, headers=headers).status_code == 201
    resp = client.post("/api/auth/tokens", json={}, headers=headers)
    assert_error_shape(resp, 429) and int(resp.headers["Retry-After"]) > 0


# ---- 3. API tokens ----

def test_tokens_have_label_times_and_can_be_listed_and_revoked(app):
    client, headers = _login(app, "ana")
    made = client.post("/api/auth/tokens", json={"label": "nightly", "days": 7}, headers=headers)
    assert made.status_code == 201 and made.json["scope"] == "write" and made.json["label"] == "nightly"
    bearer = {"Authorization": f"Bearer {made.json['token']}"}
    assert client.get("/api/auth/me", headers=bearer).json["user"] == "ana"
    (listed,) = client.get("/api/auth/tokens").json["tokens"]
    assert listed["id"] == made.json["id"] and listed["label"] == "nightly" and listed["created_at"]
    assert listed["last_used_at"] is not None and listed["expires_at"] > listed["created_at"]
    assert "token" not in listed
    assert_error_shape(app.test_client().delete(f"/api/auth/tokens/{listed['id']}",
                                                headers=_bearer(app, "bo")), 404)  # not bo's
    assert client.delete(f"/api/auth/tokens/{listed['id']}", headers=headers).status_code == 200
    assert_error_shape(app.test_client().post("/api/versions", json={"parent_id": "2010", "name": "x"},
                                              headers=bearer), 401)
    assert client.get("/api/auth/tokens").json["tokens"] == []


def test_an_expired_token_is_refused(app, monkeypatch):
    headers = _bearer(app, "ana", days=1)
    client = app.test_client()
    assert client.get("/api/auth/me", headers=headers).json["user"] == "ana"
    later = accounts._now() + accounts.timedelta(days=2)
    monkeypatch.setattr(accounts, "_now", lambda: later)
    assert_error_shape(client.post("/api/versions", json={"parent_id": "2010", "name": "x"}, headers=headers), 401)


def test_viewers_cannot_mint_write_tokens(app):
    client, headers = _login(app, "vic")
    assert_error_shape(client.post("/api/auth/tokens", json={"scope": "write"}, headers=headers), 403)
    read = client.post("/api/auth/tokens", json={}, headers=headers).json
    assert read["scope"] == "read"
    with app.app_context():
        accounts.set_role("vic", "editor")  # a promotion does not make the old token write
    bearer = {"Authorization": f"Bearer {read['token']}"}
    assert_error_shape(app.test_client().post("/api/versions", json={"parent_id": "2010", "name": "x"},
                                              headers=bearer), 403)
    # nor can a read token mint a write one
    assert_error_shape(app.test_client().post("/api/auth/tokens", json={"scope": "write"}, headers=bearer), 403)


def test_cli_lists_and_revokes_tokens(app):
    headers = _bearer(app, "ana")
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["users", "tokens", "list", "ana"])
    assert listed.exit_code == 0 and "ana\ttest\twrite" in listed.output
    ident = listed.output.split("\t")[0]
    revoked = runner.invoke(args=["users", "tokens", "revoke", ident])
    assert revoked.exit_code == 0 and ident in revoked.output
    assert runner.invoke(args=["users", "tokens", "list"]).output.strip() == "no API tokens"
    assert_error_shape(app.test_client().get("/api/auth/me", headers=headers), 401)
    made = runner.invoke(args=["users", "token", "vic", "--scope", "write"])
    assert made.exit_code != 0 and "'read'" in made.output


# ---- 4. ownership ----

def test_another_editor_cannot_undo_an_editors_work(app):
    ana, ana_h = _login(app, "ana")
    bo, bo_h = _login(app, "bo")
    version = _branch(ana, ana_h)
    url, rev = f"/api/versions/{version['id']}", version["revision"]
    assert "only ana or an admin" in assert_error_shape(bo.delete(f"{url}?revision={rev}", headers=bo_h), 403)["message"]
    assert_error_shape(bo.patch(url, json={"name": "mine now", "revision": rev}, headers=bo_h), 403)
    fid = ana.get(f"{url}/features?layer=parks").json["features"][0]["id"]
    feature = ana.get(f"{url}/features/parks/{fid}").json
    assert_error_shape(bo.patch(f"{url}/features/parks/{fid}", json={"properties": {"name_en": "x"},
                                                                   "revision": feature["revision"]}, headers=bo_h), 403)
    assert_error_shape(bo.delete(f"{url}/features/parks/{fid}?revision={feature['revision']}", headers=bo_h), 403)
    assert ana.get(url).json["revision"] == rev  # nothing was written
    # an admin's lock is undone only by an admin, not even by the author
    root, root_h = _login(app, "root")
    locked = root.patch(url, json={"locked": True, "revision": rev}, headers=root_h).json
    assert locked["locked_by"] == "root"
    assert "admin" in assert_error_shape(ana.patch(url, json={"locked": False, "revision": locked["revision"]},
                                                   headers=ana_h), 403)["message"]
    unlocked = root.patch(url, json={"locked": False, "revision": locked["revision"]}, headers=root_h)
    assert unlocked.status_code == 200
    assert ana.delete(f"{url}?revision={unlocked.json['revision']}", headers=ana_h).status_code == 204


def test_another_editor_cannot_replace_or_delete_a_scheme(app):
    ana, ana_h = _login(app, "ana")
    bo, bo_h = _login(app, "bo")
    body = {k: SCHEME[k] for k in ("title_zh", "title_en", "note", "zones")} | {"id": "anas"}
    assert ana.post("/api/schemes", json=body, headers=ana_h).status_code == 201
    assert_error_shape(bo.put("/api/schemes/anas", json=body | {"revision": 1, "title_en": "Bo's"}, headers=bo_h), 403)
    assert_error_shape(bo.delete("/api/schemes/anas?revision=1", headers=bo_h), 403)
    root, root_h = _login(app, "root")
    assert root.put("/api/schemes/anas", json=body | {"revision": 1}, headers=root_h).status_code == 200
    assert ana.delete("/api/schemes/anas?revision=2", headers=ana_h).status_code == 204


# ---- 7. hostile inputs ----

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("method, url", [("post", "/api/auth/login"), ("post", "/api/versions"),
                                         ("post", "/api/siting/run?tech=pv")])
def test_deeply_nested_json_is_400(app, method, url):
    headers = _bearer(app, "ana")
    resp = getattr(app.test_client(), method)(url, data=DEEP, content_type="application/json", headers=headers)
    assert "nest" in assert_error_shape(resp, 400)["message"]
    moderate = "[" * 70 + "]" * 70  # parses, but deeper than the limit
    resp = getattr(app.test_client(), method)(url, data=moderate, content_type="application/json", headers=headers)
    assert_error_shape(resp, 400)


@pytest.mark.parametrize("value", ["²", "١٢", "1_0", "26", "12345678901234567890123456", "-1", " ", "1e3"])
def test_strange_numbers_in_limit_revision_and_as_of_are_400(app, value):
    client, headers = _login(app, "ana")
    version = _branch(client, headers)
    url = f"/api/versions/{version['id']}"
    if value != "26":
        body = assert_error_shape(client.get(f"{url}/history", query_string={"limit": value}), 400)
        assert "limit" in body["message"]
    if value.strip() and value not in ("26",):
        assert_error_shape(client.delete(url, query_string={"revision": value}, headers=headers), (400, 409))
        assert_error_shape(client.patch(url, json={"name": "x"}, headers=headers | {"If-Match": f'"{value}"'}),
                           (400, 409))
    resp = client.get(f"{url}/features", query_string={"as_of": value})
    if value in ("26",):
        assert resp.status_code == 200
    elif value.strip():
        assert "as_of" in assert_error_shape(resp, 400)["message"]
    assert_error_shape(client.get("/api/layers/bases", query_string={"version": version["id"], "as_of": "²"}), 400)
    assert_error_shape(client.get("/api/layers/bases", query_string={"version": version["id"],
                                                                     "as_of": "9" * 26}), 400)


def test_the_one_number_rule():
    from gislayout.errors import BadParameter, integer, number
    assert integer("42", "n") == 42 and integer(" +7 ", "n") == 7 and integer(3, "n", 0, 5) == 3
    assert number("1e-3", "x") == 0.001 and number(".5", "x") == 0.5
    for bad in ("²", "١٢", "1_000", "0x10", "12345678901234567890123456", True, 1.5, None, ""):
        with pytest.raises(BadParameter):
            integer(bad, "n")
    for bad in ("١٢", "1_000", "١.٥", "1e99999", "--1"):
        with pytest.raises(BadParameter):
            number(bad, "x")


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("members", [{"a.shp": b"x", "a.shx": b"x", "a.dbf": b"x", "a/x.x": b"x"},
                                     {"a.shp": b"x", "a.shx": b"x", "a.dbf": b"x", "a/../": b"x"}])
def test_a_zip_member_in_a_folder_named_like_the_shapefile_is_400(client, members):
    resp = client.post("/api/siting/exclusions", data={"file": (io.BytesIO(_zip(members)), "x.zip")})
    assert_error_shape(resp, 400)


@pytest.fixture()
def synthetic_stacks(monkeypatch):
    stacks = {tech: synthetic.stack(tech) for tech in ("pv",)}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[criteria.TECHS[criteria.TECHS.index(tech)]])


@pytest.mark.parametrize("route", ["run", "supply"])
def test_a_tiny_wacc_is_answered_not_a_500(client, synthetic_stacks, route):
    resp = client.get(f"/api/siting/{route}?tech=pv&max_zone=0&min_area=1&wacc=7.7e-38")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    zero = client.get(f"/api/siting/{route}?tech=pv&max_zone=0&min_area=1&wacc=0").json
    assert resp.json["supply_curve"]["total"] == zero["supply_curve"]["total"]


def test_the_capital_recovery_factor_tends_to_one_over_n():
    assert costs.crf(0, 25) == 1 / 25
    for r in (1e-40, 7.7e-38, 1e-12, 1e-6):
        assert costs.crf(r, 25) == pytest.approx(1 / 25, rel=1e-6)
    r, n = 0.08, 25
    assert costs.crf(8, n) == pytest.approx(r * (1 + r) ** n / ((1 + r) ** n - 1), rel=1e-12)
    assert math.isfinite(costs.crf(1e9, 25))


# ---- 6. uploaded geometry ----

BOWTIE = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
    "type": "Polygon", "coordinates": [[[100, 38], [101, 39], [101, 38], [100, 39], [100, 38]]]}}]}
BEIJING = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
    "type": "Polygon", "coordinates": [[[116, 39.5], [116.8, 39.5], [116.8, 40.2], [116, 40.2], [116, 39.5]]]}}]}


def test_a_bowtie_exclusion_is_repaired_with_a_note(client):
    resp = client.post("/api/siting/exclusions",
                       data={"file": (io.BytesIO(json.dumps(BOWTIE).encode()), "bowtie.geojson")})
    assert resp.status_code == 200, resp.json
    (note,) = resp.json["notes"]
    assert "make_valid" in note["en"] and "make_valid" in note["zh"] and "feature 1" in note["en"]
    assert resp.json["area_km2"] > 1000  # both triangles kept (a bowtie's signed area would be 0)


def test_an_exclusion_set_outside_gansu_is_refused_saying_where(client):
    resp = client.post("/api/siting/exclusions",
                       data={"file": (io.BytesIO(json.dumps(BEIJING).encode()), "beijing.geojson")})
    message = assert_error_shape(resp, 400)["message"]
    assert "none of its 1 features lies in Gansu" in message and "116.40°E" in message and "east of" in message


# ---- 8. store file ----

def test_the_embedded_store_file_is_private(tmp_path):
    app = _app(f"sqlite:///{tmp_path}/fresh.gpkg")
    with app.app_context():
        accounts.add_user("ana", PASSWORD, "editor")
    assert (tmp_path / "fresh.gpkg").stat().st_mode & 0o777 == 0o600
    db.engine(f"sqlite:///{tmp_path}/fresh.gpkg").dispose()


# ---- 9. the suite ----

def test_needs_shared_fails_in_ci_instead_of_skipping(monkeypatch):
    monkeypatch.setenv("CI", "true")
    test = needs_shared(Path("/nonexistent/shared/file.csv"))(lambda: None)
    with pytest.raises(pytest.fail.Exception, match="CI must have ../shared"):
        test()
    monkeypatch.setenv("CI", "false")
    assert needs_shared(Path("/nonexistent/file.csv")).name == "skipif"


# ---- 8. upload quotas ----

def _polygon(i: int) -> bytes:
    x = 103.5 + i * 0.01  # near Lanzhou
    return json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[x, 36], [x + 0.005, 36], [x + 0.005, 36.005], [x, 36]]]}}]}).encode()


def test_a_flood_of_anonymous_uploads_evicts_only_its_own(store, tmp_path):
    """The store keeps 10 sets; one address may keep 3. Another address's set survives 30 uploads of the flood."""
    app = _app(store, BUILD_DIR=tmp_path / "build", MAX_EXCLUSION_SETS=10, UPLOAD_QUOTA_ANONYMOUS=3)
    client = app.test_client()

    def upload(i: int, addr: str) -> str:
        resp = client.post("/api/siting/exclusions", data={"file": (io.BytesIO(_polygon(i)), f"{i}.geojson")},
                           environ_base={"REMOTE_ADDR": addr})
        assert resp.status_code == 200, resp.json
        return resp.json["id"]

    kept = upload(0, "10.0.0.1")
    flood = [upload(i, "10.6.6.6") for i in range(1, 31)]
    assert client.get(f"/api/siting/exclusions/{kept}").status_code == 200
    assert [client.get(f"/api/siting/exclusions/{i}").status_code for i in flood[-3:]] == [200] * 3
    assert client.get(f"/api/siting/exclusions/{flood[0]}").status_code == 404  # the flood's own oldest went
    db.engine(store).dispose()


def test_nul_characters_are_4xx_on_both_backends(store_url, tmp_path):
    """PostgreSQL refuses NUL in text: found by schemathesis as a 500 on POST /api/auth/login (PostGIS)."""
    app = _app(store_url)
    with app.app_context():
        accounts.add_user("ana", PASSWORD, "editor")
    client, headers = _login(app, "ana")
    assert_error_shape(client.post("/api/auth/login", json={"name": "a\x00b", "password": "x"}), 400)
    assert_error_shape(client.post("/api/versions", json={"name": "a\x00b"}, headers=headers), 400)
    version = _branch(client, headers)
    assert_error_shape(client.get(f"/api/versions/{version['id']}/history", query_string={"fid": "a\x00"}), 400)
    assert_error_shape(client.get(f"/api/versions/{version['id']}/features/parks/a%00b"), 404)
