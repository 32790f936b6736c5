"""The JSON API: the layer catalogue, each layer with the same filters as the map (GeoJSON or an export
format), the vocabularies, and the OpenAPI description of every route."""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint, Response, current_app, jsonify, request

from .. import choropleth, export, ground, layers, printing, regions
from ..errors import BadParameter
from . import openapi
from .errors import check_params
from ..maps import printout

bp = Blueprint("api", __name__, url_prefix="/api")

#: Query parameters of `GET /api/layers/<name>` besides the layer filters.
LAYER_PARAMS = ("format", "display")


def layer_filters() -> dict:
    """The layer filters in the query string; a repeated filter (`level=a&level=b`) means `level=a,b`."""
    return {k: ",".join(request.args.getlist(k)) for k in layers.FILTERS if k in request.args}


def content_disposition(filename: str, attachment: bool = True) -> str:
    """A Content-Disposition value naming `filename`, with an RFC 6266 `filename*` for non-ASCII names."""
    kind = "attachment" if attachment else "inline"
    # quotes, backslashes, semicolons and control characters could end the parameter early: replace them
    plain = "".join("_" if c in '"\\;' or ord(c) < 32 else c for c in filename)
    try:
        plain.encode("ascii")
        return f'{kind}; filename="{plain}"'
    except UnicodeEncodeError:
        fallback = plain.encode("ascii", "replace").decode().replace("?", "_")
        return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(plain)}"


@bp.get("/layers")
def layer_catalogue():
    """Every layer: name, titles, geometry type, count, source and filters."""
    return jsonify(layers.catalogue())


@bp.get("/layers/<name>")
def layer(name: str):
    """One layer filtered by the query string: RFC 7946 GeoJSON by default, or `format=gpkg|shp|kml|csv|geojson`."""
    layers.get_spec(name)
    check_params(LAYER_PARAMS + layers.FILTERS)
    display = request.args.get("display", "0")
    if display not in ("0", "1"):
        raise BadParameter(f"display must be 0 or 1, got {display!r}")
    fmt = request.args.get("format", "")
    if fmt:
        export.check_format(fmt)
        out = export.export_layer(name, fmt, display=display == "1", **layer_filters())
        resp = Response(out.content, content_type=out.media_type)
        resp.headers["Content-Disposition"] = content_disposition(out.filename)
        meta = out.metadata
    else:
        data, meta = export.geojson_bytes(name, display=display == "1", **layer_filters())
        resp = Response(data, mimetype="application/geo+json")
        resp.headers["Content-Disposition"] = content_disposition(
            export.filename(name, meta.filters, "geojson"), attachment=False)
    # CSV and Shapefile have no room for all of it; the header carries the metadata for every format.
    resp.headers["X-Gislayout-Metadata"] = json.dumps(meta.as_dict(), ensure_ascii=True, separators=(",", ":"))
    return resp


