"""The shared helpers for overlay images (`gislayout.mercator`) and pvlib's elevation grid (`gislayout.altitude`)."""

import math
import types

import numpy as np
import pytest
from pyproj import Transformer

from gislayout import altitude, config, mercator, symbology
from gislayout.analysis import grid as analysis_grid
from gislayout.analysis import surface
from gislayout.errors import LayerDataError


def test_overlay_index_samples_each_pixel_centre():
    """Each Mercator pixel of the surface holds the inside cell under its centre, found here with pyproj."""
    grid, inside = analysis_grid.gansu()
    stack = types.SimpleNamespace(grid=grid, flat=np.flatnonzero(inside.ravel()))
    index, ((south, west), (north, east)) = surface.overlay_index(stack)
    height, width = index.shape
    left, bottom, right, top = Transformer.from_crs(config.WGS84, "EPSG:3857", always_xy=True).transform_bounds(
        west, south, east, north)
    rows, cols = np.random.default_rng(7).integers(0, [height, width], (2000, 2)).T
    x = left + (cols + 0.5) * (right - left) / width
    y = top - (rows + 0.5) * (top - bottom) / height
    lon, lat = Transformer.from_crs("EPSG:3857", config.WGS84, always_xy=True).transform(x, y)
    r, c, on = grid.rowcol(*analysis_grid.project(lon, lat, grid.crs))
    position = np.full(grid.shape, -1)
    position.flat[stack.flat] = np.arange(stack.flat.size)
    expected = np.where(on, position[np.where(on, r, 0), np.where(on, c, 0)], -1)
    assert (index >= 0).sum() == pytest.approx(stack.flat.size, rel=0.05)
    assert np.array_equal(index[rows, cols], expected)


def test_surface_codes_and_palette_follow_the_ramp():
    grid, inside = analysis_grid.gansu()
    stack = types.SimpleNamespace(grid=grid, flat=np.flatnonzero(inside.ravel()))
    score = np.linspace(0, 1, stack.flat.size)
    score[::5] = np.nan
    codes = surface.codes(stack, score)
    assert codes.shape == grid.shape and (codes[~inside] == surface.OUTSIDE).all()
    flat = codes.ravel()[stack.flat]
    assert (flat[::5] == surface.UNSUITABLE).all() and flat[1] == 2 and flat[-2] == 255
    table = surface.palette()
    assert table[surface.OUTSIDE][3] == 0 and table[255][:3] == tuple(surface.lut()[255, :3])
    assert surface.legend()[0]["color"] == symbology.spec()["ramps"]["default"][0]

def test_encode_keeps_a_palette():
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    palette = {i: (i * 20, 255 - i * 20, 0, 0 if i == 0 else 255) for i in range(256)}
    pixels, back = mercator.decode(mercator.encode(image, "PNG", palette))
    assert np.array_equal(pixels[0], image) and back[5] == palette[5] and back[0][3] == 0


def test_latitudes_are_mercator_row_centres():
    lats = mercator.latitudes(92.0, 32.0, 109.0, 43.0, 4)
    y = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    step = (y(43.0) - y(32.0)) / 4
    assert lats == pytest.approx([math.degrees(math.atan(math.sinh(y(43.0) - (i + 0.5) * step))) for i in range(4)])


def test_altitude_over_gansu_is_complete_and_plausible():
    metres, transform = altitude.read(92.0, 32.25, 109.0, 43.0, complete=True)
    assert metres.shape == (129, 204) and (transform.c, transform.f) == (92.0, 43.0)
    assert 0 < np.nanmin(metres) < 1500 and 5000 < np.nanmax(metres) < 6500  # the Qilian Shan reach ~5,800 m


def test_altitude_nodata_is_nan_or_an_error():
    """Code 255 (the sea in pvlib's grid) is NaN, never 0 m; `complete=True` refuses it."""
    metres, _ = altitude.read(-160.0, -1.0, -159.0, 1.0)  # open Pacific
    assert np.isnan(metres).all()
    with pytest.raises(LayerDataError, match="nodata"):
        altitude.read(-160.0, -1.0, -159.0, 1.0, complete=True)
