"""XYZ map tiles (Web Mercator, 256 px PNG) of the installed resource COGs, read with rio-tiler.

A tile is the COG read at the tile's resolution (rio-tiler picks the overview), rescaled from the legend's
vmin..vmax onto palette indices 1..255 (0 = nodata, transparent) and coloured with `palette(cmap)` (each PNG
carries only the entries it uses), the very branca colormap of the legend (`resources.colormap`), so tiles, legend and printout share one specification.
A raster installed on its own grid (the shipped atlas crops, kept unclipped) is drawn over the province and
its clip buffer only, as the clipped rasters are. Rendered tiles are kept per data version: installing or
reinstalling a raster moves the token and the cache.
A tile wholly outside the raster is one shared transparent tile (200, not 204: Leaflet would show a broken
image for an empty answer).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from . import dataversion, quiet
from .analysis import model, surface
from .errors import BadParameter
from .mercator import encode
from .resources import colormap, registry, store
from .resources import grid as resource_grid

TILE_SIZE = 256
#: Zooms served: beyond 18 a tile is ~0.6 m, far finer than any resource raster.
MIN_ZOOM, MAX_ZOOM = 0, 18


def check_tile(z, x, y) -> tuple[int, int, int]:
    """(z, x, y) as ints, or BadParameter quoting the bad value (z in 0..18, x and y in 0..2**z-1)."""
    out = []
    for key, value in (("z", z), ("x", x), ("y", y)):
        try:
            out.append(int(str(value), 10))
        except ValueError:
            raise BadParameter(f"tile {key} must be a whole number, got {value!r}") from None
    z, x, y = out
    if not MIN_ZOOM <= z <= MAX_ZOOM:
        raise BadParameter(f"tile z={z!r} is out of range; allowed: {MIN_ZOOM}..{MAX_ZOOM}")
    for key, value in (("x", x), ("y", y)):
        if not 0 <= value < 2 ** z:
            raise BadParameter(f"tile {key}={value!r} is out of range at z={z}; allowed: 0..{2 ** z - 1}")
    return z, x, y


def palette(cmap) -> dict[int, tuple[int, int, int, int]]:
    """Index 0 transparent; 1..255 spread evenly over the colormap's vmin..vmax (the legend's colours)."""
    steps = np.linspace(cmap.vmin, cmap.vmax, 255)
    table = {0: (0, 0, 0, 0)}
    for i, v in enumerate(steps, start=1):
        r, g, b, _ = cmap.rgba_bytes_tuple(float(v))
        table[i] = (int(r), int(g), int(b), 255)
    return table


def indices(values: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """Palette indices (uint8) of `values`: 1..255 over vmin..vmax (clipped), 0 for NaN."""
    scaled = (np.asarray(values, dtype="float64") - vmin) / (vmax - vmin)
    return np.where(np.isfinite(scaled), 1 + np.round(np.clip(np.nan_to_num(scaled), 0, 1) * 254), 0).astype("uint8")


def transparent() -> bytes:
    """One fully transparent 256 px PNG, for tiles with no data."""
    return _transparent()


@dataversion.cached(maxsize=1, parts=())
def _transparent() -> bytes:
    return encode(np.zeros((1, TILE_SIZE, TILE_SIZE), "uint8"), "PNG", {0: (0, 0, 0, 0)}, ZLEVEL=9)


_IMPORT_LOCK = threading.Lock()


def _rio_tiler():
    """(TileOutsideBounds, Reader), imported once under a lock: two server threads importing rio_tiler at the
    same time for the first tiles of a fresh process met its modules half-initialised (ImportError, a 500)."""
    with _IMPORT_LOCK:
        from rio_tiler.errors import TileOutsideBounds
        from rio_tiler.io import Reader
    return TileOutsideBounds, Reader


def resource_tile(name: str, z, x, y) -> bytes:
    """PNG bytes of tile z/x/y of installed resource `name` (band 1), coloured by its legend's colormap.

    Raises BadParameter for a malformed tile address, NotFound / ResourceUnavailable for an unknown or
    uninstalled resource (as the rest of the resources surface does).
    """
    z, x, y = check_tile(z, x, y)
    registry.require(name)
    return _resource_tile(name, z, x, y)


@dataversion.cached(maxsize=2, parts=("boundaries",), plan_aware=False)
def _display_clip():
    """The province grown by the clip buffer, in Web Mercator: what a raster on its own grid shows of itself."""
    import shapely
    from pyproj import Transformer

    to_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    geom = resource_grid.province_shape(resource_grid.CLIP_BUFFER_KM)
    return shapely.transform(geom, lambda xy: np.column_stack(to_3857.transform(xy[:, 0], xy[:, 1])))


def _clip_to_province(values: np.ndarray, bounds) -> np.ndarray:
    """`values` (a tile) with the pixels outside the province + buffer set to NaN."""
    import rasterio.features
    from rasterio.transform import from_bounds

    inside = rasterio.features.geometry_mask([_display_clip()], values.shape, from_bounds(*bounds, *values.shape[::-1]),
                                             invert=True, all_touched=True)
    return np.where(inside, values, np.nan)


@dataversion.cached(maxsize=4096, parts=("resources", "boundaries"))
def _resource_tile(name: str, z: int, x: int, y: int) -> bytes:
    TileOutsideBounds, Reader = _rio_tiler()


    cmap = colormap(name)
    with Reader(str(store.tif_path(name))) as cog:
        if not cog.tile_exists(x, y, z):
            return transparent()
        try:
            # rasterio's from_bounds multiplies Affines with `*`, which the installed affine warns about
            with quiet.ignoring(PendingDeprecationWarning, message="Use `@` matmul"):
                img = cog.tile(x, y, z, tilesize=TILE_SIZE, indexes=1, resampling_method="nearest")
        except TileOutsideBounds:
            return transparent()
    band = img.array[0]
    values = np.where(np.ma.getmaskarray(band), np.nan, np.ma.getdata(band))
    if store.installed_meta().get(name, {}).get("own_grid"):
        # a raster kept on its own grid (the shipped atlas crops, unclipped, values unchanged) is drawn, like
        # every other resource, over the province and its clip buffer only
        values = _clip_to_province(values, img.bounds)
        if not np.isfinite(values).any():
            return transparent()
    index = indices(values, cmap.vmin, cmap.vmax)
    # a palette of the colours this tile uses only: a full 256-entry palette and transparency table are
    # 1,024 bytes of every tile, 40 % of a coarse raster's tile (same pixels, same colours)
    used = np.unique(index)
    full = palette(cmap)
    return encode(np.searchsorted(used, index).astype("uint8")[None], "PNG",
                  {i: full[int(v)] for i, v in enumerate(used)}, ZLEVEL=6)


def surface_tile(stack, params, exclude: tuple[str, ...], mask, z, x, y) -> bytes:
    """PNG bytes of tile z/x/y of the suitability surface of one siting run (stack, params, exclusion ids/mask).

    The run's surface GeoTIFF and its tiles are kept on the stack, which is itself rebuilt when the data version
    moves (as `surface.overlay_index` is), keyed on the parameters that differ from the defaults and the
    exclusion ids, the values a permalink holds. Raises BadParameter for a bad tile address.
    """
    z, x, y = check_tile(z, x, y)
    run = (tuple(sorted((k, repr(v)) for k, v in params.changed().items())), tuple(exclude))
    cache = stack.__dict__.setdefault("_surface_tiles", _Lru(4096))
    key = (run, z, x, y)
    data = cache.get(key)
    if data is None:
        tifs = stack.__dict__.setdefault("_surface_tifs", _Lru(8))
        tif = tifs.get(run)
        if tif is None:
            tif = surface.geotiff(stack, model.evaluate(stack, params, mask).score)
            tifs.put(run, tif)
        data = _surface_png(tif, z, x, y)
        cache.put(key, data)
    return data


class _Lru:
    """A small thread-safe least-recently-used dict."""

    def __init__(self, maxsize: int):
        self.maxsize, self.items, self.lock = maxsize, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.maxsize:
                self.items.popitem(last=False)


def _surface_png(tif: bytes, z: int, x: int, y: int) -> bytes:
    from rasterio.io import MemoryFile
    _, Reader = _rio_tiler()


    with MemoryFile(tif) as mem, mem.open() as ds, Reader(None, dataset=ds) as src:
        if not src.tile_exists(x, y, z):
            return transparent()
        with quiet.ignoring(PendingDeprecationWarning, message="Use `@` matmul"):
            img = src.tile(x, y, z, tilesize=TILE_SIZE, indexes=1, resampling_method="nearest")
    codes = np.where(np.ma.getmaskarray(img.array[0]), surface.OUTSIDE, np.ma.getdata(img.array[0])).astype("uint8")
    return encode(codes[None], "PNG", surface.palette(), ZLEVEL=6)
