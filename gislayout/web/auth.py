"""Who is asking, and who may write: sign-in, sessions with a CSRF token, API tokens and roles.

Reading stays open. A write view is decorated with `@auth.require("editor")` (or calls `auth.check("editor")`):

* a browser signs in with `POST /api/auth/login` and gets Flask's signed session cookie (HttpOnly, SameSite=Lax)
  and a CSRF token, which every cookie-authenticated write must send back as the header `X-CSRF-Token`;
* a script sends `Authorization: Bearer <token>` (from `flask users token NAME` or `POST /api/auth/tokens`),
  which a browser never sends by itself, so it needs no CSRF token.

No account: 401. A viewer's write, or a cookie write without the right CSRF token: 403. The session key is
`SECRET_KEY` of the app config, else `GISLAYOUT_SECRET_KEY`, else a random key created once in
`<instance>/secret_key`, so every worker on one host signs alike; several hosts need one SECRET_KEY in their
`instance/config.py`.
"""

from __future__ import annotations

import functools
import hmac
import os
import secrets
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, render_template, request, session, url_for

from .. import fileio
from ..errors import BadParameter, Forbidden, Unauthorized
from ..store import accounts
from . import errors as web_errors, openapi

bp = Blueprint("auth", __name__)
CSRF_HEADER = "X-CSRF-Token"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LANGS = ("zh", "en")
_ANONYMOUS = (None, None)


# ---- set-up ----

