"""The supply-curve route, the new cost parameters and the CLI over the synthetic stack."""

from __future__ import annotations

import csv
import io
import re

import pytest

from gislayout.analysis import criteria, service

from .fixtures import siting_synthetic as synthetic

PLAIN = "max_zone=0&min_area=1"


@pytest.fixture(scope="module")
def stacks():
    return {tech: synthetic.stack(tech) for tech in ("pv", "wind")}


@pytest.fixture(autouse=True)
def synthetic_stacks(monkeypatch, stacks):
    monkeypatch.setattr(service, "stack", lambda tech: stacks[criteria.TECHS[criteria.TECHS.index(tech)]])


def test_supply_json_and_csv_agree(client):
    body = client.get(f"/api/siting/supply?tech=pv&{PLAIN}").json
    total = body["supply_curve"]["total"]
    assert len(total) == 3 and total[-1][1] == pytest.approx(275 * 30.0)
    assert [p[0] for p in total] == sorted(p[0] for p in total)
    assert body["supply_curve"]["target_mw"] == 1000 and body["costs"]["preset"] == "latest"
    resp = client.get(f"/api/siting/supply?tech=pv&format=csv&{PLAIN}")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert [float(r["cumulative_mw"]) for r in rows if r["group"] == "total"] == [p[1] for p in total]


def test_wacc_changes_lcoe_and_the_run_carries_it(client):
    low = client.get(f"/api/siting/run?tech=pv&{PLAIN}&wacc=2").json
    high = client.post(f"/api/siting/run?tech=pv&{PLAIN}", json={"wacc": 12}).json
    assert low["table"][0]["lcoe_usd_mwh"] < high["table"][0]["lcoe_usd_mwh"]
    assert high["costs"]["wacc"] == 12 and high["changed"]["wacc"] == 12
    props = high["zones"]["features"][0]["properties"]
    assert "lcoe_usd_mwh" in props and "nearest_park" in props and "offtaker" in props
    assert "supply_curve" in high and isinstance(high["offtakers"], list)


@pytest.mark.parametrize("query, words", [("cost_preset=1999", "1999"), ("wacc=50", "50"),
                                          ("lifetime=2.5", "2.5"), ("scheme=1990", "1990"),
                                          ("max_lcoe=-1", "-1")])
def test_bad_cost_parameters_name_the_value(client, query, words):
    resp = client.get(f"/api/siting/supply?tech=pv&{query}")
    assert resp.status_code == 400 and words in resp.json["message"]


def test_params_document_presets_with_sources(client):
    body = client.get("/api/siting/params").json
    for tech in ("pv", "wind"):
        presets = body[tech]["cost_presets"]
        assert set(presets) == {"2010", "latest"}
        for preset in presets.values():
            assert preset["values"]["capex"] > 0
            assert all(s["url"].startswith("http") and s["year"] and s["title"] for s in preset["sources"])
        assert body[tech]["defaults"]["cost_preset"] == "latest" and body[tech]["defaults"]["grid_kv"] == 330
    assert "degradation" in body["pv"]["defaults"] and "degradation" not in body["wind"]["defaults"]


def test_every_cost_default_cites_its_source(client):
    """Issue 12: every default of both presets is covered by a source with edition, year, table and URL, and
    a value no China figure was found for says so (status 'approximate')."""
    body = client.get("/api/siting/params").json
    for tech in ("pv", "wind"):
        for name, preset in body[tech]["cost_presets"].items():
            values = {f"{tech}.{k}" for k in preset["values"]} | {f"grid_cost.{kv}" for kv in preset["grid_cost"]}
            covered = {key for s in preset["sources"] for key in s["applies_to"]}
            assert values <= covered, (name, values - covered)
            for s in preset["sources"]:
                assert s["status"] in ("cited", "approximate") and s["edition"] and s["table"], s
                assert s["status"] == "cited" or "APPROXIMATE" in s["what"], s["what"]
    pv_capex = [s for s in body["pv"]["cost_presets"]["2010"]["sources"] if "pv.capex" in s["applies_to"]]
    assert pv_capex[0]["status"] == "cited" and "Figure 3.4" in pv_capex[0]["table"]


