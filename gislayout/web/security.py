"""Security headers of every response: a Content-Security-Policy the pages pass, and the usual companions.

Every response gets `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, `X-Frame-Options: DENY`
and a CSP with `frame-ancestors 'none'`. An HTML page's CSP allows scripts from this site only ('self'), plus
the exact inline scripts its template vouched for: a template passes the inline JavaScript it embeds (Folium's
map script, which differs with every view) through the `csp_trust` filter (an HTML fragment holding scripts,
like Folium's header, through `csp_trust_html`), which records the SHA-256 of that text; the header then lists `'sha256-…'` of each inline script of the page whose text was recorded. A script
that was not vouched for (or one made by breaking out of a vouched one) has no hash in the header, so the
browser does not run it. Pages are cached after rendering, so the record is kept per process (bounded).

Styles may be inline (Leaflet and Folium write style attributes and <style> blocks); images may come from the
online basemaps the atlas offers (OpenStreetMap, Tianditu, AutoNavi), data: and blob: URLs; everything else
('connect-src', fonts, workers) from this site only; no plugins, no <base>, forms post here only.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import threading
from collections import OrderedDict

from flask import Flask, Response
from markupsafe import Markup

#: Hosts of the online basemap tiles the atlas can show (gislayout.maps.basemaps).
TILE_HOSTS = ("https://tile.openstreetmap.org", "https://*.tianditu.gov.cn", "https://*.is.autonavi.com")
#: Inline script texts vouched for, kept at most (far more than the rendered pages cached).
MAX_TRUSTED = 65_536
_INLINE = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_NOT_JS = re.compile(r"""\b(?:src\s*=|type\s*=\s*["']?application/(?:json|ld\+json))""", re.I)
_TRUSTED: OrderedDict[str, None] = OrderedDict()
_LOCK = threading.Lock()

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
#: The policy of a page; `{scripts}` gets the hashes of its vouched-for inline scripts.
PAGE_POLICY = ("default-src 'self'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; "
               f"img-src 'self' data: blob: {' '.join(TILE_HOSTS)}; font-src 'self' data:; connect-src 'self'; "
               "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
#: The policy of everything that is not a page (JSON, files, tiles): nothing runs in it, nobody frames it.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def trust(script: str) -> None:
    """Vouch for an inline script (its text, leading and trailing white space aside)."""
    key = _digest(script.strip())
    with _LOCK:
        _TRUSTED[key] = None
        _TRUSTED.move_to_end(key)
        while len(_TRUSTED) > MAX_TRUSTED:
            _TRUSTED.popitem(last=False)


def csp_trust(script: str) -> Markup:
    """Jinja filter: vouch for the inline JavaScript `script`; returns it as markup.

    In a template: `<script>{{ page.script|csp_trust }}</script>`.
    """
    trust(str(script))
    return Markup(str(script))


def csp_trust_html(fragment: str) -> Markup:
    """Jinja filter: vouch for the inline scripts of the HTML `fragment` (e.g. Folium's page header)."""
    text = str(fragment)
    for attrs, body in _INLINE.findall(text):
        if not _NOT_JS.search(attrs):
            trust(body)
    return Markup(text)


def script_hashes(html: str) -> list[str]:
    """The CSP sources ('sha256-…') of the inline scripts of `html` that were vouched for."""
    out = []
    for attrs, body in _INLINE.findall(html):
        if _NOT_JS.search(attrs) or not body.strip():
            continue
        with _LOCK:
            known = _digest(body.strip()) in _TRUSTED
        if known:
            source = f"'sha256-{_digest(body)}'"
            if source not in out:
                out.append(source)
    return out


def policy(resp: Response) -> str:
    """The Content-Security-Policy for `resp`."""
    if resp.mimetype != "text/html":
        return OTHER_POLICY
    if resp.is_streamed:
        return PAGE_POLICY.format(scripts="")
    body = resp.get_data()
    if resp.headers.get("Content-Encoding") == "gzip":  # the atlas page is sent gzipped
        body = gzip.decompress(body)
    hashes = script_hashes(body.decode("utf-8"))
    return PAGE_POLICY.format(scripts="".join(" " + h for h in hashes))


def init_app(app: Flask) -> None:
    """Add the headers to every response, and the `csp_trust` filter to the templates.

    `SESSION_COOKIE_SECURE` (see `auth.init_app`) belongs with these where the site is served over HTTPS.
    """
    app.add_template_filter(csp_trust, "csp_trust")
    app.add_template_filter(csp_trust_html, "csp_trust_html")

    @app.after_request
    def headers(resp: Response) -> Response:
        present = {name.lower() for name in resp.headers.keys()}  # one pass over the headers, not one per name
        resp.headers.extend([(name, value) for name, value in HEADERS.items() if name.lower() not in present])
        if "content-security-policy" not in present:
            resp.headers["Content-Security-Policy"] = policy(resp)
        return resp
