"""HTTP routes of the plan against the record (issue 11 §3): recorded capacity per prefecture or zone, and what
the datasets record beside one policy project, base or target. Every figure is "recorded in these datasets"."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import config, ground, record, regions
from ..errors import BadParameter
from . import openapi
from .api import content_disposition
from .errors import check_params

bp = Blueprint("record", __name__, url_prefix="/api/record")

FORMATS = ("json", "csv")


@bp.get("")
def by_unit():
    """Plan and record per prefecture or per zone of a scheme, as JSON or `format=csv`."""
    check_params(("unit", "scheme", "format"))
    unit, fmt = request.args.get("unit", "prefectures"), request.args.get("format", "json")
    if fmt not in FORMATS:
        raise BadParameter(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")
    scheme = request.args.get("scheme")
    if fmt == "json":
        return jsonify(record.report(unit, scheme))
    df = record.table(unit, scheme)
    text = "\ufeff" + df.to_csv(index=False, lineterminator="\r\n")
    resp = Response(text, content_type="text/csv; charset=utf-8")
    stem = f"record_{unit}" + (f"_{regions.get(scheme or config.DEFAULT_SCHEME).id}" if unit == "zones" else "")
    resp.headers["Content-Disposition"] = content_disposition(f"{stem}.csv")
    # the caveat travels with the file (CSV has no room for it)
    resp.headers["X-Gislayout-Caveat"] = ground.CAVEAT.replace("–", "-")
    return resp


@bp.get("/feature/<feature_id>")
def feature(feature_id: str):
    """What the datasets record beside one policy project, base or target."""
    check_params(())
    return jsonify(record.feature(feature_id))


OPENAPI_PATHS = {
    "/api/record": openapi.get(
        "Plan against the record", "Per prefecture or per zone of a scheme: the plan's wind and PV MW, and the "
        "capacity recorded in these datasets (WRI GPPD plants by fuel with commissioning years where known; UNFCCC "
        "CDM wind and PV projects counted separately, never added to GPPD), mines, smelters and substations "
        "≥ 330 kV. Never installed capacity: every response carries the coverage caveat.", tag="record",
        errors=(400, 404),
        params=[openapi.query("unit", {"type": "string", "enum": list(record.UNITS), "default": "prefectures"},
                              "Rows per prefecture or per zone"),
                openapi.query("scheme", {"type": "string"}, "Region scheme for unit=zones (default 2009)"),
                openapi.query("format", {"type": "string", "enum": list(FORMATS), "default": "json"},
                              "json or csv (the caveat in the X-Gislayout-Caveat header)")],
        ok={"description": "The rows with rules and caveat",
            "content": {"application/json": {"schema": {"type": "object"}},
                        "text/csv": {"schema": {"type": "string"}}}}),
    "/api/record/feature/{feature_id}": openapi.get(
        "The record beside a policy feature", "For a project, base or target: the rule that finds its recorded "
        "counterparts (footprint, county, prefecture or province), the GPPD plants and the CDM projects of its "
        "fuel with their MW (summed separately), and the source rows its location cites.", tag="record",
        errors=(404,),
        params=[openapi.path_param("feature_id", {"type": "string"}, "Feature id, e.g. base_jiuquan_wind")],
        ok=openapi.json_object()),
}
