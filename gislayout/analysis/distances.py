"""Distances that mean what they say: from a zone's polygon to the feature a table row names, by one rule.

The rule (`service.DISTANCE_RULE`): the geodesic distance on the WGS84 ellipsoid from the nearest point of the
zone's polygon to the feature (a point, or an uploaded line's nearest point); 0 only when the feature lies
inside the zone. The feature named is the nearest by that distance, or, for offtakers, the one with the
smallest distance divided by its class weight.

The grid-wide distance fields (`criteria.distance_km`, `connection.field`) stay what the model scores and
thresholds with: cell centre to cell centre on the equal-area grid, fast for 430,000 cells. For the zones a
run describes, this module measures again from the polygon: the equal-area projection finds the nearest
points (and the candidates: every feature within a margin of the nearest), and `pyproj.Geod` gives the
geodesic length between them.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod

from .grid import project, unproject

GEOD = Geod(ellps="WGS84")
#: Candidates re-measured geodesically: within this factor and margin of the best planar distance.
_FACTOR, _MARGIN_M = 1.03, 1500.0


def geodesic_km(poly, geoms, crs: str) -> np.ndarray:
    """Geodesic km from the polygon `poly` (in `crs`) to each geometry of `geoms` (in `crs`); 0 where it touches."""
    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(geoms.size)
    if not geoms.size:
        return out
    touching = shapely.intersects(poly, geoms)
    far = np.flatnonzero(~touching)
    if far.size:
        lines = shapely.shortest_line(poly, geoms[far])
        coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
        lon0, lat0 = unproject(coords[:, 0, 0], coords[:, 0, 1], crs)
        lon1, lat1 = unproject(coords[:, 1, 0], coords[:, 1, 1], crs)
        out[far] = GEOD.inv(lon0, lat0, lon1, lat1)[2] / 1000.0
    return out


def nearest(polys: list, geoms, crs: str, weight=None, keep=None) -> tuple[np.ndarray, np.ndarray]:
    """Per polygon: (index into `geoms` of the nearest feature by the rule, its geodesic km); (-1, NaN) if none.

    `weight`: per feature, the distance is divided by it to choose (offtaker classes); `keep`: bool mask of the
    features that may be chosen (a voltage floor). Vectorised: one planar distance matrix, then one geodesic
    measurement of every candidate pair.
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(polys)
    idx, km = np.full(n, -1, np.int64), np.full(n, np.nan)
    if not n or not geoms.size:
        return idx, km
    allowed = np.ones(geoms.size, bool) if keep is None else np.asarray(keep, bool).copy()
    if weight is not None:
        weight = np.asarray(weight, float)
        allowed &= weight > 0
    allowed &= ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    cand = np.flatnonzero(allowed)
    polys = np.asarray(polys, dtype=object)
    ok = ~shapely.is_missing(polys) & ~shapely.is_empty(polys)
    if not cand.size or not ok.any():
        return idx, km
    w = weight[cand] if weight is not None else np.ones(cand.size)
    rows = np.flatnonzero(ok)
    planar = shapely.distance(polys[rows, None], geoms[None, cand]) / w[None, :]
    best = planar.min(axis=1, keepdims=True)
    pi, ci = np.nonzero(planar <= best * _FACTOR + _MARGIN_M)
    a, b = polys[rows[pi]], geoms[cand[ci]]
    geo = np.zeros(pi.size)
    far = ~shapely.intersects(a, b)
    if far.any():
        coords = shapely.get_coordinates(shapely.shortest_line(a[far], b[far])).reshape(-1, 2, 2)
        lon0, lat0 = unproject(coords[:, 0, 0], coords[:, 0, 1], crs)
        lon1, lat1 = unproject(coords[:, 1, 0], coords[:, 1, 1], crs)
        geo[far] = GEOD.inv(lon0, lat0, lon1, lat1)[2] / 1000.0
    score = geo / w[ci]
    order = np.lexsort((score, pi))  # by polygon, then by weighted geodesic distance
    first = order[np.r_[True, pi[order][1:] != pi[order][:-1]]]
    idx[rows[pi[first]]] = cand[ci[first]]
    km[rows[pi[first]]] = geo[first]
    return idx, km


def points(lon, lat, crs: str) -> np.ndarray:
    """Shapely points in `crs` from WGS84 lon/lat arrays."""
    x, y = project(np.asarray(lon, float), np.asarray(lat, float), crs)
    return shapely.points(np.asarray(x), np.asarray(y))
