"""The scheme editor page: a planner assigns prefectures to named zones on a map and saves the scheme.

The page (templates/scheme_editor.html, static/schemes/editor.js) reads `/api/schemes` and writes through
`POST`/`PUT`/`DELETE /api/schemes`; this module only serves it. `?scheme=<id>` opens a saved scheme for editing,
or a scheme of `layers/schemes/` as a copy to save under a new id.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for

from .. import regions
from ..bilingual import LANGS
from ..errors import allowed
from ..maps import schemepage
from . import openapi

bp = Blueprint("scheme_editor", __name__)


def _url(endpoint: str, **values) -> str | None:
    """The URL of `endpoint`, or None when this app has no such route (the accounts routes are optional)."""
    return url_for(endpoint, **values) if endpoint in current_app.view_functions else None


@bp.get("/schemes/edit")
def page():
    """The scheme editor; `scheme` names the scheme to start from, `lang` the language (zh, en)."""
    lang = request.args.get("lang", "zh")
    allowed(lang, LANGS, "lang")
    scheme = request.args.get("scheme") or None
    if scheme is not None:
        regions.get(scheme)  # NotFound naming the known schemes
    config = schemepage.config_json(lang) | {
        "lang": lang, "scheme": scheme,
        "urls": {"schemes": url_for("api.scheme_list"), "save": url_for("schemes_api.scheme_add"),
                 "prefectures": url_for("pages.boundary_layer", name="prefectures"),
                 "relief": url_for("pages.relief_image"), "atlas": url_for("pages.index"),
                 "page": url_for("scheme_editor.page"), "layer": url_for("api.layer", name="__name__"),
                 "me": _url("auth.me"), "login": _url("auth.login_page")}}
    html = render_template("scheme_editor.html", lang=lang, strings=schemepage.strings(lang), page_config=config)
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-cache"})


OPENAPI_PATHS = {
    "/schemes/edit": openapi.get(
        "Scheme editor", "A map of the prefectures on which a planner assigns them to named zones and saves the "
        "region scheme (through POST/PUT/DELETE /api/schemes, which need an editor).", tag="pages",
        params=[openapi.query("scheme", {"type": "string"}, "A scheme to start from: a saved one is edited, a "
                              "built-in one (layers/schemes/) copied"),
                openapi.query("lang", {"type": "string", "enum": list(LANGS)}, "language")],
        ok=openapi.html_page(), errors=(400, 404)),
}
