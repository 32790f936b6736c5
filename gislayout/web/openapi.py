"""The OpenAPI 3 description served at `/api/openapi.json`, assembled from one fragment per blueprint.

How to document a route (tests/test_openapi.py fails until every route of the app is described):

* in the module that defines the blueprint, set `OPENAPI_PATHS` to a dict (or a zero-argument function
  returning one) of OpenAPI path items, built with the helpers here, e.g.::

      OPENAPI_PATHS = {
          "/api/stats": openapi.get("Zonal statistics", "…", tag="resources",
                                    params=[openapi.query("resource", {"type": "string"}, "…", required=True)],
                                    errors=(400, 404)),
      }

* or, for a module that has no fragment (pages, or a blueprint you do not own), add the entry to `PATHS`
  below. Flask's `<name>` becomes `{name}` in the path. `/static/...` is the only route left out (`EXCLUDED`).
"""

from __future__ import annotations

import re
import sys
from http import HTTPStatus

from flask import Flask

from .. import __version__, config

#: Rules of the app not described, and why: Flask's own static files.
EXCLUDED = {"static": "Flask's static file route, not part of the API"}

ERROR_STATUSES = (400, 401, 403, 404, 405, 409, 413, 429)


def ref(name: str) -> dict:
    """A reference to a schema in `components/schemas`."""
    return {"$ref": f"#/components/schemas/{name}"}


def query(name: str, schema: dict, description: str = "", *, required: bool = False,
          explode: bool | None = None) -> dict:
    """A query parameter; `explode=False` with an array schema means a comma-separated list."""
    param = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    if explode is not None:
        param |= {"style": "form", "explode": explode}
    return param


def path_param(name: str, schema: dict, description: str = "") -> dict:
    """A path parameter (`{name}` in the path)."""
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema}