def test_every_cost_default_is_the_figure_its_source_quotes(client):
    """Not only the structure: each preset value must be a number its source's text quotes (so 4211 -> 42110,
    or a value moved to the wrong key, fails)."""
    body = client.get("/api/siting/params").json
    checked = 0
    for tech in ("pv", "wind"):
        for name, preset in body[tech]["cost_presets"].items():
            values = {f"{tech}.{k}": v for k, v in preset["values"].items()}
            values |= {f"grid_cost.{kv}": v for kv, v in preset["grid_cost"].items()}
            for s in preset["sources"]:
                quoted = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", s["what"])}
                for key in s["applies_to"]:
                    if key in values:
                        assert float(values[key]) in quoted, (name, key, values[key], s["what"][:120])
                        checked += 1
    assert checked >= 30  # 2 techs × 2 presets × (5 or 4 values + 4 line costs), less keys a source shares


def test_zone_files_and_the_cli_carry_the_cost_sources(client, runner):
    data = client.get(f"/api/siting/zones?tech=pv&format=geojson&cost_preset=2010&{PLAIN}").get_json(force=True)
    meta = data["metadata"]
    assert meta["costs"]["preset"] == "2010" and meta["costs"]["capex"] > 0
    assert {"pv.capex", "pv.wacc"} <= {key for s in meta["cost_sources"] for key in s["applies_to"]}
    result = runner.invoke(args=["siting", "supply", "--tech", "wind", "-p", "max_zone=0", "-p", "min_area=1"])
    assert result.exit_code == 0, result.output
    assert "cost sources:" in result.output and "wind.capex" in result.output and "[approximate]" in result.output


def test_cli_supply_writes_csv(runner, tmp_path):
    out = tmp_path / "curve.csv"
    result = runner.invoke(args=["siting", "supply", "--tech", "pv", "-p", "max_zone=0", "-p", "min_area=1",
                                 "-p", "cost_preset=2010", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "upper bound" in result.output and out.read_text(encoding="utf-8-sig").startswith("group,name")


def _cell_lonlat(stack, row, col):
    from gislayout.analysis.grid import unproject
    x, y = stack.grid.centres(row, col)
    lon, lat = unproject(x, y)
    return float(lon), float(lat)


def test_uploaded_grid_replaces_the_substations(client, stacks, monkeypatch, tmp_path):
    import json

    from gislayout.analysis import gridstore
    monkeypatch.setattr(gridstore, "store_dir", lambda: tmp_path / "grid")
    pv = stacks["pv"]
    far = _cell_lonlat(pv, 35, 5)     # a 750 kV point 30 rows below block A (rows 5-14, cols 5-14)
    low = _cell_lonlat(pv, 16, 8)     # a 110 kV point right next to it: below grid_kv, ignored
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "far", "voltage": "750000"},
         "geometry": {"type": "Point", "coordinates": list(far)}},
        {"type": "Feature", "properties": {"name": "low", "max_voltage_kv": 110},
         "geometry": {"type": "Point", "coordinates": list(low)}}]}
    resp = client.post("/api/siting/grid?filename=grid.geojson", data=json.dumps(fc))
    assert resp.status_code == 200, resp.json
    ident = resp.json["id"]
    assert resp.json["features"] == 2 and resp.json["with_voltage"] == 2
    body = client.get(f"/api/siting/run?tech=pv&{PLAIN}&grid={ident}").json
    a = next(r for r in body["table"] if r["resource_mean"] == 1900)
    assert a["substation"]["name"] == "far" and a["substation"]["max_voltage_kv"] == 750
    # from the zone polygon's nearest point (the edge of row 14) to the point at the centre of row 35, geodesically
    assert a["grid_km"] == pytest.approx(35 - 14.5, rel=0.03)
    body = client.get(f"/api/siting/run?tech=pv&{PLAIN}&grid={ident}&grid_kv=100").json
    a = next(r for r in body["table"] if r["resource_mean"] == 1900)
    assert a["substation"]["name"] == "low" and a["grid_km"] == pytest.approx(16 - 14.5, rel=0.03)
    assert client.get(f"/api/siting/run?tech=pv&grid={'0' * 16}").status_code == 404
    assert client.get("/api/siting/run?tech=pv&grid=../x").status_code == 400
