"""The plan store over HTTP: versions, their features, history (reads open to all; writes need an editor).

Writes carry the revision they are based on (`If-Match: "<revision>"`, or `revision` in the body or query) and
get 409 with the current state when it is stale. Every write is one transaction.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import workspace
from ..errors import BadParameter, integer
from ..store import baseline, features, permissions, schemes, versions
from . import auth
from .errors import check_params
from . import openapi as o

bp = Blueprint("store_api", __name__, url_prefix="/api/versions")
schemes_bp = Blueprint("schemes_api", __name__, url_prefix="/api/schemes")


def _revision() -> int | None:
    """The revision a write is based on: If-Match, else `revision` in the JSON body, else in the query."""
    raw = request.headers.get("If-Match")
    body = _body(optional=True)
    if raw:
        raw = raw.strip().removeprefix("W/").strip('"')
    elif isinstance(body, dict) and "revision" in body:
        raw = body["revision"]
    else:
        raw = request.args.get("revision")
    if raw is None or raw == "":
        return None
    return integer(raw, "revision", 0, what_zh="修订号")


def _body(optional: bool = False):
    data = request.get_json(silent=True)
    if data is None and not optional:
        raise BadParameter("the body must be JSON (Content-Type: application/json)",
                           zh="请求体应为 JSON（“Content-Type: application/json”）")
    return data


def _tagged(payload: dict, status: int = 200) -> Response:
    resp = jsonify(payload)
    resp.status_code = status
    resp.headers["ETag"] = f'"{payload["revision"]}"'
    return resp


def _user() -> dict:
    return auth.current_user()


def _editor() -> tuple[str, dict]:
    """(name, user) of this request's user, for a feature write: the store checks their right to edit the
    version (`permissions`) on the version row it reads for the write (one query fewer than `_editor_of`)."""
    user = _user()
    return user["name"], user


def _editor_of(vid: str) -> str:
    """The name of the user of this request, if they may edit the features of version `vid` (permissions)."""
    user, version = _user(), versions.get(vid)
    if not version["baseline"]:  # a baseline is read-only for all: the store answers 409
        permissions.check_edit_features(user, version)
    return user["name"]


@bp.get("")
def list_all():
    """Every version of the plan (the baseline from layers/ first)."""
    check_params(())
    baseline.ensure()
    return jsonify({"versions": versions.list_versions()})


@bp.post("")
@auth.require("editor")
def branch():
    """Branch a new version from `parent_id` (default: the current baseline)."""
    body = _body()
    if not isinstance(body, dict):
        raise BadParameter(f"the body must be an object, got {body!r:.80}", zh=f"请求体应为对象，收到“{body!s:.80}”")
    unknown = sorted(set(body) - {"parent_id", "name", "description"})
    if unknown:
        raise BadParameter(f"unknown field {unknown[0]!r}; a new version takes parent_id, name, description",
                           zh=f"未知字段“{unknown[0]:.80}”；新版本可有“parent_id”“name”“description”")
    current_baseline = baseline.ensure()  # a fresh store gets its baseline before anything is branched from it
    parent = body.get("parent_id") or current_baseline
    return _tagged(versions.branch(parent, body.get("name"), _user()["name"], body.get("description", "")), 201)


@bp.get("/<vid>")
def one(vid: str):
    """One version."""
    check_params(())
    baseline.ensure()
    return _tagged(versions.get(vid))


@bp.patch("/<vid>")
@auth.require("editor")
def change(vid: str):
    """Rename, describe, lock or unlock a version."""
    return _tagged(versions.patch(vid, _body(), _revision(), _user()))


@bp.delete("/<vid>")
@auth.require("editor")
def remove(vid: str):
    """Delete a version nothing was branched from."""
    versions.delete(vid, _revision(), _user())
    return Response(status=204)


@bp.get("/<vid>/features")
def feature_collection(vid: str):
    """The features of a version (optionally one layer, optionally as of an earlier change), as GeoJSON."""
    check_params(("layer", "with_deleted"))
    baseline.ensure()
    as_of = workspace.parse_as_of(vid, request.args.get("as_of"))
    with_deleted = request.args.get("with_deleted", "0")
    if with_deleted not in ("0", "1"):
        raise BadParameter(f"with_deleted must be 0 or 1, got {with_deleted!r:.20}")
    data = features.collection(vid, request.args.get("layer") or None, as_of, with_deleted == "1")
    return Response(jsonify(data).get_data(), mimetype="application/geo+json")


@bp.get("/<vid>/features/<layer>/<fid>")
def feature(vid: str, layer: str, fid: str):
    """One feature of a version, with its revision (also as the ETag)."""
    check_params(())
    return _tagged(features.feature(vid, layer, fid))


@bp.post("/<vid>/features/<layer>")
@auth.require("editor")
def add(vid: str, layer: str):
    """Add a feature (a GeoJSON Feature, validated by the layer's schema)."""
    return _tagged(features.add(vid, layer, _body(), _editor_of(vid)), 201)


@bp.patch("/<vid>/features/<layer>/<fid>")
@auth.require("editor")
def update(vid: str, layer: str, fid: str):
    """Move, re-shape or edit a feature: `geometry` and/or `properties` (merged), based on `revision`."""
    return _tagged(features.update(vid, layer, fid, _body(), _revision(), *_editor()))


@bp.delete("/<vid>/features/<layer>/<fid>")
@auth.require("editor")
def delete(vid: str, layer: str, fid: str):
    """Delete a feature (it stays in the history and can be restored)."""
    return _tagged(features.delete(vid, layer, fid, _revision(), *_editor()))


@bp.post("/<vid>/features/<layer>/<fid>/restore")
@auth.require("editor")
def restore(vid: str, layer: str, fid: str):
    """Restore a deleted feature."""
    return _tagged(features.restore(vid, layer, fid, _revision(), *_editor()))


@bp.get("/<vid>/history")
def history(vid: str):
    """The changes of a version (or of one feature: `fid`), newest first."""
    check_params(("fid", "limit"))
    limit = integer(request.args.get("limit", "200"), "limit", 1, 10_000, what_zh="条数上限")
    return jsonify({"changes": features.history(vid, request.args.get("fid") or None, limit)})


@schemes_bp.post("")
@auth.require("editor")
def scheme_add():
    """Save a planner's region scheme: {id, title_zh, title_en, note, zones: [{id, name_zh, name_en, members}]}."""
    return _tagged(schemes.save(_body(), _user()), 201)


@schemes_bp.put("/<sid>")
@auth.require("editor")
def scheme_replace(sid: str):
    """Replace a planner's scheme, based on its revision."""
    body = _body()
    if not isinstance(body, dict):
        raise BadParameter(f"a scheme must be an object, got {body!r:.80}", zh=f"方案应为对象，收到“{body!s:.80}”")
    return _tagged(schemes.save({**body, "id": sid}, _user(), _revision(), create=False))


@schemes_bp.delete("/<sid>")
@auth.require("editor")
def scheme_delete(sid: str):
    """Delete a planner's scheme."""
    schemes.delete(sid, _revision(), _user())
    return Response(status=204)


def _openapi() -> dict:
    vid = o.path_param("vid", {"type": "string", "pattern": versions.VID.pattern}, "Version id")
    layer = o.path_param("layer", {"type": "string", "enum": list(features.EDITABLE)}, "Editable layer")
    fid = o.path_param("fid", {"type": "string"}, "Feature id")
    sid = o.path_param("sid", {"type": "string", "pattern": schemes.SID.pattern}, "Saved scheme id")
    rev = [o.query("revision", {"type": "integer", "minimum": 0}, "Revision the write is based on (or If-Match)")]
    body = {"content": {"application/json": {"schema": {"type": "object"}}}}
    name = {"type": "string", "minLength": 1, "maxLength": versions.NAME_MAX}
    text = {"type": "string", "maxLength": 5000}

    def exact(properties: dict, required: list[str]) -> dict:
        schema = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
        return {"required": True, "content": {"application/json": {"schema": schema}}}

    new_version = exact({"parent_id": {"type": "string", "pattern": versions.VID.pattern}, "name": name,
                         "description": text}, ["name"])
    version_change = exact({"name": name, "description": text, "locked": {"type": "boolean"},
                            "revision": {"type": "integer", "minimum": 0}}, [])
    writes = (400, 401, 403, 404, 409)
    paths = {
        "/api/versions": {
            "get": o.operation("Versions of the plan", "Every version: the baseline loaded from layers/ (read-only) "
                               "and planners' branches, with author, parent, lock and revision.", tag="store",
                               errors=(400,), ok=o.json_object()),
            "post": o.operation("Branch a version", "A new version from parent_id (default the baseline): "
                                "{parent_id, name, description}. Needs an editor.", tag="store", body=new_version,
                                errors=writes, ok=o.json_object(description="The new version (201)"))},
        "/api/versions/{vid}": {
            "get": o.operation("One version", "With its revision as the ETag.", tag="store", params=[vid],
                               errors=(400, 404), ok=o.json_object()),
            "patch": o.operation("Rename, describe, lock or unlock", "{name, description, locked} with the "
                                 "revision; 409 with the current state when stale.", tag="store", params=[vid] + rev,
                                 body=version_change, errors=writes, ok=o.json_object()),
            "delete": o.operation("Delete a version", "Only one nothing was branched from (204).", tag="store",
                                  params=[vid] + rev, errors=writes)},
        "/api/versions/{vid}/features": o.get(
            "Features of a version", "GeoJSON with each feature's layer and revision; as_of reads the version as "
            "of a change number or an ISO 8601 time.", tag="store", errors=(400, 404),
            params=[vid, o.query("layer", {"type": "string", "enum": list(features.EDITABLE)}, "One layer"),
                    o.query("as_of", {"type": "string"}, "Change number or ISO 8601 time"),
                    o.query("with_deleted", {"type": "string", "enum": ["0", "1"]}, "Include deleted features")],
            ok=o.binary("application/geo+json")),
        "/api/versions/{vid}/features/{layer}": {
            "post": o.operation("Add a feature", "A GeoJSON Feature validated by the layer's schema (as "
                                "layers/); prefecture and county follow from the point.", tag="store",
                                params=[vid, layer], body=body, errors=writes,
                                ok=o.json_object(description="The feature (201)"))},
        "/api/versions/{vid}/features/{layer}/{fid}": {
            "get": o.operation("One feature", "With its revision (also the ETag).", tag="store",
                               params=[vid, layer, fid], errors=(400, 404), ok=o.json_object()),
            "patch": o.operation("Move or edit a feature", "{geometry, properties (merged), revision}; 409 with "
                                 "the current feature when stale.", tag="store", params=[vid, layer, fid] + rev,
                                 body=body, errors=writes, ok=o.json_object()),
            "delete": o.operation("Delete a feature", "It stays in the history and can be restored.", tag="store",
                                  params=[vid, layer, fid] + rev, errors=writes, ok=o.json_object())},
        "/api/versions/{vid}/features/{layer}/{fid}/restore": {
            "post": o.operation("Restore a deleted feature", "", tag="store", params=[vid, layer, fid] + rev,
                                body=body, errors=writes, ok=o.json_object())},
        "/api/versions/{vid}/history": o.get(
            "History of a version", "Who, when, what, before and after; newest first.", tag="store",
            errors=(400, 404), params=[vid, o.query("fid", {"type": "string"}, "Only this feature"),
                                       o.query("limit", {"type": "integer", "minimum": 1, "maximum": 10000},
                                               "At most this many")], ok=o.json_object()),
        "/api/schemes": {"post": o.operation(
            "Save a region scheme", "A planner's scheme: every prefecture in exactly one zone; it appears "
            "everywhere schemes do. Needs an editor.", tag="store", body=body, errors=writes,
            ok=o.json_object(description="The saved scheme (201)"))},
        "/api/schemes/{sid}": {
            "put": o.operation("Replace a saved scheme", "Based on its revision.", tag="store",
                               params=[sid] + rev, body=body, errors=writes, ok=o.json_object()),
            "delete": o.operation("Delete a saved scheme", "204.", tag="store", params=[sid] + rev,
                                  errors=writes)},
    }
    return _with_links(paths)


def _ref(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _with_links(paths: dict) -> dict:
    """OpenAPI links from what a write answers to the operations on what it made (schemathesis' stateful phase
    follows them), and 201 where a write creates."""
    v, f, s = "/api/versions/{vid}", "/api/versions/{vid}/features/{layer}/{fid}", "/api/schemes/{sid}"
    version = {"vid": "$response.body#/id"}
    revised = {"revision": "$response.body#/revision"}
    same_version = {"vid": "$request.path.vid"}
    feature = same_version | {"layer": "$request.path.layer", "fid": "$response.body#/id"}
    links = {
        ("/api/versions", "post", "201"): {
            "GetVersion": (v, "get", version), "ChangeVersion": (v, "patch", version | revised),
            "DeleteVersion": (v, "delete", version | revised), "VersionHistory": (v + "/history", "get", version),
            "VersionFeatures": (v + "/features", "get", version),
            "AddFeature": (v + "/features/{layer}", "post", version)},
        (v, "patch", "200"): {"DeleteChanged": (v, "delete", same_version | revised),
                              "ChangeAgain": (v, "patch", same_version | revised)},
        ("/api/versions/{vid}/features/{layer}", "post", "201"): {
            "GetFeature": (f, "get", feature), "ChangeFeature": (f, "patch", feature | revised),
            "DeleteFeature": (f, "delete", feature | revised)},
        (f, "delete", "200"): {"RestoreFeature": (f + "/restore", "post", {
            "vid": "$request.path.vid", "layer": "$request.path.layer", "fid": "$request.path.fid"} | revised)},
        ("/api/schemes", "post", "201"): {
            "ReplaceScheme": (s, "put", {"sid": "$response.body#/id"} | revised),
            "DeleteScheme": (s, "delete", {"sid": "$response.body#/id"} | revised)},
    }
    for (path, method, status), named in links.items():
        responses = paths[path][method]["responses"]
        if status == "201" and "200" in responses:
            paths[path][method]["responses"] = responses = {"201": responses.pop("200"), **responses}
        responses[status]["links"] = {name: {"operationRef": _ref(target, verb), "parameters": params}
                                      for name, (target, verb, params) in named.items()}
    # the list of versions leads to branching one of them
    paths["/api/versions"]["get"]["responses"]["200"]["links"] = {"BranchListed": {
        "operationRef": _ref("/api/versions", "post"),
        "requestBody": {"parent_id": "$response.body#/versions/0/id", "name": "branch of a listed version"}}}
    return paths


OPENAPI_PATHS = _openapi