def plan_parameters() -> list[dict]:
    """`version` and `as_of`, which every route takes (the editable layers then come from that version)."""
    return [query("version", {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"},
                  "A version of the plan in the store (see /api/versions); default: the curated layers/ files"),
            query("as_of", {"type": "string"}, "With version: as of this change number or ISO 8601 time")]


def list_of(values: list[str]) -> dict:
    """The schema of a comma-separated list drawn from `values`."""
    return {"type": "array", "items": {"type": "string", "enum": values} if values else {"type": "string"},
            "minItems": 1}


def header(description: str) -> dict:
    """A documented response header (a string)."""
    return {"description": description, "schema": {"type": "string"}}


def json_object(schema: dict | None = None, description: str = "OK") -> dict:
    """A 200 response with a JSON object body."""
    return {"description": description, "content": {"application/json": {"schema": schema or {"type": "object"}}}}


def json_array(item: str | None = None, description: str = "OK") -> dict:
    """A 200 response with a JSON array body (of `components/schemas/<item>` if given)."""
    items = ref(item) if item else {}
    return {"description": description, "content": {"application/json": {"schema": {"type": "array",
                                                                                      "items": items}}}}


def html_page(description: str = "An HTML page") -> dict:
    """A 200 response with an HTML body."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def error(status: int) -> dict:
    """The reference to the one error response of `status`."""
    return {"$ref": f"#/components/responses/E{status}"}


def get(summary: str, description: str = "", *, tag: str = "api", params: list[dict] | None = None,
        ok: dict | None = None, errors: tuple[int, ...] = ()) -> dict:
    """A path item with one GET operation. `ok` is the 200 response; `errors` the statuses it may return."""
    return {"get": operation(summary, description, tag=tag, params=params, ok=ok, errors=errors)}


def operation(summary: str, description: str = "", *, tag: str = "api", params: list[dict] | None = None,
              ok: dict | None = None, errors: tuple[int, ...] = (), body: dict | None = None) -> dict:
    """One operation (for POST and others, or several methods on one path: `{"get": ..., "post": ...}`)."""
    op = {"summary": summary, "description": description, "tags": [tag], "parameters": params or [],
          "responses": {"200": ok or {"description": "OK"}, **{str(s): error(s) for s in errors}}}
    if body is not None:
        op["requestBody"] = body
    return op


def binary(media_type: str, description: str = "OK") -> dict:
    """A 200 response with a binary body of `media_type` (an image, a file)."""
    return {"description": description, "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}


#: Paths of routes whose module has no `OPENAPI_PATHS` fragment (pages, the resources surface); one entry per
#: route. A module's own fragment takes precedence over an entry here.
PATHS: dict[str, dict] = {
    "/": get("The atlas", "The web atlas (HTML). The query string is the view, a permalink; values the atlas "
             "does not know are dropped, never an error (see gislayout.maps.state).", tag="pages", ok=html_page(),
             params=[query(k, {"type": "string"}, d) for k, d in (
                 ("lang", "zh or en"), ("scheme", "region scheme"), ("zone", "zones, comma-separated"),
                 ("sector", "sectors, comma-separated"), ("level", "levels, comma-separated"),
                 ("kind", "kinds, comma-separated"), ("prefecture", "prefectures, comma-separated"),
                 ("layers", "visible layers and overlays, comma-separated"), ("base", "basemap"),
                 ("opacity", "overlay opacities, name:0.7,…"), ("c", "centre, lat,lon"), ("z", "zoom"),
                 ("sel", "selected feature id"), ("choro", "choropleth shown, unit:stat, e.g. prefectures:ghi_mean"))]),
    "/atlas/relief.jpg": get("Shaded-relief basemap", "The offline relief image under the atlas.", tag="pages",
                             ok=binary("image/jpeg")),
    "/atlas/geo/{name}.json": get(
        "Boundary or ground layer for the atlas", "Compact display GeoJSON of a boundary layer (rounded, trimmed) "
        "or a ground layer (every attribute), gzipped when accepted.",
        tag="pages", errors=(400, 404),
        params=[path_param("name", {"type": "string", "enum": ["province", "prefectures", "counties", "regions",
                                                               "plants", "cdm_projects", "mines", "substations",
                                                               "published_figures", "footprints"]},
                           "Boundary or ground layer"),
                query("scheme", {"type": "string"}, "Region scheme (regions only; default 2009)")],
        ok={"description": "GeoJSON", "content": {"application/geo+json": {"schema": {"type": "object"}}}}),
    "/atlas/context/{name}.json": get(
        "Map context for the atlas", "A context layer the atlas draws from a zoom on: place names (seats with the "
        "atlas's admin names, GeoNames towns), Natural Earth rivers, OpenStreetMap railway stations. Points come "
        "as {columns, rows}, rivers as GeoJSON; each with its min_zoom and attribution. Gzipped when accepted.",
        tag="pages", errors=(404,),
        params=[path_param("name", {"type": "string", "enum": ["places", "rivers", "railway_stations"]},
                           "Context layer")],
        ok=json_object()),
    "/api/resources": get("Resource rasters", "Every resource raster known, installed or not, with units, "
                          "source, bias, legend and overlay bounds.", tag="resources", ok=json_array()),
    "/api/resources/{name}": get(
        "One resource raster", "One catalogue entry.", tag="resources", errors=(404,),
        params=[path_param("name", {"type": "string"}, "Resource name, e.g. ghi_estimate (see /api/resources)")],
        ok=json_object()),
    "/api/resources/{name}/tiles/{z}/{x}/{y}.png": get(
        "Resource map tile", "XYZ tile (Web Mercator, 256 px PNG) of an installed resource raster, read from its "
        "Cloud-Optimized GeoTIFF with rio-tiler and coloured with the legend's colormap (palette index 1..255 over "
        "vmin..vmax, 0 = nodata, transparent). A tile with no data is a transparent tile (200). ETag is the data "
        "version; with `v` equal to the current version (the catalogue's `tiles_url`) the tile is cacheable for a "
        "day, otherwise it is revalidated.", tag="resources", errors=(400, 404),
        params=[path_param("name", {"type": "string"}, "Resource name (see /api/resources)"),
                path_param("z", {"type": "integer", "minimum": 0, "maximum": 18}, "Zoom"),
                path_param("x", {"type": "integer", "minimum": 0}, "Column, 0..2^z-1"),
                path_param("y", {"type": "integer", "minimum": 0}, "Row, 0..2^z-1 (north first)"),
                query("v", {"type": "string"}, "Data version (cache key), as in the catalogue's tiles_url")],
        ok=binary("image/png")),
    "/api/point": get(
        "Values at a point", "Every installed resource value at lon/lat (with units, `is_estimate` and, for an "
        "estimate, its `measured_error`), the prefecture, county and zone in every scheme, and the nearest base, "
        "park, recorded power plant (`plants`) and substation of at least 330 kV (`substations`), each with its "
        "geodesic distance in km (WGS 84 ellipsoid).", tag="resources", errors=(400,),
        params=[query("lon", {"type": "number"}, "Longitude, WGS 84 degrees", required=True),
                query("lat", {"type": "number"}, "Latitude, WGS 84 degrees", required=True)],
        ok=json_object(ref("PointAnswer"))),
    "/api/stats": get(
        "Zonal statistics", "Statistics of a resource per prefecture, county, zone, or base/park buffer.",
        tag="resources", errors=(400, 404),
        params=[query("resource", {"type": "string"}, "Resource name (default: the GHI in use)"),
                query("unit", {"type": "string", "enum": ["prefectures", "counties", "zones", "bases", "parks"],
                               "default": "prefectures"}, "Zones to summarise"),
                query("scheme", {"type": "string"}, "Region scheme for unit=zones"),
                query("radius_km", {"type": "number"}, "Buffer radius for bases and parks, (0, 100] km")],
        ok=json_object()),
}

_NEAREST = {"type": "object", "nullable": True, "description": "Null when the layer has no such feature",
            "properties": {"id": {"type": "string"}, "name_zh": {"type": "string"}, "name_en": {"type": "string"},
                           "precision": {"type": "string"}, "distance_km": {"type": "number"}}}

SCHEMAS = {
    "PointAnswer": {
        "type": "object", "required": ["lon", "lat", "prefecture", "county", "zones", "resources"],
        "properties": {
            "lon": {"type": "number"}, "lat": {"type": "number"},
            "prefecture": {"type": "object"}, "county": {"type": "object"},
            "zones": {"type": "object", "description": "scheme id → {zone, name_zh, name_en}"},
            "resources": {"type": "array", "items": {"type": "object", "properties": {
                "name": {"type": "string"}, "quantity": {"type": "string"}, "units": {"type": "string"},
                "value": {"type": "number", "nullable": True}, "is_estimate": {"type": "boolean"},
                "measured_error": {"type": "object", "nullable": True,
                                   "description": "leave-one-out error of an estimate: mean_abs_pct, max_abs_pct, "
                                                  "max_region_zh/en, figures"}}}},
            "not_installed": {"type": "array", "items": {"type": "object"}},
            "nearest_base": _NEAREST, "nearest_park": _NEAREST,
            "nearest_plant": _NEAREST | {"description": "kind, capacity_mw, commissioning_year as well"},
            "nearest_substation": _NEAREST | {"description": "Of max_voltage_kv ≥ 330; max_voltage_kv as well"}}},
    "Error": {
        "type": "object", "required": ["status", "error", "message"],
        "properties": {"status": {"type": "integer", "description": "The HTTP status"},
                       "error": {"type": "string", "description": "The status phrase, e.g. Not Found"},
                       "message": {"type": "string",
                                   "description": "What went wrong, quoting the offending value and, where useful, "
                                                  "listing the allowed ones"}}},
    "FeatureCollection": {
        "type": "object", "required": ["type", "features"],
        "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                       "name": {"type": "string", "description": "The layer name"},
                       "metadata": {"type": "object", "description": "Sources, licence, generated time, scheme "
                                                                     "and filters (an RFC 7946 foreign member)"},
                       "features": {"type": "array", "items": {"type": "object"}}}},
    "LayerInfo": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "title_zh": {"type": "string"}, "title_en": {"type": "string"},
                       "geometry_type": {"type": "string"}, "count": {"type": "integer"},
                       "source": {"type": "string"}, "group": {"type": "string"},
                       "filters": {"type": "array", "items": {"type": "string"}}}},
    "Scheme": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "title_zh": {"type": "string"}, "title_en": {"type": "string"},
                       "source": {"type": "string"}, "note": {"type": "string"},
                       "zones": {"type": "array", "items": {"type": "object"}}}},
}


def _responses() -> dict:
    return {f"E{s}": {"description": HTTPStatus(s).phrase,
                      "content": {"application/json": {"schema": ref("Error")}}} for s in ERROR_STATUSES}


def fragments(app: Flask) -> dict[str, dict]:
    """The path items of `PATHS`, overridden and extended by the fragments of the app's blueprint modules."""
    paths: dict[str, dict] = {path: dict(item) for path, item in PATHS.items()}
    for blueprint in app.blueprints.values():
        fragment = getattr(sys.modules.get(blueprint.import_name), "OPENAPI_PATHS", None)
        if callable(fragment):
            fragment = fragment()
        for path, item in (fragment or {}).items():
            paths.setdefault(path, {}).update(item)
    return paths


def spec(app: Flask) -> dict:
    """The whole OpenAPI 3.0 document of `app`."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "gislayout API", "version": __version__,
                 "description": "Gansu's strategic emerging industries (2010 policy) as GIS layers, resources "
                                "and analyses. Every error is JSON: {status, error, message}. "
                                + config.BOUNDARY_ATTRIBUTION,
                 "license": {"name": "MIT"}},
        "paths": dict(sorted(fragments(app).items())),
        "components": {"schemas": SCHEMAS, "responses": _responses()},
    }


def openapi_path(rule: str) -> str:
    """Flask's `/api/layers/<name>` (or `<path:name>`) as OpenAPI's `/api/layers/{name}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def routes(app: Flask) -> list[tuple[str, str, str]]:
    """Every (OpenAPI path, method, endpoint) the app serves, except `EXCLUDED` endpoints."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXCLUDED:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((openapi_path(rule.rule), method.lower(), rule.endpoint))
    return out
