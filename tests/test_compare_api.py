"""`/api/compare` over HTTP: the table's numbers against an independent geopandas computation from the raw
files, schemes, CSV export, the printable PNG/PDF, the version template, errors, the CLI and the two
integration points (resource statistics, siting potential)."""

from __future__ import annotations

import csv
import io
import json
import struct

import geopandas as gpd
import pandas as pd
import pytest

from gislayout import boundaries, compare, config, dataversion
from gislayout.analysis import criteria, service
from gislayout.compare import siting
from gislayout.web import create_app

from .fixtures import siting_synthetic as synthetic
from .test_error_shape import assert_error_shape


def _raw_points(name: str) -> gpd.GeoDataFrame:
    """A layer straight from its CSV in layers/, with no gislayout code in between."""
    df = pd.read_csv(config.settings().layers_dir / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"].astype(float), df["lat"].astype(float)),
                            crs=config.WGS84)


def _members(spec: str) -> list[str]:
    """The prefectures of an area, read from the scheme JSON files directly."""
    names = list(boundaries.load("prefecture")["name_zh"])
    kind, _, rest = spec.partition(":")
    if kind == "province":
        return names
    if kind == "prefecture":
        return [rest]
    scheme, _, zone = rest.partition(":")
    data = json.loads((config.settings().layers_dir / "schemes" / f"{scheme}.json").read_text(encoding="utf-8"))
    return next(z["members"] for z in data["zones"] if z["id"] == zone)


def independent(spec: str) -> dict[str, float]:
    """The area's figures by a spatial join of the raw points with the dissolved prefecture polygons."""
    pref = boundaries.load("prefecture")
    polygon = pref[pref["name_zh"].isin(_members(spec))].dissolve()[["geometry"]]
    within = {n: gpd.sjoin(_raw_points(n), polygon, predicate="within")
              for n in ("bases", "parks", "enterprises", "projects")}
    projects = within["projects"].assign(capacity_mw=lambda d: pd.to_numeric(d["capacity_mw"]))
    sectors = within["bases"]["sectors"].str.split(";")
    out = {
        "area_km2": float(polygon.to_crs(config.EQUAL_AREA).area.sum() / 1e6),
        "bases_national": (within["bases"]["level"] == "national").sum(),
        "bases_provincial": (within["bases"]["level"] == "provincial").sum(),
        "parks": len(within["parks"]),
        "parks_national": (within["parks"]["level"] == "national").sum(),
        "enterprises": len(within["enterprises"]),
        "enterprises_firms": (within["enterprises"]["kind"] == "enterprise").sum(),
        "projects": len(projects),
        "projects_wind_mw": projects.loc[projects["technology"] == "wind", "capacity_mw"].sum(),
        "projects_pv_mw": projects.loc[projects["technology"] == "pv", "capacity_mw"].sum(),
    }
    for code in ("new_materials", "new_energy", "biology", "information_technology", "advanced_equipment"):
        out[f"bases_sector_{code}"] = int(sectors.map(lambda s, c=code: c in s).sum())
    return {k: float(v) for k, v in out.items()}


def _values(body: dict, column: int) -> dict[str, float | None]:
    return {row["metric"]: row["values"][column] for row in body["rows"]}


PAIRS = [("zone:2009:hexi", "prefecture:兰州市"), ("province", "zone:2021:core"), ("zone:2009:longdong", "prefecture:天水市")]


@pytest.mark.parametrize("left, right", PAIRS)
def test_api_table_matches_an_independent_spatial_join(client, left, right):
    resp = client.get("/api/compare", query_string={"left": left, "right": right})
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert [c["key"] for c in body["columns"]] == [left, right]
    for i, spec in enumerate((left, right)):
        got, ref = _values(body, i), independent(spec)
        for metric, expected in ref.items():
            assert got[metric] == pytest.approx(expected, rel=1e-6, abs=0.06), (spec, metric)
    for row in body["rows"]:
        a, b = row["values"]
        if a is not None and b is not None:
            assert row["difference"] == pytest.approx(b - a, abs=0.06), row["metric"]


def test_province_targets_apply_to_the_province_only(client):
    body = client.get("/api/compare?left=province&right=prefecture:酒泉市").json
    row = next(r for r in body["rows"] if r["metric"] == "target_sei_value_added_2015")
    assert row["values"] == [800, None] and row["units_zh"] == "亿元"
    share = next(r for r in body["rows"] if r["metric"] == "share_of_target_wind_capacity_2015")
    assert share["values"][0] == pytest.approx(100 * independent("province")["projects_wind_mw"] / 17000, abs=0.06)


def test_schemes_give_one_column_per_zone_matching_the_spatial_join(client):
    body = client.get("/api/compare?scheme_left=2009&scheme_right=2021").json
    keys = [c["key"] for c in body["columns"]]
    assert keys[:4] == ["zone:2009:centre", "zone:2009:hexi", "zone:2009:longdong", "zone:2009:clusters"]
    assert all(k.startswith("zone:2021:") for k in keys[4:])
    for i, key in enumerate(keys):
        got, ref = _values(body, i), independent(key)
        assert got["parks"] == ref["parks"] and got["bases_national"] == ref["bases_national"], key
        assert got["area_km2"] == pytest.approx(ref["area_km2"], rel=1e-6, abs=0.06), key
    # Zones of a scheme tile the province: their areas add up to it.
    province = independent("province")["area_km2"]
    assert sum(_values(body, i)["area_km2"] for i in range(4)) == pytest.approx(province, rel=1e-5)


