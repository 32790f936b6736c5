"""HTML pages: the atlas at `/`, and the two things only it needs (relief basemap, compact boundaries)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json

from flask import Blueprint, Response, current_app, render_template, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from .. import bilingual, dataversion, maps
from ..errors import BadParameter, NotFound
from ..maps import contextlayers, geodata, i18n, relief
from ..maps.state import parse_noted
from ..store import versions as store_versions
from .errors import error_body
from .resources_api import tile_template

bp = Blueprint("pages", __name__)
#: The other pages the atlas links to, when the app has them: (label key, endpoint).
NAV = (("nav_siting", "siting.siting_page"), ("nav_compare", "compare.page"), ("nav_briefing", "briefing.page"))
#: The page the scheme control links to, to edit the scheme shown or make a new one.
SCHEME_EDITOR = "scheme_editor.page"


def _options() -> maps.Options:
    return maps.Options(
        static=url_for("static", filename=""),
        relief=url_for("pages.relief_image"),
        geo=url_for("pages.boundary_layer", name="__name__"),
        context=url_for("pages.context_layer", name="__name__"),
        layer=url_for("api.layer", name="__name__"),
        overlay=tile_template(),
        tianditu_key=current_app.config.get("TIANDITU_KEY", ""),
        nav=tuple((key, url_for(endpoint)) for key, endpoint in NAV if endpoint in current_app.view_functions),
        scheme_editor=url_for(SCHEME_EDITOR) if SCHEME_EDITOR in current_app.view_functions else "",
        **({"me": url_for("auth.me"), "login": url_for("auth.login_page"), "logout": url_for("auth.logout")}
           if "auth.me" in current_app.view_functions else {}),
    )


@dataversion.cached(maxsize=256)
def _page(state: maps.AtlasState, options: maps.Options, resources_json: str, notices: tuple[str, ...] = (),
          version_json: str = "null") -> str:
    """The rendered atlas for one state; cached by state, options, resource catalogue and data version."""
    page = maps.render(state, options, resources_json)
    page.config["notices"] = list(notices)
    page.config["version"] = json.loads(version_json)
    if page.config["version"]:
        page.config["version"]["label"] = bilingual.version_name(page.config["version"], page.lang)
    return render_template("atlas.html", page=page, strings=page.config["strings"][page.lang], notices=notices,
                           version=page.config["version"])


def _lang() -> str:
    lang = request.args.get("lang", "")
    return lang if lang in i18n.LANGS else i18n.DEFAULT_LANG


def _version_json(vid: str) -> str:
    """The version the page shows (id, name, author, time, baseline) as JSON; the newest baseline when none."""
    if vid:
        return json.dumps(store_versions.get(vid), ensure_ascii=False, sort_keys=True)
    try:
        bases = [v for v in store_versions.list_versions() if v["baseline"]]
    except SQLAlchemyError:  # the plain atlas shows the curated files even when the plan store cannot be read
        current_app.logger.warning("plan store unreadable; the atlas names no version", exc_info=True)
        return "null"
    newest = max(bases, key=lambda v: v["created_at"] or "", default=None)
    return json.dumps(newest and {k: v for k, v in newest.items() if k != "features"}, ensure_ascii=False,
                      sort_keys=True)


def version_error_page(exc: BadParameter | NotFound):
    """A version link that cannot be opened, said in the page's language with the way on (not raw JSON)."""
    lang, vid = _lang(), request.args.get("version", "")
    s = i18n.strings(lang)
    text = (s["version_missing"] if isinstance(exc, NotFound) else s["version_bad"]).format(vid=vid[:80])
    query = "?lang=en" if lang == "en" else ""
    html = render_template("version_missing.html", lang=lang, title=s["version_missing_title"], text=text,
                           detail=exc.message, baseline=url_for("pages.index") + query,
                           baseline_text=s["version_open_baseline"])
    return Response(html, status=404 if isinstance(exc, NotFound) else 400, mimetype="text/html")


@bp.errorhandler(NotFound)
@bp.errorhandler(BadParameter)
def _page_error(exc):
    """A bad version link gets a page saying why; any other error of these pages the one JSON body as before."""
    if request.endpoint == "pages.index" and "version" in request.args:
        return version_error_page(exc)
    status = 404 if isinstance(exc, NotFound) else 400
    return error_body(status, exc.message), status


def clear_cache() -> None:
    """Forget rendered pages and the data they were built from (tests; a data change needs no call)."""
    _page.cache_clear()
    maps.clear_caches()


@bp.get("/")
def index():
    """The atlas; the query string is the view (see `gislayout.maps.state`)."""
    resources = maps.resource_catalogue()
    overlay_names = tuple(e["name"] for e in maps.split_resources(resources)[0])
    state, notes = parse_noted(request.args, maps.choices(overlay_names))
    notices = tuple(i18n.notice_text(n.param, n.value, n.used, state.lang) for n in notes)
    html = _page(state, _options(), json.dumps(resources, sort_keys=True, ensure_ascii=False), notices,
                 _version_json(state.version))
    if "gzip" in request.accept_encodings:  # the page is ~80 kB of HTML and config: ~4x smaller gzipped
        return Response(_gzipped(html), mimetype="text/html", headers={
            "Cache-Control": "no-cache", "Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-cache", "Vary": "Accept-Encoding"})


@functools.lru_cache(maxsize=64)  # keyed on the page text itself
def _gzipped(html: str) -> bytes:
    return gzip.compress(html.encode("utf-8"), compresslevel=6, mtime=0)


def _send(data: bytes, mimetype: str, etag: str | None = None, **headers) -> Response:
    """Binary data with an ETag, answered with 304 when the client already has it."""
    resp = Response(data, mimetype=mimetype, headers={"Cache-Control": "no-cache", **headers})
    resp.set_etag(etag or hashlib.sha256(data).hexdigest()[:20])
    return resp.make_conditional(request)


@bp.get("/atlas/relief.jpg")
def relief_image():
    """The offline shaded-relief basemap (rendered into the build directory on first use)."""
    return _send(relief.image_bytes(), "image/jpeg")


def _send_payload(payload: geodata.Payload, mimetype: str) -> Response:
    if "gzip" in request.accept_encodings:
        return _send(payload.gzipped, mimetype, payload.etag + "-gz", Vary="Accept-Encoding",
                     **{"Content-Encoding": "gzip"})
    return _send(payload.raw, mimetype, payload.etag, Vary="Accept-Encoding")


@bp.get("/atlas/geo/<name>.json")
def boundary_layer(name: str):
    """A boundary or ground layer as compact display GeoJSON, gzipped when the client accepts it."""
    scheme = (request.args.get("scheme") or None) if name == "regions" else None
    return _send_payload(geodata.payload(name, scheme), "application/geo+json")


@bp.get("/atlas/context/<name>.json")
def context_layer(name: str):
    """A map-context layer (place names, rivers, railway stations), gzipped when the client accepts it."""
    return _send_payload(contextlayers.payload(name), "application/json")
