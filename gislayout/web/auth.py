"""Who is asking, and who may write: sign-in, sessions with a CSRF token, API tokens and roles.

Reading stays open. A write view is decorated with `@auth.require("editor")` (or calls `auth.check("editor")`):

* a browser signs in with `POST /api/auth/login` and gets Flask's signed session cookie (HttpOnly, SameSite=Lax)
  and a CSRF token, which every cookie-authenticated write must send back as the header `X-CSRF-Token`;
* a script sends `Authorization: Bearer <token>` (from `flask users token NAME` or `POST /api/auth/tokens`),
  which a browser never sends by itself, so it needs no CSRF token.

No account: 401. A viewer's write, or a cookie write without the right CSRF token: 403. Sessions end: signing
out, a new password or role, or removing the user ends every session of that user everywhere (a generation kept
in the store, `accounts.session_user`); a session also ends after `SESSION_IDLE_MINUTES` without a request and
`SESSION_MAX_HOURS` after sign-in. Sign-in is throttled per account and per client address, and token creation
per account (`LOGIN_*`, `TOKENS_PER_HOUR`; counts in the store, shared by every worker): 429 with Retry-After.
The session key is
`SECRET_KEY` of the app config, else `GISLAYOUT_SECRET_KEY`, else a random key created once in
`<instance>/secret_key`, so every worker on one host signs alike; several hosts need one SECRET_KEY in their
`instance/config.py`.
"""

from __future__ import annotations

import functools
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, g, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from .. import fileio
from ..errors import BadParameter, Forbidden, NotFound, Unauthorized, integer
from ..store import accounts, throttle
from . import errors as web_errors, openapi

bp = Blueprint("auth", __name__)
CSRF_HEADER = "X-CSRF-Token"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LANGS = ("zh", "en")
_ANONYMOUS = (None, None)


# ---- set-up ----

#: Defaults of the settings above (each may be set in instance/config.py or the test config).
DEFAULTS = {
    "SESSION_IDLE_MINUTES": 120,       # a session ends after this long without a request
    "SESSION_MAX_HOURS": 24,           # and this long after sign-in, whatever happens
    "LOGIN_FAILURES_PER_ACCOUNT": 5,   # wrong passwords for one account in LOGIN_WINDOW_S before 429
    "LOGIN_FAILURES_PER_ADDRESS": 30,  # wrong sign-ins from one client address in LOGIN_WINDOW_S before 429
    "LOGIN_WINDOW_S": 900,
    "TOKENS_PER_HOUR": 20,             # API tokens one account may create in an hour
}
#: A session's last request is written back to its cookie at most this often (seconds).
_SEEN_EVERY_S = 60


def init_app(app: Flask) -> None:
    """Give `app` its session key and cookie settings, and register the blueprint.

    `SESSION_COOKIE_SECURE` (or `GISLAYOUT_SESSION_COOKIE_SECURE=1`) makes browsers send the session cookie over
    HTTPS only: set it wherever the atlas is served over HTTPS (off by default, for http://localhost).
    """
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("GISLAYOUT_SECRET_KEY") or _instance_key(
            Path(app.instance_path) / "secret_key")
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if os.environ.get("GISLAYOUT_SESSION_COOKIE_SECURE") == "1":
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") not in ("Lax", "Strict"):
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.session_interface = _SessionInterface()
    app.register_blueprint(bp)


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its signer made once per key rather than on every request (making one
    also serialises a test value: a tenth of a point query's time)."""

    def __init__(self) -> None:
        self._signers: dict[tuple, object] = {}

    def get_signing_serializer(self, app: Flask):
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        signer = self._signers.get(key)
        if signer is None:
            signer = self._signers[key] = super().get_signing_serializer(app)
        return signer


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
            user = accounts.session_user(session.get("user"), session.get("stamp")) if _session_alive() else None
            if user is None:
                session.clear()  # ended (sign-out anywhere, new password or role, removed, expired)
            g._gislayout_auth = (user, "session") if user else _ANONYMOUS
        else:
            g._gislayout_auth = _ANONYMOUS
    return g._gislayout_auth


def _clock() -> float:
    """Seconds since the epoch (a function, so tests can move time)."""
    return time.time()


def _session_alive() -> bool:
    """Whether this session is within its idle and absolute lifetimes; notes this request as its last."""
    now = _clock()
    started, seen = session.get("t0"), session.get("seen")
    if not isinstance(started, (int, float)) or not isinstance(seen, (int, float)):
        return False
    cfg = current_app.config
    if now - started > cfg["SESSION_MAX_HOURS"] * 3600 or now - seen > cfg["SESSION_IDLE_MINUTES"] * 60:
        return False
    if now - seen >= _SEEN_EVERY_S:
        session["seen"] = int(now)
    return True


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
                        "GET /api/auth/me", zh="登录凭据已过期，请刷新页面后再试")


