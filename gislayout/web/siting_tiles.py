"""HTTP route of the suitability surface as XYZ map tiles, cut from the run's score grid (see gislayout.tiles).

The query string is the run's, as for `/api/siting/run`: `tech`, the model parameters that differ from the
defaults (`off` = no threshold) and `exclude`; the panel gets the template from the run's `surface.url`.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, request

from .. import dataversion, tiles
from . import openapi
from .siting_api import _setup

bp = Blueprint("siting_tiles", __name__)


@bp.get("/api/siting/tiles/<z>/<x>/<y>.png")
def tile(z: str, x: str, y: str):
    """XYZ tile (Web Mercator, 256 px PNG) of the suitability surface of the run in the query string."""
    stack, params, mask = _setup()  # validates every parameter and exclusion id with the run's messages
    exclude = tuple(s.strip() for s in (request.args.get("exclude") or "").split(",") if s.strip())
    data = tiles.surface_tile(stack, params, exclude, mask, z, x, y)
    resp = Response(data, mimetype="image/png", headers={"Cache-Control": "no-cache"})
    resp.set_etag(hashlib.sha256(repr((dataversion.token(), request.full_path)).encode()).hexdigest()[:20])
    return resp.make_conditional(request)


OPENAPI_PATHS = {
    "/api/siting/tiles/{z}/{x}/{y}.png": openapi.get(
        "Suitability surface tile", "XYZ tile (Web Mercator, 256 px PNG) of the suitability surface of the run "
        "given in the query string (the parameters of /api/siting/run; `surface.url` of a run is this template): "
        "the ramp over suitable cells, a grey veil over unsuitable ones, transparent outside Gansu or off the grid. "
        "ETag follows the data version.", tag="siting", errors=(400, 404),
        params=[openapi.path_param("z", {"type": "integer", "minimum": 0, "maximum": 18}, "Zoom"),
                openapi.path_param("x", {"type": "integer", "minimum": 0}, "Column, 0..2^z-1"),
                openapi.path_param("y", {"type": "integer", "minimum": 0}, "Row, 0..2^z-1 (north first)"),
                openapi.query("tech", {"type": "string", "enum": ["pv", "wind"]}, "Technology (default pv)"),
                openapi.query("exclude", {"type": "string"}, "Exclusion-set ids, comma-separated")],
        ok=openapi.binary("image/png")),
}
