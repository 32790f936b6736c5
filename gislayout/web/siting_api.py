"""HTTP routes of the siting analysis: run the model, the surface overlay, zone exports, uploads, the panel page.

Every route takes the model parameters in the query string (see `GET /api/siting/params` for the keys,
defaults and their documentation), so a URL reproduces a run. `POST /api/siting/run` also accepts them as
a JSON object body.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from .. import geojson, printing
from ..analysis import costs, criteria, exclusions, gridstore, model, outputs, service, sites, surface, upload
from ..analysis.energy import turbine_names
from ..analysis.grid import clip_project
from ..errors import BadParameter, InvalidData, ResourceUnavailable
from ..maps import sitingpage
from . import openapi, quotas
from .errors import GLOBAL_PARAMS

bp = Blueprint("siting", __name__)

#: Query keys that are not model parameters.
_NOT_PARAMS = ("tech", "format", "exclude", "lang", "filename", "purpose", "grid") + GLOBAL_PARAMS


def _tech() -> str:
    body = request.get_json(silent=True) if request.method == "POST" and request.is_json else None
    tech = request.args.get("tech") or (body.get("tech") if isinstance(body, dict) else None) or "pv"
    if tech not in criteria.TECHS:
        raise BadParameter(f"unknown tech {tech!r}; allowed: {', '.join(criteria.TECHS)}")
    return tech


def _query() -> dict:
    """Model parameters from the query string, overlaid by a JSON object body on POST."""
    query = {k: v for k, v in request.args.items() if k not in _NOT_PARAMS}
    if request.method == "POST" and request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadParameter("the JSON body must be an object of parameter names to values")
        query.update({k: ("" if v is None else str(v)) for k, v in body.items() if k not in _NOT_PARAMS})
    return query


def _setup():
    """(stack, params, exclusion mask) for this request."""
    stack = service.stack(_tech())
    params = service.parse(stack, _query())
    return stack, params, exclusions.mask(stack, exclusions.parse_ids(request.args.get("exclude")))


def _grid_id() -> str | None:
    """The uploaded grid of `grid=<id>` (checked: 400 if malformed, 404 if not stored), or None."""
    return gridstore.check(request.args.get("grid"))


def _surface_url(tech: str, params: model.Params) -> str:
    """The surface's XYZ tile URL template for the same run (served by gislayout.web.siting_tiles)."""
    return tile_template(tech, params.changed())


def tile_template(tech: str, changed: dict) -> str:
    """The XYZ URL template ({z}/{x}/{y}) of a run's surface: its changed parameters (off = no threshold)."""
    args = {k: ("off" if v is None else v) for k, v in changed.items()}
    for key in ("exclude", "version", "as_of"):  # the same exclusions and version of the plan as the run
        if request.args.get(key):
            args[key] = request.args[key]
    url = url_for("siting_tiles.tile", z="__z__", x="__x__", y="__y__", tech=tech, **args)
    return url.replace("__z__", "{z}").replace("__x__", "{x}").replace("__y__", "{y}")


@bp.route("/api/siting/run", methods=["GET", "POST"])
def run():
    """Score the grid, rank the zones; return the top zones as GeoJSON, the table, roll-ups and the overlay."""
    stack, params, exclude = _setup()
    result = service.run(stack, params, exclude, grid=_grid_id())
    body = service.summary(result)
    body["zones"] = geojson.feature_collection(service.zones_gdf(result))
    for feature in body["zones"]["features"]:  # the nested substation / offtaker / nearest_park objects
        feature["properties"] = service.nest(feature["properties"])
    _, bounds = surface.overlay_index(stack)
    body["surface"] = {"url": _surface_url(stack.tech, params), "bounds": bounds, "legend": surface.legend()}
    body["exclude"] = exclusions.parse_ids(request.args.get("exclude"))
    return jsonify(body)


