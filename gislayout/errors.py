"""The one family of exceptions the library raises; the web layer maps each class to an HTTP status."""

from __future__ import annotations

import math
import re


class GislayoutError(Exception):
    """Base class: a message fit to show a user, naming the offending value.

    `zh` is the same message in Chinese, for a request from a Chinese page (`lang=zh`; web.errors picks it);
    without it such a request is answered in English.
    """

    def __init__(self, message: str, *, zh: str | None = None):
        super().__init__(message)
        self.message = message
        self.zh = zh

    def text(self, lang: str) -> str:
        """The message in `lang` (zh or en): English when no Chinese was given."""
        return self.zh if lang == "zh" and self.zh else self.message


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

    def __init__(self, message: str, current: dict | None = None, *, zh: str | None = None):
        super().__init__(message, zh=zh)
        self.current = current


class TooLarge(GislayoutError):
    """An upload or request exceeds a size or count limit (HTTP 413)."""


class TooMany(GislayoutError):
    """Too many attempts (sign-in, token creation, uploads) in a time window (HTTP 429 with Retry-After)."""

    def __init__(self, message: str, retry_after: int = 60, *, zh: str | None = None):
        super().__init__(message, zh=zh)
        self.retry_after = retry_after


class ResourceUnavailable(GislayoutError):
    """A resource raster is not installed yet (HTTP 404 with the command that installs it)."""


def allowed(value: object, choices, what: str) -> None:
    """Raise BadParameter unless `value` is in `choices`, quoting both."""
    if value not in choices:
        raise BadParameter(f"unknown {what} {value!r}; allowed: {', '.join(map(str, sorted(choices)))}")


#: The one rule for numbers in text (query strings, form fields, JSON strings): ASCII digits only, an optional
#: sign, decimal point and exponent. `float()` and `int()` alone also take '١٢', '²'-like digits, '1_000' and
#: padding; `str.isdigit()` takes '²', which `int()` then refuses.
_DECIMAL = re.compile(r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?|nan|inf|infinity)",
                      re.IGNORECASE)  # nan and inf pass here to be refused below as not finite
_WHOLE = re.compile(r"[+-]?[0-9]+")
#: Digits accepted in a whole number given as text (more is never a count, a revision or a change number).
MAX_DIGITS = 18


def number(value: object, what: str, low: float = -math.inf, high: float = math.inf,
           what_zh: str | None = None) -> float:
    """`value` (a number, or its text by the one rule above) as a finite float in [low, high]; BadParameter
    quoting it otherwise (also in Chinese when `what_zh` names the value in Chinese)."""
    def bad(en: str, zh: str) -> BadParameter:
        return BadParameter(f"{what} {en}, got {value!r:.80}",
                            zh=f"{what_zh}{zh}，收到“{value!s:.80}”" if what_zh else None)

    if isinstance(value, bool):
        raise bad("must be a number", "应为数字")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 64 or not _DECIMAL.fullmatch(text):
            raise bad("must be a number", "应为数字")
        value = text
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise bad("must be a number", "应为数字") from None
    if not math.isfinite(result):
        raise bad("must be a finite number", "应为有限数值")
    if not low <= result <= high:
        raise bad(f"must be between {low:g} and {high:g}", f"应在 {low:g} 与 {high:g} 之间")
    return result


def integer(value: object, what: str, low: int | None = None, high: int | None = None,
            what_zh: str | None = None) -> int:
    """`value` (an int, or its text: ASCII digits with an optional sign, at most MAX_DIGITS) as an int in
    [low, high]; BadParameter quoting it otherwise (also in Chinese when `what_zh` names the value in Chinese).
    Used for every whole number a request carries."""
    def zh(text: str) -> str | None:
        return f"{what_zh}{text}，收到“{value!s:.80}”" if what_zh else None

    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise BadParameter(f"{what} must be a whole number, got {value!r:.80}", zh=zh("应为整数"))
    if isinstance(value, str):
        text = value.strip()
        if not _WHOLE.fullmatch(text) or len(text.lstrip("+-")) > MAX_DIGITS:
            raise BadParameter(f"{what} must be a whole number of at most {MAX_DIGITS} digits, got {value!r:.80}",
                               zh=zh(f"应为不超过 {MAX_DIGITS} 位的整数"))
        value = int(text)
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"between {low} and {high}" if low is not None and high is not None else (
            f"at least {low}" if low is not None else f"at most {high}")
        span_zh = f"应在 {low} 与 {high} 之间" if low is not None and high is not None else (
            f"应不小于 {low}" if low is not None else f"应不大于 {high}")
        raise BadParameter(f"{what} must be {span}, got {value!r:.80}", zh=zh(span_zh))
    return value


def lookup(known: dict, name: str, what: str):
    """`known[name]`, or NotFound quoting `name` and listing the known names."""
    if name not in known:
        raise NotFound(f"unknown {what} {name!r}; known: {', '.join(map(str, known))}")
    return known[name]
