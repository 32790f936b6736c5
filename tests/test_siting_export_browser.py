"""The siting panel's export links (issue 19): the ranked zones as a GeoPackage that ogrinfo opens, and the supply
curve as CSV, each for the parameters on screen; on the synthetic stacks, in Debian's chromium."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from gislayout.analysis import criteria, service

from .browser import browser, page  # noqa: F401  (shared fixtures)
from .fixtures import siting_synthetic as synthetic

pytestmark = pytest.mark.browser
LINK = "#siting=tech%3Dpv%26max_zone%3D0%26min_area%3D1"


@pytest.fixture(autouse=True)
def synthetic_stacks(monkeypatch):
    stacks = {tech: synthetic.stack(tech) for tech in criteria.TECHS}
    monkeypatch.setattr(service, "stack", lambda tech: stacks[tech])


def test_the_zones_and_the_supply_curve_export_from_the_panel(page, live_server, tmp_path):
    ogrinfo = shutil.which("ogrinfo")
    if not ogrinfo:
        pytest.skip("needs gdal-bin's ogrinfo")
    page.goto(f"{live_server}/siting?lang=en{LINK}")
    rows = page.locator(".siting-table tbody tr")
    rows.first.wait_for(timeout=60000)
    zones = page.get_attribute(".siting-export[data-format=gpkg]", "href")
    resp = page.request.get(live_server + zones if zones.startswith("/") else zones)
    assert resp.ok, resp.text()
    path = tmp_path / "zones.gpkg"
    path.write_bytes(resp.body())
    out = subprocess.run([ogrinfo, "-ro", "-al", "-so", str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(re.search(r"Feature Count: (\d+)", out.stdout).group(1)) == rows.count()
    supply = page.get_attribute(".siting-export[data-what=supply]", "href")
    assert "format=csv" in supply and "max_zone=0" in supply
    csv = page.request.get(live_server + supply if supply.startswith("/") else supply)
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text().strip().splitlines()) >= 2  # a header and the curve
    assert page.inner_text(".siting-export[data-what=supply]") == "Supply curve CSV"
    assert not page.errors and not page.blocked
