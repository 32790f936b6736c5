"""One `Grid` class for the analysis grid (equal-area metres) and the resource grids (EPSG:4326 degrees)."""

import numpy as np
import pytest

from gislayout import config
from gislayout.analysis import grid as analysis_grid
from gislayout.grid import Grid
from gislayout.resources import grid as resource_grid


def test_resource_grids_tile_the_extent():
    assert resource_grid.COMMON.shape == (1290, 2040) and resource_grid.ESTIMATE.shape == (129, 204)
    assert resource_grid.DISPLAY.crs == config.WGS84 and resource_grid.DISPLAY.res == pytest.approx(1 / 60)
    assert resource_grid.COMMON.bounds == pytest.approx(resource_grid.EXTENT)
    assert analysis_grid.Grid is Grid and type(resource_grid.COMMON) is Grid


def test_axes_are_the_cell_centres_rowcol_finds():
    grid = resource_grid.ESTIMATE
    lon, lat = grid.axes()
    assert lon[0] == pytest.approx(92 + 1 / 24) and lat[0] == pytest.approx(43 - 1 / 24) and lat[-1] < lat[0]
    rows, cols, on = grid.rowcol(lon[[3, 200]], lat[[5, 128]])
    assert on.all() and rows.tolist() == [5, 128] and cols.tolist() == [3, 200]
    assert not grid.rowcol([91.9], [40.0])[2][0]
    assert np.array_equal(grid.centres([5], [3])[0], lon[[3]])
