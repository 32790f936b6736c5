"""The scheme editor page is served with its config; a scheme it cannot open or a language it lacks is an error."""

from __future__ import annotations

import json
import re

import pytest


def page_config(html: str) -> dict:
    match = re.search(r'<script id="scheme-editor-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no page config"
    return json.loads(match.group(1))


@pytest.mark.parametrize("query, lang, scheme", [("", "zh", None), ("?lang=en", "en", None),
                                                 ("?scheme=2009", "zh", "2009")])
def test_the_page_and_its_config(client, query, lang, scheme):
    resp = client.get(f"/schemes/edit{query}")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    cfg = page_config(html)
    assert cfg["lang"] == lang and cfg["scheme"] == scheme
    assert cfg["urls"]["schemes"] == "/api/schemes" and cfg["urls"]["prefectures"] == "/atlas/geo/prefectures.json"
    assert cfg["symbology"]["zones"]["palette"] and set(cfg["strings"]) == {"zh", "en"}
    assert cfg["strings"][lang]["title"] in html


@pytest.mark.parametrize("query, status, fragment", [
    ("?scheme=nope", 404, "'nope'"), ("?lang=fr", 400, "'fr'"),
    ("?scheme=%3Cscript%3Ealert(1)%3C/script%3E", 404, "alert(1)"),
])
def test_what_the_page_cannot_open(client, query, status, fragment):
    resp = client.get(f"/schemes/edit{query}")
    assert resp.status_code == status
    assert fragment in resp.json["message"] and resp.mimetype == "application/json"
