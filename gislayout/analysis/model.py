"""The suitability model: per-criterion thresholds and weights, exclusion buffers, and a vectorised score.

Score of a cell = Σ wᵢ·nᵢ / Σ wᵢ over the criteria with weight > 0, where nᵢ ∈ [0, 1] is the criterion
rescaled between its 1st and 99th percentile inside the province (1 = best end). A cell is suitable when
it is inside the province, has resource data, passes every threshold that is set (a minimum for the
resource, a maximum for the others), lies outside every exclusion buffer and uploaded exclusion polygon.

Every parameter has a documented default (`DEFAULTS`, `DOCS`) and can be changed per request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import BadParameter, number
from . import landcover
from .criterion_stack import SPECS, TECHS, Layer, Stack
from .energy import DEFAULT_TURBINE, PV_PERFORMANCE_RATIO, turbine_names

#: Cost, grid and offtaker parameters (both technologies). None = from the cost preset (or: no limit).
_COST_DEFAULTS: dict[str, float | str | None] = {
    "cost_preset": "latest", "capex": None, "opex": None, "wacc": None, "lifetime": None,
    "grid_kv": 330.0, "grid_cost": None, "offtaker_km": 100.0, "max_lcoe": None, "scheme": "2009",
}
#: Parameters whose value may be empty/`off`/null (= from the preset, or no limit).
NULLABLE = ("capex", "opex", "wacc", "lifetime", "degradation", "grid_cost", "max_lcoe")
#: Parameters that take one of a fixed set of strings.
CHOICES = {"cost_preset": ("2010", "latest"), "scheme": ("2009", "2021")}

#: Default parameters per technology. Thresholds: a minimum for `resource`, a maximum for the others;
#: None means "no threshold". Weights are relative (normalised over the criteria present).
DEFAULTS: dict[str, dict[str, float | str | None]] = {
    "pv": {
        "w_resource": 0.5, "t_resource": 1400.0,
        "w_elevation": 0.1, "t_elevation": 3000.0,
        "w_slope": 0.1, "t_slope": 5.0,
        "w_demand": 0.25, "t_demand": 150.0,
        "w_town": 0.15, "t_town": 50.0,
        "w_grid": 0.0, "t_grid": None,
        "seat_buffer": 5.0, "town_buffer": 2.0, "park_buffer": 1.0,
        "density": 30.0, "pr": PV_PERFORMANCE_RATIO,
        "min_area": 4.0, "max_zone": 20.0, "top": 50,
        **_COST_DEFAULTS, "degradation": None,
        **landcover.DEFAULTS,
    },
    "wind": {
        "w_resource": 0.5, "t_resource": None,
        "w_elevation": 0.1, "t_elevation": 3500.0,
        "w_slope": 0.1, "t_slope": 10.0,
        "w_demand": 0.25, "t_demand": 200.0,
        "w_town": 0.15, "t_town": None,
        "w_grid": 0.0, "t_grid": None,
        "seat_buffer": 5.0, "town_buffer": 2.0, "park_buffer": 1.0,
        "density": 3.0, "turbine": DEFAULT_TURBINE, "hub": 80.0, "shear": 1 / 7, "k": 2.0,
        "min_area": 10.0, "max_zone": 30.0, "top": 50,
        **_COST_DEFAULTS,
        **landcover.DEFAULTS,
    },
}

#: Wind resource threshold by the kind of resource installed (a minimum, at the resource's own height).
WIND_RESOURCE_THRESHOLD = {"wind_speed": 5.5, "wind_power_density": 200.0}

DOCS: dict[str, str] = {
    "w_resource": "weight of the resource (GHI for PV; wind speed or power density for wind)",
    "t_resource": "minimum resource. PV: 1400 kWh/m²/yr, the lower bound of the 'very rich' (很丰富) class of "
                  "GB/T 31155-2014. Wind: 5.5 m/s (wind speed) or 200 W/m² (power density) at hub height (the "
                  "resource is scaled from its own height with `shear`), about class 3 of GB/T 18710-2002, the "
                  "lowest class commonly developed",
    "w_elevation": "weight of elevation (lower is better: access, construction, grid)",
    "t_elevation": "maximum elevation in m. PV 3000 m: the offline GHI estimate is likely too bright above "
                   "~3000 m and building there costs more; wind 3500 m, which leaves out the high Gannan and "
                   "Qilian plateaus",
    "w_slope": "weight of slope (only when a DEM fine enough for slope is installed)",
    "t_slope": "maximum slope in degrees (PV 5°, wind 10°)",
    "w_demand": "weight of distance to the nearest industrial base or park (nearer is better)",
    "t_demand": "maximum distance in km to the nearest base or park (PV 150 km, wind 200 km)",
    "w_town": "weight of distance to the nearest prefecture seat or county seat (nearer is better: access)",
    "t_town": "maximum distance in km to a prefecture seat or county seat (PV 50 km; wind none)",
    "w_grid": "weight of distance to the grid (nearer is better): the same distance the LCOE's connection cost "
              "uses, to the nearest substation ≥ grid_kv or to the uploaded grid `grid`. Default 0: the grid "
              "already enters the ranking through the LCOE, so by default it is not counted twice",
    "t_grid": "maximum distance in km to the grid (substation ≥ grid_kv, or the uploaded grid); default none. "
              "Cells farther away are unsuitable, so every zone's grid_km is at most this",
    "seat_buffer": "exclusion radius in km around prefecture seats (built-up area proxy)",
    "town_buffer": "exclusion radius in km around county seats (built-up area proxy)",
    "park_buffer": "exclusion radius in km around bases and parks (their own land)",
    "density": "land-use density in MW/km² of zone area. PV 30 (≈ 3.3 ha/MW, NREL Ong et al. 2013, "
               "NREL/TP-6A20-56290: ~3.1–3.4 ha/MWac total area for large fixed-tilt PV); wind 3 "
               "(≈ 34 ha/MW total project area, NREL Denholm et al. 2009, NREL/TP-6A2-45834)",
    "pr": "PV performance ratio, from pvlib's PVWatts: (1 − 14.08 % system losses) × 0.96 inverter × "
          "temperature factor at the SAPM cell temperature for 800 W/m², 20 °C air, 3 m/s wind",
    "turbine": "windpowerlib turbine type whose power curve (corrected for air density at the cell's elevation) "
               "converts wind speed to power; any type listed in `turbines`",
    "hub": "hub height in m (default 80); the resource is scaled from its own height (100 m for the default "
           "Global Wind Atlas 3 layer) to the hub with the power law and `shear`",
    "shear": "power-law (Hellman) wind shear exponent used to scale the resource's speed (given at 100 m for the "
             "default Global Wind Atlas 3 layer) to hub height: v_hub = v_100 × (hub / 100)^shear; default 1/7, "
             "open flat terrain",
    "k": "Weibull shape factor of the wind speed distribution around the mean (2 = Rayleigh)",
    "min_area": "smallest zone kept, km²",
    "max_zone": "largest zone side in km: contiguous areas are cut along a square grid of this size so that "
                "zones are project-sized (0 = no cutting)",
    "top": "number of ranked zones returned with polygons (max 500; roll-ups use every zone)",
    "cost_preset": "cost preset for the LCOE: '2010' (the policy's year) or 'latest' (2023); its values and the "
                   "source of each (title, edition, year, table, URL, and 'cited' or 'approximate') are in "
                   "`cost_presets` of /api/siting/params (gislayout/analysis/cost_presets.json). An explicit capex, "
                   "opex, wacc, lifetime, degradation or grid_cost overrides the preset's",
    "capex": "total installed cost in USD/kW (empty: the preset's; PV: China's 4211 in 2010 and 671 in 2023, 2023 "
             "USD, IRENA Renewable Power Generation Costs in 2023, Figure 3.4; wind: 2042 in 2010, the global "
             "average of IRENA's 2021 edition, Table H.1, and ~990 latest, approximate: no China wind figure found)",
    "opex": "fixed O&M in USD/kW/yr (empty: the preset's; approximate, about 1–2 % of capex a year)",
    "wacc": "real weighted average cost of capital in % (empty: the preset's; 2010: 7.5 %, IRENA's standard "
            "assumption for OECD countries and China then; latest: 4.0 %, approximate)",
    "lifetime": "economic lifetime in years (empty: the preset's, 25, approximate)",
    "degradation": "PV output degradation in %/yr, applied as the average output factor over the lifetime "
                   "(empty: the preset's, 0.5 %/yr, Jordan & Kurtz 2013, NREL/JA-5200-51664)",
    "grid_kv": "minimum voltage in kV of the substation a zone connects to (layer substations; default 330 kV, "
               "the backbone of the Gansu grid)",
    "grid_cost": "connection cost in USD per kW per km of line to that substation, added to capex (empty: the "
                 "preset's by voltage class of the substation reached: ≥ 750 kV from cited European overhead-line "
                 "costs per MW·km, lower voltages approximate)",
    "offtaker_km": "inverse view: distance in km within which a zone's potential counts as reachable by an "
                   "offtaker (zone centre to offtaker)",
    "max_lcoe": "inverse view and supply curve threshold: only zones at or below this LCOE in USD/MWh count as "
                "reachable (empty: no limit)",
    "scheme": "region scheme whose zones the supply curve is also given by ('2009' or '2021')",
    **landcover.DOCS,
}

_LIMITS = {"density": (0.01, 1000.0), "pr": (0.05, 1.0), "hub": (10.0, 250.0), "shear": (0.0, 0.6),
           "k": (1.0, 5.0), "min_area": (0.0, 10000.0), "max_zone": (0.0, 2000.0), "top": (1, 500),
           "seat_buffer": (0.0, 500.0), "town_buffer": (0.0, 500.0), "park_buffer": (0.0, 500.0),
           "capex": (0.0, 20000.0), "opex": (0.0, 1000.0), "wacc": (0.0, 30.0), "lifetime": (1.0, 60.0),
           "degradation": (0.0, 5.0), "grid_kv": (0.0, 1200.0), "grid_cost": (0.0, 100.0),
           "offtaker_km": (0.0, 2000.0), "max_lcoe": (0.0, 100000.0), **landcover.LIMITS}
#: Range of the weights (relative; normalised over the criteria present).
WEIGHT_LIMITS = (0.0, 1000.0)
#: Range of each threshold, in the criterion's units: what the quantity can physically be. The resource
#: range covers GHI (kWh/m²/yr), wind speed (m/s) and wind power density (W/m²).
THRESHOLD_LIMITS = {"t_resource": (0.0, 10000.0), "t_elevation": (-500.0, 9000.0), "t_slope": (0.0, 90.0),
                    "t_demand": (0.0, 5000.0), "t_town": (0.0, 5000.0),
                    "t_grid": (0.0, 5000.0)}
#: Values of a `t_*` parameter that switch the threshold off.
OFF = ("", "none", "off")


def limits(key: str) -> tuple[float, float] | None:
    """(minimum, maximum) accepted for parameter `key`, or None for a non-numeric one (`turbine`)."""
    if key == "turbine" or key in CHOICES:
        return None
    if key.startswith("t_"):
        return THRESHOLD_LIMITS.get(key, (-1e6, 1e6))
    if key.startswith("w_"):
        return WEIGHT_LIMITS
    return _LIMITS.get(key, (0.0, 1000.0))


def schema(key: str, body: bool = False) -> dict:
    """The JSON schema of parameter `key` for the OpenAPI spec: its real type, range and enum.

    In a query string a threshold may also be empty or `off` (no threshold); in a JSON body, null.
    """
    if key == "turbine":
        return {"type": "string", "enum": list(turbine_names())}
    if key in CHOICES:
        return {"type": "string", "enum": list(CHOICES[key])}
    lo, hi = limits(key)
    number = {"type": "integer" if key in ("top", "lifetime") else "number", "minimum": lo, "maximum": hi}
    if key.startswith("t_") or key in NULLABLE:
        return {**number, "nullable": True} if body else {"anyOf": [number, {"type": "string", "enum": list(OFF)}]}
    return number


@dataclass(frozen=True)
class Params:
    """Resolved parameters for one technology: `values` holds every key of `DEFAULTS[tech]`."""

    tech: str
    values: dict
    resource_kind: str | None = None

    def __getitem__(self, key: str):
        return self.values[key]

    def weight(self, key: str) -> float:
        """Weight of criterion `key` (0 if it has none)."""
        return float(self.values.get(f"w_{key}") or 0.0)

    def threshold(self, key: str) -> float | None:
        """Threshold of criterion `key`, or None."""
        return self.values.get(f"t_{key}")

    def changed(self) -> dict:
        """The parameters that differ from the defaults (what a permalink needs)."""
        d = defaults(self.tech, self.resource_kind)
        return {k: v for k, v in self.values.items() if d.get(k) != v}


def defaults(tech: str, resource_kind: str | None = None) -> dict:
    """The default parameters for `tech`, with the wind threshold matching the installed resource kind."""
    if tech not in TECHS:
        raise BadParameter(f"unknown tech {tech!r}; allowed: {', '.join(TECHS)}")
    d = dict(DEFAULTS[tech])
    if tech == "wind":
        d["t_resource"] = WIND_RESOURCE_THRESHOLD.get(resource_kind or "wind_speed")
    return d


def parse(tech: str, query: Mapping[str, object], resource_kind: str | None = None,
          ignore: tuple[str, ...] = ()) -> Params:
    """Params for `tech` from a mapping of strings (a query string); unknown keys raise BadParameter.

    Empty `t_*` values switch a threshold off; `w_*` must be ≥ 0.
    """
    values = defaults(tech, resource_kind)
    for key, raw in query.items():
        if key in ignore:
            continue
        if key not in values:
            raise BadParameter(f"unknown siting parameter {key!r} for tech {tech!r}; allowed: "
                               f"{', '.join(values)}", zh=f"未知的选址参数“{key}”；可用参数："
                                                     + "、".join(f"“{k}”" for k in values))
        if key == "turbine":
            if raw not in turbine_names():
                raise BadParameter(f"unknown turbine {raw!r}; allowed: {', '.join(turbine_names())}",
                                   zh=f"未知的风机型号“{raw}”；可选：" + "、".join(f"“{n}”" for n in turbine_names()))
            values[key] = raw
        elif key in CHOICES:
            if raw not in CHOICES[key]:
                raise BadParameter(f"unknown {key} {raw!r}; allowed: {', '.join(CHOICES[key])}",
                                   zh=f"参数“{key}”的值“{raw}”无效；可选："
                                      + "、".join(f"“{c}”" for c in CHOICES[key]))
            values[key] = raw
        elif (key.startswith("t_") or key in NULLABLE) and raw in (*OFF, None):
            values[key] = None
        else:
            value = number(raw, f"parameter {key!r}", *limits(key), what_zh=f"参数“{key}”")
            if key in ("top", "lifetime") and value != int(value):
                raise BadParameter(f"parameter {key!r} must be a whole number, got {raw!r}",
                                   zh=f"参数“{key}”应为整数，收到“{raw}”")
            values[key] = int(value) if key == "top" else value
    return Params(tech, values, resource_kind)


@dataclass
class Surface:
    """The model's answer over the inside cells: the score (NaN where unsuitable) and the suitable mask."""

    score: np.ndarray
    suitable: np.ndarray
    weights: dict[str, float]
    failed: dict[str, int]


