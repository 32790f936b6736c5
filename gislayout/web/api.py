"""The JSON API: the layer catalogue and each layer as GeoJSON with the same filters as the map."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import geojson, layers, regions
from ..errors import BadParameter

bp = Blueprint("api", __name__, url_prefix="/api")


def layer_filters() -> dict:
    """The layer filters present in the query string (other parameters are left to the route)."""
    return {k: request.args[k] for k in layers.FILTERS if k in request.args}


@bp.get("/layers")
def layer_catalogue():
    """Every layer: name, titles, geometry type, count, source and filters."""
    return jsonify(layers.catalogue())


@bp.get("/layers/<name>")
def layer(name: str):
    """One layer as RFC 7946 GeoJSON in EPSG:4326, filtered by the query string."""
    layers.get_spec(name)
    display = request.args.get("display", "0")
    if display not in ("0", "1"):
        raise BadParameter(f"display must be 0 or 1, got {display!r}")
    gdf = layers.load(name, display=display == "1", **layer_filters())
    return Response(geojson.dumps(gdf), mimetype="application/geo+json")


@bp.get("/schemes")
def scheme_list():
    """Every region scheme with its zones, members and source."""
    return jsonify([{"id": s.id, "title_zh": s.title_zh, "title_en": s.title_en, "source": s.source,
                     "note": s.note, "zones": [z.__dict__ | {"members": list(z.members)} for z in s.zones]}
                    for s in regions.schemes().values()])


@bp.get("/sectors")
def sector_list():
    """The vocabulary of the five industries and their sub-sectors."""
    return jsonify(layers.sectors().fillna("").to_dict(orient="records"))


@bp.get("/chains")
def chain_list():
    """The ten industrial chains of 三(二)1 and their members."""
    return jsonify(layers.chains().fillna("").to_dict(orient="records"))


@bp.get("/targets")
def target_list():
    """The policy's quantitative targets."""
    return jsonify(layers.targets().fillna("").to_dict(orient="records"))
