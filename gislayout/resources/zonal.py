"""Zonal statistics of a resource per prefecture, county, zone, or base/park buffer.

The engine is `exact` (exactextract's exact cell coverage, weighted by covered km², so results are right in
km² on a latitude-longitude grid). Buffers are drawn in the equal-area CRS. Three caches: zone polygons per
parameters, coverage per zone set and grid, and results per parameters and installed file; all keyed on the
data version, so an edited layer or a reinstalled raster is seen at once.
"""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
from affine import Affine

from .. import boundaries, config, dataversion, layers, regions
from ..errors import BadParameter, allowed, number
from . import exact, registry, store
from .exact import STATS

UNITS = ("prefectures", "counties", "zones", "bases", "parks")
POINT_UNITS = ("bases", "parks")
#: Units that are unions of counties.
NESTED = ("prefectures", "zones")
DEFAULT_RADIUS_KM = 10.0
MAX_RADIUS_KM = 100.0
_LOCK = threading.Lock()


@dataversion.cached(maxsize=32)
def polygons(unit: str, scheme: str, radius_km: float) -> gpd.GeoDataFrame:
    """Zones of `unit` in EPSG:4326: key, names, prefecture, zone_id, area_km2 (equal-area). Shared: do not modify."""
    if unit == "prefectures":
        gdf = boundaries.load("prefecture").assign(key=lambda d: d["adcode"], prefecture=lambda d: d["name_zh"])
    elif unit == "counties":
        gdf = boundaries.load("county").assign(key=lambda d: d["adcode"])
    elif unit == "zones":
        gdf = regions.zones_gdf(scheme).assign(key=lambda d: d["zone"], zone_id=lambda d: d["zone"], prefecture=None)
    else:
        points = layers.load(unit)
        buffered = points.to_crs(config.EQUAL_AREA).buffer(radius_km * 1000.0, quad_segs=16).to_crs(config.WGS84)
        gdf = gpd.GeoDataFrame(points.drop(columns="geometry"), geometry=buffered.values, crs=config.WGS84)
        gdf = gdf.assign(key=gdf["id"])
    if unit != "zones":
        zone_of = {p: regions.get(scheme).zone_of(p).id for p in set(gdf["prefecture"])}
        gdf = gdf.assign(zone_id=[zone_of[p] for p in gdf["prefecture"]])
    gdf = gdf.assign(area_km2=gdf.to_crs(config.EQUAL_AREA).area / 1e6)
    cols = ["key", "name_zh", "name_en", "prefecture", "zone_id", "area_km2", "geometry"]
    return gdf[cols].reset_index(drop=True)


@dataversion.cached(maxsize=16)
def groups(unit: str, scheme: str) -> tuple[tuple[int, ...], ...] | None:
    """For prefectures and zones: the county rows forming each one, if the counties tile it exactly, else None."""
    if unit not in NESTED:
        return None
    counties = polygons("counties", scheme, 0.0)
    target = polygons(unit, scheme, 0.0)
    column = "prefecture" if unit == "prefectures" else "zone_id"
    keys = target["name_zh"] if unit == "prefectures" else target["key"]
    members = tuple(tuple(np.flatnonzero(counties[column].to_numpy() == k)) for k in keys)
    for rows, area in zip(members, target["area_km2"]):
        if abs(counties["area_km2"].to_numpy()[list(rows)].sum() - area) > 1e-6 * area:
            return None
    return members


@dataversion.cached(maxsize=64)
def _coverage(unit: str, scheme: str, radius_km: float, transform: tuple, shape: tuple) -> exact.Coverage:
    return exact.coverage(polygons(unit, scheme, radius_km), Affine(*transform), shape)


def _coverage_for(unit: str, scheme: str, radius_km: float, transform: Affine, shape) -> exact.Coverage:
    # only zones depend on the scheme geometrically; share the rest between schemes
    return _coverage(unit, scheme if unit == "zones" else config.DEFAULT_SCHEME, radius_km,
                     tuple(transform)[:6], tuple(shape))


def unit_stats(values: np.ndarray, transform: Affine, unit: str, scheme: str = config.DEFAULT_SCHEME,
               radius_km: float = 0.0, county_parts: list | None = None) -> list[dict]:
    """Statistics of `values` (EPSG:4326 grid, NaN nodata) per zone of `unit`, as API rows.

    exactextract's coverage is cached per zone set and grid. Prefectures and zones are merged from the
    counties' sorted cells (`county_parts`, computed here if not given) when the counties tile them exactly.
    """
    members = groups(unit, scheme)
    if unit == "counties" or members is not None:
        county_cover = _coverage_for("counties", scheme, 0.0, transform, values.shape)
        if county_parts is None:
            county_parts = exact.sorted_parts(values, county_cover)
        covered = _covered(county_cover)
        if unit == "counties":
            stats = [exact.summarise_sorted(v, w) for v, w in county_parts]
        else:
            stats = exact.grouped_stats(county_parts, members)
            covered = [sum(covered[i] for i in g) for g in members]
    else:
        cover = _coverage_for(unit, scheme, radius_km, transform, values.shape)
        stats, covered = exact.zone_stats(values, cover), _covered(cover)
    return rows_for(polygons(unit, scheme, radius_km), stats, covered)


