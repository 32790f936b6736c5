"""The shared helpers for overlay images (`gislayout.mercator`) and pvlib's elevation grid (`gislayout.altitude`)."""

import math
import types

import numpy as np
import pytest
from pyproj import Transformer

from gislayout import altitude, config, mercator, symbology
from gislayout.analysis import criteria
from gislayout.analysis import surface
from gislayout.errors import LayerDataError


def test_surface_bounds_hold_every_inside_cell():
    grid, inside = criteria.gansu()
    stack = types.SimpleNamespace(grid=grid, flat=np.flatnonzero(inside.ravel()))
    (south, west), (north, east) = surface.bounds(stack)
    rows, cols = np.divmod(stack.flat, grid.shape[1])
    x, y = grid.transform @ (cols + 0.5, rows + 0.5)
    lon, lat = Transformer.from_crs(grid.crs, config.WGS84, always_xy=True).transform(x, y)
    assert west <= lon.min() and lon.max() <= east and south <= lat.min() and lat.max() <= north
    assert surface.overlay_index(stack) == (None, [[south, west], [north, east]])


def test_surface_codes_and_palette_follow_the_ramp():
    grid, inside = criteria.gansu()
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
