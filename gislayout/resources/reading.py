"""Open a user's raster (GeoTIFF, NetCDF, a member of a zip) and bring one band of it onto the common grid."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import rasterio
from rasterio.enums import Resampling
from rasterio.errors import NotGeoreferencedWarning, RasterioError
from rasterio.warp import reproject, transform_bounds

from .. import config, quiet
from ..errors import BadParameter, InvalidData
from .grid import CLIP_BUFFER_KM, COMMON, bbox_of, province_mask, province_shape

#: A raster must have valid data on at least this share of the province.
MIN_COVERAGE = 0.9
_COMPONENTS = re.compile(r"^[uv](10|100)$|eastward|northward", re.I)
_HEIGHT = re.compile(r"(?<![\d.])(\d{1,3})\s*(?:m|metre|meter)s?\b", re.I)


@dataclass
class Layer:
    """One band (or the mean of several) of a source raster, resampled onto `grid.COMMON`."""

    values: np.ndarray
    units: str | None
    height_m: float | None
    description: str
    source_res: str
    resampling: str
    coverage: float


@contextmanager
def open_raster(path: str, label: str, variable: str | None = None):
    """Open `path` with rasterio, picking the NetCDF `variable`; InvalidData if it is not a raster."""
    try:
        # a NetCDF container with several variables has no geotransform of its own; its variables do
        with quiet.ignoring(NotGeoreferencedWarning):
            ds = rasterio.open(path)
    except RasterioError as exc:
        raise InvalidData(f"{label} is not a raster GDAL can read ({exc})") from None
    try:
        subs = ds.subdatasets
        if subs:
            names = [s.rsplit(":", 1)[-1] for s in subs]
            if variable is None and len(subs) > 1:
                raise BadParameter(f"{label} holds several variables {names}; pick one with --variable")
            pick = variable or names[0]
            if pick not in names:
                raise BadParameter(f"variable {pick!r} is not in {label}; it holds {names}")
            ds.close()
            ds = rasterio.open(subs[names.index(pick)])
        elif variable is not None and ds.driver != "netCDF":
            raise BadParameter(f"--variable {variable!r} applies to NetCDF files only; {label} is {ds.driver}")
        yield ds
    finally:
        ds.close()


def _variable_name(ds) -> str:
    if ds.driver != "netCDF" or not ds.count:
        return ""
    return ds.tags(1).get("NETCDF_VARNAME") or ds.name.rsplit(":", 1)[-1]


def file_units(ds, band: int) -> str | None:
    """The units the file states for `band`, if any (band unit, band tags, or NetCDF attributes)."""
    tags = {k.lower().split("#")[-1]: v for k, v in ds.tags(band).items()}
    return (ds.units[band - 1] if ds.units and ds.units[band - 1] else None) or tags.get("units") or None


def file_height(ds, band: int) -> float | None:
    """The measurement height stated by the file (a 'height' tag, or '10 m', 'si10' in its names), if any."""
    tags = {k.lower().split("#")[-1]: v for k, v in ds.tags(band).items()}
    if "height" in tags:
        found = re.search(r"[\d.]+", tags["height"])
        if found:
            return float(found.group())
    texts = [tags.get("long_name", ""), tags.get("standard_name", ""), ds.descriptions[band - 1] or ""]
    name = _variable_name(ds)
    named = re.fullmatch(r"(?:si|ws|wind|fg)(\d{1,3})", name, re.I)
    if named:
        return float(named.group(1))
    for text in texts:
        found = _HEIGHT.search(text)
        if found:
            return float(found.group(1))
    return None


def _source_res_deg(ds) -> float:
    res = abs(ds.res[0])
    return res if ds.crs.is_geographic else res / 111_320.0


def check_georeferenced(ds, label: str) -> None:
    """InvalidData unless `ds` has a CRS and reaches the province."""
    if ds.crs is None:
        raise InvalidData(f"{label} has no CRS (coordinate reference system); assign one, e.g. "
                          f"`gdal_edit.py -a_srs EPSG:4326 FILE`, and import it again")
    if _COMPONENTS.search(_variable_name(ds)):
        raise InvalidData(f"{label} holds wind component {_variable_name(ds)!r}, not a wind speed; "
                          f"import a speed (e.g. ERA5 si10) instead")
    w, s, e, n = transform_bounds(ds.crs, config.WGS84, *ds.bounds, densify_pts=21)
    pw, ps, pe, pn = bbox_of(province_shape())
    if e < pw or w > pe or n < ps or s > pn:
        raise InvalidData(f"{label} does not cover Gansu: it spans lon {w:.2f}–{e:.2f}, lat {s:.2f}–{n:.2f}; "
                          f"Gansu is lon {pw:.2f}–{pe:.2f}, lat {ps:.2f}–{pn:.2f}")


def read_layer(ds, label: str, band: int | None = None) -> Layer:
    """Band `band` of `ds` (or the mean over the bands of a NetCDF time series) on the common grid, clipped."""
    check_georeferenced(ds, label)
    if band is not None and not 1 <= band <= ds.count:
        raise BadParameter(f"band {band} is out of range for {label}, which has {ds.count} band(s)")
    if band is None:
        bands = list(range(1, ds.count + 1)) if ds.driver == "netCDF" else [1]
    else:
        bands = [band]
    src_res = _source_res_deg(ds)
    resampling = Resampling.average if src_res < COMMON.res / 1.5 else Resampling.bilinear
    src_nodata = ds.nodata if ds.nodata is not None else (np.nan if np.dtype(ds.dtypes[0]).kind == "f" else None)
    total = np.zeros(COMMON.shape)
    count = np.zeros(COMMON.shape)
    for b in bands:
        out = np.full(COMMON.shape, np.nan, dtype="float32")
        try:
            reproject(rasterio.band(ds, b), out, src_nodata=src_nodata, dst_transform=COMMON.transform,
                      dst_crs=COMMON.crs, dst_nodata=np.nan, resampling=resampling)
        except RasterioError as exc:
            raise InvalidData(f"{label} could not be read ({exc}); is the file complete?") from None
        ok = np.isfinite(out)
        total[ok] += out[ok]
        count[ok] += 1
    with np.errstate(invalid="ignore"):
        values = (total / count).astype("float32")
    inside = province_mask(COMMON)
    coverage = float(np.isfinite(values[inside]).mean())
    if coverage == 0:
        raise InvalidData(f"{label} is all nodata over Gansu: no valid cell inside the province")
    if coverage < MIN_COVERAGE:
        raise InvalidData(f"{label} does not cover Gansu: it has valid data on only {coverage:.0%} of the "
                          f"province (at least {MIN_COVERAGE:.0%} needed)")
    values[~province_mask(COMMON, CLIP_BUFFER_KM)] = np.nan
    first = bands[0]
    description = ds.descriptions[first - 1] or _variable_name(ds) or f"band {first}"
    if len(bands) > 1:
        description = f"mean of {len(bands)} bands of {_variable_name(ds) or 'the file'}"
    return Layer(values, file_units(ds, first), file_height(ds, first), description,
                 f"{src_res:.4g}° ({src_res * 111.32:.3g} km)", resampling.name, round(coverage, 4))
