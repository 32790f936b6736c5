"""Stored exclusion sets are capped: the least recently *used* go first, and an evicted set is gone everywhere."""

from __future__ import annotations

import os

import geopandas as gpd
import pytest
import shapely

from gislayout import config
from gislayout.analysis import exclusions
from gislayout.errors import NotFound

from .fixtures import siting_synthetic as synthetic


def _set(i: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"fid": [1]}, geometry=[shapely.box(100 + i, 38, 100.5 + i, 38.5)], crs=config.WGS84)


@pytest.fixture()
def store(tmp_path):
    """A build directory of its own, keeping at most three sets."""
    with config.use(config.settings().replace(build_dir=tmp_path, max_exclusion_sets=3)):
        yield exclusions.store_dir()


def _age(ident: str, seconds: int) -> None:
    path = exclusions.store_dir() / f"{ident}.geojson"
    os.utime(path, (seconds, seconds))


def test_the_store_keeps_at_most_max_stored(store):
    idents = []
    for i in range(5):
        idents.append(exclusions.save(_set(i)))
        _age(idents[-1], 1000 + i)  # distinct, ordered times of last use
    assert {p.stem for p in store.glob("*.geojson")} == set(idents[-3:])
    assert not list(store.glob("*.tmp*"))  # no temporary file left behind


def test_eviction_is_by_last_use_not_by_creation(store):
    idents = [exclusions.save(_set(i)) for i in range(3)]
    for i, ident in enumerate(idents):
        _age(ident, 1000 + i)
    exclusions.load(idents[0])  # the oldest upload, used now: a permalink in daily use
    exclusions.save(_set(3))
    kept = {p.stem for p in store.glob("*.geojson")}
    assert idents[0] in kept and idents[1] not in kept and len(kept) == 3


def test_a_cached_mask_never_outlives_its_file(store):
    stack = synthetic.stack("pv")
    ident = exclusions.save(_set(0))
    assert exclusions.mask(stack, [ident]) is not None and ident in stack.__dict__["_exclusion_masks"]
    (store / f"{ident}.geojson").unlink()  # evicted, e.g. by another worker
    with pytest.raises(NotFound, match=ident):
        exclusions.mask(stack, [ident])
