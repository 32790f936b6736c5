"""Playwright fixtures for browser tests: one Debian chromium per session, an offline page per test.

Use from a test module with ``from .browser import browser, page  # noqa: F401`` and mark the tests
``@pytest.mark.browser``. Every request to a host other than 127.0.0.1 is aborted and recorded in
``page.blocked``; console errors and uncaught page errors are collected in ``page.errors``.
Never downloads a browser: it drives ``/usr/bin/chromium`` (override with GISLAYOUT_CHROMIUM).
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("GISLAYOUT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1"}
VIEWPORT = {"width": 1280, "height": 800}


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


# Modules import these fixtures, so each module defines its own `browser`; they all share one chromium.
_shared: dict = {}


@pytest.fixture(scope="session")
def browser():
    """A headless Debian chromium shared by the whole session (skips if chromium or playwright is missing)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install '.[test]')")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    if "browser" not in _shared:
        _shared["playwright"] = sync_api.sync_playwright().start()
        _shared["browser"] = _shared["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield _shared["browser"]
    if "browser" in _shared:  # the first module's teardown, at the end of the session, closes it
        _shared.pop("browser").close()
        _shared.pop("playwright").stop()


@pytest.fixture()
def page(browser):
    """A fresh page in its own context: off-host requests aborted (page.blocked), errors kept (page.errors).

    The page's Content-Security-Policy is bypassed, because Playwright polls a string `wait_for_function` with
    eval, which the CSP refuses; tests/test_security_browser.py uses `strict_page`, which keeps the CSP.
    """
    yield from _page(browser, bypass_csp=True)


@pytest.fixture()
def strict_page(browser):
    """Like `page`, with the pages' Content-Security-Policy enforced (no string `wait_for_function` then)."""
    yield from _page(browser, bypass_csp=False)


def _page(browser, bypass_csp: bool):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", service_workers="block", bypass_csp=bypass_csp)
    blocked: list[str] = []
    errors: list[str] = []

    def route(r):
        if _local(r.request.url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    pg = context.new_page()
    # Generous waits: the first siting run builds its stack (criteria, offtakers, grid field) on a loaded 2-core CI
    # machine; a wait is not a speed requirement (benchmarks/ measure speed).
    pg.set_default_timeout(60_000)
    pg.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    pg.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    pg.blocked = blocked
    pg.errors = errors
    yield pg
    context.close()


def reveal_marker(page, feature_id: str):
    """Open feature `feature_id` in the atlas and bring its own marker on screen (a feature sharing its place
    with others opens over its group; the group is spread for it); returns the marker's locator."""
    page.evaluate("id => new Promise(done => { Atlas.openFeature(id);"
                  " Atlas.cluster.zoomToShowLayer(Atlas.markers[id], done); })", feature_id)
    return page.locator(f".leaflet-marker-pane [data-id='{feature_id}']")