@bp.get("/api/siting/supply")
def supply_curve():
    """The supply curve (cumulative MW against LCOE) and the offtakers' reachable potential; `format=csv`."""
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise BadParameter(f"unknown format {fmt!r}; allowed: json, csv")
    stack, params, exclude = _setup()
    result = service.run(stack, params, exclude, polygons=False, top=0, grid=_grid_id())
    curve = service.supply_curve(result)
    if fmt == "csv":
        return _file(service.supply_csv(curve), "csv", f"gislayout_siting_{stack.tech}_supply")
    return jsonify({"tech": stack.tech, "params": dict(params.values), "costs": result.costs.as_dict(),
                    "supply_curve": curve, "headline": service.headline(result),
                    "offtakers": service.supply.inverse(stack, result.zones, result.economics, params),
                    "caveat": service.run_caveat(result)})


@bp.get("/api/siting/zones")
def zones_export():
    """The ranked top zones as a GeoJSON, GeoPackage or CSV file."""
    fmt = request.args.get("format", "geojson")
    if fmt not in outputs.FORMATS:
        raise BadParameter(f"unknown format {fmt!r}; allowed: {', '.join(outputs.FORMATS)}")
    stack, params, exclude = _setup()
    result = service.run(stack, params, exclude, grid=_grid_id())
    return _file(service.zones_file(result, fmt), fmt, f"gislayout_siting_{stack.tech}_zones")


def _file(data: bytes, fmt: str, stem: str) -> Response:
    """A download of `data` in `fmt` (one Content-Type, with its charset for CSV)."""
    mimetype, ext = outputs.FORMATS[fmt]
    resp = Response(data, mimetype=mimetype.split(";")[0])
    if ";" in mimetype:
        resp.headers["Content-Type"] = mimetype
    resp.headers["Content-Disposition"] = f'attachment; filename="{stem}.{ext}"'
    return resp


def _upload_bytes() -> tuple[str, bytes]:
    """(filename, bytes) of an upload: the multipart field `file`, else the raw body with `?filename=`."""
    if request.files:
        if "file" not in request.files:
            raise InvalidData(f"multipart upload needs a field named 'file'; got {sorted(request.files)}")
        f = request.files["file"]
        return f.filename or "upload", f.read(upload.MAX_BYTES + 1)
    data = request.get_data(cache=False)
    if not data:
        raise InvalidData("no file uploaded: send multipart/form-data with a 'file' field, or the file as the body")
    return request.args.get("filename", "upload"), data


@bp.post("/api/siting/sites")
def score_sites():
    """Score uploaded candidate sites (GeoJSON, GPKG, zipped Shapefile, CSV lon/lat) by the same criteria."""
    fmt = request.args.get("format", "json")
    if fmt not in ("json", *outputs.FORMATS):
        raise BadParameter(f"unknown format {fmt!r}; allowed: json, {', '.join(outputs.FORMATS)}")
    filename, data = _upload_bytes()
    gdf = upload.read(filename, data, "sites")
    stack, params, exclude = _setup()
    scored = sites.score(stack, params, gdf, exclude)
    caveat = service.caveat(stack, exclude is not None, float(params["density"]))
    if fmt != "json":
        meta = outputs.metadata(stack.tech, dict(params.values), list(stack.notes), service.criteria_meta(stack),
                                caveat=[item["en"] for item in caveat["items"]])
        return _file(outputs.to_bytes(scored, fmt, f"siting_{stack.tech}_sites", meta), fmt,
                     f"gislayout_siting_{stack.tech}_sites")
    fc = geojson.feature_collection(scored)
    return jsonify({"tech": stack.tech, "count": len(scored), "params": dict(params.values),
                    "notes": stack.notes, "caveat": caveat, "sites": fc,
                    "table": [f["properties"] for f in fc["features"]]})


@bp.post("/api/siting/exclusions")
def upload_exclusions():
    """Store uploaded exclusion polygons; the returned `id` goes into `exclude=` of the other routes.

    `area_km2` is the area of the polygons over Gansu and its surroundings (what can exclude anything).
    """
    filename, data = _upload_bytes()
    gdf = upload.read(filename, data, "exclusions")
    ident = quotas.store("exclusions", exclusions.store_dir(), lambda: exclusions.save(gdf))
    area = float(sum(g.area for g in clip_project(gdf.geometry.values))) / 1e6  # the part over Gansu
    return jsonify({"id": ident, "features": len(gdf), "area_km2": round(area, 2), "notes": gdf.attrs.get("notes", []),
                    "bounds": [round(float(v), 6) for v in gdf.total_bounds],
                    "geojson": geojson.feature_collection(gdf[["fid", "geometry"]])})


