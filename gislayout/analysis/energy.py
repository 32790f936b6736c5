"""Annual generation per MW: PV from GHI with a pvlib performance ratio; wind from a windpowerlib power curve.

PV model
    yield (kWh/kWp/yr = MWh/MW/yr) = GHI (kWh/m²/yr) / 1 kW/m² × PR.
    PR comes from pvlib's PVWatts: (1 − `pvwatts_losses()` = 14.08 %) × 0.96 nominal inverter efficiency
    (`pvlib.inverter.pvwatts` default) × `pvwatts_dc` temperature factor (γ = −0.37 %/°C) at the SAPM cell
    temperature (open rack, glass/polymer; 40.6 °C) for 800 W/m², 20 °C air and 3 m/s wind: PR = 0.777.
    GHI is horizontal: the plane-of-array gain of a tilted array (≈ +10–20 % in Gansu) is not counted, so
    the yield is conservative.

Wind model
    The resource's mean speed is scaled to hub height with the power law (`windpowerlib.wind_speed.hellman`).
    The speed distribution around that mean is Weibull with shape k (k = 2, Rayleigh, by default).
    Capacity factor = Σ P(v)·p(v) / P_rated over 0.1 m/s bins, with P(v) the windpowerlib power curve of the
    turbine, corrected for air density (`power_curve_density_correction`). The density is that of the ISA
    standard atmosphere at the cell's elevation (`windpowerlib.density.ideal_gas`). Curves that stop below
    25 m/s at non-zero power are held at their last value up to a 25 m/s cut-out.
    No wake or availability losses are applied (typically 10–15 % more).
    If only wind power density is installed, mean speed = Γ(1+1/k)·(2·WPD / (ρ₀·Γ(1+3/k)))^(1/3),
    with ρ₀ = 1.225 kg/m³.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from functools import lru_cache

import numpy as np

from .. import quiet
from ..errors import BadParameter

DEFAULT_TURBINE = "E-82/2000"
CUT_OUT_MS = 25.0
HOURS = 8760.0
_BIN = 0.1
_SPEEDS = np.arange(0.0, 40.0 + _BIN, _BIN)           # bin edges for the speed distribution
_MEANS = np.arange(0.0, 20.0 + 0.05, 0.05)            # lookup axis: mean speed at hub height
_RHOS = np.arange(0.70, 1.35 + 0.025, 0.025)          # lookup axis: air density kg/m³


@contextmanager
def _quiet():
    """Silence windpowerlib 0.2.2's pandas deprecation warning (its `dropna(inplace=True)`)."""
    with quiet.ignoring(message=".*inplace keyword.*"):
        yield


def pv_performance_ratio(irradiance: float = 800.0, air_temp: float = 20.0, wind_speed: float = 3.0,
                         gamma_pdc: float = -0.0037) -> float:
    """PV performance ratio from pvlib's PVWatts losses, inverter efficiency and temperature model."""
    import pvlib

    losses = pvlib.pvsystem.pvwatts_losses() / 100.0
    inverter = 0.96  # pvlib.inverter.pvwatts eta_inv_nom
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    t_cell = pvlib.temperature.sapm_cell(irradiance, air_temp, wind_speed, **params)
    temperature = pvlib.pvsystem.pvwatts_dc(irradiance, t_cell, 1.0, gamma_pdc) / (irradiance / 1000.0)
    return float((1 - losses) * inverter * temperature)


#: `round(pv_performance_ratio(), 3)`, written out so that importing the model does not load pvlib (~0.3 s);
#: tests/test_lazy_imports.py checks it against pvlib.
PV_PERFORMANCE_RATIO = 0.777


def pv_yield(ghi_kwh_m2_yr: np.ndarray, pr: float) -> np.ndarray:
    """Annual PV yield in MWh per MW (kWh/kWp) from annual GHI in kWh/m²."""
    return np.asarray(ghi_kwh_m2_yr, dtype=np.float32) * np.float32(pr)


@lru_cache(maxsize=1)
def turbine_names() -> tuple[str, ...]:
    """Turbine types in windpowerlib's bundled library that have a power curve."""
    from windpowerlib import get_turbine_types
    with _quiet():
        df = get_turbine_types(turbine_library="local", print_out=False)
    return tuple(df.loc[df["has_power_curve"], "turbine_type"])


@lru_cache(maxsize=8)
def power_curve(name: str) -> tuple[np.ndarray, np.ndarray, float]:
    """(speeds m/s, power W, rated W) of a windpowerlib turbine, held at its last value up to 25 m/s."""
    from windpowerlib import WindTurbine

    if name not in turbine_names():
        raise BadParameter(f"unknown turbine {name!r}; allowed: {', '.join(turbine_names())}")
    with _quiet():
        turbine = WindTurbine(hub_height=100, turbine_type=name)
    curve = turbine.power_curve.sort_values("wind_speed")
    speeds, power = curve["wind_speed"].to_numpy(float), curve["value"].to_numpy(float)
    if speeds[-1] < CUT_OUT_MS and power[-1] > 0:
        speeds, power = np.r_[speeds, CUT_OUT_MS], np.r_[power, power[-1]]
    return speeds, power, float(turbine.nominal_power)


