"""An API refusal asked for from a Chinese page (`lang=zh`) says its message in Chinese, in the one error shape;
without `lang` (or with another) the API answers in English as before. Also the siting run's notes in Chinese."""

from __future__ import annotations

import io
import re

import pytest

from gislayout import dataversion
from gislayout.analysis import criteria, exclusions, service
from gislayout.compare import siting

from .fixtures import siting_synthetic as synthetic
from .fixtures.resources import synth
from .test_one_language_browser import english
from .test_siting_api import _zip

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def stacks(monkeypatch, tmp_path):
    stacks = {tech: synthetic.stack(tech) for tech in criteria.TECHS}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])
    monkeypatch.setattr(exclusions, "store_dir", lambda: tmp_path / "exclusions")
    # the compare page's siting figures: cached afresh, so no other test reads figures of the synthetic stacks
    monkeypatch.setattr(siting, "_by_prefecture", dataversion.cached(maxsize=4)(siting._by_prefecture.__wrapped__))
    monkeypatch.setattr(siting, "_offtakers", dataversion.cached(maxsize=4)(siting._offtakers.__wrapped__))


def chinese(body: dict) -> str:
    """The message of an error body, checked to be Chinese with no English word."""
    assert CJK.search(body["message"]) and not english([body["message"]]), body["message"]
    return body["message"]


@pytest.mark.parametrize("query, fragment", [
    ("t_slope=abc", "“abc”"), ("t_resource=99999", "“99999”"), ("cost_preset=nope", "“nope”"),
    ("turbine=x", "“turbine”"),
    ("exclude=zz", "“zz”"), ("exclude=" + "a" * 16, "重新上传"), ("top=1.5", "“1.5”"),
    ("w_resource=0&w_elevation=0&w_slope=0&w_demand=0&w_town=0&w_grid=0", "权重"),
])
def test_siting_run_refusal_is_chinese_for_a_chinese_page(client, query, fragment):
    zh = client.get(f"/api/siting/run?tech=pv&{query}&lang=zh")
    en = client.get(f"/api/siting/run?tech=pv&{query}")
    assert zh.status_code == en.status_code and 400 <= zh.status_code < 500
    assert set(zh.json) == set(en.json) and zh.json["error"] == en.json["error"]  # one shape
    assert fragment in chinese(zh.json) and zh.headers["Content-Language"] == "zh"
    assert not CJK.search(en.json["message"])


@pytest.mark.parametrize("name, data", [
    ("bad.geojson", b'{"type": "FeatureCollection", "features": ['),
    ("bad.geojson", b'{"type": "Feature", "geometry": {"type": "Point", "coordinates": "x"}}'),
    ("bad.geojson", b'{"type": "Topology"}'),
    ("sites.csv", b"name,lon\na,98.5\n"), ("sites.csv", b"name,lon,lat\na,98.5,40\nb,east,40\n"),
    ("sites.gpkg", b"not a database"), ("sites.zip", b"PK\x03\x04broken"), ("sites.zip", _zip({"readme.txt": b"hi"})),
    ("sites.zip", _zip({"a.shp": b"x", "a.dbf": b"y"})), ("sites.shp", b"xx"), ("sites.xlsx", b"xx"),
    ("sites.csv", b""), ("far.csv", b"lon,lat\n40.0,38.5\n"),
])
def test_siting_upload_refusal_is_chinese(client, name, data):
    resp = client.post("/api/siting/sites?tech=pv&lang=zh", data={"file": (io.BytesIO(data), name)})
    assert resp.status_code == 400 and resp.json["status"] == 400
    assert f"“{name}”" in chinese(resp.json) or "场址" in resp.json["message"]


def test_exclusion_upload_of_lines_is_refused_in_chinese(client):
    line = (b'{"type": "Feature", "properties": {}, '
            b'"geometry": {"type": "LineString", "coordinates": [[98, 40], [99, 40]]}}')
    resp = client.post("/api/siting/exclusions?lang=zh", data={"file": (io.BytesIO(line), "line.geojson")})
    assert resp.status_code == 400 and "“LineString”" in chinese(resp.json)


@pytest.mark.parametrize("lang", [None, "fr", "en"])
def test_without_chinese_the_api_answers_in_english(client, lang):
    resp = client.get("/api/siting/run?tech=pv&t_slope=abc" + (f"&lang={lang}" if lang else ""))
    assert resp.json["message"] == "parameter 't_slope' must be a number, got 'abc'"
    assert "Content-Language" not in resp.headers


def test_compare_upload_refusal_is_chinese(client):
    point = b'{"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Point", "coordinates": [104, 36]}}'
    resp = client.post("/api/compare/diff?lang=zh", data={"file": (io.BytesIO(point), "plan.geojson")})
    assert resp.status_code == 400 and "“id”" in chinese(resp.json) and "“name”" in resp.json["message"]
    resp = client.post("/api/compare/diff?lang=zh", data={})
    assert resp.status_code == 400 and chinese(resp.json)
    assert client.get("/api/compare/versions?a=x&b=y&lang=zh").status_code != 400  # lang is taken there too


def test_run_notes_come_in_chinese_too(client):
    body = client.get("/api/siting/run?tech=pv&t_resource=2500").json
    assert body["notes"][-1].startswith("No zone") and len(body["notes_zh"]) == len(body["notes"])
    assert body["notes_zh"][-1].startswith("没有候选区") and not english(body["notes_zh"][-1:])


def test_stack_notes_come_in_both_languages():
    """Each note of the real stack is written in both languages where it is made, one for one; the fixed ones (all
    but a resource's own metadata words) hold no English."""
    with synth.use_build_dir(synth.session_build_dir()):
        stack = criteria.build("pv")
    assert len(stack.notes_zh) == len(stack.notes) >= 2, stack.notes
    assert all(CJK.search(zh) for zh in stack.notes_zh)
    fixed = [zh for en, zh in zip(stack.notes, stack.notes_zh) if not en.startswith("Resource ")]
    assert any(zh.startswith("土地覆盖") for zh in fixed) and not english(fixed), fixed