def resource_factor(stack: Stack, params: Params) -> float:
    """Factor from the resource as installed to the resource at hub height (wind; 1 for PV).

    Power law: speed × (hub / height)^shear; power density scales with the cube of speed.
    """
    if stack.tech != "wind" or not stack.resource_height_m:
        return 1.0
    factor = (float(params["hub"]) / float(stack.resource_height_m)) ** float(params["shear"])
    return factor ** 3 if stack.resource_kind == "wind_power_density" else factor


def evaluate(stack: Stack, params: Params, exclude: np.ndarray | None = None,
             extra: Mapping[str, Layer] | None = None) -> Surface:
    """Score every inside cell with array maths only (no per-cell Python).

    `extra`: criteria that depend on the parameters and so are not on the stack (the `grid` distance layer).
    """
    ok = stack.valid.copy()
    # in the order cells are removed: `failed` is the waterfall from the province to the suitable area
    failed: dict[str, int] = {"no_data": int(stack.flat.size - np.count_nonzero(ok))}
    total = np.zeros(stack.flat.size, np.float32)
    weights = {}
    layers = {**stack.layers, **(extra or {})}
    for key, layer in layers.items():
        t = params.threshold(key)
        if t is not None and key == "resource":
            t = t / resource_factor(stack, params)  # thresholds are at hub height; the layer is not
        if t is not None:
            passes = layer.values >= t if SPECS[key].threshold_kind == "min" else layer.values <= t
            failed[key] = int(np.count_nonzero(ok & ~passes))
            ok &= passes
        w = params.weight(key)
        if w > 0:
            weights[key] = w
            total += np.float32(w) * layer.norm
    if not weights:
        raise BadParameter(f"every weight is zero; give at least one of "
                           f"{', '.join('w_' + k for k in layers)} a value above 0",
                           zh="所有权重均为 0；请至少给一个准则大于 0 的权重")
    for name, dist in stack.distances.items():
        radius = params.values.get(f"{name}_buffer") or 0.0
        if radius > 0:
            inside = dist < radius
            failed[f"{name}_buffer"] = int(np.count_nonzero(ok & inside))
            ok &= ~inside
    if stack.landcover is not None:
        landcover.exclude(stack.landcover, stack.glacier, params.values, ok, failed)
    if exclude is not None:
        failed["uploaded"] = int(np.count_nonzero(ok & exclude))
        ok &= ~exclude
    score = total / np.float32(sum(weights.values()))
    failed["no_score"] = int(np.count_nonzero(ok & ~np.isfinite(score)))
    ok &= np.isfinite(score)
    score[~ok] = np.nan
    return Surface(score, ok, {k: w / sum(weights.values()) for k, w in weights.items()}, failed)
