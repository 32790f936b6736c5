"""The bundle's QGIS project, opened by QGIS itself (Debian's python3-qgis, headless): every layer valid with
the expected feature count, the project CRS set, and a rendered image that is not blank."""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pyogrio
import pytest

from gislayout.export import bundle

#: Debian's python3-qgis is built for the system interpreter, not for the venv.
QGIS_PYTHON = os.environ.get("GISLAYOUT_QGIS_PYTHON", "/usr/bin/python3")
CHECK = Path(__file__).resolve().parent / "qgis" / "check_project.py"


def _has_qgis() -> bool:
    try:
        return subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


# CI installs python3-qgis, so there a missing QGIS is a failure, not a skip.
pytestmark = pytest.mark.skipif(not os.environ.get("CI") and not _has_qgis(),
                                reason=f"QGIS is not importable by {QGIS_PYTHON} (apt-get install python3-qgis)")


@pytest.fixture(scope="module")
def opened(app, tmp_path_factory):
    """The bundle unpacked into a folder and what QGIS reports on opening and rendering its project."""
    folder = tmp_path_factory.mktemp("qgis")
    response = app.test_client().get("/api/bundle.zip")
    assert response.status_code == 200
    data = response.get_data()
    response.close()
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    image = folder / "render.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(folder)}
    run = subprocess.run([QGIS_PYTHON, str(CHECK), str(folder / bundle.QGS_NAME), str(image)],
                         capture_output=True, text=True, env=env, timeout=300, cwd=folder)
    assert run.returncode == 0, run.stderr[-2000:]
    return folder, json.loads(run.stdout.strip().splitlines()[-1]), image


def test_project_reads_with_its_crs(opened):
    _, report, _ = opened
    assert report["read"] is True
    assert report["crs_valid"] and report["crs"] == "EPSG:4326"
    assert report["qgis"].startswith("3.")


def test_every_layer_valid_with_the_features_of_the_geopackage(opened):
    folder, report, _ = opened
    gpkg = folder / "gislayout.gpkg"
    expected = {name: pyogrio.read_info(gpkg, layer=name)["features"]
                for name, geometry in pyogrio.list_layers(gpkg) if geometry is not None}  # not the plain tables
    vectors = [layer for layer in report["layers"] if layer["type"] == "vector"]
    assert len(vectors) == len(expected)
    for layer in report["layers"]:
        assert layer["valid"], f"QGIS could not open {layer['name']!r} from {layer['source']!r}"
        assert str(folder) in layer["source"], layer["source"]  # relative paths resolved inside the bundle
    for layer in vectors:
        name = layer["source"].split("layername=")[1]
        assert layer["features"] == expected[name] > 0, name
        assert layer["crs"] == "EPSG:4326"


def test_point_layers_are_styled_by_category(opened):
    _, report, _ = opened
    renderers = {layer["source"].split("layername=")[1]: layer["renderer"]
                 for layer in report["layers"] if layer["type"] == "vector"}
    for name in ("bases", "parks", "enterprises", "projects"):
        assert renderers[name] == "categorizedSymbol", name


def test_rendered_map_is_not_blank(opened):
    _, report, image = opened
    assert image.stat().st_size > 10_000
    assert (report["image"]["width"], report["image"]["height"]) == (800, 560)
    assert report["image"]["colours"] > 20
    assert 0.1 < report["image"]["painted_share"] < 0.9  # Gansu covers part of its bounding box, not all
