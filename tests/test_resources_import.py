"""Importers: synthesised GSA- and GWA-like rasters (MemoryFile), a GSA zip, NetCDF, and the real ERA5-Land file."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.io import MemoryFile

from gislayout import resources
from gislayout.errors import BadParameter, InvalidData
from gislayout.resources import importers, store
from gislayout.resources.importers import Options
from gislayout.web import create_app

from .conftest import ERA5_WIND_TIF, needs_shared
from .fixtures.resources import synth

POINTS = [(94.66, 40.14), (100.45, 38.93), (103.83, 36.06), (105.72, 34.58), (107.64, 35.71)]


@pytest.fixture()
def build_dir(tmp_path):
    """A build directory of its own (with the session's estimate), so installs do not leak between tests."""
    with synth.use_build_dir(synth.fresh_build_dir(tmp_path, with_estimate=True)) as path:
        yield path


@pytest.fixture()
def app(build_dir):
    """The app on this build directory, so requests and CLI commands see what the tests install."""
    return create_app({"TESTING": True, "BUILD_DIR": build_dir})


def _prepare(values, crs, transform, opts: Options, nodata=-9999.0, units=None, tags=None):
    with MemoryFile() as mem:
        synth.write(mem, values, crs, transform, nodata=nodata, units=units, tags=tags)
        return importers.prepare(mem.name, "synthetic.tif", opts)


def _at(name: str, lon: float, lat: float) -> float:
    with rasterio.open(store.tif_path(name)) as ds:
        return float(next(ds.sample([(lon, lat)], indexes=1))[0])


def test_gsa_like_daily_ghi_is_converted_to_yearly(build_dir):
    values, transform = synth.field_4326(synth.ghi_daily)
    name, out, meta = _prepare(values, "EPSG:4326", transform, Options(name="gsa_ghi"))
    assert name == "gsa_ghi" and meta["units"] == "kWh/m²/yr" and meta["units_in_file"] == "kWh/m2/day"
    store.install(name, out, importers.COMMON.transform, importers.COMMON.crs, meta)
    for lon, lat in POINTS:
        assert _at("gsa_ghi", lon, lat) == pytest.approx(365 * synth.ghi_daily(lon, lat), rel=2e-3)
    assert resources.default_for("ghi") == "gsa_ghi"


def test_gwa_like_raster_in_web_mercator_is_reprojected(build_dir):
    values, transform = synth.field_3857(synth.wind_speed)
    name, out, meta = _prepare(values, "EPSG:3857", transform, Options(name="gwa_ws100"))
    store.install(name, out, importers.COMMON.transform, importers.COMMON.crs, meta)
    assert meta["height_m"] == 100 and meta["units"] == "m/s"
    for lon, lat in POINTS:
        assert _at("gwa_ws100", lon, lat) == pytest.approx(synth.wind_speed(lon, lat), abs=0.02)


def test_nodata_stays_nodata_and_outside_is_clipped(build_dir):
    values, transform = synth.field_4326(synth.power_density)
    values[160:170, 250:260] = np.nan  # a hole at 104.0–104.5 E, 35.0–35.5 N, inside the province
    name, out, meta = _prepare(values, "EPSG:4326", transform, Options(name="gwa_pd100"))
    store.install(name, out, importers.COMMON.transform, importers.COMMON.crs, meta)
    assert np.isnan(_at("gwa_pd100", 104.25, 35.25))
    assert np.isnan(_at("gwa_pd100", 109.3, 33.0))  # outside Gansu + 5 km: clipped away
    assert _at("gwa_pd100", 103.83, 36.06) == pytest.approx(synth.power_density(103.83, 36.06), rel=5e-3)
    assert 0.9 <= meta["coverage"] < 1.0


@pytest.mark.parametrize("case, fragment", [
    ("no_crs", "has no CRS"),
    ("elsewhere", "does not cover Gansu"),
    ("half", "only"),
    ("all_nodata", "all nodata"),
    ("unknown_units", "unknown units 'furlongs/fortnight'"),
    ("no_units", "does not state its units"),
    ("wrong_units", "implausible"),
    ("no_height", "does not state the height"),
])
def test_bad_rasters_are_rejected_naming_the_fault(build_dir, case, fragment):
    values, transform = synth.field_4326(synth.wind_speed)
    crs, opts, units = "EPSG:4326", Options(name="my_wind", quantity="wind_speed", height_m=10), "m/s"
    if case == "no_crs":
        crs = None
    elif case == "elsewhere":
        transform = Affine(synth.RES, 0.0, 10.0, 0.0, -synth.RES, 10.0)  # the same array, in Africa
    elif case == "half":
        values[:, values.shape[1] // 2:] = np.nan
    elif case == "all_nodata":
        values[:] = np.nan
    elif case == "unknown_units":
        units = "furlongs/fortnight"
    elif case == "no_units":
        units = None
    elif case == "wrong_units":
        opts.units = "kWh/m2/yr"  # wind speeds of 4–9 read as yearly GHI
        opts.quantity = "ghi"
    elif case == "no_height":
        opts.height_m = None
    with pytest.raises(InvalidData, match=fragment):
        _prepare(values, crs, transform, opts, units=units)
    assert store.installed_meta().keys() == {"ghi_estimate"}


def test_not_a_raster(build_dir, tmp_path):
    path = tmp_path / "notes.tif"
    path.write_text("this is not a GeoTIFF")
    with pytest.raises(InvalidData, match="'notes.tif' is not a raster|notes.tif is not a raster"):
        resources.import_file(path, name="x_y", quantity="ghi", units="kWh/m2/yr")


@pytest.mark.parametrize("opts, fragment", [
    (dict(), "cannot tell which resource"),
    (dict(name="Bad Name!"), "'Bad Name!'"),
    (dict(name="mine", quantity="sunshine"), "'sunshine'"),
    (dict(name="gsa_ghi", quantity="wind_speed"), "holds ghi"),
])
def test_bad_options_are_named(build_dir, tmp_path, opts, fragment):
    values, transform = synth.field_4326(synth.ghi_daily)
    path = synth.write(tmp_path / "unnamed.tif", values, "EPSG:4326", transform)
    with pytest.raises(BadParameter, match=fragment):
        resources.import_file(path, **opts)


def test_gsa_zip_installs_ghi_and_elevation(build_dir, tmp_path):
    path = synth.gsa_zip(tmp_path / "China_GISdata_LTAy_AvgDailyTotals_GlobalSolarAtlas-v2_GEOTIFF.zip")
    assert sorted(resources.import_file(path)) == ["gsa_elevation", "gsa_ghi"]
    assert _at("gsa_ghi", 100.45, 38.93) == pytest.approx(365 * synth.ghi_daily(100.45, 38.93), rel=2e-3)
    assert _at("gsa_elevation", 100.45, 38.93) == pytest.approx(synth.elevation(100.45, 38.93), rel=2e-3)
    entries = {e["name"]: e for e in resources.catalogue()}
    assert entries["gsa_ghi"]["in_use"] and not entries["ghi_estimate"]["in_use"]
    assert resources.default_for("elevation") == "gsa_elevation"


def test_cli_import_of_a_gsa_package(build_dir, tmp_path, runner):
    path = synth.gsa_zip(tmp_path / "gsa.zip")
    result = runner.invoke(args=["resources", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "gsa_ghi" in result.output and "gsa_elevation" in result.output
    listed = runner.invoke(args=["resources", "list"]).output
    assert "gsa_ghi" in listed and "in use" in listed


def test_cli_import_errors_are_clean(build_dir, tmp_path, runner):
    path = tmp_path / "broken.tif"
    path.write_bytes(b"II*\x00garbage")
    result = runner.invoke(args=["resources", "import", str(path), "--name", "x_y", "--quantity", "ghi"])
    assert result.exit_code == 1 and "Error:" in result.output and "is not a raster" in result.output
    assert "Traceback" not in result.output


def test_a_zip_that_is_not_a_gsa_package(build_dir, tmp_path):
    import zipfile
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(InvalidData, match="no GHI.tif inside"):
        resources.import_file(path)


def test_netcdf_with_units_and_height_in_its_attributes(build_dir, tmp_path):
    values, transform = synth.field_4326(synth.wind_speed)
    with MemoryFile() as mem:
        synth.write(mem, np.stack([values - 0.5, values + 0.5]), "EPSG:4326", transform, nodata=None,
                    units="m s**-1", tags={"long_name": "100 metre wind speed"})
        with mem.open() as src:
            rasterio.shutil.copy(src, tmp_path / "era5_ws.nc", driver="netCDF")
    assert resources.import_file(tmp_path / "era5_ws.nc", name="era5_ws", quantity="wind_speed",
                                 variable="Band1") == ["era5_ws"]
    meta = store.installed_meta()["era5_ws"]
    assert meta["height_m"] == 100 and meta["units_in_file"] == "m s**-1"
    assert _at("era5_ws", 103.83, 36.06) == pytest.approx(synth.wind_speed(103.83, 36.06) - 0.5, abs=0.02)
    with pytest.raises(BadParameter, match="several variables"):
        resources.import_file(tmp_path / "era5_ws.nc", name="era5_ws2", quantity="wind_speed")


@needs_shared(ERA5_WIND_TIF)
def test_real_era5_land_file_end_to_end(build_dir, runner):
    args = ["resources", "import", str(ERA5_WIND_TIF), "--name", "era5land_ws10", "--quantity", "wind_speed",
            "--units", "m/s"]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and "does not state the height" in refused.output
    result = runner.invoke(args=args + ["--height", "10", "--source", "ERA5-Land 2024 (stopgap, see SOURCE.md)"])
    assert result.exit_code == 0, result.output
    with rasterio.open(ERA5_WIND_TIF) as src:
        # a source cell centre, where bilinear resampling must give back the source value
        expected = float(next(src.sample([(97.0, 40.0)], indexes=1))[0])
    assert _at("era5land_ws10", 97.0, 40.0) == pytest.approx(expected, abs=0.05)
    entry = next(e for e in resources.catalogue() if e["name"] == "era5land_ws10")
    assert entry["height_m"] == 10 and entry["in_use"] and "stopgap" in entry["source"]
    assert runner.invoke(args=["resources", "remove", "era5land_ws10"]).exit_code == 0
    assert resources.default_for("wind_speed") is None
