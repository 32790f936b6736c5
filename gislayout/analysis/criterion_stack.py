"""The criterion stack on the grid: the criteria the model scores (`SPECS`), `Layer`, `Stack` and `distance_km`.

A `Stack` holds, for the cells inside the province only (1-D arrays in `Stack.flat` order), every criterion
the model scores, the distances the exclusion buffers use, each cell's prefecture and nearest park or base.
Tests build stacks from small synthetic arrays with `Stack.from_arrays`; `criteria.build(tech)` builds the real
one. The bottom of `analysis`: it reads no data and imports neither pandas nor scipy until used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .grid import Grid

if TYPE_CHECKING:  # pandas and scipy load when a stack is built, not when the model is imported
    import pandas as pd

TECHS = ("pv", "wind")


def _no_demand() -> pd.DataFrame:
    import pandas as pd
    return pd.DataFrame()


@dataclass(frozen=True)
class Spec:
    """How a criterion is read: which end is better, and whether its threshold is a minimum or a maximum."""

    key: str
    better: str  # "high" or "low"
    title_zh: str
    title_en: str

    @property
    def threshold_kind(self) -> str:
        """'min' for criteria where higher is better (cells below fail), 'max' otherwise."""
        return "min" if self.better == "high" else "max"


SPECS: dict[str, Spec] = {s.key: s for s in (
    Spec("resource", "high", "资源", "Resource"),
    Spec("elevation", "low", "海拔", "Elevation"),
    Spec("slope", "low", "坡度", "Slope"),
    Spec("demand", "low", "距用电大户距离", "Distance to electricity-intensive offtakers (weighted by class)"),
    Spec("town", "low", "距城镇距离", "Distance to prefecture seats and towns"),
    # not a stack layer: built per grid_kv / uploaded grid by connection.layer, the field the LCOE uses
    Spec("grid", "low", "距电网距离", "Distance to the grid (substation ≥ grid_kv, or an uploaded grid)"),
)}


@dataclass
class Layer:
    """One criterion over the inside cells, with its normalised 0–1 score (1 = best) precomputed."""

    key: str
    values: np.ndarray
    units: str
    source: str
    resolution: str
    lo: float = np.nan
    hi: float = np.nan
    norm: np.ndarray | None = None

    def __post_init__(self):
        self.values = np.asarray(self.values, dtype=np.float32)
        finite = self.values[np.isfinite(self.values)]
        if finite.size and not (np.isfinite(self.lo) and np.isfinite(self.hi)):
            # 1st–99th percentile, so one outlier cell does not squash everyone else's score
            self.lo, self.hi = (float(v) for v in np.percentile(finite, [1, 99]))
        span = self.hi - self.lo if self.hi > self.lo else 1.0
        norm = np.clip((self.values - np.float32(self.lo)) / np.float32(span), 0, 1)
        self.norm = (norm if SPECS[self.key].better == "high" else 1 - norm).astype(np.float32)

    def meta(self) -> dict:
        """Key, titles, units, source, resolution and the range of values inside the province."""
        spec = SPECS[self.key]
        finite = self.values[np.isfinite(self.values)]
        return {"key": self.key, "title_zh": spec.title_zh, "title_en": spec.title_en, "units": self.units,
                "better": spec.better, "threshold": spec.threshold_kind, "source": self.source,
                "resolution": self.resolution,
                "min": round(float(finite.min()), 3) if finite.size else None,
                "max": round(float(finite.max()), 3) if finite.size else None,
                "p1": round(self.lo, 3) if np.isfinite(self.lo) else None,
                "p99": round(self.hi, 3) if np.isfinite(self.hi) else None}


@dataclass
class Stack:
    """Everything the model needs for one technology, over the cells inside the province."""

    tech: str
    grid: Grid
    inside: np.ndarray                      # bool, grid shape
    layers: dict[str, Layer]
    resource_kind: str                      # 'ghi', 'wind_speed' or 'wind_power_density'
    resource_height_m: float | None = None  # for wind: height the resource is given at
    distances: dict[str, np.ndarray] = field(default_factory=dict)  # km, for buffers: seat, town, park
    prefecture: np.ndarray | None = None    # int16 index into `prefectures`, -1 where none
    prefectures: list[str] = field(default_factory=list)
    prefectures_en: list[str] = field(default_factory=list)
    nearest_demand: np.ndarray | None = None  # int32 index into `demand`, -1 where none
    demand: pd.DataFrame = field(default_factory=_no_demand)
    elevation_m: np.ndarray | None = None   # for wind air density, whatever the terrain criterion uses
    excluded: np.ndarray | None = None      # bool: fixed exclusions (water, built-up) where data allows
    notes: list[str] = field(default_factory=list)
    resource_name: str = ""                 # the installed resource the `resource` layer comes from
    resource_estimate: bool = False         # True for the offline GHI estimate (not a measured atlas)
    offtakers: pd.DataFrame = field(default_factory=_no_demand)  # offtakers.points()
    nearest_offtaker: np.ndarray | None = None  # int32 index into `offtakers`, -1 where none
    offtaker_km: np.ndarray | None = None   # km to that offtaker (the demand layer is this ÷ its weight)
    substations: pd.DataFrame = field(default_factory=_no_demand)  # connection.substations()
    landcover: np.ndarray | None = None     # uint8 IGBP class per inside cell (255 = none), landcover.read_classes
    glacier: np.ndarray | None = None       # bool: cell centre in a glacier
    notes_zh: list[str] = field(default_factory=list)  # `notes` in Chinese, one for one

    def __post_init__(self):
        self.flat = np.flatnonzero(self.inside.ravel())
        n = self.flat.size
        if self.prefecture is None:
            self.prefecture = np.full(n, -1, np.int16)
        if self.nearest_demand is None:
            self.nearest_demand = np.full(n, -1, np.int32)
        if self.excluded is None:
            self.excluded = np.zeros(n, bool)
        if self.nearest_offtaker is None:
            self.nearest_offtaker = np.full(n, -1, np.int32)
        if self.offtaker_km is None:
            self.offtaker_km = np.full(n, np.nan, np.float32)
        extra = [(k, a) for k, a in (("landcover", self.landcover), ("glacier", self.glacier)) if a is not None]
        for name, arr in [(k, v.values) for k, v in self.layers.items()] + list(self.distances.items()) + extra:
            if arr.shape != (n,):
                raise ValueError(f"criterion {name!r} has shape {arr.shape}; expected ({n},) inside cells")
        self.valid = np.isfinite(self.layers["resource"].values) & ~self.excluded
        self.rows, self.cols = np.divmod(self.flat, self.grid.shape[1])

    @classmethod
    def from_arrays(cls, tech: str, grid: Grid, arrays: dict[str, np.ndarray], inside: np.ndarray | None = None,
                    units: dict[str, str] | None = None, resource_kind: str | None = None, **kwargs) -> Stack:
        """A stack from 2-D arrays on `grid` (tests and benchmarks); `inside` defaults to every cell."""
        inside = np.ones(grid.shape, bool) if inside is None else np.asarray(inside, bool)
        take = lambda a: np.asarray(a, dtype=np.float32)[inside]  # noqa: E731
        units = units or {}
        layers = {k: Layer(k, take(a), units.get(k, ""), "synthetic", f"{grid.cell_m:g} m")
                  for k, a in arrays.items() if k in SPECS}
        for key in ("distances",):
            if key in kwargs:
                kwargs[key] = {k: take(v) for k, v in kwargs[key].items()}
        for key in ("prefecture", "nearest_demand", "excluded", "elevation_m", "nearest_offtaker", "offtaker_km",
                    "landcover", "glacier"):
            if kwargs.get(key) is not None:
                kwargs[key] = np.asarray(kwargs[key])[inside]
        kind = resource_kind or ("ghi" if tech == "pv" else "wind_speed")
        return cls(tech, grid, inside, layers, kind, **kwargs)

    def to_grid(self, values: np.ndarray, fill=np.nan, dtype=None) -> np.ndarray:
        """Scatter a vector over the inside cells back onto the full 2-D grid."""
        out = np.full(self.grid.shape[0] * self.grid.shape[1], fill, dtype=dtype or values.dtype)
        out[self.flat] = values
        return out.reshape(self.grid.shape)

    def criteria_meta(self, extra: dict[str, Layer] | None = None) -> list[dict]:
        """`Layer.meta()` of every criterion present, plus `extra` layers (`service.criteria_meta` adds the
        distance to the grid at the default `grid_kv`)."""
        return [layer.meta() for layer in {**self.layers, **(extra or {})}.values()]


# ---------------------------------------------------------------------------------------------- distances

def distance_km(grid: Grid, inside: np.ndarray, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Distance in km from each inside cell centre to the nearest cell holding one of the points (x, y),
    and the index of that point; points off the grid are ignored (distance NaN if none is on it)."""
    rows, cols, on = grid.rowcol(x, y)
    n = int(inside.sum())
    if not on.any():
        return np.full(n, np.nan, np.float32), np.full(n, -1, np.int32)
    owner = np.full(grid.shape, -1, np.int32)
    # later points overwrite earlier ones in a shared cell; either is at the same distance
    owner[rows[on], cols[on]] = np.flatnonzero(on).astype(np.int32)
    from scipy import ndimage

    dist, (ir, ic) = ndimage.distance_transform_edt(owner < 0, sampling=grid.cell_m, return_indices=True)
    return (dist[inside] / 1000.0).astype(np.float32), owner[ir[inside], ic[inside]]


# ---------------------------------------------------------------------------------------------- terrain
