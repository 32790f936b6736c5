"""The planner's workflow without a browser (issue 19): bad view values are noticed with what was used instead; an
unknown version link answers a readable page; the compare table and printouts count and name each side's version;
the default print layers are valid; a proposal needs no 2010 clause and a refusal names each field in zh and en."""

from __future__ import annotations

import io

import pytest

from gislayout import bilingual
from gislayout.maps import atlas, i18n
from gislayout.maps.state import parse, parse_noted
from gislayout.web import create_app

EDITOR, PASSWORD = "planner", "correct horse battery"
BASE = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [100.45, 38.93]},
        "properties": {"name_zh": "张掖试验基地", "name_en": "Zhangye trial base", "level": "provincial",
                       "sectors": "new_energy", "precision": "planned", "basis": "省级规划研究"}}


@pytest.fixture()
def store(tmp_path):
    """(client, csrf headers, draft id) on an empty SQLite store with an editor and a draft of 2010."""
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'plan.sqlite'}"})
    if "auth.login" not in app.view_functions:
        pytest.skip("needs accounts")
    from gislayout.store.accounts import add_user
    with app.app_context():
        add_user(EDITOR, PASSWORD, "editor")
    client = app.test_client()
    csrf = client.post("/api/auth/login", json={"name": EDITOR, "password": PASSWORD}).get_json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    assert client.get("/api/versions").status_code == 200
    vid = client.post("/api/versions", json={"parent_id": "2010", "name": "Draft B"}, headers=headers).get_json()["id"]
    return client, headers, vid


def test_bad_view_values_are_noticed_with_what_was_used(app):
    with app.app_context():
        choices = atlas.choices()
    state, notes = parse_noted({"zone": "nowhere,hexi", "lang": "fr", "choro": "counties:bogus", "layers": "foo"},
                               choices)
    assert state == parse({"zone": "nowhere,hexi", "lang": "fr", "choro": "counties:bogus", "layers": "foo"}, choices)
    assert state.zone == ("hexi",) and state.lang == "zh" and state.choro == "" and "bases" in state.layers
    assert {(n.param, n.value) for n in notes} == {("zone", "nowhere"), ("lang", "fr"), ("choro", "counties:bogus"),
                                                   ("layers", "foo")}
    text = [i18n.notice_text(n.param, n.value, n.used, "en") for n in notes]
    assert any("“foo”" in t and "default layers" in t for t in text)
    assert parse_noted({"zone": "hexi", "layers": "bases"}, choices)[1] == ()


@pytest.mark.parametrize("query, status, words", [
    ("version=does-not-exist", 404, "没有编号为“does-not-exist”的版本"),
    ("version=does-not-exist&lang=en", 404, "There is no version “does-not-exist”"),
    ("version=Bad%20Id", 400, "不是有效的版本编号"),
])
def test_an_unknown_version_link_answers_a_readable_page(store, query, status, words):
    client, _, _ = store
    resp = client.get(f"/?{query}")
    assert resp.status_code == status and resp.mimetype == "text/html"
    body = resp.get_data(as_text=True)
    assert words in body and '"status"' not in body and 'id="open-baseline"' in body


def test_compare_counts_each_side_in_its_version_and_names_them(store):
    client, headers, vid = store
    assert client.post(f"/api/versions/{vid}/features/bases", json=BASE, headers=headers).status_code == 201
    body = client.get(f"/api/compare?left=province&right=province&a=2010&b={vid}").get_json()
    row = next(r for r in body["rows"] if r["metric"] == "bases_provincial")
    assert row["values"] == [10, 11] and row["difference"] == 1
    assert body["versions"]["left"]["baseline"] and body["versions"]["right"]["name"] == "Draft B"
    plain = client.get("/api/compare?left=province&right=province").get_json()
    assert next(r for r in plain["rows"] if r["metric"] == "bases_provincial")["values"] == [10, 10]
    assert "versions" not in plain
    assert client.get("/api/compare?left=province&right=province&b=nope").status_code == 404


def _pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_default_print_layers_print_with_place_names(store):
    client, _, vid = store
    resp = client.get("/api/atlas/print.pdf?bbox=95,36,104,41")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    text = _pdf_text(resp.data)
    assert "酒泉市" in text and "2010 政策基准版本" in text and "草案" not in text
    draft = _pdf_text(client.get(f"/api/atlas/print.pdf?bbox=95,36,104,41&lang=en&version={vid}").data)
    assert "DRAFT" in draft and "Draft B" in draft and "Author: planner" in draft and "not the official plan" in draft


def test_a_proposal_needs_no_clause_and_a_refusal_names_each_field(store):
    client, headers, vid = store
    made = client.post(f"/api/versions/{vid}/features/bases", json=BASE, headers=headers)
    assert made.status_code == 201, made.get_data(as_text=True)
    props = made.get_json()["properties"]
    assert props["source"] is None and props["basis"] == "省级规划研究" and props["kind"] == "base"
    assert props["location_basis"] == "planner" and props["prefecture"] == "张掖市"
    bad = {**BASE, "properties": {**BASE["properties"], "name_en": "", "level": "municipal", "source": "not a clause"}}
    before = len(client.get(f"/api/versions/{vid}/features?layer=bases").get_json()["features"])
    resp = client.post(f"/api/versions/{vid}/features/bases", json=bad, headers=headers)
    assert resp.status_code == 400
    fields = resp.get_json()["fields"]
    assert fields["name_en"]["zh"] == "请填写英文名称" and "municipal" in fields["level"]["en"]
    assert "not a clause" in fields["source"]["zh"] and "str_matches" not in resp.get_json()["message"]
    assert len(client.get(f"/api/versions/{vid}/features?layer=bases").get_json()["features"]) == before
    # a curated (not planned) feature still needs its 2010 clause
    sited = {**BASE, "properties": {**BASE["properties"], "precision": "site", "location_basis": "named",
                                    "location_source": "a test", "kind": "base"}}
    refused = client.post(f"/api/versions/{vid}/features/bases", json=sited, headers=headers)
    assert refused.status_code == 400 and "source" in refused.get_json()["fields"]


def test_version_names_are_worded_in_each_language():
    baseline = {"id": "2010", "name": "2010 policy (curated layers/)", "author": "layers/", "baseline": True,
                "created_at": "2026-12-07T14:19:53.126100Z"}
    assert bilingual.version_name(baseline, "zh") == "2010 政策基准版本"
    assert bilingual.version_line(baseline, "en") == \
        "Version: 2010 policy baseline · Author: curated policy data · Saved: 2026-12-07 14:19 UTC"
    assert bilingual.version_name({"id": "x", "name": "方案", "baseline": False}, "en") == "方案"
