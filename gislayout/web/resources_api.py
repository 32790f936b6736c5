"""HTTP routes for the resources surface: the catalogue, overlays, point queries and zonal statistics."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, jsonify, request, url_for

from .. import resources
from ..errors import BadParameter

bp = Blueprint("resources", __name__)


def _with_urls(entry: dict) -> dict:
    return dict(entry, overlay_url=url_for("resources.overlay", name=entry["name"]) if entry["installed"] else None)


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
    from ..resources import registry
    return jsonify(_with_urls(registry.entry(registry.get_spec(name))))


@bp.get("/api/resources/<name>/overlay.png")
def overlay(name: str):
    """The resource as a coloured PNG in EPSG:4326 for a Leaflet ImageOverlay (bounds in the catalogue)."""
    data = resources.overlay_png(name)
    # the bytes change when the resource is reinstalled under the same name: revalidate every time
    etag = hashlib.sha1(data).hexdigest()[:20]
    if request.if_none_match and etag in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{etag}"', "Cache-Control": "no-cache"})
    return Response(data, mimetype="image/png", headers={"ETag": f'"{etag}"', "Cache-Control": "no-cache"})


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
