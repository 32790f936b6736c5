"""Suitability-surface tiles over a synthetic stack: the pixel over a cell carries that cell's score colour."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from PIL import Image

from gislayout.analysis import criteria, model, service, surface
from gislayout.analysis.grid import unproject

from .fixtures import siting_synthetic as synthetic
from .test_error_shape import assert_error_shape

PLAIN = "max_zone=0&min_area=1"


@pytest.fixture(autouse=True)
def synthetic_stacks(monkeypatch):
    stacks = {tech: synthetic.stack(tech) for tech in criteria.TECHS}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])
    return stacks


def _pixel(lon: float, lat: float, z: int) -> tuple[int, int, int, int]:
    """(x, y, col, row): the tile and the pixel in it holding (lon, lat), by the Mercator formulas written out."""
    n = 2 ** z
    fx = (lon + 180.0) / 360.0 * n
    fy = (1.0 - math.log(math.tan(math.radians(lat)) + 1.0 / math.cos(math.radians(lat))) / math.pi) / 2.0 * n
    return int(fx), int(fy), int((fx - int(fx)) * 256), int((fy - int(fy)) * 256)


def test_surface_tile_pixel_has_the_cells_score_colour(client, synthetic_stacks):
    stack = synthetic_stacks["pv"]
    body = client.get(f"/api/siting/run?tech=pv&{PLAIN}").json
    url = body["surface"]["url"]
    scored = model.evaluate(stack, service.parse(stack, {"max_zone": "0", "min_area": "1"}), None)
    grid = stack.grid
    checked = 0
    for i in np.linspace(0, stack.flat.size - 1, 12).astype(int):
        row, col = divmod(int(stack.flat[i]), grid.shape[1])
        lon, lat = (float(v) for v in unproject(*grid.centres(row, col)))
        x, y, px, py = _pixel(lon, lat, 12)  # ~30 m pixels: the pixel lies well inside its 1 km cell
        resp = client.get(url.format(z=12, x=x, y=y))
        assert resp.status_code == 200 and resp.mimetype == "image/png"
        with Image.open(io.BytesIO(resp.data)) as im:
            assert im.size == (256, 256)
            rgba = np.asarray(im.convert("RGBA"))[py, px]
        score = scored.score[i]
        expected = (surface.UNSUITABLE_RGBA if not np.isfinite(score)
                    else surface.lut()[int(round((round(float(np.clip(score, 0, 1)) * 253)) / 253 * 255))])
        assert tuple(int(v) for v in rgba) == tuple(int(v) for v in expected), (i, score)
        checked += 1
    assert checked == 12


@pytest.mark.parametrize("path, fragment", [("19/0/0.png?tech=pv", "z=19"), ("5/40/0.png?tech=pv", "x=40"),
                                            ("5/1/1.png?tech=nuclear", "'nuclear'")])
def test_bad_surface_tiles_get_the_one_error_body(client, path, fragment):
    assert fragment in assert_error_shape(client.get("/api/siting/tiles/" + path), 400)["message"]
