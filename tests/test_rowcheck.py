"""The edit's fast validation path (`store.rowcheck`) never accepts what pandera refuses, and gives pandera's output.

For every editable layer: each row of the curated file, and broken variants of its first row (every column
given None, an empty string, wrong types, numbers as text, out-of-range numbers, values of another column),
are checked both ways. Where the fast path says "passes", pandera must pass with the same values; where pandera
refuses, the fast path must have said None. The fast path must also accept nearly every valid row (else the
edits would all take the slow path and the speedup would be gone).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from gislayout import layers, schema
from gislayout.errors import LayerDataError
from gislayout.store import rowcheck
from gislayout.store.validation import EDITABLE, columns, layer_schema, plain


def _rows(layer: str) -> list[dict]:
    gdf = layers.load(layer)
    keep = [c for c in columns(layer) if c not in ("lon", "lat")]
    out = []
    for rec, geom in zip(gdf[keep].to_dict("records"), gdf.geometry):
        out.append({**{k: plain(v) for k, v in rec.items()}, "lon": round(geom.x, 6), "lat": round(geom.y, 6)})
    return out


def _pandera(layer: str, row: dict) -> dict | None:
    try:
        checked = schema.validate(pd.DataFrame([row]).astype(object), layer_schema(layer), "t")
    except LayerDataError:
        return None
    return {c: plain(checked.iloc[0][c]) for c in row}


def _same(a: dict, b: dict) -> bool:
    def norm(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v
    return all(norm(a[k]) == norm(b[k]) and type(norm(a[k])) is type(norm(b[k])) for k in a)


BROKEN = [None, "", "x", "12", " 7 ", "nan", "inf", -3, 5.5, 1e12, float("nan"), True, ["a"], "planned", "兰州市",
          "2010-05", "new_energy;xx"]


@pytest.mark.parametrize("layer", EDITABLE)
def test_the_fast_path_agrees_with_pandera(layer):
    rows = _rows(layer)
    # the file's rows pass pandera all at once; each must pass the fast path with the same values
    checked = schema.validate(pd.DataFrame(rows).astype(object), layer_schema(layer), layer)
    fast_ok = 0
    for i, row in enumerate(rows):
        fast = rowcheck.passes(layer_schema(layer), row)
        if fast is not None:
            fast_ok += 1
            expected = {c: plain(checked.iloc[i][c]) for c in row}
            assert _same({c: plain(fast[c]) for c in row}, expected), (layer, row)
    assert fast_ok >= 0.9 * len(rows), f"{layer}: the fast path took only {fast_ok} of {len(rows)} valid rows"

    refused = 0
    for row in rows[:1]:
        for col in list(row):
            for value in BROKEN + [r[col] for r in rows[1:3]]:
                variant = dict(row, **{col: value})
                fast = rowcheck.passes(layer_schema(layer), variant)
                slow = _pandera(layer, variant)
                if slow is None:
                    refused += 1
                    assert fast is None, (layer, col, value, "accepted by the fast path, refused by pandera")
                elif fast is not None:
                    assert _same({c: plain(fast[c]) for c in variant}, slow), (layer, col, value)
    assert refused > 50  # the variants do break rules: the comparison above is not vacuous


def test_a_schema_with_a_rule_it_does_not_know_goes_to_pandera():
    import pandera.pandas as pa
    odd = pa.DataFrameSchema({"a": pa.Column(str, pa.Check.unique_values_eq(["x"]))}, coerce=True)
    assert rowcheck.passes(odd, {"a": "x"}) is None
    strict = pa.DataFrameSchema({"a": pa.Column(str)}, coerce=True, strict=True)
    assert rowcheck.passes(strict, {"a": "x"}) is None
    plain_schema = pa.DataFrameSchema({"a": pa.Column(str, pa.Check.isin(["x"]))}, coerce=True)
    assert rowcheck.passes(plain_schema, {"a": "x"}) == {"a": "x"}
    assert rowcheck.passes(plain_schema, {"a": "y"}) is None


def test_place_by_the_index_is_place_by_every_polygon():
    import random

    import shapely

    from gislayout import boundaries
    from gislayout.errors import BadParameter
    from gislayout.store.validation import place

    def by_every_polygon(point):
        for level in ("county", "prefecture"):
            gdf = boundaries.load(level)
            hit = gdf[gdf.geometry.intersects(point)]
            if len(hit):
                row = hit.iloc[0]
                return (row["prefecture"], row["name_zh"]) if level == "county" else (row["name_zh"], None)
        return None

    rng = random.Random(7)
    vertices = shapely.get_coordinates(boundaries.load("county").geometry.boundary.values)
    points = [shapely.Point(rng.uniform(92, 109), rng.uniform(32, 43)) for _ in range(300)]
    points += [shapely.Point(*vertices[rng.randrange(len(vertices))]) for _ in range(100)]  # on shared borders
    inside = 0
    for point in points:
        expected = by_every_polygon(point)
        if expected is None:
            with pytest.raises(BadParameter):
                place(point)
        else:
            inside += 1
            assert place(point) == expected, point.wkt
    assert inside > 150


def test_a_write_returns_what_a_read_then_gives(store_url):
    from gislayout import config
    from gislayout.errors import BadParameter
    from gislayout.store import baseline, features, versions

    with config.use(config.settings().replace(database_url=store_url)):
        vid = versions.branch(baseline.ensure(), "returns", "ana")["id"]
        park = features.collection(vid, "parks")["features"][0]
        lon, lat = park["geometry"]["coordinates"]
        moved = features.update(vid, "parks", park["id"], {"geometry": {"type": "Point", "coordinates": [lon + 0.01, lat]},
                                                           "properties": {"area_ha": 12}}, park["revision"], "ana")
        assert moved == features.feature(vid, "parks", park["id"])
        assert moved["properties"]["area_ha"] == 12.0 and moved["properties"]["precision"] == "planned"
        deleted = features.delete(vid, "parks", park["id"], moved["revision"], "ana")
        assert deleted == features.feature(vid, "parks", park["id"]) and deleted["properties"]["deleted"] is True
        restored = features.restore(vid, "parks", park["id"], deleted["revision"], "ana")
        assert restored == features.feature(vid, "parks", park["id"])
        # a refusal is still pandera's, naming the field and the value
        with pytest.raises(BadParameter, match="kind.*nope"):
            features.update(vid, "parks", park["id"], {"properties": {"kind": "nope"}}, restored["revision"], "ana")
        with pytest.raises(BadParameter, match="area_ha"):
            features.update(vid, "parks", park["id"], {"properties": {"area_ha": -5}}, restored["revision"], "ana")