def air_density(elevation_m) -> np.ndarray:
    """Air density in kg/m³ of the ISA standard atmosphere at `elevation_m` (windpowerlib ideal gas)."""
    from windpowerlib.density import ideal_gas

    h = np.nan_to_num(np.asarray(elevation_m, dtype=float), nan=0.0)
    temperature = 288.15 - 0.0065 * h
    pressure = 101325.0 * (temperature / 288.15) ** 5.25588
    return np.asarray(ideal_gas(pressure, h, h, temperature), dtype=float)


@lru_cache(maxsize=16)
def capacity_factor_table(turbine: str, k: float) -> np.ndarray:
    """Capacity factor over (mean hub speed `_MEANS`, air density `_RHOS`) for a Weibull of shape `k`."""
    from windpowerlib.power_output import power_curve_density_correction

    speeds, power, rated = power_curve(turbine)
    centres = (_SPEEDS[:-1] + _SPEEDS[1:]) / 2
    scale = np.maximum(_MEANS, 1e-6) / math.gamma(1 + 1 / k)
    cdf = 1 - np.exp(-(_SPEEDS[None, :] / scale[:, None]) ** k)
    prob = np.diff(cdf, axis=1)                                   # (means, bins)
    curves = np.stack([power_curve_density_correction(centres, speeds, power, np.full(centres.size, rho))
                       for rho in _RHOS], axis=1)                  # (bins, rhos)
    return prob @ curves / rated


def density_index(density) -> tuple[np.ndarray, np.ndarray]:
    """(column below, weight of the column above) of each air density in the table's `_RHOS` axis.

    Elevation, hence density, does not change between siting runs: the siting model computes this once per
    stack and passes it to `capacity_factor`, which then only interpolates along the speed axis per run.
    """
    r = np.clip(np.nan_to_num(np.asarray(density, dtype=np.float64), nan=_RHOS[0]), _RHOS[0], _RHOS[-1])
    fj = (r - _RHOS[0]) / (_RHOS[1] - _RHOS[0])
    j = np.minimum(np.floor(fj).astype(np.int32), _RHOS.size - 2)
    return j, (fj - j).astype(np.float32)


def capacity_factor(mean_speed_hub, density, turbine: str = DEFAULT_TURBINE, k: float = 2.0,
                    index: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Capacity factor (0–1) at mean hub-height speeds and air densities, bilinear in the table.

    `index`: `density_index(density)`, when the caller has it (then `density` is not read).
    """
    table = capacity_factor_table(turbine, float(k)).astype(np.float32)
    flat, cols = table.ravel(), table.shape[1]
    j, b = index if index is not None else density_index(density)
    speed = np.asarray(mean_speed_hub, dtype=np.float32)
    finite = np.isfinite(speed)
    v = np.clip(np.where(finite, speed, np.float32(_MEANS[0])), _MEANS[0], _MEANS[-1])
    fi = (v - np.float32(_MEANS[0])) * np.float32(1 / (_MEANS[1] - _MEANS[0]))
    i = np.minimum(fi.astype(np.int32), _MEANS.size - 2)
    a = fi - i
    base = i * cols + j
    lo = flat[base] + (flat[base + cols] - flat[base]) * a          # along speed, density column j
    hi = flat[base + 1] + (flat[base + cols + 1] - flat[base + 1]) * a  # along speed, column j + 1
    out = lo + (hi - lo) * b
    return np.where(finite, out, np.float32(np.nan))


def hub_speed(speed, height_m: float, hub_m: float, shear: float) -> np.ndarray:
    """Mean wind speed scaled from `height_m` to `hub_m` with the power law (windpowerlib hellman)."""
    from windpowerlib.wind_speed import hellman
    return np.asarray(hellman(np.asarray(speed, dtype=float), height_m, hub_m, hellman_exponent=shear))


def speed_from_power_density(wpd, k: float = 2.0, rho: float = 1.225) -> np.ndarray:
    """Mean wind speed (m/s) of a Weibull(k) wind whose power density is `wpd` W/m² at density `rho`."""
    c = (2 * np.asarray(wpd, dtype=float) / (rho * math.gamma(1 + 3 / k))) ** (1 / 3)
    return c * math.gamma(1 + 1 / k)


def wind_yield(resource, kind: str, height_m: float, elevation_m, turbine: str, hub: float, shear: float,
               k: float, index: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Annual wind yield in MWh per MW installed (capacity factor × 8760 h) for each cell.

    `index`: `density_index(air_density(elevation_m))`, when the caller keeps it (then `elevation_m` is not read).
    """
    resource = np.asarray(resource, dtype=float)
    speed = speed_from_power_density(resource, k) if kind == "wind_power_density" else resource
    if index is None:
        index = density_index(air_density(elevation_m))
    cf = capacity_factor(hub_speed(speed, height_m, hub, shear), None, turbine, k, index=index)
    return (cf * np.float32(HOURS)).astype(np.float32)