@bp.post("/api/siting/grid")
def upload_grid():
    """Store an uploaded grid (substations as points or lines; GeoJSON, GPKG, zipped Shapefile); returns the id
    for `grid=` of the run, zones and supply routes. Voltage from max_voltage_kv, voltage_kv or voltage (V)."""
    filename, data = _upload_bytes()
    gdf = upload.read(filename, data, "grid")
    ident = quotas.store("grid", gridstore.store_dir(), lambda: gridstore.save(gdf))
    stored = gridstore.load(ident)
    kv = stored["max_voltage_kv"] if "max_voltage_kv" in stored else None
    return jsonify({"id": ident, "features": len(gdf), "notes": gdf.attrs.get("notes", []),
                    "with_voltage": int(kv.notna().sum()) if kv is not None else 0,
                    "bounds": [round(float(v), 6) for v in gdf.total_bounds]})


@bp.get("/api/siting/exclusions/<ident>")
def get_exclusions(ident: str):
    """A stored exclusion set as GeoJSON (for drawing it again from a permalink)."""
    return Response(geojson.dumps(exclusions.load(ident)), mimetype="application/geo+json")


@bp.get("/api/siting/params")
def params_info():
    """Parameter keys, defaults and documentation per technology, and whether its resource is installed."""
    out = {}
    for tech in criteria.TECHS:
        entry = {"docs": model.DOCS, "turbines": list(turbine_names()) if tech == "wind" else [],
                 "limits": {k: list(model.limits(k)) for k in model.DEFAULTS[tech] if model.limits(k)},
                 "choices": {k: list(v) for k, v in model.CHOICES.items()},
                 "cost_presets": {name: {"label": p["label"], "values": p[tech], "grid_cost": p["grid_cost"],
                                         "sources": p["sources"]} for name, p in costs.presets().items()}}
        try:
            stack = service.stack(tech)
        except ResourceUnavailable as exc:
            what = "太阳能（GHI）" if tech == "pv" else "风能（风速）"
            entry.update(available=False, message=exc.message, defaults=model.defaults(tech), criteria=[],
                         message_zh=f"{what}资源未安装，无法选址。运行 `flask --app app build` 安装附带的全球"
                                    f"{'太阳能' if tech == 'pv' else '风能'}图谱数据。")
        else:
            entry.update(available=True, message="", defaults=model.defaults(tech, stack.resource_kind),
                         criteria=service.criteria_meta(stack), resource_kind=stack.resource_kind, notes=stack.notes,
                         bounds=surface.overlay_index(stack)[1])
        out[tech] = entry
    return jsonify(out)


@bp.get("/siting")
def siting_page():
    """A stand-alone page with a plain Leaflet map and the siting panel."""
    lang = request.args.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise BadParameter(f"unknown lang {lang!r}; allowed: en, zh")
    return render_template("siting.html", lang=lang, config_attribution=printing.boundary_attribution(lang),
                           map_config=sitingpage.config())


def _param_keys() -> list[str]:
    return sorted({k for tech in criteria.TECHS for k in model.DEFAULTS[tech]})


def _only_for(key: str) -> str:
    techs = [t for t in criteria.TECHS if key in model.DEFAULTS[t]]
    return "" if len(techs) == len(criteria.TECHS) else f" Only for tech={techs[0]} (400 otherwise)."


def _param_docs() -> list[dict]:
    """One query parameter per model parameter, with its real type, range or enum, and its documentation."""
    out = []
    for k in _param_keys():
        doc = model.DOCS.get(k, "") + _only_for(k)
        if k.startswith("t_"):
            doc += " Empty or `off`: no threshold."
        out.append(openapi.query(k, model.schema(k), doc))
    return out


def _body_schema() -> dict:
    """The JSON object body of POST /api/siting/run: the same parameters as JSON values (null = no threshold)."""
    return {"type": "object", "additionalProperties": False,
            "properties": {k: {**model.schema(k, body=True), "description": model.DOCS.get(k, "") + _only_for(k)}
                           for k in _param_keys()}}


