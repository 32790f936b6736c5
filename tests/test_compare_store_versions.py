"""Diffs of two versions from the store: branch 2010, move a park by a known distance, add a base, delete an
enterprise, change a project's capacity; the diff (library, HTTP in JSON/CSV/GeoJSON, CLI) reports exactly those,
with the distance moved matching a haversine computed here, and names an unknown version in a 404."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from gislayout.compare import versions
from gislayout.store import features, versions as store_versions
from gislayout.web import create_app

from .test_error_shape import assert_error_shape

AUTHOR = "tester"
#: The park's new place: this many degrees east and north of where 2010 has it.
D_LON, D_LAT = 0.041, 0.027
NEW_BASE = "base_test_new"
NEW_CAPACITY = 1234.5
#: Fields the store rewrites itself when a point moves (where it is, and that a planner placed it).
PLACE_FIELDS = {"precision", "location_basis", "location_source", "prefecture", "county"}


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a sphere of the mean Earth radius (IUGG, 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def store_app(tmp_path_factory):
    """An app on a store of its own (a fresh SQLite file), so the versions made here touch no other test."""
    path = tmp_path_factory.mktemp("store") / "s.sqlite"
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}"})


@pytest.fixture(scope="module")
def edited(store_app) -> dict:
    """A branch of 2010 with one park moved, one base added, one enterprise deleted and one project changed."""
    with store_app.app_context():
        base = versions.version_gdf("2010")
        vid = store_versions.branch("2010", "Compare test branch", AUTHOR)["id"]
        park = base[base["layer"] == "parks"].iloc[0]
        old = (park.geometry.x, park.geometry.y)
        new = (round(old[0] + D_LON, 6), round(old[1] + D_LAT, 6))
        features.update(vid, "parks", park["id"], {"geometry": {"type": "Point", "coordinates": list(new)}},
                        int(park["revision"]), AUTHOR)
        template = features.feature(vid, "bases", base[base["layer"] == "bases"].iloc[0]["id"])
        props = {k: v for k, v in template["properties"].items() if k not in ("layer", "deleted")}
        props |= {"id": NEW_BASE, "name_zh": "测试新基地", "name_en": "Test new base"}
        features.add(vid, "bases", {"type": "Feature", "properties": props,
                                    "geometry": {"type": "Point", "coordinates": [103.8, 36.1]}}, AUTHOR)
        gone = base[base["layer"] == "enterprises"].iloc[2]
        features.delete(vid, "enterprises", gone["id"], int(gone["revision"]), AUTHOR)
        # one whose county is given: the store fills a blank county from the point on any write, which would
        # add a second changed field to this edit of one
        project = base[(base["layer"] == "projects") & base["county"].notna()].iloc[0]
        assert float(project["capacity_mw"]) != NEW_CAPACITY
        features.update(vid, "projects", project["id"], {"properties": {"capacity_mw": NEW_CAPACITY}},
                        int(project["revision"]), AUTHOR)
    return {"vid": vid, "total": len(base), "park": park["id"], "old": old, "new": new, "removed": gone["id"],
            "project": project["id"], "capacity": float(project["capacity_mw"])}


def test_library_diff_reports_exactly_the_edits(store_app, edited):
    with store_app.app_context():
        result = versions.diff_versions_of("2010", edited["vid"])
    diff = result.diff.set_index("id")
    assert result.counts == {"added": 1, "removed": 1, "moved": 1, "changed": 1, "unchanged": edited["total"] - 3}
    expected = {edited["park"]: "moved", NEW_BASE: "added", edited["removed"]: "removed", edited["project"]: "changed"}
    assert diff.loc[diff["status"] != "unchanged", "status"].to_dict() == expected
    park = diff.loc[edited["park"]]
    assert park["moved_km"] == pytest.approx(haversine_km(*edited["old"], *edited["new"]), rel=0.005)
    assert (park["from_lon"], park["from_lat"]) == pytest.approx(edited["old"])
    assert (park.geometry.x, park.geometry.y) == pytest.approx(edited["new"])
    assert set(park["changed_fields"].split(";")) <= PLACE_FIELDS
    project = diff.loc[edited["project"]]
    assert project["changed_fields"] == "capacity_mw" and math.isnan(project["moved_km"])
    assert project["before"] == {"capacity_mw": edited["capacity"]}
    assert project["after"] == {"capacity_mw": NEW_CAPACITY}
    assert diff.loc[NEW_BASE, "layer"] == "bases" and diff.loc[edited["removed"], "layer"] == "enterprises"


def test_same_version_twice_is_all_unchanged(store_app, edited):
    with store_app.app_context():
        result = versions.diff_versions_of(edited["vid"], edited["vid"])
    assert result.counts["unchanged"] == edited["total"] == len(result.diff)


def _get(store_app, **params):
    return store_app.test_client().get("/api/compare/versions", query_string=params)


def test_api_json(store_app, edited):
    resp = _get(store_app, a="2010", b=edited["vid"])
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["summary"]["a"] == "2010" and body["summary"]["b"] == edited["vid"]
    assert body["summary"]["counts"]["moved"] == 1 and body["summary"]["layers"] == list(versions.VERSION_LAYERS)
    props = {f["properties"]["id"]: f["properties"] for f in body["diff"]["features"]}
    park = props[edited["park"]]
    assert park["status"] == "moved" and park["moved_km"] == pytest.approx(
        haversine_km(*edited["old"], *edited["new"]), rel=0.005)
    assert props[edited["project"]]["after"] == {"capacity_mw": NEW_CAPACITY}
    assert props[NEW_BASE]["status"] == "added" and props[edited["removed"]]["status"] == "removed"


def test_api_csv(store_app, edited):
    resp = _get(store_app, a="2010", b=edited["vid"], format="csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert f'diff_2010_{edited["vid"]}.csv' in resp.headers["Content-Disposition"]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")))}
    assert len(rows) == edited["total"] + 1
    assert rows[edited["park"]]["status"] == "moved"
    assert float(rows[edited["park"]]["moved_km"]) == pytest.approx(haversine_km(*edited["old"], *edited["new"]),
                                                                     rel=0.005)
    assert rows[edited["project"]]["changes"] == f"capacity_mw: {edited['capacity']} → {NEW_CAPACITY}"


def test_api_geojson(store_app, edited):
    resp = _get(store_app, a="2010", b=edited["vid"], format="geojson", layers="parks,bases")
    assert resp.status_code == 200 and resp.mimetype == "application/geo+json"
    fc = json.loads(resp.data)
    by_id = {f["properties"]["id"]: f for f in fc["features"]}
    assert {f["properties"]["layer"] for f in fc["features"]} == {"parks", "bases"}
    assert by_id[edited["park"]]["geometry"]["coordinates"] == pytest.approx(list(edited["new"]))
    assert by_id[NEW_BASE]["properties"]["status"] == "added"
    assert edited["removed"] not in by_id  # an enterprise: not among the layers asked for


@pytest.mark.parametrize("params, status, fragment", [
    ({"a": "2010", "b": "no-such-branch"}, 404, "'no-such-branch'"),
    ({"a": "nowhere", "b": "2010"}, 404, "'nowhere'"),
    ({"a": "2010"}, 400, "'b'"),
    ({"a": "2010", "b": "2010", "layers": "rivers"}, 400, "'rivers'"),
    ({"a": "2010", "b": "2010", "format": "xlsx"}, 400, "'xlsx'"),
    ({"a": "2010", "b": "2010", "tolerance_m": "far"}, 400, "'far'"),
])
def test_api_errors_name_the_value(store_app, params, status, fragment):
    assert fragment in assert_error_shape(_get(store_app, **params), status)["message"]


def test_cli_compare_versions(store_app, edited):
    runner = store_app.test_cli_runner()
    result = runner.invoke(args=["compare", "versions", "2010", edited["vid"]])
    assert result.exit_code == 0, result.output
    assert "added: 1, removed: 1, moved: 1, changed: 1" in result.output
    assert f"parks:{edited['park']}" in result.output and "capacity_mw" in result.output
    result = runner.invoke(args=["compare", "versions", "2010", edited["vid"], "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert result.exit_code == 0 and len(rows) == edited["total"] + 1
    result = runner.invoke(args=["compare", "versions", "2010", "no-such-branch"])
    assert result.exit_code != 0 and "'no-such-branch'" in result.output