def check(role: str = "editor") -> dict:
    """The user of this request if they may act as `role`; Unauthorized (401) or Forbidden (403) otherwise."""
    user, how = _identify()
    if user is None:
        raise Unauthorized(f"{request.method} {request.path} needs an account: sign in (POST /api/auth/login) "
                           "or send 'Authorization: Bearer <token>'", zh="此操作需要登录：请先登录")
    if how == "session" and request.method in WRITE_METHODS:
        _check_csrf()
    if not accounts.role_at_least(user["role"], role):
        raise Forbidden(f"user {user['name']!r} has the role {user['role']!r}; this needs {role!r} or above",
                        zh=f"用户“{user['name']}”的角色是“{user['role']}”；此操作需要“{role}”或更高角色")
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


def _client() -> str:
    """The client address sign-in attempts are counted by (behind a proxy, see README: ProxyFix)."""
    return request.remote_addr or "unknown"


@bp.post("/api/auth/login")
def login():
    """Sign in with {name, password}: a session cookie and the CSRF token for writes."""
    body = request.get_json(silent=True)  # JSON only: a cross-site HTML form cannot send it
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not isinstance(
            body.get("password"), str):
        raise BadParameter("send a JSON object {\"name\": …, \"password\": …} with Content-Type: application/json",
                           zh="请填写用户名和密码")
    cfg = current_app.config
    window = cfg["LOGIN_WINDOW_S"]
    by_user, by_addr = f"login-user:{body['name'][:64]}", f"login-addr:{_client()}"
    throttle.check(by_addr, cfg["LOGIN_FAILURES_PER_ADDRESS"], window, "failed sign-ins from this address",
                   "此地址登录失败次数")
    throttle.check(by_user, cfg["LOGIN_FAILURES_PER_ACCOUNT"], window, "failed sign-ins for this account",
                   "此账号登录失败次数")
    user = accounts.authenticate(body["name"], body["password"])
    if user is None:
        throttle.hit(by_addr, window)
        throttle.hit(by_user, window)
        raise Unauthorized("wrong user name or password", zh="用户名或密码错误")
    throttle.clear(by_user)
    now = int(_clock())
    session.clear()
    session["user"] = user["name"]
    session["stamp"] = accounts.session_stamp(user["name"])
    session["csrf"] = secrets.token_urlsafe(32)
    session["t0"] = session["seen"] = now
    return _no_store(_state(user, "session"))


@bp.post("/api/auth/logout")
def logout():
    """Sign out: every session of this user ends, on every worker and host (a no-op without a session)."""
    if "csrf" in session:
        _check_csrf()
    user, how = _identify()
    if user is not None and how == "session":
        accounts.end_sessions(user["name"])
    session.clear()
    return _no_store(_state(None, None))


@bp.get("/api/auth/me")
def me():
    """Who is signed in, with their role and the CSRF token for writes; nulls for nobody."""
    return _no_store(_state(*_identify()))


@bp.post("/api/auth/tokens")
def new_token():
    """A new API token for the signed-in user, shown this once: {label, scope, days} (all optional)."""
    user = check("viewer")
    body = _json_object()
    unknown = sorted(set(body) - {"label", "scope", "days"})
    if unknown:
        raise BadParameter(f"unknown field {unknown[0]!r:.40}; a token takes label, scope, days")
    label, scope = body.get("label", ""), body.get("scope")
    days = integer(body["days"], "days", 1, accounts.MAX_TOKEN_DAYS) if body.get("days") is not None else None
    throttle.take(f"token:{user['name']}", current_app.config["TOKENS_PER_HOUR"], 3600, "new API tokens")
    max_scope = user.get("scope", "write")  # a token may only make tokens of its own scope or less
    token = accounts.create_token(user["name"], label, scope=scope, days=days, max_scope=max_scope)
    listed = {t["id"]: t for t in accounts.list_tokens(user["name"])}[accounts.token_id(accounts.token_digest(token))]
    return _no_store({"token": token, "user": user["name"], "label": label} | listed, 201)


@bp.get("/api/auth/tokens")
def list_tokens():
    """The signed-in user's live API tokens (an admin may ask for another's with `user`); never the secrets."""
    user = check("viewer")
    web_errors.check_params(("user",))
    name = request.args.get("user") or user["name"]
    if name != user["name"] and user["role"] != "admin":
        raise Forbidden(f"only an admin may list the tokens of {name!r}")
    return _no_store({"tokens": accounts.list_tokens(name)})


