"""Issue 20 §5: every page carries the security headers, and works in chromium under its Content-Security-Policy
with no console error and no CSP violation (the atlas's Folium scripts run by their hashes); a script the
template did not vouch for is refused."""

from __future__ import annotations

import re

import pytest

from gislayout.analysis import criteria, service

from .browser import browser, strict_page  # noqa: F401
from .fixtures import siting_synthetic as synthetic

PAGES = ["/?layers=province,prefectures,bases", "/siting?lang=en", "/compare?left=zone:2009:hexi&right=zone:2009:centre",
         "/login?lang=en", "/schemes/edit?scheme=2009&lang=en"]
#: Records every CSP violation of a page (Chromium also logs them to the console, which page.errors keeps).
#: No string `wait_for_function` here: Playwright polls it with eval, which the CSP rightly refuses.
WATCH = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
         "(e) => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));")


@pytest.fixture()
def synthetic_stacks(monkeypatch):
    """The siting page's model on the small synthetic stack (the server runs in this process)."""
    stacks = {tech: synthetic.stack(tech) for tech in ("pv", "wind")}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[criteria.TECHS[criteria.TECHS.index(tech)]])


@pytest.mark.parametrize("url", PAGES + ["/api/layers/bases", "/api/openapi.json", "/static/atlas/favicon.svg"])
def test_every_response_carries_the_security_headers(client, url):
    with client.get(url) as resp:  # closed: a static file is sent from an open file
        _check_headers(resp)


def _check_headers(resp) -> None:
    assert resp.status_code == 200
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "same-origin"
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    if resp.mimetype == "text/html":
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "object-src 'none'" in csp


def test_the_atlas_lists_exactly_its_two_inline_scripts(client):
    resp = client.get("/")
    hashes = re.findall(r"'sha256-[^']+'", resp.headers["Content-Security-Policy"])
    assert len(hashes) == 2  # Folium's header script and its map script; the JSON configs need none


@pytest.mark.browser
@pytest.mark.parametrize("url", PAGES)
def test_pages_work_under_their_csp_with_no_console_error(strict_page, live_server, synthetic_stacks, url):  # noqa: F811
    page = strict_page
    page.add_init_script(WATCH)
    resp = page.goto(live_server + url)
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    if url.startswith("/?"):
        page.wait_for_selector("body[data-ready]")
        assert page.evaluate("typeof map_atlas") == "object"  # Folium's inline map script ran
        assert page.locator(".leaflet-marker-icon, .leaflet-interactive").count() > 0
    elif url.startswith("/siting"):
        page.locator(".siting-table tbody tr").first.wait_for()
        assert page.evaluate("typeof window.gislayoutSiting") == "object"
    elif url.startswith("/compare"):
        page.locator("#cmp-table tbody tr").first.wait_for()
    elif url.startswith("/login"):
        page.locator("input[type=password]").wait_for()
    else:
        page.locator(".leaflet-interactive").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


@pytest.mark.browser
def test_an_inline_script_nobody_vouched_for_does_not_run(strict_page, live_server):  # noqa: F811
    page = strict_page
    page.add_init_script(WATCH)
    page.goto(live_server + "/?layers=province")
    page.wait_for_selector("body[data-ready]")
    page.evaluate("document.body.appendChild(Object.assign(document.createElement('script'), "
                  "{textContent: 'window.__injected = 1'}))")
    assert page.evaluate("window.__injected") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
