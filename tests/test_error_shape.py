"""Every API error, on every endpoint, has the one JSON body {status, error, message}; bad input never gets a 5xx."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from flask import request

from gislayout.errors import TooLarge
from gislayout.store import accounts, db
from gislayout.web import create_app
from gislayout.web.errors import is_api

KEYS = {"status", "error", "message"}


def assert_error_shape(resp, status: int | tuple[int, ...]) -> dict:
    """The response is a JSON error of `status` (one of, if a tuple) in the one shape; return the body."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert resp.status_code in statuses, (resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == KEYS
    assert body["status"] == resp.status_code and body["error"] == HTTPStatus(resp.status_code).phrase
    assert isinstance(body["message"], str) and body["message"]
    return body


def api_rules():
    app = create_app({"TESTING": True})
    return [r for r in app.url_map.iter_rules() if is_api(r.rule)]


@pytest.mark.parametrize("url, status, fragment", [
    ("/api/nope", 404, "'/api/nope'"),
    ("/api", 404, "'/api'"),
    ("/api/layers/bases/extra", 404, "extra"),
    ("/api/layers/nope", 404, "'nope'"),
    ("/api/layers/../../etc/passwd", 404, "passwd"),
    ("/api/layers/..%2F..%2Fetc%2Fpasswd", 404, "passwd"),
    ("/api/layers/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 404, "passwd"),
    ("/api/layers/bases%00", 404, "bases"),
    ("/api/layers/bases?format=dwg", 400, "'dwg'"),
    ("/api/layers/bases?display=yes", 400, "'yes'"),
    ("/api/layers/bases?level=global", 400, "'global'"),
    ("/api/layers/bases?scheme=1999", 400, "'1999'"),
    ("/api/layers/bases?scheme=2009,2021", 400, "2009,2021"),
    ("/api/layers/bases?zone=mars", 400, "'mars'"),
    ("/api/layers/bases?prefecture=北京市", 400, "'北京市'"),
    ("/api/layers/bases?kind=%00", 400, "kind"),
    ("/api/layers/bases?colour=red", 400, "'colour'"),
    ("/api/layers/province?zone=hexi", 400, "'zone'"),
    ("/api/layers/counties?format=kml&sector=new_energy", 400, "'sector'"),
])
def test_bad_input_gets_the_one_error_body(client, url, status, fragment):
    body = assert_error_shape(client.get(url), status)
    assert fragment in body["message"]


def test_allowed_values_are_listed(client):
    assert "allowed: geojson, gpkg, shp, kml, csv" in client.get("/api/layers/bases?format=x").json["message"]
    assert "known: province" in client.get("/api/layers/x").json["message"]


def _methods_by_path() -> dict[str, set[str]]:
    """The methods served at each API path (one path may be served by several rules, e.g. GET and POST of
    /api/schemes by two blueprints)."""
    out: dict[str, set[str]] = {}
    for rule in api_rules():
        out.setdefault(rule.rule, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return out


WRONG_METHODS = [(path, method) for path, methods in _methods_by_path().items()
                 for method in ("GET", "POST", "PUT", "DELETE", "PATCH") if method not in methods]


@pytest.mark.parametrize("path, method", WRONG_METHODS)
def test_wrong_method_on_every_api_route(client, path, method):
    url = path.replace("<", "").replace(">", "").replace("path:", "").replace("int:", "")
    body = assert_error_shape(client.open(url, method=method), 405)
    allowed = sorted(_methods_by_path()[path])
    assert method in body["message"] and all(m in body["message"] for m in allowed)


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    """A client of an app on a store of its own, and the Bearer header of an editor, so that writes get past
    sign-in and reach the checks of their path values."""
    store = tmp_path_factory.mktemp("error-shape") / "t.gpkg"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{store}"})
    with app.app_context():
        accounts.add_user("ed", "correct horse battery", "editor")
        token = accounts.create_token("ed")
    yield app.test_client(), {"Authorization": f"Bearer {token}"}
    db.engine(app.config["DATABASE_URL"]).dispose()


@pytest.mark.parametrize("rule, method", [(r, m) for r in api_rules() if r.arguments
                                          for m in sorted(r.methods - {"HEAD", "OPTIONS"})],
                         ids=lambda v: v if isinstance(v, str) else v.rule)
def test_unknown_path_values_on_every_api_route(editor, rule, method):
    """Every method of every route with path values (not only GET), with an editor's token: 400 or 404."""
    client, headers = editor
    url = rule.rule
    for arg in rule.arguments:
        url = url.replace(f"<{arg}>", "nope..x").replace(f"<path:{arg}>", "nope..x").replace(f"<int:{arg}>", "0")
    extra = {"json": {"revision": 1}} if method in ("POST", "PUT", "PATCH") else {}
    if method != "GET":
        extra["query_string"] = {"revision": "1"}
    assert_error_shape(client.open(url, method=method, headers=headers, **extra), (400, 404))


def test_too_large_is_413_in_the_same_shape():
    app = create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 16})

    @app.post("/api/test-upload")
    def upload():
        return {"size": len(request.get_data())}

    @app.get("/api/test-too-many")
    def too_many():
        raise TooLarge("2000 points exceed the limit of 1000")

    client = app.test_client()
    body = assert_error_shape(client.post("/api/test-upload", data=b"x" * 100), 413)
    assert "100 bytes" in body["message"] and "16" in body["message"]
    assert "2000" in assert_error_shape(client.get("/api/test-too-many"), 413)["message"]


def test_unexpected_errors_are_500_in_the_same_shape_and_pages_keep_html():
    app = create_app({"TESTING": True})
    app.testing = False  # let the handler run instead of propagating

    @app.get("/api/test-crash")
    def crash():
        raise RuntimeError("boom")

    client = app.test_client()
    body = assert_error_shape(client.get("/api/test-crash"), 500)
    assert "boom" not in body["message"]
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
