"""The offline solar estimate: literature checks, honest metadata, the COG, and the catalogue around it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rio_cogeo.cogeo import cog_validate

from gislayout import boundaries, resources
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
    facts = pd.read_csv(STATIONS_CSV)
    quoted = set(facts["quote"])
    table = pd.read_csv(build.calibration.TABLE)
    assert set(table["quote"]) <= quoted
    wuwei = facts[facts["place_en"].str.startswith("Eastern Hexi")].iloc[0]
    cited = table.loc[table["region_zh"] == "武威市", "lo_kwh"].iloc[0]
    assert cited == pytest.approx(float(wuwei["converted_value"]))


def test_metadata_says_it_is_an_estimate_and_states_its_measured_error():
    meta = store.installed_meta()["ghi_estimate"]
    assert meta["is_estimate"] is True and meta["units"] == "kWh/m²/yr"
    for words in ("estimate", "east", "Pingliang", "leave-one-out"):
        assert words in meta["bias"]
    assert "MERRA-2" in meta["source"] and "calibrat" in meta["source"]
    # What users read (the bias, the zh caption) quotes the measured error and the held-out check, not a class width.
    summary, lanzhou = meta["validation"]["summary"], meta["checks"]["Lanzhou"]
    entry = next(e for e in resources.catalogue() if e["name"] == "ghi_estimate")
    for text in (entry["bias"], entry["caption_zh"], entry["caption_en"]):
        assert f"{summary['mean_abs_pct']:.1f}" in text and f"{summary['max_abs_pct']:.1f}" in text, text
        assert f"{lanzhou['calibrated']:.0f}" in text and "±7" not in text
    assert entry["validation"] == meta["validation"]


def test_the_measured_error_is_a_real_leave_one_out():
    meta = store.installed_meta()["ghi_estimate"]
    rows, summary = meta["validation"]["rows"], meta["validation"]["summary"]
    table = pd.read_csv(build.calibration.TABLE)
    assert [r["region"] for r in rows] == list(table["region_zh"])
    fitted = {r["region"]: r for r in meta["calibration"]}
    for row, cited in zip(rows, table.itertuples()):
        if cited.kind == "bound":
            hi = cited.hi_kwh if cited.hi_kwh == cited.hi_kwh else float("inf")
            inside = cited.lo_kwh <= row["left_out"] <= hi
            edge = hi if row["left_out"] > hi else cited.lo_kwh
            assert row["error_pct"] == (0 if inside else pytest.approx(100 * (row["left_out"] / edge - 1), abs=0.06))
            continue
        figure = cited.lo_kwh if cited.kind == "value" else (cited.lo_kwh + cited.hi_kwh) / 2
        assert row["error_pct"] == pytest.approx(100 * (row["left_out"] / figure - 1), abs=0.06), row["region"]
        # Fitted with every figure, the region meets its own; left out, it does not: the row is really out.
        assert fitted[cited.region_zh]["calibrated_mean"] == pytest.approx(figure, abs=0.2)
        assert abs(row["left_out"] - figure) > 1.0, row["region"]
    errors = [abs(r["error_pct"]) for r in rows if r["kind"] != "bound"]
    assert summary["figures"] == len(errors) == 6
    assert summary["mean_abs_pct"] == pytest.approx(sum(errors) / len(errors), abs=0.051)
    assert summary["max_abs_pct"] == max(errors)


def test_lanzhou_is_a_held_out_check_and_the_others_are_not():
    checks = store.installed_meta()["ghi_estimate"]["checks"]
    regions = pd.read_csv(build.calibration.TABLE)
    for place, (lon, lat) in synth.SITES.items():
        point = shapely.Point(lon, lat)
        covering = [r.region_zh for r in regions.itertuples()
                    if boundaries.load(r.region_level).set_index("name_zh").geometry[r.region_zh].contains(point)]
        assert sorted(checks[place]["anchored_by"]) == sorted(covering)
        assert checks[place]["held_out"] is (not covering)
        assert checks[place]["calibrated"] == pytest.approx(_annual_at(lon, lat), abs=0.1)
    assert checks["Lanzhou"]["held_out"] and not checks["Dunhuang"]["held_out"] and not checks["Tianshui"]["held_out"]
    # Without its own anchors a site's value moves: what is reported is a refit, not the fitted value again.
    assert checks["Tianshui"]["without_its_anchors"] != checks["Tianshui"]["calibrated"]


def test_leave_one_out_on_a_known_field_matches_an_independent_refit():
    """On an analytic field, refit without each row and average over its boundary here, with rasterio's mask."""
    from rasterio.features import geometry_mask

    from gislayout.resources import calibration, validation
    from gislayout.resources.grid import ESTIMATE

    lon, lat = ESTIMATE.axes()
    field = 1500 + 25 * (lat[:, None] - 36) - 12 * (lon[None, :] - 100)  # brighter north and west
    rows = validation.leave_one_out(field)
    table = calibration.table()
    weight = np.broadcast_to(np.cos(np.radians(lat))[:, None], ESTIMATE.shape)
    full, _ = calibration.factor_field(field)
    for i, (row, cited) in enumerate(zip(rows, table.itertuples())):
        factor, _ = calibration.factor_field(field, ESTIMATE, table.drop(index=i))
        geom = boundaries.load(cited.region_level).set_index("name_zh").geometry[cited.region_zh]
        inside = geometry_mask([geom], ESTIMATE.shape, ESTIMATE.transform, invert=True)
        mean = float((field * factor * weight)[inside].sum() / weight[inside].sum())
        assert row["left_out"] == pytest.approx(mean, abs=0.1), cited.region_zh
        if cited.kind != "bound":
            assert not np.allclose(factor, full), cited.region_zh  # leaving the row out changes the fit


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
