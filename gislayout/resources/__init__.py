"""Solar and wind resource rasters: the catalogue, the offline solar estimate, importers, and queries.

The public interface other parts of gislayout build on:

- `catalogue()`, `installed()`, `default_for(quantity)`, `get_spec(name)`: what is known, installed, displayed;
- `dataset(name)`: the installed COG, opened once per process; `read_array(...)`: it on another grid;
- `build_default(force)`: rebuild the offline solar estimate; `import_file`, `fetch`: install atlases;
- `build_all(force)`: what `flask build` installs: the estimate, the shipped wind and solar atlas crops, the
  GSA-anchored estimate, and the solar default chosen among them by measured error (`solar_choice`);
- `point(lon, lat)`, `stats(...)`: the queries behind `/api/point` and `/api/stats`; `stats_for_geometry`: any area;
- `colormap(name)`: the one colour specification (legend, map tiles in `gislayout.tiles`, printouts).
"""

from __future__ import annotations

import rasterio

from .build import build_default
from .registry import BUILTIN, CLI, catalogue, default_for, get_spec, installed
from .download import fetch
from .shipped import install_shipped
from .solar_choice import build_candidates
from .importers import import_file, uninstall
from .query import point, read_array
from .render import colormap
from .zonal import stats, stats_for_geometry
from . import registry, store

__all__ = ["BUILTIN", "CLI", "build_all", "build_default", "install_shipped", "catalogue", "colormap", "dataset", "default_for", "fetch", "get_spec",
           "import_file", "installed", "point", "read_array", "stats", "stats_for_geometry", "uninstall"]


def build_all(force: bool = False) -> dict:
    """Install everything `flask build` ships: returns the solar choice (default, errors per candidate)."""
    return build_candidates(force)


def dataset(name: str) -> rasterio.io.DatasetReader:
    """The installed raster `name`, opened once per process.

    Raises NotFound for an unknown name and ResourceUnavailable (naming the install command) if not installed.
    Shared between threads: read from it under your own lock, or use `read_array`, which does not touch it.
    """

    registry.require(name)
    return store.open_dataset(name)
