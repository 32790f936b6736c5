"""Every distance a zone reports is the geodesic distance from the zone's polygon to the feature it names, checked
independently for many zones: each feature's own azimuthal equidistant projection (true distances from its
centre) measures the polygon as the API and the zone file give it, in WGS84."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS, Transformer

from gislayout import layers
from gislayout.analysis import service

from .fixtures import siting_real

TOP = 60


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    with siting_real.real_build(tmp_path_factory.mktemp("dist")):
        for tech in ("pv", "wind"):
            try:
                stack = service.stack(tech)
            except Exception:  # noqa: BLE001 - no wind resource: the wind tests skip (or fail on CI)
                continue
            result = service.run(stack, service.parse(stack, {"top": str(TOP)}))
            out[tech] = (result, service.summary(result), service.zones_gdf(result),
                         json.loads(service.zones_file(result, "geojson")))
        yield out


def _get(runs, tech):
    if tech == "wind":
        siting_real.need_wind()
    return runs[tech]


def true_km(polygon_wgs84, lon: float, lat: float) -> float:
    """Geodesic km from (lon, lat) to the polygon: its distance in the feature's own azimuthal equidistant projection."""
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m")
    t = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    local = shapely.transform(shapely.segmentize(polygon_wgs84, 0.002),
                              lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    return shapely.distance(local, shapely.Point(0, 0)) / 1000.0


def _lonlat(frame: pd.DataFrame, ident: str) -> tuple[float, float]:
    row = frame[frame["id"] == ident].iloc[0]
    return float(row["lon"]), float(row["lat"])


def _features():
    subs = layers.load("substations")
    subs = pd.DataFrame({"id": subs["id"], "lon": subs.geometry.x, "lat": subs.geometry.y,
                         "kv": pd.to_numeric(subs["max_voltage_kv"], errors="coerce")})
    frames = []
    for name in ("bases", "parks", "enterprises", "mines"):
        g = layers.load(name)
        frames.append(pd.DataFrame({"id": g["id"], "lon": g.geometry.x, "lat": g.geometry.y}))
    return subs, pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("tech", ["pv", "wind"])
def test_each_reported_distance_is_the_geodesic_distance_to_the_named_feature(runs, tech):
    result, summary, gdf, fc = _get(runs, tech)
    subs, points = _features()
    checked = 0
    assert len(summary["table"]) == len(gdf) == len(fc["features"]) >= 40
    for row, poly, feature in zip(summary["table"], gdf.geometry, fc["features"]):
        props = feature["properties"]
        for km, ident, frame in ((row["grid_km"], row["substation"]["id"], subs),
                                 (row["offtaker"]["km"], row["offtaker"]["id"], points),
                                 (row["nearest_park"]["km"], row["nearest_park"]["id"], points)):
            expected = true_km(poly, *_lonlat(frame, ident))
            assert km == pytest.approx(expected, abs=0.06 + 0.002 * expected), (row["id"], ident)
            checked += 1
        # the panel (API), the table columns and the file say the same
        assert (props["grid_km"], props["offtaker_km"], props["nearest_km"]) == (
            row["grid_km"], row["offtaker"]["km"], row["nearest_park"]["km"])
    assert checked >= 120


@pytest.mark.parametrize("tech", ["pv", "wind"])
def test_zero_to_the_grid_only_when_the_zone_contains_its_substation(runs, tech):
    result, summary, gdf, _ = _get(runs, tech)
    subs, _ = _features()
    for row, poly in zip(summary["table"], gdf.geometry):
        lon, lat = _lonlat(subs, row["substation"]["id"])
        inside = poly.covers(shapely.Point(lon, lat))
        assert (row["grid_km"] == 0) == inside, row["id"]
        assert row["grid_km"] > 0 or inside


@pytest.mark.parametrize("tech", ["pv", "wind"])
def test_the_named_substation_is_the_nearest_at_or_above_grid_kv(runs, tech):
    result, summary, gdf, _ = _get(runs, tech)
    subs, _ = _features()
    high = subs[subs["kv"] >= 330]
    for row, poly in list(zip(summary["table"], gdf.geometry))[:15]:
        assert row["substation"]["max_voltage_kv"] >= 330
        c = poly.centroid
        # candidates within reach (a coarse planar filter, then the true geodesic distance of each)
        near = high[np.hypot(high["lon"] - c.x, high["lat"] - c.y) < 5]
        best = min(true_km(poly, lon, lat) for lon, lat in zip(near["lon"], near["lat"]))
        assert row["grid_km"] <= best + 0.06 + 0.002 * best, row["id"]


def test_the_rule_is_documented_in_the_api_and_the_files(runs):
    _, summary, _, fc = _get(runs, "pv")
    assert "polygon" in summary["distance_rule"]["en"] and "多边形" in summary["distance_rule"]["zh"]
    assert fc["metadata"]["distance_rule"] == summary["distance_rule"]
    assert fc["metadata"]["waterfall"]["province_km2"] == summary["waterfall"]["province_km2"]
