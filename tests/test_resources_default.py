"""The offline solar estimate: literature checks, honest metadata, the COG, and the catalogue around it."""

from __future__ import annotations

import json

import pytest
import rasterio
from rio_cogeo.cogeo import cog_validate

from gislayout import resources
from gislayout.errors import NotFound, ResourceUnavailable
from gislayout.resources import build, store

from .conftest import STATIONS_CSV, needs_shared
from .fixtures.resources import synth

#: DESIGN.md literature ranges, kWh/m²/yr.
LITERATURE = {"Dunhuang": (1700, 1900), "Lanzhou": (1450, 1550), "Tianshui": (1250, 1400)}
CATALOGUE_KEYS = {"name", "title_zh", "title_en", "quantity", "units", "height_m", "resolution", "period", "source",
                  "method", "licence", "bias", "is_estimate", "installed", "in_use", "install_command", "vmin",
                  "vmax", "colors", "caption_zh", "caption_en", "bounds"}


@pytest.fixture(scope="module", autouse=True)
def built():
    with synth.use_build_dir(synth.session_build_dir()) as path:
        yield path


def _annual_at(lon: float, lat: float) -> float:
    """Independent read: band 1 of the COG at the point, with rasterio's own sampling."""
    with rasterio.open(store.tif_path("ghi_estimate")) as ds:
        return float(next(ds.sample([(lon, lat)], indexes=1))[0])


@pytest.mark.parametrize("place", ["Dunhuang", "Lanzhou", "Tianshui"])
def test_default_ghi_within_literature(place):
    lon, lat = synth.SITES[place]
    lo, hi = LITERATURE[place]
    value = _annual_at(lon, lat)
    # All three fall inside their ranges after calibration; no remaining miss to allow for.
    assert lo <= value <= hi, f"{place}: {value:.0f} kWh/m²/yr outside the literature range {lo}–{hi}"


def test_calibration_removes_the_eastern_bias_it_reports():
    checks = store.installed_meta()["ghi_estimate"]["checks"]
    # Before calibration the method is known (DESIGN.md) to be 20–35 % too bright in the east ...
    assert checks["Lanzhou"]["uncalibrated"] > 1.15 * LITERATURE["Lanzhou"][1]
    assert checks["Tianshui"]["uncalibrated"] > 1.20 * LITERATURE["Tianshui"][1]
    # ... and right in Hexi, where calibration leaves it within 2 %.
    assert abs(checks["Dunhuang"]["calibrated"] / checks["Dunhuang"]["uncalibrated"] - 1) < 0.02
    assert all(c["miss_kwh"] == 0 for c in checks.values())


def test_calibration_meets_every_cited_target():
    report = store.installed_meta()["ghi_estimate"]["calibration"]
    assert {r["region"] for r in report} >= {"武威市", "临夏县", "天水市", "陇南市", "甘南藏族自治州"}
    for row in report:
        assert row["calibrated_mean"] == pytest.approx(row["target"], rel=0.002), row["region"]


@needs_shared(STATIONS_CSV)
def test_calibration_figures_are_the_cited_station_facts():
    import pandas as pd
    facts = pd.read_csv(STATIONS_CSV)
    quoted = set(facts["quote"])
    table = pd.read_csv(build.calibration.TABLE)
    assert set(table["quote"]) <= quoted
    wuwei = facts[facts["place_en"].str.startswith("Eastern Hexi")].iloc[0]
    cited = table.loc[table["region_zh"] == "武威市", "lo_kwh"].iloc[0]
    assert cited == pytest.approx(float(wuwei["converted_value"]))


def test_metadata_says_it_is_an_estimate_and_states_its_bias():
    meta = store.installed_meta()["ghi_estimate"]
    assert meta["is_estimate"] is True and meta["units"] == "kWh/m²/yr"
    for words in ("estimate", "east", "Pingliang", "±"):
        assert words in meta["bias"]
    assert "MERRA-2" in meta["source"] and "calibrat" in meta["source"]


def test_cog_is_valid_with_overviews_and_monthly_bands():
    path = store.tif_path("ghi_estimate")
    valid, errors, _ = cog_validate(str(path), quiet=True)
    assert valid, errors
    with rasterio.open(path) as ds:
        assert ds.count == 13 and ds.crs.to_epsg() == 4326
        assert ds.descriptions[0] == "annual" and ds.overviews(1)
        annual, months = ds.read(1), ds.read(list(range(2, 14))).sum(axis=0)
    finite = ~(annual != annual)
    assert abs(annual[finite] - months[finite]).max() < 0.5


def test_build_default_is_idempotent():
    before = store.meta_path("ghi_estimate").stat().st_mtime_ns
    assert resources.build_default() == store.tif_path("ghi_estimate")
    assert store.meta_path("ghi_estimate").stat().st_mtime_ns == before


def test_catalogue_has_every_key_and_is_honest_about_wind():
    entries = {e["name"]: e for e in resources.catalogue()}
    assert all(CATALOGUE_KEYS <= set(e) for e in entries.values())
    assert entries["ghi_estimate"]["installed"] and entries["ghi_estimate"]["in_use"]
    assert not entries["gsa_ghi"]["in_use"]
    for name in ("gwa_ws100", "gwa_pd100"):
        wind = entries[name]
        assert not wind["installed"] and not wind["in_use"] and wind["height_m"] == 100
        assert wind["install_command"] == "flask --app app resources fetch gwa"
        assert wind["install_command"] in wind["caption_en"] and wind["install_command"] in wind["caption_zh"]
    json.dumps(list(entries.values()))


def test_default_for_and_installed():
    assert resources.default_for("ghi") == "ghi_estimate"
    assert resources.default_for("wind_speed") is None
    assert resources.installed() == ["ghi_estimate"]


def test_dataset_is_opened_once_and_errors_name_the_resource():
    assert resources.dataset("ghi_estimate") is resources.dataset("ghi_estimate")
    with pytest.raises(ResourceUnavailable, match="fetch gwa"):
        resources.dataset("gwa_ws100")
    with pytest.raises(NotFound, match="'nope'"):
        resources.dataset("nope")