@bp.get("/schemes")
def scheme_list():
    """Every region scheme with its zones, members and source."""
    return jsonify([{"id": s.id, "title_zh": s.title_zh, "title_en": s.title_en, "source": s.source,
                     "note": s.note, "zones": [z.__dict__ | {"members": list(z.members)} for z in s.zones],
                     "origin": s.origin, "author": s.author, "revision": s.revision}
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


@bp.get("/choropleth")
def choropleth_values():
    """One statistic per prefecture or county, classed for a choropleth, with its colours and sources."""
    check_params(("unit", "stat", "scheme"))
    return jsonify(choropleth.choropleth(request.args.get("unit", "prefectures"),
                                         request.args.get("stat", "ghi_mean"), request.args.get("scheme") or None))


#: Query parameters of the atlas printout besides the layer filters.
PRINT_PARAMS = ("bbox", "layers", "lang", "choro")


@bp.get("/atlas/print.<fmt>")
def atlas_print(fmt: str):
    """The atlas view (bbox, layers, filters, choropleth) as an A4 PNG or PDF with legend and scale bar."""
    check_params(PRINT_PARAMS + layers.FILTERS)
    args = request.args
    lang = args.get("lang", "zh")
    printing.check(fmt, lang)
    choro = None
    if args.get("choro"):
        unit, _, stat = args["choro"].partition(":")
        choropleth.check(unit, stat)
        choro = (unit, stat)
    view = printout.View(bbox=printout.parse_bbox(args.get("bbox")),
                         layers=printout.parse_layers(args.get("layers", ",".join(printout.DEFAULT_LAYERS))),
                         filters=layer_filters(), choropleth=choro, lang=lang)
    content, used = printout.render(view, fmt)
    resp = Response(content, mimetype=printing.FORMATS[fmt])
    resp.headers["Content-Disposition"] = content_disposition(f"gislayout-atlas.{fmt}", attachment=False)
    resp.headers["Content-Language"] = used
    return resp


@bp.get("/openapi.json")
def openapi_spec():
    """The OpenAPI 3 description of every route of this app."""
    return jsonify(openapi.spec(current_app))


def _layer_parameters() -> list[dict]:
    choices: dict[str, set[str]] = {}
    for name in layers.CATALOGUE:
        for key, values in layers.filter_choices(name).items():
            choices.setdefault(key, set()).update(values)
    params = [
        openapi.query("format", {"type": "string", "enum": list(export.FORMATS)},
                      "Export format; omit for the map's GeoJSON. " + "; ".join(
                          f"{f.name}: {f.label}" for f in export.FORMATS.values())),
        openapi.query("display", {"type": "string", "enum": ["0", "1"], "default": "0"},
                      "1 = boundaries simplified for the web map (points are unchanged)"),
        openapi.query("scheme", {"type": "string", "enum": sorted(choices.get("scheme", []))},
                      "Region scheme that `zone` refers to (default 2009)"),
    ]
    for key in ("zone", "prefecture", "sector", "level", "kind"):
        params.append(openapi.query(key, openapi.list_of(sorted(choices.get(key, []))),
                                    f"Comma-separated {key} values (OR-ed); filters are AND-ed. Not every filter "
                                    "applies to every layer: see `filters` in /api/layers.", explode=False))
    for key, (column, op) in ground.RANGE_FILTERS.items():
        params.append(openapi.query(key, {"type": "number"}, f"Keep features whose {column} is {op} this number "
                                    "(ground layers; see `filters` in /api/layers)"))
    return params + openapi.plan_parameters()


def openapi_paths() -> dict:
    """The OpenAPI paths of this blueprint."""
    layer_names = list(layers.CATALOGUE)
    media = {f.media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
             for f in export.FORMATS.values() if f.name != "geojson"}
    media = {"application/geo+json": {"schema": openapi.ref("FeatureCollection")}, **media}
    return {
        "/api/layers": openapi.get("The layer catalogue", "Every layer with titles, geometry type, feature count, "
                                   "source, group and the filters it takes.", tag="layers",
                                   ok=openapi.json_array("LayerInfo")),
        "/api/layers/{name}": openapi.get(
            "One layer, filtered like the map",
            "RFC 7946 GeoJSON (EPSG:4326, counter-clockwise exteriors, no `crs`) by default; with `format`, "
            "a file to download (Content-Disposition names it). Every response carries its metadata in "
            "`X-Gislayout-Metadata`; files carry it inside as well. Unknown parameters are rejected.",
            tag="layers",
            params=[openapi.path_param("name", {"type": "string", "enum": layer_names}, "Layer name")]
            + _layer_parameters(),
            ok={"description": "The layer", "content": media,
                "headers": {"Content-Disposition": openapi.header("attachment (or inline) with the file name"),
                            "X-Gislayout-Metadata": openapi.header("JSON: sources, licence, generated, "
                                                                   "scheme, filters, count")}},
            errors=(400, 404)),
        "/api/schemes": openapi.get("Region schemes", "Every region scheme with its zones, members and source.",
                                    tag="vocabularies", ok=openapi.json_array("Scheme")),
        "/api/sectors": openapi.get("Industries and sub-sectors", "The sector vocabulary.", tag="vocabularies",
                                    ok=openapi.json_array()),
        "/api/chains": openapi.get("Industrial chains", "The ten industrial chains of 三(二)1 and their members.",
                                   tag="vocabularies", ok=openapi.json_array()),
        "/api/targets": openapi.get("Policy targets", "The policy's quantitative targets.", tag="vocabularies",
                                    ok=openapi.json_array()),
        "/api/choropleth": openapi.get(
            "Choropleth values", "One statistic per prefecture or county: mean GHI of the GHI raster in use (from "
            "/api/stats), megawatts recorded in the WRI Global Power Plant Database rows in Gansu by fuel (not "
            "everything installed), or the number of the policy's bases or parks; with equal-interval class "
            "limits (`breaks`), the colours of the symbology's choropleth ramp, sources and a note.",
            tag="resources", errors=(400, 404),
            params=[openapi.query("unit", {"type": "string", "enum": list(choropleth.UNITS),
                                           "default": "prefectures"}, "Areas to colour"),
                    openapi.query("stat", {"type": "string", "enum": list(choropleth.STATS), "default": "ghi_mean"},
                                  "The statistic"),
                    openapi.query("scheme", {"type": "string"}, "Region scheme (default 2009)")],
            ok=openapi.json_object()),
        "/api/atlas/print.{fmt}": openapi.get(
            "Print the atlas view", "The atlas view as an A4-landscape page: the layers given, filtered like the "
            "map and cut to `bbox`, an optional choropleth, with legend, scale bar, north arrow, attribution and "
            "date. Resource overlays and the relief are not printed. Chinese needs a CJK font; without one the "
            "page is in English (`Content-Language` says which).", tag="pages", errors=(400, 404),
            params=[openapi.path_param("fmt", {"type": "string", "enum": list(printing.FORMATS)}, "png or pdf"),
                    openapi.query("bbox", {"type": "string"}, "west,south,east,north in degrees", required=True),
                    openapi.query("layers", {"type": "string"}, "Layers to draw, comma-separated (as in the atlas "
                                  "URL); default the atlas's default layers"),
                    openapi.query("lang", {"type": "string", "enum": ["zh", "en"], "default": "zh"}, "Language"),
                    openapi.query("choro", {"type": "string"}, "Choropleth as unit:stat, e.g. prefectures:ghi_mean")]
            + [p for p in _layer_parameters() if p["name"] not in ("format", "display")],
            ok={"description": "The printout", "content": {m: {"schema": {"type": "string", "format": "binary"}}
                                                          for m in printing.FORMATS.values()},
                "headers": {"Content-Language": openapi.header("zh or en: the language printed")}}),
        "/api/openapi.json": openapi.get("This description", "The OpenAPI 3 description of every route.",
                                         tag="meta", ok=openapi.json_object()),
    }


#: Read by `openapi.spec`: this blueprint's paths (a callable, since the enums come from the data).
OPENAPI_PATHS = openapi_paths
