"""Choropleth classes by a named method (Fisher–Jenks natural breaks, mapclassify), shown in the legend; not equal
intervals, which put 13 of 14 prefectures in one class of recorded wind MW."""

from __future__ import annotations

from collections import Counter

import pytest

from gislayout import choropleth


def test_natural_breaks_keep_apart_what_equal_intervals_lump():
    values = [0.0] * 8 + [48.0, 99.0, 201.0, 1500.0, 2400.0, 6294.0]
    limits = choropleth.natural_breaks(values)
    classes = Counter(choropleth.class_of(v, limits) for v in values)
    assert len(limits) == choropleth.CLASSES + 1 and limits[0] == 0.0 and limits[-1] == 6294.0
    assert max(classes.values()) <= 9 and len(classes) == choropleth.CLASSES
    equal = Counter(choropleth.class_of(v, choropleth.breaks(values)) for v in values)
    assert max(equal.values()) >= 11  # what the old equal intervals did


@pytest.mark.parametrize("values, n", [([3.0, 3.0, 3.0], 5), ([0.0, 1.0, 1.0, 2.0], 3)])
def test_fewer_distinct_values_than_classes(values, n):
    limits = choropleth.natural_breaks(values)
    assert len(limits) - 1 == n
    assert all(choropleth.class_of(v, limits) is not None for v in values)


@pytest.mark.parametrize("stat", ["mw_wind", "bases", "parks"])
def test_the_answer_names_its_method_and_classes_every_unit_within_its_limits(client, stat):
    body = client.get(f"/api/choropleth?unit=prefectures&stat={stat}").json
    assert body["method"] == "fisher_jenks" and "Fisher–Jenks" in body["method_en"] and "自然断点" in body["method_zh"]
    assert len(body["colours"]) == len(body["breaks"]) - 1
    for row in body["rows"]:
        if row["value"] is not None:
            assert body["breaks"][row["class"]] <= row["value"] <= body["breaks"][row["class"] + 1]
    if stat == "mw_wind":
        biggest = Counter(r["class"] for r in body["rows"]).most_common(1)[0][1]
        assert biggest < 13
