"""Sourced sites of the policy's features (issue 11 §1): each preferred point of policy_sites_found.csv is used,
lies in the county the source names, says how exact it is and on what basis; the corrections and dates of
ground/SOURCE.md are in the data; the Jiuquan wind base phase I carries the hull of its registered projects."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gislayout import boundaries, config, layers, schema
from gislayout.errors import LayerDataError

from .conftest import SHARED, needs_shared

#: ../shared/data; GISLAYOUT_SHARED_DATA points elsewhere when the checkout is not beside it.
SHARED_DATA = Path(os.environ.get("GISLAYOUT_SHARED_DATA", SHARED / "data"))
SITES_CSV = SHARED_DATA / "ground" / "policy_sites_found.csv"
#: Counties that ground/SOURCE.md names in its corrections.
CORRECTIONS = {"ent_chalco_lanzhou": "红古区", "park_tianshui_etdz": "麦积区",
               "proj_jinchang_pv_concession_20mw": "金川区", "proj_wuwei_pv_concession_20mw": "凉州区",
               "proj_wuwei_pv_10mw": "凉州区", "proj_wuwei_pv_base": "凉州区", "proj_zhangye_pv_10mw": "甘州区",
               "proj_jiayuguan_pv_10mw": "嘉峪关市"}
#: Features per precision after the moves (before issue 11: site 4, county 50, prefecture 43; issue 11: site 13,
#: proxy 9, representative 5, county 35, prefecture 35; the second search of issue 18 adds 1 proxy, 1 representative
#: and moves 2 from prefecture to county seats while 2 county seats become proxy/representative).
PRECISION_COUNTS = {"site": 13, "proxy": 10, "representative": 6, "county": 35, "prefecture": 33}
SITES_2_CSV = SHARED_DATA / "ground" / "policy_sites_found_2.csv"


def policy_features() -> gpd.GeoDataFrame:
    return pd.concat([layers.load(n) for n in layers.POINT_LAYERS], ignore_index=True)


def county_of(points: gpd.GeoDataFrame) -> pd.Series:
    counties = boundaries.load("county")[["name_zh", "geometry"]].rename(columns={"name_zh": "in_county"})
    joined = gpd.sjoin(points[["id", "geometry"]], counties, how="left", predicate="within")
    return joined.drop_duplicates("id").set_index("id")["in_county"]


@pytest.mark.parametrize("fid, county", CORRECTIONS.items())
def test_corrected_features_lie_in_the_county_source_md_names(fid, county):
    feature = policy_features().set_index("id").loc[[fid]]
    assert feature["county"].iloc[0] == county
    assert county_of(gpd.GeoDataFrame(feature.reset_index(), crs=4326)).loc[fid] == county
    assert feature["precision"].iloc[0] not in ("county", "prefecture")


@needs_shared(SITES_CSV)
def test_every_preferred_site_is_used_and_lies_in_the_county_named():
    found = pd.read_csv(SITES_CSV, dtype=str)
    preferred = found[found["preferred"] == "True"].set_index("id")
    assert len(preferred) == 23 and preferred.index.is_unique
    features = policy_features().set_index("id").loc[preferred.index]
    assert (features["lon"] - preferred["lon_wgs84"].astype(float)).abs().max() < 1e-6
    assert (features["lat"] - preferred["lat_wgs84"].astype(float)).abs().max() < 1e-6
    assert (features["county"] == preferred["found_county"]).all()
    assert (features["prefecture"] == preferred["found_prefecture"]).all()
    assert (features["moved_km"] - preferred["distance_km_from_current"].astype(float)).abs().max() <= 0.05
    joined = county_of(gpd.GeoDataFrame(features.reset_index(), geometry="geometry", crs=4326))
    wrong = joined[joined != preferred["found_county"]]
    assert wrong.empty, wrong.to_dict()


@needs_shared(SITES_CSV)
def test_the_match_quality_becomes_precision_and_basis():
    found = pd.read_csv(SITES_CSV, dtype=str)
    preferred = found[found["preferred"] == "True"].set_index("id")
    features = policy_features().set_index("id").loc[preferred.index]
    expected = {"site": ("site", "named"), "site-candidate": ("site", "candidate"),
                "proxy": ("proxy", "co_located"), "representative": ("representative", "aggregate")}
    for fid, quality in preferred["match_quality"].items():
        assert (features.loc[fid, "precision"], features.loc[fid, "location_basis"]) == expected[quality], fid
        assert preferred.loc[fid, "source"] in features.loc[fid, "location_source"]


@needs_shared(SITES_2_CSV)
def test_the_second_search_is_applied_as_the_first_and_county_only_rows_go_to_the_county_seat():
    found = pd.read_csv(SITES_2_CSV, dtype=str)
    preferred = found[found["preferred"] == "True"].set_index("id")
    assert len(preferred) == 4
    features = policy_features().set_index("id")
    admin = pd.read_csv(config.settings().layers_dir / "admin_names.csv")
    for fid, f in preferred.iterrows():
        row = features.loc[fid]
        assert (row["prefecture"], row["county"]) == (f["found_prefecture"], f["found_county"]), fid
        assert f["source"] in row["location_source"], fid
        if "county-level only" in f["how_matched"].lower():
            seat = admin[(admin["level"] == "county") & (admin["name_zh"] == f["found_county"])].iloc[0]
            assert (row["precision"], row["location_basis"]) == ("county", "seat"), fid
            assert (row["lon"], row["lat"]) == pytest.approx((seat["seat_lon"], seat["seat_lat"]), abs=1e-6)
        else:
            assert row["precision"] == {"proxy": "proxy", "representative": "representative"}[f["match_quality"]]
            assert (row["lon"], row["lat"]) == pytest.approx((float(f["lon_wgs84"]), float(f["lat_wgs84"])), abs=1e-6)
        assert county_of(gpd.GeoDataFrame(features.loc[[fid]].reset_index(), crs=4326)).loc[fid] == f["found_county"]
    assert features.loc["ent_gansu_nongken", "precision"] == "prefecture"  # preferred=False: not applied


def test_counts_per_precision_and_every_basis_fits():
    features = policy_features()
    assert features["precision"].value_counts().to_dict() == PRECISION_COUNTS
    assert len(features) == sum(PRECISION_COUNTS.values()) == 97
    for row in features.itertuples():
        assert row.location_basis in schema.BASES[row.precision], row.id
        assert row.location_source.strip(), row.id
    seats = features[features["precision"].isin(["county", "prefecture"])]
    assert seats["location_source"].str.contains("admin_names.csv").all()


def test_a_seat_with_a_site_basis_is_rejected():
    df = pd.read_csv(config.settings().layers_dir / "bases.csv", dtype=str, keep_default_na=False, na_values=[""])
    df.loc[0, "location_basis"] = "named"  # the first base is at a county seat
    codes, prefs = set(layers.sectors()["code"]), set(boundaries.load("prefecture")["name_zh"])
    with pytest.raises(LayerDataError, match="location_basis"):
        schema.validate(df, schema.point_schema("bases", codes, prefs), "bases.csv")


def test_the_doubts_of_source_md_are_in_the_notes():
    features = policy_features().set_index("id")
    assert "Dunhuang (50 MWp)" in features.loc["proj_chint_pv_100mw", "location_note"]
    assert features.loc["proj_chint_pv_100mw", "precision"] == "prefecture"
    for fid in ("ent_cnnc_lanzhou_enrichment", "proj_504_nuclear_fuel"):
        assert "NTI" in features.loc[fid, "location_note"] and features.loc[fid, "county"] == "西固区"
    assert "identification" in features.loc["ent_chalco_lanzhou", "location_note"]
    assert "January 2013" in features.loc["base_jiuquan_ne_equipment", "location_note"]


@pytest.mark.parametrize("fid, since, area", [
    ("park_baiyin_hitech", "2010-09", 805), ("park_jinchang_etdz", "2010-03", None),
    ("park_tianshui_etdz", "2010-04", None), ("park_zhangye_dz", None, 760)])
def test_zone_dates_and_areas(fid, since, area):
    park = layers.load("parks").set_index("id").loc[fid]
    assert (park["national_since"] if isinstance(park["national_since"], str) else None) == since
    assert (None if pd.isna(park["area_ha"]) else park["area_ha"]) == area
    assert "SOURCE.md" in park["date_note"]


def test_jiuquan_wind_footprint_is_the_hull_of_its_registered_wind_projects():
    footprint = layers.load("footprints").set_index("id").loc["fp_jiuquan_wind_phase1"]
    cdm = layers.load("cdm_projects")
    wind = cdm[(cdm["kind"] == "wind") & cdm["county"].isin(["瓜州县", "玉门市"])]
    assert footprint["points"] == len(wind) and footprint["projects"] == wind["cdm_ref"].nunique() >= 27
    hull = shapely.MultiPoint(list(zip(wind["lon"], wind["lat"]))).convex_hull
    assert footprint.geometry.symmetric_difference(hull).area < 1e-9
    # SOURCE.md: the phase I projects span 95.245–97.181 E, 40.014–40.750 N
    assert footprint.geometry.bounds == pytest.approx((95.245, 40.014, 97.181, 40.750), abs=1e-3)
    base = layers.load("bases").set_index("id").loc["base_jiuquan_wind"]
    assert footprint.geometry.contains(base.geometry) and footprint["feature_id"] == "base_jiuquan_wind"
    assert footprint["precision"] == "representative" and footprint["source"]
