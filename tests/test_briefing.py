"""The briefing: a page, a CSV and an A4 PDF per prefecture or zone of a scheme, with the figures of the default
siting runs (PV on the offline estimate, wind on the GWA crop when ../shared is there)."""

from __future__ import annotations

import io
import urllib.parse

import pandas as pd
import pytest
from pypdf import PdfReader

from gislayout import printing
from gislayout.analysis import service
from gislayout.maps import briefing
from gislayout.web import create_app

from .conftest import ARTIFACTS
from .fixtures import siting_real


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with siting_real.real_build(tmp_path_factory.mktemp("brief")) as path:
        app = create_app({"TESTING": True, "BUILD_DIR": path})
        with app.app_context():
            yield app.test_client()


def test_page_lists_every_prefecture_and_the_schemes_zones(client):
    resp = client.get("/briefing?scheme=2009&lang=en")
    assert resp.status_code == 200
    html = resp.data.decode()
    assert html.count('class="briefing-pdf"') == 14 + 4  # 14 prefectures, 4 zones of the 2009 scheme
    assert "Jiuquan" in html and "PV potential GW" in html and "CNY/kWh" in html
    assert client.get("/briefing?scheme=nope").status_code == 404
    assert client.get("/briefing?lang=fr").status_code == 400


def test_csv_figures_add_up_and_match_the_siting_run(client):
    resp = client.get("/briefing.csv?scheme=2009")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/csv")
    df = pd.read_csv(io.StringIO(resp.data.decode("utf-8-sig")))
    pref = df[df["kind"] == "prefecture"].set_index("id")
    zones = df[df["kind"] == "zone"].set_index("id")
    assert len(pref) == 14 and len(zones) == 4
    # the zones of a scheme partition the prefectures: their potentials add up to the prefectures'
    assert zones["pv_gw"].sum() == pytest.approx(pref["pv_gw"].sum(), abs=0.5)
    pv = briefing.run("pv")
    assert pref["pv_gw"].sum() == pytest.approx(pv.zones.table["capacity_mw"].sum() / 1000, abs=1.0)
    j = pref.loc["酒泉市"]
    assert j["pv_lcoe_cny_kwh_min"] <= j["pv_lcoe_cny_kwh_max"] and j["pv_zones"] > 0
    assert (df["target_wind_2015_mw"] == 17000).all() and (df["target_pv_2015_mw"] == 1000).all()
    assert j["built_wind_mw"] >= 6000  # the GPPD's Gansu Wind Farm aggregate (6,000 MW) is in Jiuquan
    assert "MODIS" in df["sources"].iloc[0]


def test_jiuquan_pdf_in_chinese_is_an_a4_page_with_map_legend_sources_and_date(client):
    resp = client.get("/briefing/酒泉市.pdf?lang=zh")
    assert resp.status_code == 200 and resp.data[:5] == b"%PDF-"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "briefing_jiuquan_zh.pdf").write_bytes(resp.data)  # for a person to look at (pdftoppm -png)
    reader = PdfReader(io.BytesIO(resp.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait in points
    text = reader.pages[0].extract_text()
    if printing.cjk_family() is None:
        assert resp.headers["Content-Language"] == "en" and "Jiuquan" in text
        return
    assert resp.headers["Content-Language"] == "zh"
    for word in ("酒泉市", "图例", "资料来源", "生成日期", "元/千瓦时", "光伏", "MODIS"):
        assert word in text, word


def test_zone_of_a_scheme_and_bad_requests(client):
    resp = client.get("/briefing/2009:hexi.png?lang=en")
    assert resp.status_code == 200 and resp.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/briefing/nowhere.pdf").status_code == 404
    assert client.get("/briefing/酒泉市.svg").status_code == 400


def test_distance_figures_follow_the_rule(client):
    row = briefing.area_row(briefing.find("酒泉市"))
    pv = briefing.run("pv")
    rows = pv.top[pv.top["prefecture"] == "酒泉市"]
    assert row["pv_grid_km_min"] == pytest.approx(rows["grid_km"].min(), abs=0.05)
    assert "polygon" in service.DISTANCE_RULE["en"]


def test_a_planners_saved_scheme_gets_its_briefing(client):
    from gislayout.store import schemes as saved

    pref = list(briefing.boundaries.load("prefecture")["name_zh"])
    data = {"id": "test_brief", "title_zh": "测试方案", "title_en": "Test scheme", "note": "a planner's scheme",
            "zones": [{"id": "west", "name_zh": "西部", "name_en": "West", "members": pref[:7]},
                      {"id": "east", "name_zh": "东部", "name_en": "East", "members": pref[7:]}]}
    row = saved.save(data, "test")
    try:
        resp = client.get("/briefing.csv?scheme=test_brief")
        assert resp.status_code == 200
        df = pd.read_csv(io.StringIO(resp.data.decode("utf-8-sig")))
        zones = df[df["kind"] == "zone"].set_index("id")
        assert list(zones.index) == ["test_brief:west", "test_brief:east"]
        assert zones["pv_gw"].sum() == pytest.approx(df[df["kind"] == "prefecture"]["pv_gw"].sum(), abs=0.5)
        assert client.get("/briefing/test_brief:east.pdf?lang=en").status_code == 200
    finally:
        saved.delete("test_brief", row["revision"], "test")


@pytest.mark.parametrize("lang, says, never", [("zh", ("选址模型", "资料来源", "政策基准版本"), ("Siting model", "main")),
                                               ("en", ("Siting model", "Sources", "the policy baseline"), ("选址模型",))])
def test_the_briefing_pdf_speaks_one_language_in_its_sources_and_version(client, lang, says, never):
    resp = client.get(f"/briefing/{urllib.parse.quote('酒泉市')}.pdf?lang={lang}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(resp.data)).pages)
    assert all(s in text for s in says), [s for s in says if s not in text]
    assert not any(s in text for s in never), [s for s in never if s in text]
