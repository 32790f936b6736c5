"""One JSON error body for every API error, and the one map from library exceptions to HTTP statuses."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from .. import errors as E

STATUS = {
    E.BadParameter: 400,
    E.InvalidData: 400,
    E.NotFound: 404,
    E.ResourceUnavailable: 404,
    E.TooLarge: 413,
}


def error_body(status: int, message: str, **extra) -> dict:
    """The JSON body of every API error: the status and a message naming the offending value."""
    from http import HTTPStatus
    return {"status": status, "error": HTTPStatus(status).phrase, "message": message, **extra}


def init_app(app: Flask) -> None:
    """Register the handlers; 5xx are logged, 4xx are the caller's business."""

    @app.errorhandler(E.GislayoutError)
    def _library_error(exc: E.GislayoutError):
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 500)
        if status >= 500:
            app.logger.error("unmapped library error: %s", exc.message)
        return error_body(status, exc.message), status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc
        message = exc.description
        if exc.code == 404:
            message = f"no route {request.path!r}"
        elif exc.code == 405:
            message = f"method {request.method} not allowed on {request.path!r}; allowed: {', '.join(exc.valid_methods or [])}"
        return error_body(exc.code or 500, message), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        app.logger.exception("internal error on %s", request.path)
        return error_body(500, "internal error; see the server log"), 500
