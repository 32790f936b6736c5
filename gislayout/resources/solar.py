"""The offline solar estimate: MERRA-2 cloudiness on Ineichen clear-sky GHI, from installed packages only.

For each month, clear-sky GHI is computed at 1/12° on the month's mean day (Klein 1977) from pvlib's Linke
turbidity and altitude tables. The MERRA-2 monthly mean daily GHI (gsee-climate-data, 3° cells) divided by
the clear-sky mean over the same 3° cell gives a clear-sky index, which is interpolated bilinearly to 1/12°
and multiplied back onto the fine clear-sky field.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .grid import EXTENT, ESTIMATE
from .. import altitude

#: Klein's (1977) mean day of each month: its extraterrestrial irradiation equals the monthly mean.
MEAN_DAY = (17, 16, 16, 15, 15, 11, 17, 16, 15, 15, 14, 10)
DAYS = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MERRA_CELL = 3.0
_STEP_H = 1 / 6


def _pvlib():
    try:
        import h5py
        import pvlib
    except ImportError as exc:  # pragma: no cover - declared dependencies
        raise ImportError("the solar estimate needs pvlib and h5py: pip install pvlib h5py") from exc
    return pvlib, h5py


def _merra():
    try:
        import gsee_climate_data
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ImportError("the solar estimate needs gsee-climate-data: pip install gsee-climate-data") from exc
    return gsee_climate_data.load()


def _tables(west: float, south: float, east: float, north: float):
    """Linke turbidity (rows, cols, 12) and altitude (rows, cols) in m on pvlib's global 1/12° grid."""

    pvlib, h5py = _pvlib()
    res = ESTIMATE.res
    c0, c1 = int(round((west + 180) / res)), int(round((east + 180) / res))
    r0, r1 = int(round((90 - north) / res)), int(round((90 - south) / res))
    with h5py.File(Path(pvlib.__file__).parent / "data" / "LinkeTurbidities.h5", "r") as fh:
        linke = fh["LinkeTurbidity"][r0:r1, c0:c1, :].astype("float64") / 20.0
    heights, _ = altitude.read(west, south, east, north, complete=True)  # clear-sky pressure needs every cell
    return linke, heights


def clear_sky_monthly(west: float, south: float, east: float, north: float) -> np.ndarray:
    """Mean-day clear-sky GHI, daily mean in W/m², shape (12, rows, cols), on pvlib's 1/12° cells."""
    pvlib, _ = _pvlib()
    linke, altitude = _tables(west, south, east, north)
    res = ESTIMATE.res
    lon = west + res * (np.arange(linke.shape[1]) + 0.5)
    lat = north - res * (np.arange(linke.shape[0]) + 0.5)
    lon2, lat2 = np.meshgrid(lon, lat)
    pressure = pvlib.atmosphere.alt2pres(altitude)
    out = np.zeros((12,) + altitude.shape)
    starts = np.concatenate([[0], np.cumsum(np.round(DAYS))])
    for m in range(12):
        doy = int(starts[m] + MEAN_DAY[m])
        decl = pvlib.solarposition.declination_spencer71(doy)
        eot = pvlib.solarposition.equation_of_time_spencer71(doy)
        dni_extra = pvlib.irradiance.get_extra_radiation(doy)
        total = np.zeros(altitude.shape)
        for hour_utc in np.arange(_STEP_H / 2, 24, _STEP_H):
            hour_angle = np.radians((hour_utc - 12) * 15 + lon2 + eot / 4)
            zenith = np.degrees(pvlib.solarposition.solar_zenith_analytical(np.radians(lat2), hour_angle, decl))
            up = zenith < 90
            if not up.any():
                continue
            z = np.where(up, zenith, 89.9)
            airmass = pvlib.atmosphere.get_absolute_airmass(pvlib.atmosphere.get_relative_airmass(z), pressure)
            ghi = pvlib.clearsky.ineichen(z, airmass, linke[:, :, m], altitude, dni_extra)["ghi"]
            total += np.where(up, ghi, 0.0)
        out[m] = total * _STEP_H / 24
    return out


def _merra_monthly(lat_range, lon_range):
    """MERRA-2 mean daily GHI (W/m²) of the 3° cells inside the ranges: (lats, lons, (nlat, nlon, 12))."""
    d = _merra()
    lat, lon = d["lat"], d["lon"]
    iy = np.where((lat >= lat_range[0]) & (lat <= lat_range[1]))[0]
    ix = np.where((lon >= lon_range[0]) & (lon <= lon_range[1]))[0]
    xk = d["xk"][iy][:, ix].astype("float64")
    pk = d["pk"][iy][:, ix].astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(xk * pk, axis=-1) / np.nansum(pk, axis=-1)
    return lat[iy], lon[ix], mean


def estimate_monthly() -> tuple[np.ndarray, dict]:
    """Uncalibrated monthly GHI in kWh/m² per month, shape (12, rows, cols) on `grid.ESTIMATE`, and notes."""
    from scipy.interpolate import RegularGridInterpolator

    w, s, e, n = EXTENT
    half = MERRA_CELL / 2
    # MERRA-2 cell centres around the province, and a clear-sky field covering those cells completely.
    lats, lons, merra = _merra_monthly((s - MERRA_CELL, n + MERRA_CELL), (w - MERRA_CELL, e + MERRA_CELL))
    cw, cs_, ce, cn = lons.min() - half, lats.min() - half, lons.max() + half, lats.max() + half
    clear = clear_sky_monthly(cw, cs_, ce, cn)
    res = ESTIMATE.res
    kc = np.full(merra.shape, np.nan)
    for a, la in enumerate(lats):
        rows = slice(int(round((cn - la - half) / res)), int(round((cn - la + half) / res)))
        for b, lo in enumerate(lons):
            cols = slice(int(round((lo - half - cw) / res)), int(round((lo + half - cw) / res)))
            kc[a, b] = merra[a, b] / clear[:, rows, cols].reshape(12, -1).mean(axis=1)
    if not np.isfinite(kc).all():
        raise ValueError("MERRA-2 cells around Gansu hold no data; the gsee-climate-data file is not as expected")
    interp = RegularGridInterpolator((lats, lons), kc, method="linear")
    glon, glat = ESTIMATE.axes()
    lon2, lat2 = np.meshgrid(glon, glat)
    kc_fine = interp(np.column_stack([lat2.ravel(), lon2.ravel()])).reshape(lat2.shape + (12,))
    r0, c0 = int(round((cn - n) / res)), int(round((w - cw) / res))
    rows, cols = ESTIMATE.shape
    clear_here = clear[:, r0:r0 + rows, c0:c0 + cols]
    monthly = clear_here * np.moveaxis(kc_fine, -1, 0) * DAYS[:, None, None] * 24 / 1000
    notes = {"merra_cells": f"{len(lats)}×{len(lons)} cells of 3°, lat {lats.min():g}–{lats.max():g}, "
                            f"lon {lons.min():g}–{lons.max():g}",
             "clear_sky_index_range": [round(float(kc.min()), 3), round(float(kc.max()), 3)]}
    return monthly, notes
