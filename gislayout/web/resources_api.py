"""HTTP routes for the resources surface: the catalogue, overlay tiles, point queries and zonal statistics."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from .. import dataversion, resources, tiles
from ..errors import BadParameter
from ..resources import registry

bp = Blueprint("resources", __name__)


def tile_template(name: str = "__name__") -> str:
    """The XYZ URL template ({z}/{x}/{y}) of resource `name`'s tiles, carrying the data version (`v`)."""
    url = url_for("resources.tile", name=name, z="__z__", x="__x__", y="__y__", v=dataversion.token(("resources",)))
    return url.replace("__z__", "{z}").replace("__x__", "{x}").replace("__y__", "{y}")


def _with_urls(entry: dict) -> dict:
    return dict(entry, tiles_url=tile_template(entry["name"]) if entry["installed"] else None)


def _required(key: str) -> str:
    value = request.args.get(key)
    if value is None or value == "":
        raise BadParameter(f"{key} is required, e.g. /api/point?lon=94.66&lat=40.14")
    return value


@bp.get("/api/resources")
def resource_catalogue():
    """Every resource raster known, installed or not, with units, source, bias, legend and overlay bounds."""
    return jsonify([_with_urls(e) for e in resources.catalogue()])


@bp.get("/api/resources/<name>")
def resource_entry(name: str):
    """One catalogue entry; 404 for an unknown name."""
    return jsonify(_with_urls(registry.entry(registry.get_spec(name))))


@bp.get("/api/resources/<name>/tiles/<z>/<x>/<y>.png")
def tile(name: str, z: str, x: str, y: str):
    """XYZ tile (Web Mercator, 256 px PNG) of the resource, coloured like its legend; transparent off the data."""
    data = tiles.resource_tile(name, z, x, y)
    version = dataversion.token(("resources",))
    # a URL carrying the current version never changes; any other revalidates against the version
    fresh = request.args.get("v") == version
    resp = Response(data, mimetype="image/png", headers={
        "Cache-Control": "public, max-age=86400, immutable" if fresh else "no-cache"})
    resp.set_etag(f"{version}-{name}-{z}-{x}-{y}")
    return resp.make_conditional(request)


@bp.get("/api/point")
def point():
    """Every installed resource value at lon/lat, the prefecture, county and zones, and the nearest base and park."""
    return jsonify(resources.point(_required("lon"), _required("lat")))


@bp.get("/api/stats")
def stats():
    """Zonal statistics of a resource per prefecture, county, zone, or base/park buffer (radius_km)."""
    args = request.args
    return jsonify(resources.stats(resource=args.get("resource") or None, unit=args.get("unit", "prefectures"),
                                   scheme=args.get("scheme") or None, radius_km=args.get("radius_km")))
