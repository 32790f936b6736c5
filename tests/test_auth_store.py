"""The store's write routes behind the real accounts: who may branch, edit and lock, and that nothing is written
for a request that is refused (issue 13 §5)."""

from __future__ import annotations

import pytest

from gislayout.store import accounts, db
from gislayout.web import create_app

from .test_error_shape import assert_error_shape

PASSWORD = "correct horse battery"


@pytest.fixture()
def app(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/t.gpkg"})
    with app.app_context():
        for name, role in (("viewer", "viewer"), ("ed", "editor"), ("amy", "editor"), ("root", "admin")):
            accounts.add_user(name, PASSWORD, role)
    yield app
    db.engine(app.config["DATABASE_URL"]).dispose()


def _bearer(app, name: str) -> dict:
    with app.app_context():
        return {"Authorization": f"Bearer {accounts.create_token(name)}"}


def _session(app, name: str):
    """A client signed in as `name`, and the headers of a write (its CSRF token)."""
    client = app.test_client()
    csrf = client.post("/api/auth/login", json={"name": name, "password": PASSWORD}).json["csrf_token"]
    return client, {"X-CSRF-Token": csrf}


def _ids(client) -> list[str]:
    return [v["id"] for v in client.get("/api/versions").json["versions"]]


def test_refused_writes_write_nothing(app):
    client = app.test_client()
    body = {"parent_id": "2010", "name": "Hexi variant"}
    assert _ids(client) == ["2010"]
    assert_error_shape(client.post("/api/versions", json=body), 401)
    viewer, headers = _session(app, "viewer")
    assert_error_shape(viewer.post("/api/versions", json=body, headers=headers), 403)
    editor, headers = _session(app, "ed")
    assert_error_shape(editor.post("/api/versions", json=body), 403)  # no CSRF token
    assert_error_shape(editor.post("/api/versions", json=body, headers={"X-CSRF-Token": "guess"}), 403)
    assert _ids(client) == ["2010"]
    made = editor.post("/api/versions", json=body, headers=headers)
    assert made.status_code == 201 and made.json["author"] == "ed"
    assert _ids(client) == ["2010", made.json["id"]]


def test_an_edit_by_token_is_kept_under_the_users_name(app):
    headers = _bearer(app, "amy")
    client = app.test_client()
    assert _ids(client) == ["2010"]  # loads the baseline (a branch of "2010" on a fresh store does not yet)
    vid = client.post("/api/versions", json={"parent_id": "2010", "name": "Amy's"}, headers=headers).json["id"]
    fid = client.get(f"/api/versions/{vid}/features?layer=parks").json["features"][0]["id"]
    current = client.get(f"/api/versions/{vid}/features/parks/{fid}").json
    moved = client.patch(f"/api/versions/{vid}/features/parks/{fid}", headers=headers,
                         json={"properties": {"name_en": "Renamed park"}, "revision": current["revision"]})
    assert moved.status_code == 200, moved.json
    (change,) = [c for c in client.get(f"/api/versions/{vid}/history").json["changes"] if c["fid"] == fid]
    assert change["author"] == "amy"


def test_an_editor_locks_only_their_own_versions_an_admin_any(app):
    client = app.test_client()
    assert _ids(client) == ["2010"]
    ed, amy, root = _bearer(app, "ed"), _bearer(app, "amy"), _bearer(app, "root")
    version = client.post("/api/versions", json={"parent_id": "2010", "name": "Ed's"}, headers=ed).json
    url = f"/api/versions/{version['id']}"
    body = assert_error_shape(client.patch(url, json={"locked": True, "revision": version["revision"]},
                                           headers=amy), 403)
    assert "'ed'" in body["message"] or "ed or an admin" in body["message"]
    locked = client.patch(url, json={"locked": True, "revision": version["revision"]}, headers=ed)
    assert locked.status_code == 200 and locked.json["locked"] and locked.json["locked_by"] == "ed"
    unlocked = client.patch(url, json={"locked": False, "revision": locked.json["revision"]}, headers=root)
    assert unlocked.status_code == 200 and not unlocked.json["locked"]
