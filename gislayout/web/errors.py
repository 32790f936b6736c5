"""One JSON error body for every API error, and the one map from library exceptions to HTTP statuses."""

from __future__ import annotations

from http import HTTPStatus

import orjson
from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from .. import errors as E
from ..bilingual import LANGS
from ..errors import BadParameter

STATUS = {
    E.BadParameter: 400,
    E.InvalidData: 400,
    E.NotFound: 404,
    E.Unauthorized: 401,
    E.Forbidden: 403,
    E.Conflict: 409,
    E.ResourceUnavailable: 404,
    E.TooLarge: 413,
    E.TooMany: 429,
    E.LayerDataError: 500,
}


def error_body(status: int, message: str, **extra) -> dict:
    """The JSON body of every API error: the status, its phrase and a message naming the offending value."""
    return {"status": status, "error": HTTPStatus(status).phrase, "message": message, **extra}


#: Query parameters every route takes: the version of the plan to read the layers from, and as of when.
GLOBAL_PARAMS = ("version", "as_of")


def check_params(allowed: tuple[str, ...]) -> None:
    """BadParameter naming the first query parameter that is neither in `allowed` nor global."""
    # `lang` (the page's language, for the message of a refusal: `request_lang`) is taken everywhere
    unknown = [k for k in request.args if k not in allowed and k not in GLOBAL_PARAMS and k != "lang"]
    if unknown:
        allowed_all = ", ".join(allowed + GLOBAL_PARAMS)
        raise BadParameter(f"unknown parameter {unknown[0]!r} for {request.path}; allowed: {allowed_all}")


def request_lang() -> str:
    """The language of the page a request comes from: its query's `lang` (zh or en), as the pages and printouts
    take it; English (the API's language) when not given or not one of those."""
    lang = request.args.get("lang")
    return lang if lang in LANGS else "en"


def is_api(path: str) -> bool:
    """Whether `path` belongs to the JSON API (errors elsewhere keep Flask's HTML pages)."""
    return path == "/api" or path.startswith("/api/")


def http_message(exc: HTTPException) -> str:
    """A message for a routing or protocol error that names what was asked for."""
    if exc.code == 404:
        return f"no route {request.path!r}; see /api/openapi.json for the routes"
    if exc.code == 405:
        allowed = ", ".join(sorted(set(exc.valid_methods or []) - {"HEAD", "OPTIONS"}))
        return f"method {request.method} not allowed on {request.path!r}; allowed: {allowed}"
    if exc.code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        size = request.content_length
        got = f"request body of {size} bytes" if size is not None else "request body"
        return f"{got} is too large; the limit is {limit} bytes"
    return exc.description or HTTPStatus(exc.code or 500).phrase


#: Deepest nesting of arrays and objects a request body may have (a GeoJSON MultiPolygon needs 5).
MAX_JSON_DEPTH = 64


def json_depth(value: object) -> int:
    """How deeply `value` nests lists and dicts (a scalar is 0), without recursion; ValueError for a text holding
    NUL (U+0000), which no field means and PostgreSQL's text and JSONB refuse."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise ValueError("NUL")
            continue
        children = [*item, *item.values()] if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list, str)))
    return deepest


_ORJSON = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_PASSTHROUGH_DATETIME


class JSONProvider(DefaultJSONProvider):
    """The app's JSON: UTF-8 out, key order kept, and request bodies nested at most MAX_JSON_DEPTH deep.

    A deeper body (which would otherwise raise RecursionError somewhere: a 500) is a 400 quoting the limit,
    whether or not the view asked for the body `silent`ly.

    Answers are written by orjson, several times faster than the standard library, in Flask's form: compact,
    dates in the HTTP date format, dataclasses and `__html__` objects as Flask writes them; numpy numbers and
    arrays as numbers and lists; NaN as null (the standard library writes `NaN`, which is not JSON). What orjson
    cannot write (an integer beyond 64 bits) goes to the standard library, so nothing Flask could write fails.
    """

    ensure_ascii = False
    sort_keys = False

    def _orjson(self, obj) -> bytes | None:
        try:
            return orjson.dumps(obj, default=self.default, option=_ORJSON)
        except orjson.JSONEncodeError:
            return None

    def dumps(self, obj, **kwargs) -> str:
        if set(kwargs) <= {"separators"}:  # compact: orjson's only form
            data = self._orjson(obj)
            if data is not None:
                return data.decode("utf-8")
        return super().dumps(obj, **kwargs)

    def response(self, *args, **kwargs):
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)  # indented, for reading in debug mode
        data = self._orjson(self._prepare_response_obj(args, kwargs))
        if data is None:
            return super().response(*args, **kwargs)
        return self._app.response_class(data + b"\n", mimetype=self.mimetype)

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise BadParameter(f"the JSON body nests too deeply; the limit is {MAX_JSON_DEPTH} levels") from None
        try:
            too_deep = json_depth(value) > MAX_JSON_DEPTH
        except ValueError:
            raise BadParameter("the JSON body holds a NUL character (\\u0000), which no field takes") from None
        if too_deep:
            raise BadParameter(f"the JSON body nests more than {MAX_JSON_DEPTH} levels deep")
        return value


def init_app(app: Flask) -> None:
    """Register the handlers and the JSON provider; 5xx are logged, 4xx are the caller's business."""
    app.json = JSONProvider(app)

    @app.before_request
    def _no_nul() -> None:
        """A NUL character names nothing (and PostgreSQL refuses it): 404 in the path, 400 in the query."""
        if "\x00" in request.path:
            raise E.NotFound(f"nothing is named with a NUL character (%00): {request.path!r:.120}")
        if any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
            raise BadParameter(f"the query holds a NUL character (%00): {request.full_path!r:.120}")

    @app.errorhandler(E.GislayoutError)
    def _library_error(exc: E.GislayoutError):
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 500)
        if status >= 500:
            app.logger.error("server data or library error: %s", exc.message)
        extra = {"current": exc.current} if isinstance(exc, E.Conflict) and exc.current is not None else {}
        extra |= getattr(exc, "details", None) or {}  # e.g. a refused feature's messages per field
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, E.TooMany) else {}
        lang = request_lang()
        if lang == "zh" and exc.zh:
            headers["Content-Language"] = lang
        return error_body(status, exc.text(lang), **extra), status, headers

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if not is_api(request.path):
            return exc
        status = exc.code or 500
        if status >= 500:
            app.logger.error("HTTP %s on %s: %s", status, request.path, exc.description)
        headers = {"Allow": ", ".join(exc.valid_methods)} if status == 405 and exc.valid_methods else {}
        return error_body(status, http_message(exc)), status, headers

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        app.logger.exception("internal error on %s", request.path)
        return error_body(500, "internal error; see the server log"), 500
