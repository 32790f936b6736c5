"""The shipped atlas crops: installed unchanged by `flask build`, on the right grid, the default wind, and the
solar default chosen by an error measured on figures each candidate did not use."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest
import rasterio

from gislayout import resources
from gislayout.errors import LayerDataError
from gislayout.resources import calibration, importers, query, shipped, solar_choice, store, wind_checks, zonal

from .conftest import ROOT, SHARED, needs_shared
from .fixtures.resources import synth

SHARED_RESOURCES = SHARED / "data" / "resources"
#: Places (lon, lat) on the Guazhou–Yumen wind belt and in the Hexi oasis towns.
BELT = {"Guazhou": (95.78, 40.52), "Yumen town": (97.05, 40.28), "Mazongshan": (97.03, 41.80)}
OASES = {"Jiuquan": (98.49, 39.73), "Zhangye": (100.45, 38.93), "Wuwei": (102.64, 37.93)}


@pytest.fixture(scope="module", autouse=True)
def built():
    with synth.use_build_dir(synth.shipped_build_dir()) as path:
        yield path


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------------ the crops, unchanged

@pytest.mark.parametrize("crop", shipped.CROPS, ids=lambda c: c.name)
def test_shipped_crop_is_the_recorded_file(crop):
    assert _sha(crop.path()) == shipped.recorded_sha256(crop)
    meta = store.installed_meta()[crop.name]
    assert meta["source_sha256"] == shipped.recorded_sha256(crop)
    # the installed COG holds the crop's pixels bit for bit, band for band, on the crop's own grid
    with rasterio.open(crop.path()) as src, rasterio.open(store.tif_path(crop.name)) as cog:
        assert cog.transform == src.transform and cog.crs == src.crs and cog.count == src.count
        assert np.array_equal(cog.read(), src.read(), equal_nan=True)


@needs_shared(SHARED_RESOURCES)
@pytest.mark.parametrize("crop", shipped.CROPS, ids=lambda c: c.name)
def test_shipped_crop_is_byte_for_byte_the_one_in_shared(crop):
    theirs = SHARED_RESOURCES / crop.folder
    assert crop.path().read_bytes() == (theirs / crop.file).read_bytes()
    assert crop.source_md().read_text(encoding="utf-8") == (theirs / "SOURCE.md").read_text(encoding="utf-8")
    recorded = re.search(r"sha256 ([0-9a-f]{64})", (theirs / "SOURCE.md").read_text(encoding="utf-8")).group(1)
    assert _sha(theirs / crop.file) == recorded == store.installed_meta()[crop.name]["source_sha256"]


def test_a_changed_crop_is_refused(layers_copy, tmp_path):
    crop = shipped.BY_NAME["gwa3_ws100_025"]
    data = bytearray(crop.path().read_bytes())
    data[-1] ^= 0xFF
    crop.path().write_bytes(bytes(data))
    with synth.use_build_dir(synth.fresh_build_dir(tmp_path)):
        with pytest.raises(LayerDataError, match="sha256"):
            shipped.install(crop)


# ------------------------------------------------------------------------------------------ wind on the right grid

def _belt_and_towns_hold(arr: np.ndarray, transform) -> bool:
    inv = tuple(~transform)[:6]
    belt = [query.value_at(arr, inv, *p) for p in BELT.values()]
    towns = [query.value_at(arr, inv, *p) for p in OASES.values()]
    if None in belt or None in towns:
        return False
    # the belt is ~3 m/s windier (Guazhou 7.1, Yumen 7.4 vs Jiuquan 4.3, Zhangye 4.2 in SOURCE.md); a 2 m/s
    # margin holds only on the right grid (or one cell off, within the file's registration)
    return min(belt) > max(towns) + 2.0


def test_the_wind_belt_is_windier_than_the_oasis_towns():
    arr, transform = store.band1("gwa3_ws100_025")
    assert _belt_and_towns_hold(arr, transform)


SHIFTS = [(dy, dx) for dy in range(-3, 4) for dx in range(-3, 4) if max(abs(dy), abs(dx)) >= 2]


@pytest.mark.parametrize("shift", SHIFTS)
def test_the_belt_check_fails_on_a_shifted_grid(shift):
    """The check is not vacuous: half a degree or more off in any direction (a mislabelled origin), it fails."""
    arr, transform = store.band1("gwa3_ws100_025")
    assert not _belt_and_towns_hold(np.roll(arr, shift, axis=(0, 1)), transform)


def test_the_belt_check_fails_on_a_flipped_grid():
    arr, transform = store.band1("gwa3_ws100_025")
    assert not _belt_and_towns_hold(arr[::-1].copy(), transform)


def test_longnan_is_among_the_calmest_prefectures_and_jiuquan_the_windiest():
    rows = resources.stats("gwa3_ws100_025", "prefectures")["stats"]
    ranked = [r["name_zh"] for r in sorted(rows, key=lambda r: r["mean"])]
    assert "陇南市" in ranked[:3], ranked
    assert ranked[-1] == "酒泉市", ranked
    counties = {r["name_zh"]: r["mean"] for r in resources.stats("gwa3_ws100_025", "counties")["stats"]}
    assert counties["瓜州县"] > counties["肃州区"] + 1.5 and counties["瓜州县"] > counties["甘州区"] + 1.5


def test_wind_is_the_default_and_an_import_replaces_it(tmp_path):
    assert resources.default_for("wind_speed") == "gwa3_ws100_025"
    path = synth.fresh_build_dir(tmp_path)
    for name in ("gwa3_ws100_025", "gsa_ghi_025", "ghi_gsa_anchored", "ghi_estimate"):
        for suffix in (".tif", ".json"):
            (path / "resources" / f"{name}{suffix}").write_bytes(store.tif_path(name).with_suffix(suffix).read_bytes())
    with synth.use_build_dir(path):
        assert resources.default_for("wind_speed") == "gwa3_ws100_025"
        importers.import_file(synth.gwa_tif(tmp_path / "CHN_wind-speed_100m.tif", "wind-speed"))
        assert resources.default_for("wind_speed") == "gwa_ws100"
        answer = resources.point(95.78, 40.52)
        in_use = {r["name"]: r["in_use"] for r in answer["resources"]}
        assert in_use["gwa_ws100"] and not in_use["gwa3_ws100_025"]
        gsa = tmp_path / "China_GISdata_LTAy_AvgDailyTotals_GlobalSolarAtlas-v2_GEOTIFF.zip"
        importers.import_file(synth.gsa_zip(gsa))
        assert resources.default_for("ghi") == "gsa_ghi"
        # another user file of a quantity (an ERA5 speed under its own name) also outranks the shipped crop
        importers.import_file(synth.gwa_tif(tmp_path / "era5.tif", "wind-speed"), name="era5_ws10",
                              quantity="wind_speed", height_m=10, units="m/s")
        resources.uninstall("gwa_ws100")
        assert resources.default_for("wind_speed") == "era5_ws10"


def test_catalogue_says_what_the_wind_default_is():
    entry = {e["name"]: e for e in resources.catalogue()}["gwa3_ws100_025"]
    assert entry["installed"] and entry["in_use"] and entry["height_m"] == 100
    assert entry["period"] == "GWA 3: 2008–2017" and entry["licence"].startswith("CC BY 4.0")
    assert "globalwindatlas.info" in entry["attribution"] and "RESKit" in entry["attribution"]
    assert "valley" in entry["caveat_en"] and "河谷" in entry["caveat_zh"]
    assert entry["bounds"] == [[31.875, 91.875], [43.125, 109.125]]


def test_wind_checks_state_their_assumptions_and_are_recomputed():
    stored = store.installed_meta()["gwa3_ws100_025"]["station_checks"]
    arr, transform = shipped.crop_array("gwa3_ws100_025")
    assert wind_checks.check(arr, transform) == stored
    assert stored["assumptions"]["weibull_k"] == 2.0 and stored["assumptions"]["shear_exponent"] == round(1 / 7, 4)
    yumen = next(r for r in stored["rows"] if r["id"] == "pf_17_wind_power_density")
    # independent arithmetic for the Yumen wind farm's 427.4 W/m² at 70 m: the cell, 1/7 power law, k = 2, ISA
    inv = tuple(~transform)[:6]
    v70 = query.value_at(arr, inv, 97.0449, 40.2912) * 0.7 ** (1 / 7)
    assert 300 < yumen["cell"] < 550 and yumen["units"] == "W/m²"
    assert abs(yumen["cell"] / (0.5 * 1.91 * v70 ** 3) - 1) < 0.25  # ρ between 0.9 and 1.2 kg/m³


# ------------------------------------------------------------------------------------------ the solar default

def test_anchored_field_keeps_gsa_cell_means():
    raw = np.random.default_rng(1).uniform(1200, 2100, solar_choice.FINE.shape)
    gsa = solar_choice.block_means(np.random.default_rng(2).uniform(1200, 1900, solar_choice.FINE.shape))
    out = solar_choice.anchored(raw, gsa)
    assert np.allclose(solar_choice.block_means(out), gsa)
    # the pattern inside a cell is the raw field's (ratios kept)
    assert np.allclose(out[:6, :6] / out[0, 0], raw[:6, :6] / raw[0, 0])


def test_installed_anchored_field_averages_to_gsa():
    arr, transform = store.band1("ghi_gsa_anchored")
    gsa, gsa_t = shipped.crop_array("gsa_ghi_025")
    fine_gsa = solar_choice._fine(gsa, gsa_t)
    means = solar_choice.block_means(np.where(np.isfinite(arr), arr, np.nan).astype(float))
    inside = np.isfinite(arr)
    # cells wholly inside the province + buffer, where no clipping cuts the block
    full = solar_choice.block_means(np.isfinite(arr).astype(float)) == 1.0
    assert np.allclose(means[inside & full], fine_gsa[inside & full], rtol=1e-4)


def _recompute_gsa_means() -> dict[str, float]:
    gsa, transform = shipped.crop_array("gsa_ghi_025")
    df = solar_choice.figures()
    means = calibration.region_means(solar_choice._fine(gsa, transform), df, solar_choice.FINE)
    return {f"{r.region_zh} {r.kind}": float(m) for r, m in zip(df.itertuples(), means)}


def test_solar_validation_is_recomputed_not_typed_in():
    choice = store.installed_meta()["gsa_ghi_025"]["choice"]
    rows = {(r["figure"], r["candidate"]): r for r in choice["rows"]}
    for figure, mean in _recompute_gsa_means().items():
        assert rows[(figure, "gsa_ghi_025")]["value"] == round(mean, 1)
    # the GSA prefecture means agree with the zonal statistics engine (exact cell coverage) within 1.5 %
    by_pref = {r["name_zh"]: r["mean"] for r in zonal.stats("gsa_ghi_025", "prefectures")["stats"]}
    for pref in ("武威市", "天水市", "陇南市", "金昌市", "酒泉市", "张掖市"):
        kind = next(k for (f, c), r in rows.items() for k in [r["kind"]] if f.startswith(pref) and c == "gsa_ghi_025")
        assert abs(rows[(f"{pref} {kind}", "gsa_ghi_025")]["value"] / by_pref[pref] - 1) < 0.015


def test_each_candidate_is_measured_on_figures_it_did_not_use():
    choice = store.installed_meta()["gsa_ghi_025"]["choice"]
    summary = choice["summary"]
    assert set(summary) == set(solar_choice.CANDIDATES) and all(s["figures"] >= 16 for s in summary.values())
    cal = [f"{r.region_zh} {r.kind}" for r in calibration.table().itertuples()]
    assert summary["ghi_estimate"]["used"] == cal
    assert summary["gsa_ghi_025"]["used"] == [] and summary["ghi_gsa_anchored"]["used"] == []
    for r in choice["rows"]:
        if r["candidate"] == "ghi_estimate" and r["figure"] in cal:
            assert r["figure"] in r["left_out"]  # its error comes from a refit that did not use it
    best = min(summary, key=lambda n: summary[n]["mean_abs_pct_unrounded"])
    assert choice["default"] == best == resources.default_for("ghi")
    ranks = [store.installed_meta()[n]["rank"] for n in choice["order"]]
    assert ranks == sorted(ranks)


def test_validation_shows_in_the_catalogue_and_the_docs():
    entries = {e["name"]: e for e in resources.catalogue()}
    default = resources.default_for("ghi")
    assert entries[default]["in_use"] and "chosen by measured error" in entries[default]["validation_en"]
    assert "按实测误差选定" in entries[default]["validation_zh"]
    assert entries[default]["validation_en"] in entries[default]["caption_en"]
    docs = (ROOT / "docs" / "RESOURCES.md").read_text(encoding="utf-8")
    choice = store.installed_meta()[default]["choice"]
    assert solar_choice.markdown(choice) in docs, "docs/RESOURCES.md: rerun `flask --app app resources validation`"
    assert wind_checks.markdown(store.installed_meta()["gwa3_ws100_025"]["station_checks"]) in docs