@bp.delete("/api/auth/tokens/<tid>")
def revoke_token(tid: str):
    """Revoke one of the signed-in user's API tokens by its id (an admin: anyone's)."""
    user = check("viewer")
    if not accounts.revoke_token_id(tid, None if user["role"] == "admin" else user["name"]):
        raise NotFound(f"no API token {tid!r} of {user['name']!r}; see GET /api/auth/tokens")
    return _no_store({"revoked": tid})


@bp.app_errorhandler(Unauthorized)
def _unauthorized(exc: Unauthorized):
    """The one error body, with the challenge RFC 9110 asks a 401 to carry."""
    headers = {"WWW-Authenticate": 'Bearer realm="gislayout"'}
    lang = web_errors.request_lang()
    if lang == "zh" and exc.zh:
        headers["Content-Language"] = lang
    return web_errors.error_body(401, exc.text(lang)), 401, headers


@bp.get("/login")
def login_page():
    """The sign-in page; after signing in it goes back to `next` (a path on this site)."""
    lang = request.args.get("lang") if request.args.get("lang") in LANGS else "zh"
    config = {"lang": lang, "next": safe_next(request.args.get("next")),
              "urls": {"login": url_for("auth.login"), "me": url_for("auth.me"), "logout": url_for("auth.logout"),
                       "page": url_for("auth.login_page"), "atlas": request.script_root + "/"}}
    return render_template("login.html", lang=lang, page_config=config), 200, {"Cache-Control": "no-store"}


def _post(summary: str, description: str, *, body: dict | None = None, ok: dict | None = None,
          errors: tuple[int, ...] = (), status: int = 200, links: dict | None = None) -> dict:
    op = openapi.operation(summary, description, tag="auth", ok=ok, errors=errors, body=body)
    if status != 200:
        op["responses"] = {str(status): op["responses"].pop("200"), **op["responses"]}
    if links:
        op["responses"][str(status)] = {**op["responses"][str(status)], "links": links}
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
        "name or password gets the same 401. Repeated failures for one account or from one address get 429 "
        "with Retry-After.", ok=_STATE, errors=(400, 401, 429),
        body=_json_body({"name": {"type": "string"}, "password": {"type": "string"}}, ["name", "password"])),
    "/api/auth/logout": _post("Sign out", "Ends the browser session; with a session it needs X-CSRF-Token.",
                              ok=_STATE, errors=(403,)),
    "/api/auth/me": openapi.get("Who is signed in", "The user and role of the session or Bearer token, and the "
                                "session's CSRF token; nulls when nobody is.", tag="auth", ok=_STATE),
    "/api/auth/tokens": {**_post(
        "New API token", "A token for `Authorization: Bearer <token>` for the signed-in user, shown once (only "
        "its SHA-256 is kept), with a label, a scope ('write' needs an editor; a viewer's tokens are 'read') and "
        "an expiry in days (default 90). Needs a session (with X-CSRF-Token) or a token; at most "
        "TOKENS_PER_HOUR an hour (429).", status=201,
        ok=openapi.json_object({"type": "object", "properties": {"token": {"type": "string"},
                                                                 "user": {"type": "string"},
                                                                 "label": {"type": "string"}}}, "Created"),
        body=_json_body({"label": {"type": "string", "maxLength": accounts.MAX_LABEL},
                         "scope": {"type": "string", "enum": list(accounts.SCOPES)},
                         "days": {"type": "integer", "minimum": 1, "maximum": accounts.MAX_TOKEN_DAYS}}, []),
        errors=(400, 401, 403, 409, 429), links={"RevokeToken": {
            "operationRef": "#/paths/~1api~1auth~1tokens~1{tid}/delete", "parameters": {"tid": "$response.body#/id"}}}),
        "get": openapi.operation(
            "API tokens", "The user's live tokens: id, label, scope, created, last used, expires (never the "
            "secret); an admin may name another user.", tag="auth",
            params=[openapi.query("user", {"type": "string"}, "Whose tokens (admin)")],
            ok=openapi.json_object(), errors=(400, 401, 403))},
    "/api/auth/tokens/{tid}": {"delete": openapi.operation(
        "Revoke an API token", "By its id (from the list); the user's own, or anyone's for an admin.", tag="auth",
        params=[openapi.path_param("tid", {"type": "string", "pattern": "^[0-9a-f]{12}$"}, "Token id")],
        ok=openapi.json_object({"type": "object", "properties": {"revoked": {"type": "string"}}}),
        errors=(400, 401, 403, 404))},
    "/login": openapi.get("Sign-in page", "Sign in, then go back to `next` (a path on this site).", tag="pages",
                          ok=openapi.html_page(),
                          params=[openapi.query("next", {"type": "string"}, "Where to go after signing in"),
                                  openapi.query("lang", {"type": "string"}, "zh or en")]),
}
