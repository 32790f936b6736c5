"""Siting potential of an area: the siting analysis run once per technology with its default parameters,
summed over the area's prefectures, and the potential reachable by the offtakers located in the area
(`supply.inverse` of the same default run, each offtaker placed in its prefecture by a spatial join).

The one integration point is `gislayout.analysis.service` (`stack`, `parse`, `run`, whose `by_prefecture`
gives suitable area, capacity and generation per prefecture). When a technology has no resource raster
installed, nothing is invented: `potential` returns no rows for it and a note naming the missing resource
and the command that installs it. Any other failure is an error, not a note.
"""

from __future__ import annotations

import threading

import geopandas as gpd
import pandas as pd

from .. import boundaries, dataversion
from ..analysis import service
from ..errors import ResourceUnavailable
from .areas import Area

TECHS = ("pv", "wind")
FIGURES = ("capacity_mw", "area_km2", "generation_gwh")
#: The offtaker row: MW reachable (supply.inverse, default offtaker_km and max_lcoe) summed over the area's
#: offtakers. A zone may count for several offtakers, so the sum is an upper bound, never an allocation.
OFFTAKER_FIGURE = "offtaker_reachable_mw"
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


def offtakers(tech: str) -> pd.DataFrame:
    """The default run's offtakers (supply.inverse) with the prefecture (name_zh) each lies in, cached per data
    version; an offtaker outside every prefecture has no prefecture and counts for no area.

    Raises ResourceUnavailable, naming the install command, when no resource for `tech` is installed.
    """
    with _lock:
        return _offtakers(tech)


@dataversion.cached(maxsize=4)
def _offtakers(tech: str) -> pd.DataFrame:
    stack = service.stack(tech)
    result = service.run(stack, service.parse(stack, {}), polygons=False)
    rows = service.supply.inverse(stack, result.zones, result.economics, result.params)
    frame = pd.DataFrame(rows, columns=list(rows[0]) if rows else ["id", "lon", "lat", "reachable_mw"])
    frame = frame[["id", "lon", "lat", "reachable_mw"]]
    points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
    prefectures = boundaries.load("prefecture")[["name_zh", "geometry"]].to_crs("EPSG:4326")
    joined = gpd.sjoin(points, prefectures, how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]  # a point on a shared border counts once
    return pd.DataFrame(joined.drop(columns=["geometry", "index_right"])).rename(columns={"name_zh": "prefecture"})


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
        off = offtakers(tech)
        inside = off["prefecture"].isin(area.prefectures)
        rows.append(("siting", f"siting_{tech}_{OFFTAKER_FIGURE}", "MW",
                     round(float(off.loc[inside, "reachable_mw"].sum()), 1)))
    notes = [f"siting potential: not computed ({'; '.join(missing)})"] if missing else []
    return rows, notes
