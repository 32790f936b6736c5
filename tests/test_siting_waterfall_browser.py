"""Where the area went, in the siting panel (static/siting/waterfall.js) in a real browser: a small waterfall from
the province's area through each cause to the suitable area and the zones, in the panel's language."""

from __future__ import annotations

import pytest

from gislayout.analysis import criteria, service

from .browser import browser, page  # noqa: F401  (shared fixtures: Debian chromium, off-host requests aborted)
from .fixtures import siting_synthetic as synthetic

pytestmark = pytest.mark.browser
LINK = "#siting=tech%3Dpv%26max_zone%3D0%26min_area%3D1"


@pytest.fixture(autouse=True)
def synthetic_stacks(monkeypatch):
    stacks = {tech: synthetic.stack(tech) for tech in criteria.TECHS}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])


def rows(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.siting-waterfall .siting-wf-row')].map((g) => ({
        kind: g.getAttribute('class'), km2: Number(g.dataset.km2),
        label: g.querySelector('.siting-wf-label').textContent }))""")


@pytest.mark.parametrize("lang, province, suitable", [("en", "Province", "Suitable"), ("zh", "全省", "适宜")])
def test_waterfall_goes_from_the_province_to_the_suitable_area(page, live_server, lang, province, suitable):
    page.goto(f"{live_server}/siting?lang={lang}{LINK}")
    page.locator(".siting-waterfall svg").wait_for(timeout=60000)
    got = rows(page)
    assert got[0]["label"] == province and "total" in got[0]["kind"]
    steps = [r for r in got if "step" in r["kind"]]
    assert steps and all(r["km2"] > 0 for r in steps)
    fit = next(r for r in got if r["label"] == suitable)
    removed_before_suitable = sum(r["km2"] for r in got[:got.index(fit)] if "step" in r["kind"])
    assert got[0]["km2"] - removed_before_suitable == pytest.approx(fit["km2"], abs=1)
    body = page.evaluate("() => fetch('/api/siting/run?tech=pv&max_zone=0&min_area=1').then((r) => r.json())")
    assert got[0]["km2"] == pytest.approx(body["waterfall"]["province_km2"], abs=0.5)
    assert not page.errors and not page.blocked