def test_csv_export_of_the_table(client):
    resp = client.get("/api/compare?left=zone:2009:hexi&right=zone:2009:centre&format=csv&lang=en")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"] and ".csv" in resp.headers["Content-Disposition"]
    assert "siting potential" in json.loads(resp.headers["X-Gislayout-Metadata"])["notes"][-1]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    by_metric = {r["metric"]: r for r in rows}
    ref = independent("zone:2009:hexi")
    assert float(by_metric["projects_wind_mw"]["zone:2009:hexi"]) == ref["projects_wind_mw"]
    assert by_metric["bases_national"]["label"] == "National bases"
    assert float(by_metric["parks"]["difference"]) == float(by_metric["parks"]["zone:2009:centre"]) - ref["parks"]


@pytest.mark.parametrize("url, status, fragment", [
    ("/api/compare?left=zone:2009:mars&right=province", 400, "'mars'"),
    ("/api/compare?left=prefecture:北京市&right=province", 400, "'北京市'"),
    ("/api/compare?left=county:x&right=province", 400, "'county:x'"),
    ("/api/compare?left=province", 400, "'right'"),
    ("/api/compare", 400, "'left'"),
    ("/api/compare?left=province&right=province&scheme_left=2009", 400, "not both"),
    ("/api/compare?scheme_left=1999&scheme_right=2009", 400, "'1999'"),
    ("/api/compare?left=province&right=province&format=xlsx", 400, "'xlsx'"),
    ("/api/compare?left=province&right=province&lang=fr", 400, "'fr'"),
    ("/api/compare?left=province&right=province&colour=red", 400, "'colour'"),
    ("/api/compare/print.gif?left=province&right=province", 400, "'gif'"),
    ("/api/compare/print.png?left=zone:2021:nowhere&right=province", 400, "'nowhere'"),
    ("/api/compare/version?format=kml", 400, "'kml'"),
    ("/api/compare/version?layers=rivers", 400, "'rivers'"),
    ("/api/compare/version?version=no-such-version", 404, "'no-such-version'"),
    ("/compare?lang=fr", 400, "'fr'"),
    ("/api/compare/print.png?left=province&right=province&lang=xx", 400, "'xx'"),
])
def test_bad_comparisons_name_the_value(client, url, status, fragment):
    assert fragment in assert_error_shape(client.get(url), status)["message"]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("query", ["left=zone:2009:hexi&right=prefecture:兰州市", "scheme_left=2009&scheme_right=2021"])
def test_printable_png_is_an_a4_landscape_image(client, query):
    resp = client.get(f"/api/compare/print.png?{query}&lang=en")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    width, height = _png_size(resp.data)
    assert height == 1240 and width / height == pytest.approx(297 / 210, abs=0.002)  # A4 landscape, 150 dpi
    from PIL import Image
    with Image.open(io.BytesIO(resp.data)) as img:
        img.verify()


def test_printable_pdf_is_a_one_page_pdf(client):
    resp = client.get("/api/compare/print.pdf?left=zone:2009:hexi&right=zone:2009:centre")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.data.startswith(b"%PDF-") and resp.data.rstrip().endswith(b"%%EOF")
    assert resp.data.count(b"/Type /Page\n") + resp.data.count(b"/Type /Page ") + resp.data.count(b"/Type/Page>") >= 1
    # CI installs fonts-noto-cjk, so the printout is in Chinese, drawn with that font.
    assert resp.headers["Content-Language"] == "zh" and b"NotoSansCJK" in resp.data
    assert "attachment" in resp.headers["Content-Disposition"]


def test_version_template_holds_the_bases_and_parks(client):
    gj = client.get("/api/compare/version").json
    layers_ = {f["properties"]["layer"] for f in gj["features"]}
    assert layers_ == {"bases", "parks"}
    assert len(gj["features"]) == len(_raw_points("bases")) + len(_raw_points("parks"))
    text = client.get("/api/compare/version?format=csv&layers=bases").get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))) == len(_raw_points("bases"))


