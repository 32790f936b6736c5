"""The one family of exceptions the library raises; the web layer maps each class to an HTTP status."""

from __future__ import annotations

import math


class GislayoutError(Exception):
    """Base class: a message fit to show a user, naming the offending value."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadParameter(GislayoutError):
    """A parameter has a value that is malformed or not among the allowed ones (HTTP 400)."""


class NotFound(GislayoutError):
    """A named thing (layer, resource, scheme, zone) does not exist (HTTP 404)."""


class InvalidData(GislayoutError):
    """A data file or uploaded file fails validation (HTTP 400 for uploads; fatal at load)."""


class LayerDataError(GislayoutError):
    """A curated file in `layers/` (or another file shipped with the product) fails validation.

    The server's own data is at fault, not the request: HTTP 500, logged, with the message naming the file.
    """


class Unauthorized(GislayoutError):
    """A write without an account (HTTP 401)."""


class Forbidden(GislayoutError):
    """A write the account may not make, or without its CSRF token (HTTP 403)."""


class Conflict(GislayoutError):
    """A write based on a stale revision, or one the thing's state forbids (HTTP 409); `current` is the state now."""

    def __init__(self, message: str, current: dict | None = None):
        super().__init__(message)
        self.current = current


class TooLarge(GislayoutError):
    """An upload or request exceeds a size or count limit (HTTP 413)."""


class ResourceUnavailable(GislayoutError):
    """A resource raster is not installed yet (HTTP 404 with the command that installs it)."""


def allowed(value: object, choices, what: str) -> None:
    """Raise BadParameter unless `value` is in `choices`, quoting both."""
    if value not in choices:
        raise BadParameter(f"unknown {what} {value!r}; allowed: {', '.join(map(str, sorted(choices)))}")


def number(value: object, what: str, low: float = -math.inf, high: float = math.inf) -> float:
    """`value` (a number or its text) as a finite float in [low, high]; BadParameter quoting it otherwise."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise BadParameter(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(result):
        raise BadParameter(f"{what} must be a finite number, got {value!r}")
    if not low <= result <= high:
        raise BadParameter(f"{what} must be between {low:g} and {high:g}, got {value!r}")
    return result


def lookup(known: dict, name: str, what: str):
    """`known[name]`, or NotFound quoting `name` and listing the known names."""
    if name not in known:
        raise NotFound(f"unknown {what} {name!r}; known: {', '.join(map(str, known))}")
    return known[name]
