"""/compare's offtaker rows: the PV potential reachable by the offtakers located in an area, on the real PV stack.

The expected sum is computed here independently: the default run's offtakers (service.summary) placed in their
prefecture by a point-in-polygon test written out over the prefecture boundaries, then summed over the area.
"""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from gislayout import boundaries, compare, dataversion
from gislayout.analysis import criteria, service
from gislayout.compare import labels, siting

from .fixtures.resources import synth


@pytest.fixture(scope="module")
def real():
    """The default PV run's offtakers on the real 1 km stack, inside its build directory."""
    with synth.use_build_dir(synth.session_build_dir()):
        stack = criteria.build("pv")
        summary = service.summary(service.run(stack, service.parse(stack, {})))
        yield summary["offtakers"]


def expected(offtakers: list[dict], area_key: str) -> float:
    area = compare.parse_area(area_key)
    shapes = boundaries.load("prefecture").set_index("name_zh").loc[list(area.prefectures), "geometry"]
    return sum(o["reachable_mw"] for o in offtakers
               if any(shape.covers(Point(o["lon"], o["lat"])) for shape in shapes))


@pytest.mark.parametrize("key", ["zone:2009:hexi", "prefecture:酒泉市", "prefecture:兰州市", "province"])
def test_offtaker_row_sums_the_offtakers_in_the_area(real, key, monkeypatch):
    with synth.use_build_dir(synth.session_build_dir()):
        monkeypatch.setattr(siting, "_offtakers", dataversion.cached(maxsize=4)(siting._offtakers.__wrapped__))
        monkeypatch.setattr(siting, "_by_prefecture", dataversion.cached(maxsize=4)(siting._by_prefecture.__wrapped__))
        table = compare.summarise(compare.parse_area(key)).set_index("metric")
        want = expected(real, key)
    got = table.loc["siting_pv_offtaker_reachable_mw", "value"]
    assert table.loc["siting_pv_offtaker_reachable_mw", "units"] == "MW"
    assert got == pytest.approx(want, abs=0.1 * max(1, len(real)))
    if key == "province":  # every offtaker lies in some prefecture: the province sums them all
        assert got == pytest.approx(sum(o["reachable_mw"] for o in real), abs=0.1 * len(real))
        assert got > 0


def test_offtaker_row_label_says_upper_bound():
    en = labels.label("siting_pv_offtaker_reachable_mw", "en")
    zh = labels.label("siting_pv_offtaker_reachable_mw", "zh")
    assert "upper bound" in en and "several offtakers" in en and "PV" in en
    assert "上限" in zh and "光伏" in zh