def test_table_has_the_siting_rows_and_names_what_was_not_computed(monkeypatch, tmp_path):
    """pv runs on the synthetic stack; wind has no resource installed (an empty build folder): pv rows, a wind note."""
    pv = synthetic.stack("pv")

    def stack(tech):
        if tech == "wind":
            criteria.read_resource(tech, pv.grid)  # raises ResourceUnavailable: nothing is installed
        return pv

    client = create_app({"TESTING": True, "BUILD_DIR": tmp_path}).test_client()
    monkeypatch.setattr(service, "stack", stack)
    monkeypatch.setattr(siting, "_by_prefecture", dataversion.cached(maxsize=4)(siting._by_prefecture.__wrapped__))
    monkeypatch.setattr(siting, "_offtakers", dataversion.cached(maxsize=4)(siting._offtakers.__wrapped__))
    body = client.get("/api/compare?left=province&right=zone:2009:centre").json
    rows = {r["metric"]: r["values"] for r in body["rows"] if r["group"] == "siting"}
    assert set(rows) == {f"siting_pv_{f}" for f in siting.FIGURES} | {f"siting_pv_{siting.OFFTAKER_FIGURE}"}
    assert rows["siting_pv_capacity_mw"][0] > 0 and rows["siting_pv_capacity_mw"][1] == 0  # no synthetic cell there
    notes = [n["en"] for n in body["notes"] if n["topic"] == "siting potential"]
    assert len(notes) == 1 and notes[0].startswith("siting potential: not computed (wind: ")
    assert "pv:" not in notes[0] and "fetch gwa" in notes[0]


def test_resource_statistics_come_from_the_one_integration_point(monkeypatch):
    from gislayout import resources
    seen = []

    def stats_for_geometry(name, geometry):
        seen.append((name, round(geometry.area, 6)))
        return {"mean": 1700.0, "p10": 1500.0, "p50": 1690.0, "p90": 1850.0}

    monkeypatch.setattr(resources, "catalogue", lambda: [{"name": "ghi_test", "installed": True,
                                                          "units": "kWh/m²/yr", "title_en": "GHI test"}])
    monkeypatch.setattr(resources, "stats_for_geometry", stats_for_geometry)
    area = compare.parse_area("prefecture:酒泉市")
    table = compare.summarise(area).set_index("metric")
    assert table.loc["ghi_test_mean", "value"] == 1700.0 and table.loc["ghi_test_p90", "units"] == "kWh/m²/yr"
    assert seen == [("ghi_test", round(area.geometry.area, 6))]


def test_siting_potential_sums_the_analysis_by_prefecture(monkeypatch):
    stacks = {tech: synthetic.stack(tech) for tech in siting.TECHS}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])
    monkeypatch.setattr(siting, "_by_prefecture", dataversion.cached(maxsize=4)(siting._by_prefecture.__wrapped__))
    monkeypatch.setattr(siting, "_offtakers", dataversion.cached(maxsize=4)(siting._offtakers.__wrapped__))
    expected = service.run(stacks["pv"], service.parse(stacks["pv"], {}), polygons=False).by_prefecture
    expected = expected.set_index("prefecture")
    hexi = compare.summarise(compare.parse_area("zone:2009:hexi")).set_index("metric")["value"]
    jiuquan = compare.summarise(compare.parse_area("prefecture:酒泉市")).set_index("metric")["value"]
    lanzhou = compare.summarise(compare.parse_area("prefecture:兰州市")).set_index("metric")["value"]
    assert hexi["siting_pv_capacity_mw"] == pytest.approx(expected["capacity_mw"].sum(), abs=0.1)
    assert jiuquan["siting_pv_area_km2"] == pytest.approx(expected.loc["酒泉市", "area_km2"], abs=0.1)
    assert lanzhou["siting_pv_capacity_mw"] == 0
    assert hexi["siting_pv_capacity_mw"] > 0


def test_cli_writes_the_table_and_the_printout(runner, tmp_path):
    out = tmp_path / "table.csv"
    result = runner.invoke(args=["compare", "--left", "zone:2009:hexi", "--right", "zone:2009:centre", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert float(rows["parks"]["zone:2009:hexi"]) == independent("zone:2009:hexi")["parks"]
    result = runner.invoke(args=["compare", "--scheme-left", "2009", "--scheme-right", "2021", "-o",
                                 str(tmp_path / "s.pdf"), "--lang", "en"])
    assert result.exit_code == 0 and (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("args, fragment", [
    (["compare", "--left", "zone:2009:mars", "--right", "province"], "'mars'"),
    (["compare", "--left", "province"], "--right"),
    (["compare", "--left", "province", "--right", "province", "-o", "x.xlsx"], "'.xlsx'"),
    (["compare", "--scheme-left", "1999", "--scheme-right", "2009"], "'1999'"),
])
def test_cli_errors_name_the_value(runner, args, fragment):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and fragment in result.output


def test_printout_falls_back_to_english_without_a_cjk_font(client, monkeypatch):
    from gislayout.compare import render
    monkeypatch.setattr(render, "cjk_family", lambda: None)
    resp = client.get("/api/compare/print.png?left=province&right=prefecture:兰州市&lang=zh")
    assert resp.status_code == 200 and resp.headers["Content-Language"] == "en"
    assert _png_size(resp.data)[1] == 1240


@pytest.mark.parametrize("width_m, bar_m", [(1_234_000, 200_000), (95_000, 20_000), (40_000, 10_000), (4_100, 1_000)])
def test_scale_bar_is_a_round_length_near_a_quarter_of_the_map(width_m, bar_m):
    from gislayout.compare import render
    assert render._nice_length(width_m) == bar_m