def _openapi_paths() -> dict:
    tech = openapi.query("tech", {"type": "string", "enum": list(criteria.TECHS), "default": "pv"}, "technology")
    exclude = openapi.query("exclude", {"type": "string", "pattern": r"^[0-9a-f]{16}(,[0-9a-f]{16}){0,7}$"},
                            "comma-separated ids (16 hex digits each, at most 8) from POST /api/siting/exclusions")
    grid = openapi.query("grid", {"type": "string", "pattern": r"^[0-9a-f]{16}$"},
                         "id from POST /api/siting/grid: connect to that grid instead of the substations layer")
    lang = openapi.query("lang", {"type": "string", "enum": ["zh", "en"]},
                         "language of an error's message and of nothing else (zh; default English)")
    common = [tech, exclude, grid, lang, *_param_docs()]
    file_body = {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": {"type": "string",
                                                                                     "format": "binary"}}}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    run_op = dict(params=common, ok=openapi.json_object(description="zones GeoJSON, ranked table, roll-ups"),
                  errors=(400, 404), tag="siting")
    return {
        "/api/siting/run": {"get": openapi.operation("Run the siting model", "Thresholds, weights and "
                                                     "densities in the query; see /api/siting/params.", **run_op),
                            "post": openapi.operation("Run the siting model (JSON body of parameters)", **run_op,
                                                      body={"content": {"application/json": {
                                                          "schema": _body_schema()}}})},
        "/api/siting/supply": openapi.get(
            "Supply curve and offtakers", "Cumulative capacity (MW) against LCOE (USD/MWh), in total, by "
            "prefecture and by zone of `scheme`, with the 2015 target; the potential each offtaker reaches within "
            "`offtaker_km` below `max_lcoe`. `format=csv`: the curve as rows.", tag="siting", errors=(400, 404),
            params=[openapi.query("format", {"type": "string", "enum": ["json", "csv"]}, "json (default) or csv"),
                    *common],
            ok=openapi.json_object(description="supply_curve, offtakers, costs, headline")),
        "/api/siting/zones": openapi.get("Export ranked zones", tag="siting", errors=(400, 404),
                                         params=[openapi.query("format", {"type": "string", "enum": list(outputs.FORMATS)},
                                                               "file format"), *common],
                                         ok={"description": "file"}),
        "/api/siting/sites": {"post": openapi.operation(
            "Score uploaded candidate sites", "GeoJSON, GPKG, zipped Shapefile or CSV lon/lat.", tag="siting",
            params=[openapi.query("format", {"type": "string", "enum": ["json", *outputs.FORMATS]}, "output"),
                    openapi.query("filename", {"type": "string"}, "name of a raw-body upload"), *common],
            ok=openapi.json_object(), errors=(400, 404, 413), body=file_body)},
        "/api/siting/exclusions": {"post": openapi.operation(
            "Upload exclusion polygons", "Returns an id for `exclude=`.", tag="siting",
            params=[openapi.query("filename", {"type": "string"}, "name of a raw-body upload")],
            ok=openapi.json_object(), errors=(400, 413), body=file_body)},
        "/api/siting/grid": {"post": openapi.operation(
            "Upload a grid (substations or lines)", "Points or lines with an optional voltage (max_voltage_kv, "
            "voltage_kv, or voltage in V); returns an id for `grid=` of /api/siting/run, /zones and /supply, used "
            "instead of the substations layer. Same upload rules and store as exclusions.", tag="siting",
            params=[openapi.query("filename", {"type": "string"}, "name of a raw-body upload")],
            ok=openapi.json_object(), errors=(400, 413), body=file_body)},
        "/api/siting/exclusions/{ident}": openapi.get(
            "A stored exclusion set", tag="siting", errors=(400, 404),
            params=[openapi.path_param("ident", {"type": "string", "pattern": "^[0-9a-f]{16}$"}, "16 hex digits")],
            ok={"description": "GeoJSON", "content": {"application/geo+json": {}}}),
        "/api/siting/params": openapi.get("Siting parameters, defaults and docs", tag="siting",
                                          ok=openapi.json_object()),
        "/siting": openapi.get("Siting panel page", "A Leaflet map with the siting panel.", tag="pages",
                               params=[openapi.query("lang", {"type": "string", "enum": ["zh", "en"]}, "language")],
                               ok=openapi.html_page(), errors=(400,)),
    }


OPENAPI_PATHS = _openapi_paths
