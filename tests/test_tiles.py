"""Resource overlay tiles: a z=8 tile over Hexi decodes, through the legend's colormap, to the /api/point value."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image

from gislayout.resources import colormap
from gislayout.web import create_app

from .fixtures.resources import synth
from .test_error_shape import assert_error_shape

#: Points over Hexi (Dunhuang, Jiuquan, Zhangye, Wuwei).
HEXI = [(94.66, 40.14), (98.49, 39.73), (100.45, 38.93), (102.64, 37.93)]


@pytest.fixture(scope="module", autouse=True)
def build_dir(tmp_path_factory):
    """The offline solar estimate plus a synthetic GWA wind-speed raster."""
    with synth.build_with_estimate_and_wind(tmp_path_factory.mktemp("tiles")) as path:
        yield path


@pytest.fixture(scope="module")
def app(build_dir):
    return create_app({"TESTING": True, "BUILD_DIR": build_dir})


def _tile_of(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Fractional (x, y) tile coordinates of a point, by the spherical Mercator formulas written out."""
    n = 2 ** z
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.log(math.tan(math.radians(lat)) + 1.0 / math.cos(math.radians(lat))) / math.pi) / 2.0 * n
    return x, y


def _lonlat(x: float, y: float, z: int) -> tuple[float, float]:
    n = 2 ** z
    return x / n * 360.0 - 180.0, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))


def _rgba(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as im:
        assert im.size == (256, 256)
        return np.asarray(im.convert("RGBA"))


@pytest.mark.parametrize("name", ["gwa_ws100", "ghi_estimate"])
@pytest.mark.parametrize("lon, lat", HEXI)
def test_z8_tile_pixel_maps_back_to_the_point_value(client, name, lon, lat):
    fx, fy = _tile_of(lon, lat, 8)
    x, y = int(fx), int(fy)
    resp = client.get(f"/api/resources/{name}/tiles/8/{x}/{y}.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png" and resp.data[:8] == b"\x89PNG\r\n\x1a\n"
    rgba = _rgba(resp.data)
    col, row = int((fx - x) * 256), int((fy - y) * 256)
    # the known point: the centre of the pixel holding the place, so both read the same raster cell
    plon, plat = _lonlat(x + (col + 0.5) / 256, y + (row + 0.5) / 256, 8)
    point = client.get(f"/api/point?lon={plon:.6f}&lat={plat:.6f}").json
    value = next(r["value"] for r in point["resources"] if r["name"] == name)
    assert value is not None and rgba[row, col, 3] == 255
    # invert the colour through the legend's colormap: the nearest of its 255 steps
    cmap = colormap(name)
    steps = np.linspace(cmap.vmin, cmap.vmax, 255)
    colours = np.array([cmap.rgba_bytes_tuple(float(v))[:3] for v in steps], float)
    found = steps[np.argmin(((colours - rgba[row, col, :3]) ** 2).sum(axis=1))]
    step = (cmap.vmax - cmap.vmin) / 254
    assert abs(found - min(max(value, cmap.vmin), cmap.vmax)) <= step + 1e-9, (found, value, step)


def test_tile_off_the_data_is_transparent(client):
    resp = client.get("/api/resources/gwa_ws100/tiles/8/0/0.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert (_rgba(resp.data)[..., 3] == 0).all()


def test_tile_is_cached_by_data_version(client):
    url = client.get("/api/resources/gwa_ws100").json["tiles_url"]
    assert "{z}/{x}/{y}.png?v=" in url
    fx, fy = _tile_of(*HEXI[0], 8)
    fresh = client.get(url.format(z=8, x=int(fx), y=int(fy)))
    assert fresh.status_code == 200 and "immutable" in fresh.headers["Cache-Control"]
    stale = client.get(f"/api/resources/gwa_ws100/tiles/8/{int(fx)}/{int(fy)}.png?v=old")
    assert stale.headers["Cache-Control"] == "no-cache" and stale.headers["ETag"] == fresh.headers["ETag"]
    again = client.get(stale.request.full_path, headers={"If-None-Match": stale.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path, status, fragment", [
    ("gwa_ws100/tiles/19/0/0.png", 400, "z=19"),
    ("gwa_ws100/tiles/8/256/0.png", 400, "x=256"),
    ("gwa_ws100/tiles/8/3/-1.png", 400, "y=-1"),
    ("gwa_ws100/tiles/eight/0/0.png", 400, "'eight'"),
    ("gwa_pd100/tiles/8/195/96.png", 404, "fetch gwa"),
    ("nope/tiles/8/195/96.png", 404, "'nope'"),
])
def test_bad_tiles_get_the_one_error_body(client, path, status, fragment):
    body = assert_error_shape(client.get("/api/resources/" + path), status)
    assert fragment in body["message"]


def test_atlas_overlays_are_tile_layers(client):
    html = client.get("/?layers=gwa_ws100").get_data(as_text=True)
    assert "L.tileLayer(" in html and "/api/resources/gwa_ws100/tiles/{z}/{x}/{y}.png?v=" in html
    assert "/atlas/overlay/" not in html and client.get("/atlas/overlay/gwa_ws100.png").status_code == 404
