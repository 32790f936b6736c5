"""Siting potential of an area: the siting analysis run once per technology with its default parameters,
summed over the area's prefectures.

The one integration point is `gislayout.analysis.service` (`stack`, `parse`, `run`, whose `by_prefecture`
gives suitable area, capacity and generation per prefecture). When a technology has no resource raster
installed, nothing is invented: `potential` returns no rows for it and a note naming the missing resource
and the command that installs it. Any other failure is an error, not a note.
"""

from __future__ import annotations

import threading

import pandas as pd

from .. import dataversion
from ..analysis import service
from ..errors import ResourceUnavailable
from .areas import Area

TECHS = ("pv", "wind")
FIGURES = ("capacity_mw", "area_km2", "generation_gwh")
_UNITS = {"capacity_mw": "MW", "area_km2": "km²", "generation_gwh": "GWh/yr"}
_lock = threading.Lock()


def by_prefecture(tech: str) -> pd.DataFrame:
    """Potential per prefecture for `tech` (default parameters), cached per data version.

    Raises ResourceUnavailable, naming the install command, when no resource for `tech` is installed.
    """
    with _lock:
        return _by_prefecture(tech)


@dataversion.cached(maxsize=4)
def _by_prefecture(tech: str) -> pd.DataFrame:
    stack = service.stack(tech)
    result = service.run(stack, service.parse(stack, {}), polygons=False)
    return result.by_prefecture.set_index("prefecture")


def potential(area: Area) -> tuple[list[tuple[str, str, str, float | None]], list[str]]:
    """Rows (group, metric, units, value) of the area's siting potential, and notes on what was not computed."""
    rows, missing = [], []
    for tech in TECHS:
        try:
            table = by_prefecture(tech)
        except ResourceUnavailable as exc:  # an optional input the user has not installed, named in the message
            missing.append(f"{tech}: {exc.message}")
            continue
        part = table.reindex(list(area.prefectures)).fillna(0.0)
        for figure in FIGURES:
            rows.append(("siting", f"siting_{tech}_{figure}", _UNITS[figure], round(float(part[figure].sum()), 1)))
    notes = [f"siting potential: not computed ({'; '.join(missing)})"] if missing else []
    return rows, notes
