"""Stored exclusion sets are capped: the oldest go first."""

from __future__ import annotations

import os

import geopandas as gpd
import shapely

from gislayout import config
from gislayout.analysis import exclusions


def test_the_store_keeps_at_most_max_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "BUILD_DIR", tmp_path)
    monkeypatch.setattr(exclusions, "MAX_STORED", 3)
    idents = []
    for i in range(5):
        gdf = gpd.GeoDataFrame({"fid": [1]}, geometry=[shapely.box(100 + i, 38, 100.5 + i, 38.5)], crs=config.WGS84)
        idents.append(exclusions.save(gdf))
        path = exclusions.store_dir() / f"{idents[-1]}.geojson"
        os.utime(path, (1000 + i, 1000 + i))  # distinct, ordered modification times
    kept = {p.stem for p in exclusions.store_dir().glob("*.geojson")}
    assert kept == set(idents[-3:])