def init_app(app: Flask) -> None:
    """Give `app` its session key and cookie settings, and register the blueprint."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("GISLAYOUT_SECRET_KEY") or _instance_key(
            Path(app.instance_path) / "secret_key")
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.register_blueprint(bp)


def _instance_key(path: Path) -> str:
    """The key in `path`, created (0600) by whichever process gets there first; the others read that one."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    try:
        tmp = fileio.temp_path(path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise RuntimeError(f"cannot create the session key {path} ({exc.strerror}); set SECRET_KEY in "
                           "instance/config.py or GISLAYOUT_SECRET_KEY") from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(tmp, path)  # unlike a rename, a link never replaces a key another worker already made
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


# ---- who is asking ----

def _bearer() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def _identify() -> tuple[dict | None, str | None]:
    """(user, how): how is 'token' or 'session'; (None, None) for nobody. Once per request."""
    if "_gislayout_auth" not in g:
        token = _bearer()
        if token is not None:
            user = accounts.user_for_token(token)
            if user is None:
                raise Unauthorized("unknown or revoked API token")
            g._gislayout_auth = (user, "token")
        elif "user" in session:
            user = accounts.session_user(session.get("user"), session.get("stamp"))
            g._gislayout_auth = (user, "session") if user else _ANONYMOUS
        else:
            g._gislayout_auth = _ANONYMOUS
    return g._gislayout_auth


def current_user() -> dict | None:
    """The signed-in user {name, role, created_at} of this request (by session or API token), or None.

    A bad API token reads as nobody here (reading is open); `check` and `require` answer it with 401.
    """
    try:
        return _identify()[0]
    except Unauthorized:
        return None


def _check_csrf() -> None:
    expected = session.get("csrf")
    given = request.headers.get(CSRF_HEADER, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forbidden(f"missing or wrong {CSRF_HEADER} header; a signed-in browser gets its token from "
                        "GET /api/auth/me")


def check(role: str = "editor") -> dict:
    """The user of this request if they may act as `role`; Unauthorized (401) or Forbidden (403) otherwise."""
    user, how = _identify()
    if user is None:
        raise Unauthorized(f"{request.method} {request.path} needs an account: sign in (POST /api/auth/login) "
                           "or send 'Authorization: Bearer <token>'")
    if how == "session" and request.method in WRITE_METHODS:
        _check_csrf()
    if not accounts.role_at_least(user["role"], role):
        raise Forbidden(f"user {user['name']!r} has the role {user['role']!r}; this needs {role!r} or above")
    return user


def require(role: str = "editor") -> Callable:
    """Decorate a view so that it runs only for a user who may act as `role` (see `check`)."""
    accounts.check_role(role)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            check(role)
            return view(*args, **kwargs)
        return guarded
    return decorate


def may_lock(user: dict | None, version_author: str) -> bool:
    """Whether `user` may lock or unlock a version by `version_author`: an editor their own, an admin any."""
    if user is None:
        return False
    if user["role"] == "admin":
        return True
    return user["role"] == "editor" and user["name"] == version_author


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site (not `//host`, not `https://…`, no backslash), else `default`."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    return target


# ---- routes ----

def _state(user: dict | None, how: str | None) -> dict:
    return {"user": user["name"] if user else None, "role": user["role"] if user else None,
            "csrf_token": session.get("csrf") if how == "session" else None, "via": how}


def _no_store(body: dict, status: int = 200):
    return body, status, {"Cache-Control": "no-store"}


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        body = {} if not request.get_data() else None
    if not isinstance(body, dict):
        raise BadParameter("send a JSON object (Content-Type: application/json)")
    return body


@bp.post("/api/auth/login")
def login():
    """Sign in with {name, password}: a session cookie and the CSRF token for writes."""
    body = request.get_json(silent=True)  # JSON only: a cross-site HTML form cannot send it
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not isinstance(
            body.get("password"), str):
        raise BadParameter("send a JSON object {\"name\": …, \"password\": …} with Content-Type: application/json")
    user = accounts.authenticate(body["name"], body["password"])
    if user is None:
        raise Unauthorized("wrong user name or password")
    session.clear()
    session["user"] = user["name"]
    session["stamp"] = accounts.session_stamp(user["name"])
    session["csrf"] = secrets.token_urlsafe(32)
    return _no_store(_state(user, "session"))


@bp.post("/api/auth/logout")
def logout():
    """End the browser session (a no-op without one)."""
    if "csrf" in session:
        _check_csrf()
    session.clear()
    return _no_store(_state(None, None))


@bp.get("/api/auth/me")
def me():
    """Who is signed in, with their role and the CSRF token for writes; nulls for nobody."""
    return _no_store(_state(*_identify()))


@bp.post("/api/auth/tokens")
def new_token():
    """A new API token for the signed-in user, shown this once."""
    user = check("viewer")
    label = _json_object().get("label", "")
    token = accounts.create_token(user["name"], label)
    return _no_store({"token": token, "user": user["name"], "label": label}, 201)


@bp.app_errorhandler(Unauthorized)
def _unauthorized(exc: Unauthorized):
    """The one error body, with the challenge RFC 9110 asks a 401 to carry."""
    return web_errors.error_body(401, exc.message), 401, {"WWW-Authenticate": 'Bearer realm="gislayout"'}


@bp.get("/login")
def login_page():
    """The sign-in page; after signing in it goes back to `next` (a path on this site)."""
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else "zh"
    config = {"lang": lang, "next": safe_next(request.args.get("next")),
              "urls": {"login": url_for("auth.login"), "me": url_for("auth.me"), "logout": url_for("auth.logout"),
                       "page": url_for("auth.login_page"), "atlas": request.script_root + "/"}}
    return render_template("login.html", lang=lang, page_config=config), 200, {"Cache-Control": "no-store"}


def _post(summary: str, description: str, *, body: dict | None = None, ok: dict | None = None,
          errors: tuple[int, ...] = (), status: int = 200) -> dict:
    op = openapi.operation(summary, description, tag="auth", ok=ok, errors=errors, body=body)
    if status != 200:
        op["responses"] = {str(status): op["responses"].pop("200"), **op["responses"]}
    return {"post": op}


def _json_body(properties: dict, required: list[str]) -> dict:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"required": bool(required), "content": {"application/json": {"schema": schema}}}


_STATE = openapi.json_object({"type": "object", "properties": {
    "user": {"type": "string", "nullable": True}, "role": {"type": "string", "nullable": True,
                                                          "enum": [*accounts.ROLES, None]},
    "csrf_token": {"type": "string", "nullable": True, "description": "Send as X-CSRF-Token on cookie writes"},
    "via": {"type": "string", "nullable": True, "enum": ["session", "token", None]}}})

OPENAPI_PATHS = {
    "/api/auth/login": _post(
        "Sign in", "Checks {name, password} (JSON only) and sets the session cookie (HttpOnly, SameSite=Lax). "
        "The answer carries the CSRF token every cookie-authenticated write must send as X-CSRF-Token. A wrong "
        "name or password gets the same 401.", ok=_STATE, errors=(400, 401),
        body=_json_body({"name": {"type": "string"}, "password": {"type": "string"}}, ["name", "password"])),
    "/api/auth/logout": _post("Sign out", "Ends the browser session; with a session it needs X-CSRF-Token.",
                              ok=_STATE, errors=(403,)),
    "/api/auth/me": openapi.get("Who is signed in", "The user and role of the session or Bearer token, and the "
                                "session's CSRF token; nulls when nobody is.", tag="auth", ok=_STATE),
    "/api/auth/tokens": _post(
        "New API token", "A token for `Authorization: Bearer <token>` for the signed-in user, shown once (only "
        "its SHA-256 is kept). Needs a session (with X-CSRF-Token) or a token.", status=201,
        ok=openapi.json_object({"type": "object", "properties": {"token": {"type": "string"},
                                                                 "user": {"type": "string"},
                                                                 "label": {"type": "string"}}}, "Created"),
        body=_json_body({"label": {"type": "string", "maxLength": accounts.MAX_LABEL}}, []), errors=(400, 401, 403)),
    "/login": openapi.get("Sign-in page", "Sign in, then go back to `next` (a path on this site).", tag="pages",
                          ok=openapi.html_page(),
                          params=[openapi.query("next", {"type": "string"}, "Where to go after signing in"),
                                  openapi.query("lang", {"type": "string"}, "zh or en")]),
}
