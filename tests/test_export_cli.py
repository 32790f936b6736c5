"""`flask export`: the same exports as the API, from the command line."""

from __future__ import annotations

import os
import subprocess
import zipfile

import pyogrio
import pytest

from gislayout import layers
from gislayout.export import bundle

from .conftest import requires_ogrinfo


def test_export_gpkg_with_filters(runner, tmp_path):
    out = tmp_path / "out.gpkg"
    result = runner.invoke(args=["export", "--layer", "bases", "--format", "gpkg", "--scheme", "2009",
                                 "--zone", "hexi", "-o", str(out)])
    assert result.exit_code == 0, result.output
    expected = layers.load("bases", scheme="2009", zone="hexi")
    info = pyogrio.read_info(out, layer="bases")
    assert info["features"] == len(expected) > 0 and info["crs"] == "EPSG:4326"
    assert f"{len(expected)} features" in result.output


@pytest.mark.parametrize("fmt, suffix", [("geojson", ".geojson"), ("shp", ".zip"), ("kml", ".kml"), ("csv", ".csv")])
def test_export_default_file_name(runner, tmp_path, monkeypatch, fmt, suffix):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["export", "--layer", "parks", "--format", fmt, "--level", "national"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"parks_level-national{suffix}").exists()


@requires_ogrinfo
def test_csv_gets_a_prj_so_gdal_knows_the_crs(runner, tmp_path):
    out = tmp_path / "projects.csv"
    result = runner.invoke(args=["export", "--layer", "projects", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "projects.prj").exists()
    info = subprocess.run(["ogrinfo", "-ro", "-so", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat",
                           str(out), "projects"], capture_output=True, check=True,
                          env={**os.environ, "LC_ALL": "C.UTF-8"}).stdout.decode("utf-8")
    assert "WGS 84" in info and f"Feature Count: {len(layers.load('projects'))}" in info


@pytest.mark.parametrize("args, fragment", [
    (["--layer", "bases", "--zone", "mars"], "'mars'"),
    (["--layer", "bases", "--format", "dwg"], "dwg"),
    (["--layer", "nope"], "nope"),
    (["--format", "gpkg"], "--layer"),
])
def test_bad_arguments_are_usage_errors(runner, args, fragment):
    result = runner.invoke(args=["export", *args])
    assert result.exit_code == 2 and fragment in result.output


def test_export_bundle(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(bundle, "bundle_dir", lambda: tmp_path / "cache")
    monkeypatch.setattr(bundle, "installed_rasters", lambda: [])
    out = tmp_path / "everything.zip"
    result = runner.invoke(args=["export", "--bundle", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert {"gislayout.gpkg", "gislayout.qgs", "README.txt"} <= set(zipfile.ZipFile(out).namelist())