def _covered(cover: exact.Coverage) -> list[float]:
    """Per zone, the km² of all the cells it covers, valid or not (exactextract's spherical areas)."""
    return [float(k.sum()) for k in cover.km2]


def rows_for(zones: gpd.GeoDataFrame, stats: list[dict], covered: list[float]) -> list[dict]:
    """The API rows: zone identity, rounded statistics, valid and total area (km²) and coverage.

    `coverage` is the valid share of the zone's covered cells, both measured by exactextract on the sphere;
    `valid_area_km2` applies that share to `area_km2`, the zone's equal-area (ellipsoidal) area, so the two
    areas are on one measure and valid never exceeds total.
    """
    out = []
    for zone, stat, total in zip(zones.itertuples(), stats, covered):
        row = {"id": zone.key, "name_zh": zone.name_zh, "name_en": zone.name_en, "zone": zone.zone_id}
        row.update({k: None if stat[k] is None else round(stat[k], 3) for k in STATS})
        share = min(1.0, stat["valid_km2"] / total) if total > 0 else 0.0
        row.update(valid_area_km2=round(share * float(zone.area_km2), 2), area_km2=round(float(zone.area_km2), 2),
                   coverage=round(share, 4))
        out.append(row)
    return out


def clear_caches() -> None:
    """Forget zone polygons, coverage and results (benchmarks: a cold start; not needed for correctness)."""
    for cache in (polygons, groups, _coverage, _county_parts, _cached, _geometry_stats):
        cache.cache_clear()


@dataversion.cached(maxsize=4)
def _county_parts(name: str, token: str) -> list:
    values, transform = store.band1(name)
    return exact.sorted_parts(values, _coverage_for("counties", config.DEFAULT_SCHEME, 0.0, transform, values.shape))


@dataversion.cached(maxsize=256)
def _cached(name: str, token: str, unit: str, scheme: str, radius_km: float) -> tuple:
    values, transform = store.band1(name)
    parts = _county_parts(name, token) if unit == "counties" or groups(unit, scheme) is not None else None
    return tuple(unit_stats(values, transform, unit, scheme, radius_km, county_parts=parts))


def stats(resource: str | None = None, unit: str = "prefectures", scheme: str | None = None,
          radius_km=None) -> dict:
    """Zonal statistics of `resource` (default: the GHI in use) per `unit`; cached.

    Parameters
    ----------
    resource : an installed resource name; NotFound if unknown, ResourceUnavailable if not installed.
    unit : prefectures, counties, zones (of `scheme`), bases or parks (buffers of `radius_km`).
    scheme : the region scheme for `zones` and for each row's zone label (default `config.DEFAULT_SCHEME`).
    radius_km : buffer radius for bases and parks, in (0, 100] km (default 10).
    """
    allowed(unit, UNITS, "unit")
    scheme = scheme or config.DEFAULT_SCHEME
    allowed(scheme, regions.schemes(), "scheme")
    radius = DEFAULT_RADIUS_KM if radius_km in (None, "") else number(radius_km, "radius_km")
    if not 0 < radius <= MAX_RADIUS_KM:
        raise BadParameter(f"radius_km {radius!r} out of range (0, {MAX_RADIUS_KM:g}]")
    resource = resource or registry.default_for("ghi")
    if resource is None:
        raise BadParameter("no resource given and no GHI raster installed; pass resource=")
    spec = registry.require(resource)
    meta = store.installed_meta()[resource]
    token = f"{store.root()}|{meta.get('sha256')}"
    with _LOCK:
        rows = _cached(resource, token, unit, scheme, radius if unit in POINT_UNITS else 0.0)
    return {"resource": resource, "title_zh": spec.title_zh, "title_en": spec.title_en, "units": spec.units,
            "source": spec.source, "is_estimate": spec.is_estimate, "unit": unit, "scheme": scheme,
            "radius_km": radius if unit in POINT_UNITS else None, "stats": list(rows)}


def stats_for_geometry(name: str, geometry) -> dict:
    """mean, min, max, p10, p50, p90 and valid km² of installed resource `name` over one WGS84 polygon; cached."""
    registry.require(name)
    token = f"{store.root()}|{store.installed_meta()[name].get('sha256')}"
    with _LOCK:
        return dict(_geometry_stats(name, token, geometry.wkb))


@dataversion.cached(maxsize=128)
def _geometry_stats(name: str, token: str, wkb: bytes) -> tuple:
    import shapely
    values, transform = store.band1(name)
    zone = gpd.GeoDataFrame(geometry=[shapely.from_wkb(wkb)], crs=config.WGS84)
    stat = exact.zone_stats(values, exact.coverage(zone, transform, values.shape))[0]
    return tuple(stat.items())
