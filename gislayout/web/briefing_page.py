"""The briefing: a page (`/briefing`), its table as CSV, and one area's A4 page as PDF or PNG, for the version shown.

Areas are the prefectures and the zones of a region scheme (`scheme`, planners' saved schemes included); the
figures are `gislayout.maps.briefing`'s. `version` (and `as_of`) select the plan version, as on every page.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for

from .. import boundaries, printing, regions, uploads
from ..bilingual import LANGS, pick
from ..errors import allowed
from ..maps import briefing, briefingpdf
from . import openapi

bp = Blueprint("briefing", __name__)


def _common() -> tuple[str, str | None, dict]:
    lang = request.args.get("lang", "zh")
    allowed(lang, LANGS, "lang")
    scheme = request.args.get("scheme") or None
    if scheme is not None:
        regions.get(scheme)  # NotFound naming the known schemes
    keep = {k: request.args[k] for k in ("version", "as_of") if request.args.get(k)}
    return lang, scheme, keep


@bp.get("/briefing")
def page():
    """The briefing table: every prefecture and every zone of `scheme` (all schemes when not given)."""
    lang, scheme, keep = _common()
    table = briefing.frame(scheme)
    cols = [c for c in briefing.COLUMNS if c in table and c not in ("name_en" if lang == "zh" else "name_zh",)]
    rows = [{c: ("–" if v is None or v != v else v) for c, v in r.items()} for r in table.to_dict("records")]
    # the member prefectures by their English names on an English page (the data names them in Chinese)
    english = dict(zip(*(boundaries.load("prefecture")[c] for c in ("name_zh", "name_en")))) if lang == "en" else {}
    for r in rows:
        if english and isinstance(r.get("members"), str):
            r["members"] = ";".join(english.get(m, m) for m in r["members"].split(";"))
        r["_pdf"] = url_for("briefing.pdf", area=r["id"], fmt="pdf", lang=lang, **keep)
        if lang == "zh" and "offtakers_by_sector_zh" in r:
            r["offtakers_by_sector"] = r["offtakers_by_sector_zh"]
        if "kind" in r:  # a code (prefecture, zone): its word in the page's language
            r["kind"] = pick(briefing.KINDS.get(r["kind"], (r["kind"], r["kind"])), lang)
    html = render_template("briefing.html", lang=lang, scheme=scheme, schemes=regions.schemes(), rows=rows,
                           columns=[(c, briefing.COLUMNS[c][0 if lang == "zh" else 1]) for c in cols],
                           sources=briefing.sources(lang), keep=keep,
                           csv_url=url_for("briefing.csv", scheme=scheme, **keep) if scheme else
                           url_for("briefing.csv", **keep))
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-cache"})


@bp.get("/briefing.csv")
def csv():
    """The briefing table as CSV (UTF-8 with BOM for Excel), with a sources column."""
    lang, scheme, _ = _common()
    table = briefing.frame(scheme)
    table["sources"] = " | ".join(briefing.sources(lang))
    body = uploads.neutralise_formulas(table).to_csv(index=False).encode("utf-8-sig")
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="briefing_{scheme or "all"}.csv"'})


@bp.get("/briefing/<path:area>.<fmt>")
def pdf(area: str, fmt: str):
    """One area's A4 briefing page: `fmt` pdf or png, `lang` zh or en (English when no CJK font is installed)."""
    lang, scheme, keep = _common()
    allowed(fmt, tuple(printing.FORMATS), "format")
    found = briefing.find(area, scheme)
    content, used = briefingpdf.render(found, lang, fmt, keep.get("version"))
    return Response(content, mimetype=printing.FORMATS[fmt], headers={
        "Content-Disposition": f'inline; filename="briefing_{found.name_en}_{used}.{fmt}"',
        "Content-Language": used})


_LANG = openapi.query("lang", {"type": "string", "enum": list(LANGS)}, "language")
_SCHEME = openapi.query("scheme", {"type": "string"}, "a region scheme (saved ones too): its zones are listed after "
                        "the prefectures; default every scheme")
_VERSION = openapi.query("version", {"type": "string"}, "a plan version in the store (default: the files)")
OPENAPI_PATHS = {
    "/briefing": openapi.get(
        "Briefing", "Per prefecture and per zone of a scheme: PV and wind technical potential after exclusions, LCOE "
        "range, distance to ≥ 330 kV, offtakers by sector, the 2015 targets and what is recorded as built.",
        tag="pages", params=[_SCHEME, _LANG, _VERSION], ok=openapi.html_page(), errors=(400, 404)),
    "/briefing.csv": openapi.get(
        "Briefing as CSV", "The briefing table, one row per area, with its sources.", tag="pages",
        params=[_SCHEME, _VERSION], ok=openapi.binary("text/csv"), errors=(400, 404)),
    "/briefing/{area}.{fmt}": openapi.get(
        "Briefing page of one area", "An A4 page (PDF or PNG) in Chinese or English: map, legend, figures, sources "
        "and date.", tag="pages",
        params=[openapi.path_param("area", {"type": "string"}, "a prefecture (name_zh, e.g. 酒泉市) or "
                                   "'scheme:zone' (e.g. 2009:hexi)"),
                openapi.path_param("fmt", {"type": "string", "enum": ["pdf", "png"]}, "pdf or png"),
                _SCHEME, _LANG, _VERSION],
        ok=openapi.binary("application/pdf"), errors=(400, 404)),
}
