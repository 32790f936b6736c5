"""Zones set up after the 2010 policy (Lanzhou New Area first): a layer of their own, apart from the policy's, with
each row's approval date and document, in the API, the exports, the bundle's layer list and the atlas search."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from gislayout import layers
from gislayout.export import bundle
from gislayout.maps import atlas

from .conftest import SHARED


def test_layer_is_apart_from_the_policy_layers_and_says_so():
    spec = layers.CATALOGUE["zones_after_2010"]
    assert spec.group != "layout" and "zones_after_2010" not in layers.POINT_LAYERS
    assert "after the 2010 policy" in spec.title_en and "2010 年后" in spec.title_zh


def test_rows_have_approval_date_and_document_and_lanzhou_new_area_comes_first():
    gdf = layers.load("zones_after_2010")
    assert len(gdf) == 6 and gdf["id"].iloc[0] == "zone_lanzhou_new_area"
    lna = gdf.iloc[0]
    assert (lna["approved"], lna["approval_doc"][:12]) == ("2012-08-20", "国函〔2012〕104号")
    assert lna["county"] == "永登县" and lna["precision"] == "representative"
    assert gdf["approved"].str.len().min() >= 4 and gdf["approval_doc"].str.len().min() >= 1
    assert gdf["source"].str.contains("http").all()


@pytest.mark.skipif(not (SHARED / "data" / "zones").exists(), reason="../shared not present")
def test_the_layer_is_the_shared_table():
    src = pd.read_csv(SHARED / "data" / "zones" / "gansu_post2010_zones.csv", dtype=str)
    gdf = layers.load("zones_after_2010")
    assert list(gdf["id"]) == list(src["id"]) and list(gdf["approved"]) == list(src["approved"])
    lna = src[src["id"] == "zone_lanzhou_new_area"].iloc[0]
    assert (gdf.iloc[0].geometry.x, gdf.iloc[0].geometry.y) == pytest.approx((float(lna["lon"]), float(lna["lat"])))


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_exports_carry_approval(client, fmt):
    resp = client.get(f"/api/layers/zones_after_2010?format={fmt}" if fmt != "geojson" else
                      "/api/layers/zones_after_2010")
    assert resp.status_code == 200
    text = resp.data.decode("utf-8-sig")
    assert "国函〔2012〕104号" in text and "2012-08-20" in text and "Lanzhou New Area" in text
    if fmt == "csv":
        assert len(pd.read_csv(io.StringIO(text))) == 6


def test_in_the_bundle_and_the_atlas_search():
    assert bundle.bundle_layers()["zones_after_2010"] == ("zones_after_2010", {})
    names = [z["name_en"] for z in atlas.context()["after_2010"]]
    assert names[0] == "Lanzhou New Area" and len(names) == 6
